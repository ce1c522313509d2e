"""Reporting periods: years, quarters, months and inclusive date ranges.

Standard library only: the command line imports this before pandas.

Text forms read by :func:`parse_period` (surrounding whitespace ignored, ``q`` and the
keywords in any case):

* ``2021`` – a year; ``2021-Q1`` or ``2021q1`` – a quarter; ``2021-01`` – a month;
* ``2021-01-01..2021-02-28`` – an inclusive range of days (start on or before end);
* ``last-month``, ``last-quarter``, ``last-year`` – the whole period before the one
  containing today;
* ``this-month``, ``this-quarter``, ``this-year`` – the whole calendar period containing
  today, even though it is not over yet (cutting it off at today is done elsewhere);
* ``ytd`` – 1 January of today's year through today, a ``range``.

"Today" is the date in the office's time zone (Asia/Almaty unless told otherwise).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "Period",
    "PeriodError",
    "Unit",
    "Window",
    "parse_period",
    "period_for_span",
    "today_in",
    "window_for",
]

Kind = Literal["year", "quarter", "month", "range"]
Unit = Literal["month", "quarter", "year"]

_ONE_DAY = timedelta(days=1)
_KEYWORDS = (
    "last-month",
    "last-quarter",
    "last-year",
    "this-month",
    "this-quarter",
    "this-year",
    "ytd",
)
ACCEPTED_FORMS = "YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD..YYYY-MM-DD, or one of " + ", ".join(_KEYWORDS)

_YEAR_RE = re.compile(r"(\d{4})", re.ASCII)
_QUARTER_RE = re.compile(r"(\d{4})-?q(\d)", re.ASCII | re.IGNORECASE)
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_RANGE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\s*\.\.\s*(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class PeriodError(ValueError):
    """A period text that cannot be read; message says what is accepted."""


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive span of days with a label such as ``2021-Q1``."""

    start: date
    end: date  # inclusive
    label: str  # "2021", "2021-Q1", "2021-01", or "2021-01-01..2021-02-28"
    kind: Kind

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period starts {self.start} after it ends {self.end}")

    def __str__(self) -> str:
        return self.label

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before; for ranges the same number of days."""
        if self.kind == "range":
            end = self.start - _ONE_DAY
            return _range(end - timedelta(days=self.days - 1), end)
        return _unit_containing(self.start - _ONE_DAY, self.kind)

    def year_ago(self) -> Period:
        """The same period one year earlier (a range ending or starting on 29 Feb uses 28 Feb)."""
        if self.kind == "range":
            return _range(_shift_year_back(self.start), _shift_year_back(self.end))
        return _unit_containing(_shift_year_back(self.start), self.kind)

    def split(self, by: Unit) -> list[Period]:
        """Months, quarters or years covering this period, the first and last clipped to it.

        A clipped piece is a ``range`` unless it happens to be a whole month, quarter or year.
        """
        if by not in ("month", "quarter", "year"):
            raise ValueError(f"cannot split by {by!r}: expected month, quarter or year")
        pieces: list[Period] = []
        cursor = self.start
        while cursor <= self.end:
            piece_end = min(_unit_containing(cursor, by).end, self.end)
            pieces.append(period_for_span(cursor, piece_end))
            cursor = piece_end + _ONE_DAY
        return pieces

    def months(self) -> list[Period]:
        return self.split("month")

    def trailing_months(self, n: int = 12) -> list[Period]:
        """The ``n`` whole calendar months up to the one containing ``end``, oldest first."""
        if n < 1:
            raise ValueError(f"need at least one month, got {n}")
        months = [_unit_containing(self.end, "month")]
        while len(months) < n:
            months.append(months[-1].previous())
        return months[::-1]


@dataclass(frozen=True)
class Window:
    """What a report covers, resolved once: the days counted and the cut-off.

    ``whole`` is the period asked for; ``period`` is the part of it counted, the whole
    unless the cut-off comes sooner (a period not yet over ends at today: "to date").
    Every figure is as of the end of ``cutoff``: a query answered later is open.
    """

    whole: Period
    period: Period
    cutoff: date

    @property
    def to_date(self) -> bool:
        """Whether the period is cut short of its end (a month, quarter, year to date)."""
        return self.period.end < self.whole.end

    @property
    def lag(self) -> timedelta:
        """How long after the counted days the figures are taken (0 when cut at the cut-off)."""
        return self.cutoff - self.period.end

    def previous(self) -> Window:
        """The same part of the period before, with as long to answer."""
        return self._like(self.whole.previous())

    def year_ago(self) -> Window:
        """The same part of the period a year earlier, with as long to answer."""
        return self._like(self.whole.year_ago())

    def _like(self, whole: Period) -> Window:
        if self.period == self.whole:
            # A whole period is compared with the whole earlier one (all of January
            # against February, not its first 28 days).
            return Window(whole, whole, whole.end + self.lag)
        # Part of a period (month to date): the first n days of the earlier period, n as
        # in this one (never past its end).
        end = min(whole.start + (self.period.end - self.whole.start), whole.end)
        period = whole if end == whole.end else period_for_span(whole.start, end)
        return Window(whole, period, end + self.lag)

    def at(self, piece: Period) -> Window:
        """A month of the trend: counted up to this window's end, as of the same cut-off
        (so the months add up to the report's own figures)."""
        end = min(piece.end, self.period.end)
        period = piece if end == piece.end else period_for_span(piece.start, end)
        return Window(piece, period, self.cutoff)


def window_for(whole: Period, today: date, as_of: date | None = None) -> Window:
    """The window of ``whole``: cut at ``as_of`` when given, else at its last day, or at
    ``today`` for a period not yet over. Raises ValueError when the cut-off comes before
    the period starts (nothing of it would be known)."""
    cutoff = as_of if as_of is not None else min(whole.end, today)
    if cutoff < whole.start:
        raise ValueError(
            f"the cut-off {cutoff.isoformat()} comes before the period {whole.label} starts"
        )
    end = min(whole.end, cutoff)
    return Window(whole, whole if end == whole.end else period_for_span(whole.start, end), cutoff)


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year")


def _quarter(year: int, quarter: int) -> Period:
    first_month = 3 * quarter - 2
    end = date(year, first_month + 2, calendar.monthrange(year, first_month + 2)[1])
    return Period(date(year, first_month, 1), end, f"{year:04d}-Q{quarter}", "quarter")


def _month(year: int, month: int) -> Period:
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Period(date(year, month, 1), end, f"{year:04d}-{month:02d}", "month")


def _range(start: date, end: date) -> Period:
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}", "range")


