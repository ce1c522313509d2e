"""Answer deadlines for citizens' queries and whether they were met.

Kazakhstan's Administrative Procedural Code (art. 76): an appeal is answered within
15 working days, the head of the body may extend the term by a reasoned decision
(up to two months), and an appeal sent to the wrong body is forwarded within
3 working days.  The term runs from registration (art. 64): an appeal that arrives
on a working day before the end of working hours is registered that day, one that
arrives after working hours or on a non-working day on the next working day (a date
without a time is taken as arriving within working hours).  The term's first day is
the working day after registration, and the deadline is the whole N-th working day,
met by an answer any time that day.  A deadline given with a time of day (a ``deadline``
column such as NYC's ``Due Date``) is that moment instead.

Working days come from the ``holidays`` library.  For KZ (checked with holidays
0.109) the library already contains everything the government decides each year:
weekend holidays carry "(observed)" substitute days off (Nauryz 21 March 2021 on a
Sunday → Wednesday 24 March off), transfers appear as "Day off (substituted from
…)" holidays, and the Saturdays/Sundays that become working days in exchange are
listed in ``weekend_workdays`` (e.g. Sunday 2020-12-20, Saturday 2021-07-03).  We
use all of it rather than hardcoding dates; ``extra_holidays`` and
``extra_working_days`` cover decrees the library does not know yet.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

import holidays
import numpy as np
import pandas as pd

from engagement_report.errors import ConfigError

DEADLINE_CLASSES = ("on_time", "late", "open_not_due", "open_overdue")
_CLOSING_STATUSES = ("answered", "rejected", "redirected")
_OPEN_CLASSES = ("open_not_due", "open_overdue")
# A day's last moment after its midnight: a deadline or cut-off day runs to its end.
_LAST_MOMENT = np.timedelta64(86_400 * 10**9 - 1, "ns")
# A generous bound on working days per year, used to size the padding of the
# working-day array so that "n working days later" never runs off its end.
_MIN_WORKING_DAYS_PER_YEAR = 200


@dataclass(frozen=True)
class DeadlineRules:
    """How long an office has to answer: a number of working or calendar days."""

    answer_days: int = 15
    redirect_days: int = 3
    kind: Literal["working", "calendar", "given"] = "working"  # given: the data's own only


@dataclass(frozen=True)
class WorkingCalendar:
    """A country's working days, with local transfers layered on top.

    ``extra_working_days`` wins over everything (a working Saturday stays working
    even if also listed as a holiday); ``extra_holidays`` adds days off.
    ``working_hours``: when the office opens and closes on a working day.
    """

    country: str = "KZ"
    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    working_hours: tuple[time, time] = (time(9, 0), time(18, 0))
    subdivision: str | None = None  # a state's or region's own holidays too

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day in this calendar."""
        arr = _working_day_array(self, day.year, day.year)
        target = np.datetime64(day, "D")
        pos = int(np.searchsorted(arr, target))
        return pos < len(arr) and arr[pos] == target

    def working_days(self, start: date, end: date) -> np.ndarray:
        """All working days in ``[start, end]`` as a sorted ``datetime64[D]`` array."""
        if end < start:
            return np.array([], dtype="datetime64[D]")
        arr = _working_day_array(self, start.year, end.year)
        lo = np.searchsorted(arr, np.datetime64(start, "D"), side="left")
        hi = np.searchsorted(arr, np.datetime64(end, "D"), side="right")
        return arr[lo:hi].copy()

    def add_working_days(self, days: pd.Series, n: int) -> pd.Series:
        """Date of the ``n``-th working day strictly after each day (``n >= 1``).

        Only the date part of ``days`` is used; NaT stays NaT.  Returns normalised
        ``datetime64[ns]`` with the index of ``days``.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        d = _to_days(days)
        out = np.full(d.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        valid = ~np.isnat(d)
        if valid.any():
            first, last = _year(d[valid].min()), _year(d[valid].max())
            # Pad so the n-th working day after the last date is always inside.
            arr = _working_day_array(self, first, last + 1 + n // _MIN_WORKING_DAYS_PER_YEAR)
            # side="right": a working day of receipt itself does not count.
            idx = np.searchsorted(arr, d[valid], side="right") + (n - 1)
            out[valid] = arr[idx]
        return pd.Series(out.astype("datetime64[ns]"), index=days.index, name=days.name)

    def registered_on(self, received: pd.Series) -> pd.Series:
        """The day each query is registered (Administrative Procedural Code, art. 64).

        The day of receipt when it is a working day and the query arrived before the end
        of working hours (a bare date reads as midnight: within them); otherwise the next
        working day. NaT stays NaT; normalised ``datetime64[ns]`` with ``received``'s index.
        """
        stamps = _wall_clock(received)
        days = stamps.astype("datetime64[D]")
        out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        valid = ~np.isnat(days)
        if valid.any():
            closes = self.working_hours[1]
            closing = np.timedelta64(closes.hour * 60 + closes.minute, "m")
            after_hours = (stamps[valid] - days[valid]) >= closing
            first, last = _year(days[valid].min()), _year(days[valid].max())
            arr = _working_day_array(self, first, last + 1)
            # A working day itself on time ("left"), else the working day after it.
            same_day = np.searchsorted(arr, days[valid], side="left")
            next_day = np.searchsorted(arr, days[valid], side="right")
            out[valid] = arr[np.where(after_hours, next_day, same_day)]
        return pd.Series(out.astype("datetime64[ns]"), index=received.index, name=received.name)


@functools.lru_cache(maxsize=64)
def _working_day_array(calendar: WorkingCalendar, first_year: int, last_year: int) -> np.ndarray:
    """Sorted working days of whole years ``first_year..last_year`` (cached, read-only)."""
    years = range(first_year, last_year + 1)
    try:
        lib = holidays.country_holidays(calendar.country, subdiv=calendar.subdivision, years=years)
    except NotImplementedError:
        where = calendar.country + (f"-{calendar.subdivision}" if calendar.subdivision else "")
        raise ConfigError(
            f"calendar.country/subdivision {where!r}: the holidays package has no calendar "
            'for it; give an ISO country code such as KZ, or kind = "calendar" in [deadlines]'
        ) from None
    days = np.arange(f"{first_year}-01-01", f"{last_year + 1}-01-01", dtype="datetime64[D]")
    # 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
    weekday = (days.astype(np.int64) + 3) % 7
    weekend = np.isin(weekday, sorted(lib.weekend))
    working = ~weekend & ~np.isin(days, _as_days(lib.keys()))
    # Weekend days the government made working in exchange for a transferred day off.
    working |= weekend & np.isin(days, _as_days(lib.weekend_workdays))
    working &= ~np.isin(days, _as_days(calendar.extra_holidays))
    working |= np.isin(days, _as_days(calendar.extra_working_days))
    result = days[working]
    result.flags.writeable = False  # shared through the cache
    return result


def _as_days(values: object) -> np.ndarray:
    return np.array(sorted(values), dtype="datetime64[D]")  # type: ignore[call-overload]


def _year(day: np.datetime64) -> int:
    return int(day.astype("datetime64[Y]").astype(np.int64)) + 1970


def _wall_clock(values: pd.Series) -> np.ndarray:
    """Date-times (``datetime64[ns]``) of a datetime-like Series; wall-clock time if tz-aware."""
    ts = pd.to_datetime(values)
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    return ts.to_numpy(dtype="datetime64[ns]")


def _to_days(values: pd.Series) -> np.ndarray:
    """Dates (``datetime64[D]``) of a datetime-like Series; wall-clock date if tz-aware."""
    return _wall_clock(values).astype("datetime64[D]")


def _dates(values: pd.Series | None, index: pd.Index) -> pd.Series:
    """Normalised ``datetime64[ns]`` Series (all NaT when ``values`` is None)."""
    if values is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(_to_days(values).astype("datetime64[ns]"), index=values.index)


def _clean_status(status: pd.Series) -> pd.Series:
    """Stripped, lower-case status ("" when blank), as a categorical: each spelling is
    cleaned once, however many rows share it."""
    if isinstance(status.dtype, pd.CategoricalDtype):
        codes = np.asarray(status.cat.codes, dtype=np.int64)
        spellings = list(status.cat.categories)
    else:
        codes, uniques = pd.factorize(status.astype("string"))
        spellings = list(uniques)
    cleaned = [str(value).strip().lower() for value in spellings] + [""]
    new_codes, categories = pd.factorize(pd.Index(cleaned, dtype=object))
    if "answered" not in categories:  # room for _effective_status's blank-but-answered rows
        categories = categories.append(pd.Index(["answered"], dtype=object))
    values = pd.Categorical.from_codes(
        new_codes[np.where(codes < 0, len(spellings), codes)],
        categories=pd.Index(categories, dtype=object),
    )
    return pd.Series(values, index=status.index, name=status.name)


def compute_deadlines(
    received_at: pd.Series,
    status: pd.Series,
    deadline_override: pd.Series | None,
    extended_until: pd.Series | None,
    rules: DeadlineRules,
    calendar: WorkingCalendar,
) -> pd.Series:
    """Effective deadline date of each query (normalised ``datetime64[ns]``).

    Redirected queries get the redirect term, others the answer term: working days
    after the day of registration (:meth:`WorkingCalendar.registered_on`), or calendar
    days after the date of receipt.  A non-null ``deadline_override``
    replaces the computed date; a non-null ``extended_until`` later than the
    deadline then replaces it (a lawful extension).  All Series share one index.
    """
    received = _dates(received_at, received_at.index)
    is_redirect = _clean_status(status).eq("redirected").to_numpy(dtype=bool)
    # The redirect term is worked out for the redirected queries alone.
    if rules.kind == "given":  # no term of our own: only the data's deadline column
        answer = pd.Series(pd.NaT, index=received.index, dtype="datetime64[ns]")
        redirect = answer[is_redirect]
    elif rules.kind == "calendar":
        answer = received + pd.Timedelta(days=rules.answer_days)
        redirect = received[is_redirect] + pd.Timedelta(days=rules.redirect_days)
    else:
        registered = calendar.registered_on(received_at)
        answer = calendar.add_working_days(registered, rules.answer_days)
        redirect = calendar.add_working_days(registered[is_redirect], rules.redirect_days)
    deadline = answer.copy()
    deadline[is_redirect] = redirect.to_numpy()
    override = _dates(deadline_override, received.index)
    deadline = override.where(override.notna(), deadline)
    extension = _dates(extended_until, received.index)
    # An "extension" earlier than the term would shorten it; the law only lengthens.
    # Without any other deadline, the extension decision is the only term we know.
    later = extension.notna() & (deadline.isna() | (extension > deadline))
    deadline = extension.where(later, deadline)
    return deadline.rename("deadline")


def _effective_status(frame: pd.DataFrame) -> pd.Series:
    """Lower-case status; blank/NA with an answer date counts as answered."""
    status = _clean_status(frame["status"])
    return status.mask(status.eq("") & frame["answered_at"].notna(), "answered")


def deadline_inputs(
    frame: pd.DataFrame, rules: DeadlineRules, calendar: WorkingCalendar
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """What the deadline classes are decided on, whatever the cut-off: each query's
    effective status, the last moment its answer is on time, and its answer's moment.

    A deadline is a day, and an answer any time that day is on time (the moment is the
    day's last nanosecond), except a ``deadline`` value with a time of day
    (``deadline_timed``), which is that moment. An answer with no time (a bare date, read
    as midnight) is on time on its deadline's day, whatever the deadline's time."""
    status = _effective_status(frame)
    override = frame.get("deadline")
    deadline = compute_deadlines(
        frame["received_at"],
        status,
        override,
        frame.get("extended_until"),
        rules,
        calendar,
    )
    due = deadline + _LAST_MOMENT
    if override is not None and "deadline_timed" in frame:
        given = pd.Series(pd.to_datetime(override).to_numpy(), index=frame.index)
        # The given deadline's own moment, unless a later extension replaced it.
        timed = frame["deadline_timed"].to_numpy(dtype=bool) & (
            deadline == given.dt.normalize()
        ).to_numpy(dtype=bool)
        if timed.any():
            due = due.mask(timed, given)
    answered = pd.Series(
        pd.to_datetime(frame["answered_at"]).to_numpy(dtype="datetime64[ns]"), index=frame.index
    )
    return status, due.rename("deadline"), answered


def classes_at(
    status: pd.Series, deadline: pd.Series, answered: pd.Series, as_of: date | np.ndarray
) -> pd.Series:
    """Deadline class of each query as of the end of ``as_of``, from :func:`deadline_inputs`.

    ``as_of`` is one date for all, or each query's own cut-off (``datetime64[ns]``, one
    per row: the trend classifies each month's queries at that month's cut-off in one pass).
    """
    cutoff = pd.Timestamp(as_of) if isinstance(as_of, date) else as_of
    end = cutoff + _LAST_MOMENT  # the cut-off is the end of its day
    closed = status.isin(_CLOSING_STATUSES).to_numpy(dtype=bool) & (answered <= end)
    known = deadline.notna()
    conditions = [
        known & closed & (answered <= deadline),
        known & closed & (answered > deadline),
        known & ~closed & (deadline >= end),
        known & ~closed & (deadline < end),
    ]
    # Code -1 is NaN in a Categorical: rows without a deadline stay unclassified.
    codes = np.select(conditions, list(range(len(DEADLINE_CLASSES))), default=-1).astype(np.int8)
    values = pd.Categorical.from_codes(codes, categories=pd.Index(DEADLINE_CLASSES))
    return pd.Series(values, index=status.index, name="deadline_class")


def classify_deadlines(
    frame: pd.DataFrame, as_of: date, rules: DeadlineRules, calendar: WorkingCalendar
) -> pd.Series:
    """Deadline class of each query as of the end of ``as_of`` (categorical).

    Closed means answered/rejected/redirected with an answer date on or before
    ``as_of``; an answer dated later is still open at the cut-off.  Rows whose
    deadline cannot be computed (no receipt date, no override) are NaN.
    """
    return classes_at(*deadline_inputs(frame, rules, calendar), as_of)


@dataclass(frozen=True)
class DeadlineFigures:
    """Headline deadline figures of a report."""

    on_time: int
    late: int
    open_not_due: int
    open_overdue: int
    on_time_share: float | None
    extended: int
    median_response_working_days: float | None
    redirected_on_time: int
    redirected_late: int
    redirected_open: int
    as_of: date


def working_days_between(start: pd.Series, end: pd.Series, calendar: WorkingCalendar) -> pd.Series:
    """Working days strictly after each start date up to and including the end date.

    Same day → 0; an end before the start gives a negative count; NaN where either
    side is NaT.  Times of day are ignored.
    """
    s, e = _to_days(start), _to_days(end)
    valid = ~np.isnat(s) & ~np.isnat(e)
    out = np.full(s.shape, np.nan)
    if valid.any():
        both = np.concatenate([s[valid], e[valid]])
        arr = _working_day_array(calendar, _year(both.min()), _year(both.max()))
        after_end = np.searchsorted(arr, e[valid], side="right")
        after_start = np.searchsorted(arr, s[valid], side="right")
        out[valid] = after_end - after_start
    return pd.Series(out, index=start.index, name="working_days")


def deadline_figures(
    frame: pd.DataFrame,
    classes: pd.Series,
    as_of: date,
    calendar: WorkingCalendar,
    rules: DeadlineRules,
    status: pd.Series | None = None,
) -> DeadlineFigures:
    """Count the classes and summarise response times.

    ``on_time``/``late`` include redirected queries; the ``redirected_*`` fields
    break them out against the redirect term.  The median response is measured
    in working days over answered queries closed by ``as_of``, whatever
    ``rules.kind`` is (``rules`` is taken so callers pass the same pair everywhere).
    ``status``: the effective status from :func:`deadline_inputs`, if already known.
    """
    counts = classes.value_counts()
    n = {c: int(counts.get(c, 0)) for c in DEADLINE_CLASSES}
    decided = n["on_time"] + n["late"]
    status = _effective_status(frame) if status is None else status
    redirected = status.eq("redirected").to_numpy(dtype=bool)
    closed = classes.isin(("on_time", "late")).to_numpy(dtype=bool)
    answered = closed & status.eq("answered").to_numpy(dtype=bool)
    days = working_days_between(
        frame["received_at"][answered], frame["answered_at"][answered], calendar
    )
    median = days.median() if days.notna().any() else None
    extended = int(frame["extended_until"].notna().sum()) if "extended_until" in frame else 0
    return DeadlineFigures(
        on_time=n["on_time"],
        late=n["late"],
        open_not_due=n["open_not_due"],
        open_overdue=n["open_overdue"],
        on_time_share=n["on_time"] / decided if decided else None,
        extended=extended,
        median_response_working_days=None if median is None else float(median),
        redirected_on_time=int((redirected & classes.eq("on_time").to_numpy(dtype=bool)).sum()),
        redirected_late=int((redirected & classes.eq("late").to_numpy(dtype=bool)).sum()),
        redirected_open=int((redirected & classes.isin(_OPEN_CLASSES).to_numpy(dtype=bool)).sum()),
        as_of=as_of,
    )


def longest_open(
    frame: pd.DataFrame, classes: pd.Series, as_of: date, limit: int = 10
) -> pd.DataFrame:
    """The ``limit`` oldest queries still open at ``as_of`` (ids and ages only).

    ``age_days`` is calendar days from the date of receipt to ``as_of``.  Uses the
    ``query_id`` column, or the index when there is none.  No free text is copied.
    """
    is_open = classes.isin(_OPEN_CLASSES).to_numpy(dtype=bool)
    if is_open.sum() > limit:
        # Only the oldest can be listed: keep those received on or before the date of
        # the ``limit``-th oldest (ties included), so a registry's tens of thousands of
        # open ids are not all turned into Python strings and sorted.
        days = _to_days(frame["received_at"]).astype(np.int64)
        open_days = days[is_open]
        threshold = np.partition(open_days, limit - 1)[limit - 1]
        is_open = is_open & (days <= threshold)
    ids = frame["query_id"] if "query_id" in frame else frame.index.to_series()
    received = _dates(frame["received_at"][is_open], frame.index[is_open])
    ages = (pd.Timestamp(as_of) - received).dt.days
    # Only the open rows are turned into plain values (a registry holds a million ids).
    table = pd.DataFrame(
        {
            "query_id": ids[is_open].to_numpy(),
            "received_at": received.to_numpy(),
            "age_days": ages.to_numpy(),
            "deadline_class": classes[is_open].astype("string").to_numpy(),
        }
    )
    table = table.sort_values(["age_days", "query_id"], ascending=[False, True], kind="stable")
    return table.head(limit).reset_index(drop=True)
