"""Views readers of 311 and statistics bulletins expect, computed from clean frames:
when each query was open (the backlog and the ages of open queries are counted from it,
:mod:`engagement_report.standing`), the topics that rose or fell beyond noise, and the
year to date against the same part of last year.

Every view is as of the report's one cut-off: a query answered after it is open.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from engagement_report.aggregates import (
    Combined,
    Detail,
    Partial,
    Rules,
    part_figures,
    window_partial,
)
from engagement_report.dated import Dated, dated, every_month_held, record_days
from engagement_report.deadlines import WorkingCalendar, working_days_between
from engagement_report.deadlines.classes import CLOSING_STATUSES
from engagement_report.moments import NAT
from engagement_report.periods import Period, Window, period_for_span
from engagement_report.results import (
    Against,
    TopicChange,
    TopicShifts,
    YearToDate,
    YearToDateRow,
)
from engagement_report.validation.rows import NOT_STATED

#: Ages of open queries in working days since registration: within the legal term of
#: 15 working days, within twice it, and beyond.
AGE_BINS: tuple[tuple[int, int | None], ...] = ((0, 15), (16, 30), (31, None))

#: The level a topic's change must reach to count as beyond noise (two-sided, over
#: the topics tested in one comparison, Holm's correction).
NOISE_LEVEL = 0.05

#: How many rising and falling topics a comparison lists at most.
SHIFTS_SHOWN = 5


_NEVER = np.iinfo(np.int64).max  # the closing moment of a query never closed


def closing_moments(queries: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each dated query's moment of receipt and the moment it stopped being open, as
    nanosecond integers (a registry's million rows compare ten times faster so).

    A query is open from receipt until it was answered, rejected or forwarded. One with a
    closing status and no answer date is taken as the export says, closed, and (no date
    saying when) is never counted open; one with any other status is open for good. A
    query without a date of receipt is in no backlog.
    """
    received = queries["received_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    answered = queries["answered_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    status = queries["status"]
    if isinstance(status.dtype, pd.CategoricalDtype):
        # Each status spelling looked up once, the rows follow by their codes.
        known = np.append(status.cat.categories.isin(CLOSING_STATUSES), False)
        codes = np.asarray(status.cat.codes, dtype=np.int64)
        closing = known[codes]  # code -1 (blank) picks the appended False
    else:
        closing = status.isin(CLOSING_STATUSES).to_numpy(dtype=bool, copy=True)
    undated = answered == NAT
    # A blank status with an answer date reads as answered (figures.METRICS, answered).
    closing = closing | (status.isna().to_numpy(dtype=bool) & ~undated)
    # Closed on receipt: without an answer date, or with one before receipt.
    closed = np.where(closing, np.maximum(np.where(undated, received, answered), received), _NEVER)
    dated = received != NAT
    return received[dated], closed[dated]


def day_ends(days: list[date]) -> np.ndarray:
    """The first moment after each day (nanosecond integers): a day's figures run to its end."""
    return np.array(
        [np.datetime64((day + timedelta(days=1)).isoformat(), "ns") for day in days],
        dtype="datetime64[ns]",
    ).view(np.int64)


Moments = tuple[np.ndarray, np.ndarray]  # closing_moments()'s


def older_than_every_age_bin(received: datetime, cutoff: date, calendar: WorkingCalendar) -> bool:
    """Whether a query received at ``received`` and open at the end of ``cutoff`` falls in
    the last of :data:`AGE_BINS` (so does every query received before it: registration
    and working days keep the order of the dates)."""
    moment = pd.Series([pd.Timestamp(received)], dtype="datetime64[ns]")
    registered = calendar.registered_on(moment)
    age = working_days_between(registered, pd.Series([pd.Timestamp(cutoff)]), calendar)
    return bool(age.iloc[0] >= AGE_BINS[-1][0])


# --- topics that rose and fell -------------------------------------------------------


def rate_test(now: int, then: int, days_now: int, days_then: int) -> float:
    """Two-sided p-value that two Poisson counts over ``days_now`` and ``days_then`` days
    share one daily rate: the exact conditional test (given the total, ``now`` is
    binomial with the share of days; the p-value sums every outcome no likelier)."""
    total = now + then
    if total == 0:
        return 1.0
    p = days_now / (days_now + days_then)
    k = np.arange(total + 1)
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, total + 1)))])
    log_pmf = (
        log_factorial[total]
        - log_factorial[k]
        - log_factorial[total - k]
        + k * math.log(p)
        + (total - k) * math.log1p(-p)
    )
    # Outcomes as likely as the one seen, up to rounding, count too.
    tail = log_pmf <= log_pmf[now] + 1e-7
    return float(min(1.0, np.exp(log_pmf[tail]).sum()))


