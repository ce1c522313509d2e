"""The totals of a piece: the queries' statuses and response times, the broadcasts' and
press events' counts, and the programmes'."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from engagement_report.accountable_parts import unit_part
from engagement_report.aggregates.model import _STATUSES, PRESS_COUNTS, Partial
from engagement_report.deadlines import closed_undated
from engagement_report.figures import response_days
from engagement_report.questions import press_events_with_log
from engagement_report.tally import Tally
from engagement_report.validation.rows import NOT_STATED


def piece_totals(
    queries: pd.DataFrame,
    stood: pd.DataFrame,
    broadcasts: pd.DataFrame,
    press_events: pd.DataFrame,
    press_questions: pd.DataFrame | None = None,
    days: pd.Series | None = None,
) -> Partial:
    """The totals' part of :func:`partial` (``stood``: the queries as at the cut-off)."""
    counts = stood["status"].value_counts(dropna=True)
    # The same rule as the ``closed_undated`` deadline class (at the cut-off an answer
    # dated later reads in progress, undated either way), so the two counts agree.
    undated = closed_undated(stood["status"], stood["answered_at"])
    days = response_days(stood) if days is None else days
    return replace(
        event_partial(broadcasts, press_events, press_questions),
        received=len(stood),
        statuses=tuple(int(counts.get(s, 0)) for s in _STATUSES),  # type: ignore[arg-type]
        closed_undated=int(undated.sum()),
        days=Tally.of(days.to_numpy()),
        answered_by_export=int(queries["status"].eq("answered").fillna(False).sum()),
    )


def event_partial(
    broadcasts: pd.DataFrame,
    press_events: pd.DataFrame,
    press_questions: pd.DataFrame | None = None,
) -> Partial:
    """The broadcasts' and press events' part of :func:`partial` (their totals); the press
    events are the events sheet's and the question log's, combined day by day
    (:func:`~engagement_report.questions.press_events_with_log`)."""
    segments = broadcasts["tv_segments"]
    logged = 0 if press_questions is None else len(press_questions)
    events = press_events_with_log(press_events, press_questions) if logged else press_events
    # A count the events lack as a column (outlets without a log) is recorded for none.
    recorded = {
        c: events[c] if c in events else pd.Series(pd.NA, index=events.index) for c in PRESS_COUNTS
    }
    return Partial(
        broadcasts=len(broadcasts),
        questions_answered=_sum(broadcasts["questions_answered"]),
        tv_segments=_sum(segments),
        tv_segments_recorded=int(segments.notna().sum()),
        press_events=len(events),
        press_sums=tuple(_sum(recorded[c].dropna()) for c in PRESS_COUNTS),  # type: ignore[arg-type]
        press_missing=tuple(int(recorded[c].isna().sum()) for c in PRESS_COUNTS),  # type: ignore[arg-type]
        questions_logged=logged,
        accountable=unit_part(broadcasts["questions_answered"], recorded["publications"]),
    )


def _sum(values: pd.Series) -> int:
    return int(values.sum()) if len(values) else 0


def programs(broadcasts: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Each programme's broadcasts and questions answered on air (a blank programme is
    '(not stated)'), in the order of the programmes' names."""
    if broadcasts.empty:
        return {}
    labels = broadcasts["program"].astype("string").fillna(NOT_STATED)
    # A few dozen rows a month: counted with NumPy, not a pandas group-by's machinery.
    codes, names = pd.factorize(labels, sort=True)
    sizes = np.bincount(codes, minlength=len(names))
    answered = broadcasts["questions_answered"].to_numpy(dtype=float, na_value=0.0)
    totals = np.bincount(codes, weights=answered, minlength=len(names))
    return {
        str(name): (int(size), int(total))
        for name, size, total in zip(names, sizes, totals, strict=True)
    }
