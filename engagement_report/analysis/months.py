"""The 12-month trend: each month's figures finished from its partial aggregates, as
every figure of a period is (:mod:`engagement_report.aggregates`)."""

from __future__ import annotations

from concurrent.futures import CancelledError, Future
from dataclasses import replace

from engagement_report.aggregates import (
    CLASSES_COLUMNS,
    Combined,
    Detail,
    Partial,
    Request,
    Rules,
    broadcast_result,
    deadline_result,
    press_result,
    query_result,
    window_partial,
)
from engagement_report.analysis.period import figure_rules, restrict
from engagement_report.config import Config
from engagement_report.dated import Dated
from engagement_report.models import CleanData
from engagement_report.month_coverage import month_coverage
from engagement_report.periods import Window, period_for_span
from engagement_report.results import TrendPoint
from engagement_report.standing import (
    Ask,
    backlog,
    counted_before,
    given_dated,
    given_standing,
    standing,
)

#: The datasets whose rows a month's partial aggregates are of.
_DATASETS = ("queries", "broadcasts", "press_events", "press_questions")


def trend_windows(window: Window) -> list[Window]:
    """The 12 calendar months up to the window's end, each as :meth:`Window.at` has it:
    the last month counted up to the report's end, every month as of the report's
    cut-off (so the months add up to the report's figures, and a monthly report's own
    month is its window)."""
    return [window.at(month) for month in window.period.trailing_months(12)]


def trend_requests(window: Window) -> list[Request]:
    """The partial aggregates the trend is finished from: each month's totals with its
    deadline classes (the on-time share and the queries still within their term), no
    breakdowns (:class:`~engagement_report.aggregates.Detail`)."""
    return [(piece, Detail.CLASSES) for piece in trend_windows(window)]


def trend(
    data: CleanData,
    window: Window,
    config: Config,
    rules: Rules | None = None,
    combined: Combined | None = None,
    own: Future[Partial] | None = None,
    days: Dated | None = None,
) -> tuple[TrendPoint, ...]:
    """The 12 calendar months up to the window's end, month by month.

    Each point's figures are its month's partial aggregates finished by the functions
    that finish a period's (:func:`~engagement_report.aggregates.query_result` and the
    like): the trend's point for a monthly report's own month is that report's figure
    by construction. ``combined``: the months' partial aggregates already worked out
    (the Dask engine's, on the cluster), else they are worked out here on ``data``.
    ``rules``: the report's (:func:`figure_rules` of ``config`` when not given).
    ``own``: the window's own partial aggregates, as its figures work them out: the
    last month's when that month is the window (the same rows, the same cut-off).
    The backlog (queries whenever received) and each month's coverage are of the whole
    data: its :class:`~engagement_report.standing.Standing` and days, from ``combined``
    when it has them (the days: ``days``, when already worked out), else worked out on
    ``data``.
    """
    windows = trend_windows(window)
    rules = figure_rules(config) if rules is None else rules
    frames = None
    if combined is None:
        # Each month's rows are found in the year's, not in the whole data's, and only
        # the columns its totals and deadline classes read are copied.
        columns = [c for c in CLASSES_COLUMNS if c in data.queries]
        year = restrict(
            replace(data, queries=data.queries[columns]),
            period_for_span(windows[0].period.start, windows[-1].period.end),
        )
        frames = {dataset: year.frame(dataset) for dataset in _DATASETS}
    # Open at each month's last day counted: every query, whenever received.
    ask = Ask(tuple(w.period.end for w in windows))
    rows = given_standing(combined)
    if rows is None:
        rows = standing(data.queries, ask, rules.calendar)
    counts = backlog(rows + counted_before(data.open_before, ask, rules.calendar), ask.days)
    days = given_dated(combined) if days is None else days
    covered = month_coverage(data, [piece.period for piece in windows], days)
    points = []
    for i, piece in enumerate(windows):
        part = _own(own, window, piece) or window_partial(
            frames or {}, piece, rules, detail=Detail.CLASSES, combined=combined
        )
        queries, deadlines = query_result(part), deadline_result(part, piece, rules)
        on_air, press = broadcast_result(part), press_result(part)
        # A month a dataset holds no data for gets no figures of it: a gap, not zeros.
        held = {d: c.state != "none" for d, c in covered[i].items()}
        asked = held.get("queries", True)
        aired = held.get("broadcasts", True)
        pressed = held.get("press_events", True)
        points.append(
            TrendPoint(
                month=piece.period,
                received=queries.received if asked else None,
                answered=queries.answered if asked else None,
                answered_share=queries.answered_share if asked else None,
                on_time_share=deadlines.on_time_share if asked and deadlines else None,
                broadcasts=on_air.broadcasts if aired else None,
                questions_answered=on_air.questions_answered if aired else None,
                press_events=press.press_events if pressed else None,
                publications=press.publications if pressed else None,
                backlog=counts[i],
                covered=covered[i],
                still_due=deadlines.open_not_due if asked and deadlines else 0,
            )
        )
    return tuple(points)


def _own(own: Future[Partial] | None, window: Window, piece: Window) -> Partial | None:
    """The window's own partial aggregates for ``piece`` when ``piece`` has the window's
    rows and cut-off (a monthly report's own month), waiting for them; None otherwise,
    or when the figures failed before working them out."""
    if own is None or (piece.period, piece.cutoff) != (window.period, window.cutoff):
        return None
    try:
        return own.result()
    except CancelledError:
        return None