def _unit_containing(day: date, unit: Kind) -> Period:
    if unit == "year":
        return _year(day.year)
    if unit == "quarter":
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    if unit == "month":
        return _month(day.year, day.month)
    raise ValueError(f"not a calendar unit: {unit!r}")


def _shift_year_back(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def period_for_span(first: date, last: date) -> Period:
    """The period from ``first`` to ``last`` inclusive, as a year, quarter or month when it is
    exactly one, otherwise as a ``range``."""
    if first > last:
        raise ValueError(f"span starts {first} after it ends {last}")
    units: tuple[Unit, ...] = ("year", "quarter", "month")
    for unit in units:
        whole = _unit_containing(first, unit)
        if whole.start == first and whole.end == last:
            return whole
    return _range(first, last)


def today_in(timezone: str) -> date:
    """The current date in ``timezone`` (an IANA name such as ``Asia/Almaty``)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {timezone!r}") from exc
    return datetime.now(zone).date()


def parse_period(text: str, *, today: date | None = None, timezone: str = "Asia/Almaty") -> Period:
    """Read a period from text; relative forms are resolved against ``today``, which defaults
    to the current date in ``timezone``. Raises :class:`PeriodError` for anything else."""
    stripped = text.strip()
    cannot = f"cannot read period {stripped!r}"
    keyword = re.sub(r"[\s_]+", "-", stripped.lower())
    if keyword in _KEYWORDS:
        return _relative(keyword, today if today is not None else today_in(timezone))
    try:
        if match := _YEAR_RE.fullmatch(stripped):
            return _year(int(match[1]))
        if match := _QUARTER_RE.fullmatch(stripped):
            if 1 <= int(match[2]) <= 4:
                return _quarter(int(match[1]), int(match[2]))
        elif match := _MONTH_RE.fullmatch(stripped):
            if 1 <= int(match[2]) <= 12:
                return _month(int(match[1]), int(match[2]))
        elif match := _RANGE_RE.fullmatch(stripped):
            numbers = [int(group) for group in match.groups()]
            start, end = date(*numbers[:3]), date(*numbers[3:])
            if start > end:
                raise PeriodError(
                    f"{cannot}: the range starts {start} after it ends {end}; "
                    "expected YYYY-MM-DD..YYYY-MM-DD with the start on or before the end"
                )
            return _range(start, end)
    except PeriodError:
        raise
    except ValueError:  # year 0000, 2021-02-30 and the like
        pass
    raise PeriodError(f"{cannot}: expected {ACCEPTED_FORMS}")


def _relative(keyword: str, today: date) -> Period:
    if keyword == "ytd":
        return _range(date(today.year, 1, 1), today)
    which, unit = keyword.split("-")
    current = _unit_containing(today, cast(Unit, unit))
    return current.previous() if which == "last" else current