def holm(p_values: list[float], level: float = NOISE_LEVEL) -> list[bool]:
    """Which of ``p_values`` stay below ``level`` after Holm's step-down correction."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    passed = [False] * len(p_values)
    for rank, i in enumerate(order):
        if p_values[i] > level / (len(p_values) - rank):
            break
        passed[i] = True
    return passed


def _topic_counts(part: Partial) -> dict[str, int]:
    """Each topic's queries received (``part``: the partial aggregates of a period's rows)."""
    return {label: p.received for label, p in part.categories.get("topic", {}).items()}


def topic_shifts(
    counts_now: Mapping[str, int],
    counts_then: Mapping[str, int],
    days: tuple[int, int],
    min_count: int,
    against: Against,
    period: Period,
) -> TopicShifts:
    """The topics whose count in the period (``counts_now``: queries received per topic)
    moved beyond noise against the earlier period's (``counts_then``); ``days``: the two
    periods' lengths. A topic is tested when it has at least ``min_count`` queries in one
    of the two ('(not stated)' is no topic); the changes are listed biggest first (the
    earlier count scaled to as many days)."""
    topics = sorted(
        t
        for t in (set(counts_now) | set(counts_then)) - {NOT_STATED}
        if max(counts_now.get(t, 0), counts_then.get(t, 0)) >= min_count
    )
    pairs = [(counts_now.get(t, 0), counts_then.get(t, 0)) for t in topics]
    p_values = [rate_test(a, b, *days) for a, b in pairs]
    beyond = holm(p_values)
    scale = days[0] / days[1]
    changes = []
    for topic, (a, b), p_value, moved in zip(topics, pairs, p_values, beyond, strict=True):
        if moved:
            relative = (a - b) / b if b >= min_count else None
            changes.append((a - b * scale, TopicChange(topic, a, b, relative, p_value)))
    changes.sort(key=lambda item: (-abs(item[0]), item[1].topic))
    rose = tuple(c for size, c in changes if size > 0)[:SHIFTS_SHOWN]
    fell = tuple(c for size, c in changes if size < 0)[:SHIFTS_SHOWN]
    return TopicShifts(against, period, True, len(topics), rose, fell)


# --- year to date --------------------------------------------------------------------


_DATE_COLUMNS = {"queries": "received_at", "broadcasts": "date", "press_events": "date"}


def year_to_date_window(window: Window) -> Window | None:
    """1 January of the period's last year to the period's counted end, as of the same
    cut-off; None when that is the period itself (a January or a first quarter)."""
    end = window.period.end
    start = date(end.year, 1, 1)
    if start == window.period.start:
        return None
    whole = period_for_span(start, date(end.year, 12, 31))
    return Window(whole, period_for_span(start, end), window.cutoff)


YEAR_TO_DATE_ROWS: tuple[tuple[str, str], ...] = (
    ("queries", "received"),
    ("queries", "answered"),
    ("queries", "answered_share"),
    ("queries", "median_response_days"),
    ("broadcasts", "broadcasts"),
    ("press_events", "press_events"),
)


def year_to_date_windows(window: Window) -> tuple[Window, Window] | None:
    """The year to date of ``window`` (:func:`year_to_date_window`) and the same part of
    last year: the same dates a year earlier (29 February as 28), as long after them to
    answer; None when the year to date is the period itself."""
    ytd = year_to_date_window(window)
    if ytd is None:
        return None
    last_year = ytd.period.year_ago()
    return ytd, Window(ytd.whole.year_ago(), last_year, last_year.end + window.lag)


def year_to_date(
    frames: dict[str, pd.DataFrame],
    window: Window,
    present: frozenset[str],
    rules: Rules,
    combined: Combined | None = None,
    days: Dated | None = None,
) -> YearToDate | None:
    """The year to date of ``window`` beside the same part of last year (None when the
    year to date is the period itself). ``frames``: each dataset's clean frame, whole;
    ``combined``: the two windows' totals already worked out (the Dask engine's);
    ``days``: the days the frames hold records on (:func:`~engagement_report.dated.dated`
    of them when not given)."""
    windows = year_to_date_windows(window)
    if windows is None:
        return None
    ytd, earlier = windows

    # Only the columns the totals read are filtered: a registry's ids and texts stay put.
    needed = ["received_at", "answered_at", "status", "response_ok", "response_days"]
    all_queries = frames["queries"][needed]

    def totals(piece: Window) -> dict[tuple[str, str], float | None]:
        part = window_partial(
            # Press events are the events sheet's and the question log's.
            {**frames, "queries": all_queries},
            piece,
            rules,
            detail=Detail.TOTALS,
            combined=combined,
        )
        q, b, p = part_figures(part)
        return {
            ("queries", "received"): q.received,
            ("queries", "answered"): q.answered,
            ("queries", "answered_share"): q.answered_share,
            ("queries", "median_response_days"): q.median_response_days,
            ("broadcasts", "broadcasts"): b.broadcasts,
            ("press_events", "press_events"): p.press_events,
        }

    days = dated(frames) if days is None else days
    # The question log's events are press events: its dates count as theirs (record_days).
    covered = {
        dataset: every_month_held(record_days(days, dataset), ytd.period)
        and every_month_held(record_days(days, dataset), earlier.period)
        for dataset in sorted(present or _DATE_COLUMNS)
        if dataset in _DATE_COLUMNS
    }
    now, then = totals(ytd), totals(earlier)
    rows = tuple(
        YearToDateRow(
            dataset,
            metric,
            now[dataset, metric],
            then[dataset, metric] if covered[dataset] else None,
        )
        for dataset, metric in YEAR_TO_DATE_ROWS
        if dataset in covered
    )
    return YearToDate(ytd.period, earlier.period, ytd.cutoff, earlier.cutoff, rows, covered)


def topic_changes(
    window: Window, parts: tuple[Partial, Partial, Partial], min_count: int
) -> tuple[TopicShifts, ...]:
    """The topics that rose and fell against the same part of the previous period and of a
    year earlier, from the partial aggregates of the three periods' rows (``parts``: the
    window's, the previous period's, the year-ago one's): their topic counts and the
    months holding query records. A comparison is made only where the query data holds
    records in every month of both periods (else it is listed as not comparable)."""
    now, *earlier = parts
    out = []
    bases: list[tuple[Against, Window]] = [
        ("previous", window.previous()),
        ("year_ago", window.year_ago()),
    ]
    for (against, base), then in zip(bases, earlier, strict=True):
        if not (_months_held(now, window.period) and _months_held(then, base.period)):
            out.append(TopicShifts(against, base.period, False))
            continue
        days = (window.period.days, base.period.days)
        out.append(
            topic_shifts(
                _topic_counts(now), _topic_counts(then), days, min_count, against, base.period
            )
        )
    return tuple(out)


def _months_held(part: Partial, period: Period) -> bool:
    """Whether every month of ``period`` holds a query record (``part``: the partial
    aggregates of the period's rows)."""
    held = part.accountable.query_months
    return all(m.start.strftime("%Y-%m") in held for m in period.months())
