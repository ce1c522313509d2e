"""The partial aggregates of a piece of a period's rows (:func:`partial`) and of a
window's rows (:func:`window_partial`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.accountable_parts import accountable_part
from engagement_report.aggregates.categories import category_parts
from engagement_report.aggregates.deadline_columns import (
    DEADLINE_COLUMNS,
    queries_deadline_inputs,
)
from engagement_report.aggregates.model import _OPEN, DIMENSIONS, Detail, Partial, Rules
from engagement_report.aggregates.totals import piece_totals, programs
from engagement_report.deadlines import (
    DEADLINE_CLASSES,
    DeadlineInputs,
    classes_at,
    working_days_between,
)
from engagement_report.figures import at_cutoff, measurable, response_days, within
from engagement_report.open_list import OpenList
from engagement_report.periods import Window
from engagement_report.questions import asked_parts
from engagement_report.raised import topics_raised
from engagement_report.tally import Tally


def partial(
    queries: pd.DataFrame,
    broadcasts: pd.DataFrame,
    press_events: pd.DataFrame,
    cutoff: date,
    rules: Rules,
    *,
    detail: Detail = Detail.FULL,
    press_questions: pd.DataFrame | None = None,
    inputs: DeadlineInputs | None = None,
    export_date: date | None = None,
) -> tuple[Partial, pd.Series | None]:
    """The partial aggregates of a piece of one period's rows (each frame holds only rows
    dated in the period), as of the end of ``cutoff``; and each query's deadline class
    (for the export's overdue marks compared; None at ``Detail.TOTALS``).

    ``press_questions``: the question log's rows of the piece, if any. A piece holds whole
    days of the press events and of the log (the two are combined day by day: an archive's
    month holds the month's days of both).

    ``detail``: how much is worked out (:class:`~engagement_report.aggregates.model.Detail`):
    the totals alone, all a comparison with an earlier period needs; with the deadline
    classes, all a trend month needs; or everything. ``inputs``: ``queries``' deadline
    inputs (:func:`~engagement_report.deadlines.deadline_inputs` under ``rules``), when the
    caller has worked them out for another use of the same rows too. ``export_date``: the
    day the export was taken, which the export's own overdue marks are compared as of.
    """
    stood = at_cutoff(queries, cutoff)
    if detail is Detail.TOTALS:
        return piece_totals(queries, stood, broadcasts, press_events, press_questions), None
    if inputs is None:
        inputs = queries_deadline_inputs(queries, rules)
    status, deadline, answered_at = inputs
    classes = classes_at(status, deadline, answered_at, cutoff)
    class_codes = np.asarray(classes.cat.codes, dtype=np.int64)
    days = response_days(stood)
    totals = piece_totals(queries, stood, broadcasts, press_events, press_questions, days)
    redirected = status.eq("redirected").to_numpy(dtype=bool)
    on_time, late = (class_codes == DEADLINE_CLASSES.index(c) for c in ("on_time", "late"))
    is_open = np.isin(class_codes, [DEADLINE_CLASSES.index(c) for c in _OPEN])
    counted = replace(
        totals,
        classes=tuple(  # type: ignore[arg-type]
            int(n) for n in np.bincount(class_codes + 1, minlength=len(DEADLINE_CLASSES) + 1)[1:]
        ),
        redirected_classes=(
            int((redirected & on_time).sum()),
            int((redirected & late).sum()),
            int((redirected & is_open).sum()),
        ),
        extended=int(queries["extended_until"].notna().sum()) if "extended_until" in queries else 0,
        deadlines_known=int(deadline.notna().sum()),
    )
    if detail is Detail.CLASSES:
        return counted, classes
    answered = stood["status"].eq("answered").fillna(False).to_numpy(dtype=bool)
    measured = measurable(stood)  # the rows of ``days``, by position
    times = days.to_numpy(dtype=float)
    categories = {
        d: category_parts(stood[d], answered, measured, times, class_codes)
        for d in DIMENSIONS
        if d in stood
    }
    closed_answered = (on_time | late) & status.eq("answered").to_numpy(dtype=bool)
    working = working_days_between(
        queries["received_at"][closed_answered],
        queries["answered_at"][closed_answered],
        rules.calendar,
    )
    return (
        replace(
            counted,
            categories=categories,
            asked={} if press_questions is None else asked_parts(press_questions),
            working_days=Tally.of(working.to_numpy(dtype=float)),
            programs=programs(broadcasts),
            open_list=OpenList.of(queries, classes, cutoff),
            raised={
                "broadcasts": topics_raised(broadcasts),
                "press_events": topics_raised(press_events),
            },
            accountable=totals.accountable
            + accountable_part(queries, stood, DIMENSIONS, inputs, export_date),
        ),
        classes,
    )


#: The query columns :func:`partial` reads at ``Detail.CLASSES`` (and so at ``TOTALS``),
#: with the date :func:`window_partial` places a query by: a caller filtering a million
#: rows for these levels copies them alone, not the ids and texts.
CLASSES_COLUMNS = (
    "received_at",
    "answered_at",
    "status",
    "response_ok",
    "response_days",
    "deadline",
    "deadline_timed",
    "extended_until",
    *DEADLINE_COLUMNS,
)


#: A window whose partial aggregates a figure is finished from, and how much of them it
#: reads (:class:`~engagement_report.aggregates.model.Detail`).
Request = tuple[Window, Detail]
#: Partial aggregates already combined, by request (the Dask engine's, from the cluster).
Combined = Mapping[Request, Partial]


def window_partial(
    frames: Mapping[str, pd.DataFrame],
    window: Window,
    rules: Rules,
    *,
    detail: Detail = Detail.FULL,
    combined: Combined | None = None,
    export_date: date | None = None,
) -> Partial:
    """The partial aggregates of ``window``: from ``combined`` when it is given (a window
    it lacks is a bug: the requests were planned short), else of the rows of ``frames``
    (each dataset's rows, any of them: the question log's if it is there) dated in the
    window's period. ``export_date``: as :func:`partial` has it."""
    if combined is not None:
        return combined[window, detail]
    inside = {
        dataset: within(frames[dataset], column, window.period)
        for dataset, column in _DATES.items()
        if dataset in frames
    }
    return partial(
        inside["queries"],
        inside["broadcasts"],
        inside["press_events"],
        window.cutoff,
        rules,
        detail=detail,
        press_questions=inside.get("press_questions"),
        export_date=export_date,
    )[0]


#: The date that places a row of each dataset in a period.
_DATES = {
    "queries": "received_at",
    "broadcasts": "date",
    "press_events": "date",
    "press_questions": "date",
}
