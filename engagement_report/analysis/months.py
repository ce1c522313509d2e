"""The 12-month trend: each month's figures in one pass over the year's queries."""

from __future__ import annotations

import numpy as np

from engagement_report.aggregates import Rules, broadcast_result, event_partial, press_result
from engagement_report.analysis.period import figure_rules, restrict
from engagement_report.config import Config
from engagement_report.deadlines import (
    classes_at,
    deadline_inputs,
)
from engagement_report.figures import (
    share,
    within,
)
from engagement_report.models import CleanData
from engagement_report.month_coverage import month_coverage
from engagement_report.periods import Window, period_for_span
from engagement_report.results import TrendPoint
from engagement_report.views import backlog_at


def trend(
    data: CleanData, window: Window, config: Config, rules: Rules | None = None
) -> tuple[TrendPoint, ...]:
    """The 12 calendar months up to the window's end, month by month.

    Each point holds what :func:`compute` gives for that month's window
    (:meth:`Window.at`: the last month counted up to the report's end, every month as
    of the report's cut-off, so the months add up to the report's figures). The year's
    queries are counted in one pass: each row gets its month's number and its month's
    cut-off, and the counts are bincounts by month. ``rules``: the report's
    (:func:`figure_rules` of ``config`` when not given).
    """
    windows = [window.at(month) for month in window.period.trailing_months(12)]
    year = restrict(data, period_for_span(windows[0].period.start, windows[-1].period.end))
    queries = year.queries
    rules = figure_rules(config) if rules is None else rules
    status, deadline, answered_at = deadline_inputs(queries, rules.deadlines, rules.calendar)
    received = queries["received_at"].to_numpy(dtype="datetime64[ns]")
    # restrict() kept only rows dated inside the twelve months: each has a month 0..11.
    first = np.datetime64(windows[0].period.start.isoformat(), "M")
    month_of = (received.astype("datetime64[M]") - first).astype(np.int64)
    count = len(windows)
    cutoffs = np.array([np.datetime64(w.cutoff.isoformat(), "ns") for w in windows])
    row_cutoff = cutoffs[month_of]
    classes = classes_at(status, deadline, answered_at, row_cutoff).to_numpy()
    on_time = np.bincount(month_of[classes == "on_time"], minlength=count)
    late = np.bincount(month_of[classes == "late"], minlength=count)
    not_due = np.bincount(month_of[classes == "open_not_due"], minlength=count)
    totals = np.bincount(month_of, minlength=count)
    # Answered by the month's cut-off (the end of its day), as at_cutoff() has it.
    answered_by = queries["answered_at"].to_numpy(dtype="datetime64[ns]")
    in_time = ~(answered_by >= row_cutoff + np.timedelta64(1, "D"))
    is_answered = queries["status"].eq("answered").fillna(False).to_numpy(dtype=bool)
    answered = np.bincount(month_of[is_answered & in_time], minlength=count)
    # Open at each month's last day counted: every query, whenever received.
    backlog = backlog_at(data.queries, [w.period.end for w in windows], before=data.open_before)
    covered = month_coverage(data, [piece.period for piece in windows])
    points = []
    for i, piece in enumerate(windows):
        month = piece.period
        events = event_partial(
            within(year.broadcasts, "date", month),
            within(year.press_events, "date", month),
            within(year.press_questions, "date", month),
        )
        on_air, press = broadcast_result(events), press_result(events)
        # A month a dataset holds no data for gets no figures of it: a gap, not zeros.
        held = {d: c.state != "none" for d, c in covered[i].items()}
        asked = held.get("queries", True)
        aired = held.get("broadcasts", True)
        pressed = held.get("press_events", True)
        points.append(
            TrendPoint(
                month=month,
                received=int(totals[i]) if asked else None,
                answered=int(answered[i]) if asked else None,
                answered_share=share(int(answered[i]), int(totals[i])) if asked else None,
                on_time_share=share(int(on_time[i]), int(on_time[i] + late[i])) if asked else None,
                broadcasts=on_air.broadcasts if aired else None,
                questions_answered=on_air.questions_answered if aired else None,
                press_events=press.press_events if pressed else None,
                publications=press.publications if pressed else None,
                backlog=backlog[i],
                covered=covered[i],
                still_due=int(not_due[i]) if asked else 0,
            )
        )
    return tuple(points)
