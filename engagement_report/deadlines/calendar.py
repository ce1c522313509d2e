"""Working days: a country's calendar from the ``holidays`` library, with local transfers
layered on top, and counting working days between dates."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from datetime import date, time

import holidays
import numpy as np
import pandas as pd

from engagement_report.errors import ConfigError
from engagement_report.moments import DAY_NS, NAT

# A generous bound on working days per year, used to size the padding of the
# working-day array so that "n working days later" is inside it in an ordinary year.
_MIN_WORKING_DAYS_PER_YEAR = 200


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

    def working_days_after(self, days: np.ndarray, n: int) -> np.ndarray:
        """The ``n``-th working day strictly after each of ``days`` (``n >= 1``), as
        ``datetime64[D]`` days; NaT stays NaT."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        valid = ~np.isnat(days)
        if valid.any():
            known = days[valid]
            arr = _working_days_through(self, _year(known.min()), known.max(), n)
            # Working days on or before the day: a working day of receipt itself does not count.
            idx = _counted_up_to(arr, known) + (n - 1)
            out[valid] = arr[idx]
        return out

    def registered_on(self, received: pd.Series) -> pd.Series:
        """The day each query is registered (Administrative Procedural Code, art. 64).

        The day of receipt when it is a working day and the query arrived before the end
        of working hours (a bare date reads as midnight: within them); otherwise the next
        working day. NaT stays NaT; normalised ``datetime64[ns]`` with ``received``'s index.
        """
        days = self.registered_days(received)
        return pd.Series(days.astype("datetime64[ns]"), index=received.index, name=received.name)

    def registered_days(self, received: pd.Series) -> np.ndarray:
        """:meth:`registered_on` as ``datetime64[D]`` days (NaT stays NaT): for a caller
        that works on days throughout."""
        # On integer nanoseconds and day numbers: the same values as datetime64
        # arithmetic, without its unit conversions and NaT checks on every step.
        stamps = _wall_clock(received).view(np.int64)
        valid = stamps != NAT
        out = np.full(stamps.shape, NAT, dtype=np.int64)
        if valid.any():
            moments = stamps[valid]
            days = moments // DAY_NS  # floor: a moment before 1970 keeps its own day
            closes = self.working_hours[1]
            closing = (closes.hour * 60 + closes.minute) * 60 * 10**9
            after_hours = moments - days * DAY_NS >= closing
            first = _year(np.datetime64(int(days.min()), "D"))
            arr = _working_days_through(self, first, np.datetime64(int(days.max()), "D"), 1).view(
                np.int64
            )
            # A working day itself on time (those before it), else the working day after it.
            at = _counted_up_to(arr, days - 1)
            after = _counted_up_to(arr, days)
            out[valid] = arr[np.where(after_hours, after, at)]
        return out.view("datetime64[D]")


def load_country(calendar: WorkingCalendar) -> None:
    """Load the ``holidays`` library's calendars (it loads every country's at the first
    call) before any working day is asked for; a country it does not know is reported
    when one is."""
    with contextlib.suppress(NotImplementedError):
        holidays.country_holidays(calendar.country, subdiv=calendar.subdivision, years=())


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


def _working_days_through(
    calendar: WorkingCalendar, first_year: int, last_day: np.datetime64, after: int
) -> np.ndarray:
    """Sorted working days of whole years from ``first_year`` on, running at least
    ``after`` working days past ``last_day``."""
    last_year = _year(last_day) + 1 + after // _MIN_WORKING_DAYS_PER_YEAR
    arr = _working_day_array(calendar, first_year, last_year)
    if len(arr) - np.searchsorted(arr, last_day, side="right") < after:
        # Configured holidays cover the next year (or more): the term runs into the
        # first working days after them, where the country's own calendar resumes.
        beyond = max((day.year for day in calendar.extra_holidays), default=last_year)
        arr = _working_day_array(
            calendar, first_year, beyond + 1 + after // _MIN_WORKING_DAYS_PER_YEAR
        )
    return arr


def _counted_up_to(working: np.ndarray, days: np.ndarray) -> np.ndarray:
    """How many of ``working`` (ascending days) fall on or before each of ``days``: what
    ``np.searchsorted(working, days, side="right")`` gives, looked up by day number in a
    running count over the days between the earliest and the latest of both, instead of
    a binary search per day (a million queries' days over a few years' calendar)."""
    ours, theirs = np.asarray(working).view(np.int64), np.asarray(days).view(np.int64)
    if not len(ours) or not len(theirs):
        return np.searchsorted(ours, theirs, side="right")
    origin = min(int(ours[0]), int(theirs.min()))
    top = max(int(ours[-1]), int(theirs.max()))
    running = np.cumsum(np.bincount(ours - origin, minlength=top - origin + 1))
    return running[theirs - origin]


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
    moments = _wall_clock(values).view(np.int64)
    # Floor division, as NumPy's cast to days has it (a moment before 1970 keeps its own
    # day), without the cast's unit and NaT checks on every value.
    return np.where(moments == NAT, NAT, moments // DAY_NS).view("datetime64[D]")


def _dates(values: pd.Series | None, index: pd.Index) -> pd.Series:
    """Normalised ``datetime64[ns]`` Series (all NaT when ``values`` is None)."""
    if values is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(_to_days(values).astype("datetime64[ns]"), index=values.index)


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
        out[valid] = _counted_up_to(arr, e[valid]) - _counted_up_to(arr, s[valid])
    return pd.Series(out, index=start.index, name="working_days")
