"""Which days each dataset holds records on, as a partial aggregate of any piece of the
rows: the distinct days per dataset and the latest answer, added up by union.

Coverage (which months of a period hold data, how many days of a trend month the data
covers, how much of a compared period holds data), the data's span and the export's date
are finished from it, so the Dask engine's months give what the whole data gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.moments import DAY_NS, NAT
from engagement_report.periods import Period

#: The date that places a record of each dataset on a day.
DATED_BY = {
    "queries": "received_at",
    "broadcasts": "date",
    "press_events": "date",
    "press_questions": "date",
}


@dataclass(frozen=True, eq=False)
class Dated:
    """Per dataset, the distinct days (``datetime64[D]``, ascending) a record of a piece is
    dated on; and the day of the piece's latest answer (None: no answer dated)."""

    days: Mapping[str, np.ndarray] = field(default_factory=dict)
    answered: date | None = None

    def __add__(self, other: Dated) -> Dated:
        days = dict(self.days)
        for dataset, theirs in other.days.items():
            days[dataset] = np.union1d(days[dataset], theirs) if dataset in days else theirs
        answers = [d for d in (self.answered, other.answered) if d is not None]
        return Dated(days, max(answers) if answers else None)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Dated)
            and self.answered == other.answered
            and self.days.keys() == other.days.keys()
            and all(np.array_equal(self.days[d], other.days[d]) for d in self.days)
        )

    __hash__ = None  # type: ignore[assignment]


def dated(frames: Mapping[str, pd.DataFrame]) -> Dated:
    """The :class:`Dated` of a piece: ``frames``, each dataset's rows (any of them)."""
    days = {
        dataset: distinct_days(frames[dataset][column])
        for dataset, column in DATED_BY.items()
        if dataset in frames and column in frames[dataset]
    }
    queries = frames.get("queries")
    answered = None
    if queries is not None and "answered_at" in queries:
        answers = distinct_days(queries["answered_at"])
        answered = _as_date(answers[-1]) if len(answers) else None
    return Dated(days, answered)


def distinct_days(values: pd.Series) -> np.ndarray:
    """The distinct days of ``values`` (dates or date-times; blanks left out), ascending:
    counted on the days' range, one pass over a registry's million rows, no sort."""
    moments = values.to_numpy(dtype="datetime64[ns]").view(np.int64)
    moments = moments[moments != NAT]
    if not len(moments):
        return np.empty(0, dtype="datetime64[D]")
    # Each moment's day number: floor division, as NumPy's cast to days (and a moment
    # before 1970 keeps its own day), without the cast's unit and NaT checks per value.
    numbers = moments // DAY_NS
    first = numbers.min()
    held = np.flatnonzero(np.bincount(numbers - first)) + first
    return held.astype("datetime64[D]")


def record_days(piece: Dated, dataset: str) -> np.ndarray:
    """The days ``dataset`` holds records on; press events' are the sheet's and the
    question log's (its events are press events too)."""
    days = piece.days.get(dataset, np.empty(0, dtype="datetime64[D]"))
    if dataset == "press_events" and "press_questions" in piece.days:
        days = np.union1d(days, piece.days["press_questions"])
    return days


def months_of(days: np.ndarray, period: Period | None = None) -> set[str]:
    """The months (``YYYY-MM``) of ``days`` (of those in ``period``, when given)."""
    if period is not None:
        days = days[
            (days >= np.datetime64(period.start, "D")) & (days <= np.datetime64(period.end, "D"))
        ]
    return {str(month) for month in np.unique(days.astype("datetime64[M]"))}


def every_month_held(days: np.ndarray, period: Period) -> bool:
    """Whether every month of ``period`` holds one of ``days`` inside the period."""
    seen = months_of(days, period)
    return all(m.start.strftime("%Y-%m") in seen for m in period.months())


def first_day(days: np.ndarray) -> date | None:
    """The first of ``days`` (None when there are none)."""
    return _as_date(days[0]) if len(days) else None


def last_day(days: np.ndarray) -> date | None:
    """The last of ``days`` (None when there are none)."""
    return _as_date(days[-1]) if len(days) else None


def latest(piece: Dated) -> date | None:
    """The latest date of any kind: a record's or an answer's (the day the export was
    taken, as near as the data tells)."""
    known = [last_day(days) for days in piece.days.values()] + [piece.answered]
    dates = [day for day in known if day is not None]
    return max(dates) if dates else None


def span(piece: Dated, within: tuple[date, date] | None = None) -> tuple[date, date] | None:
    """The first and last day any dataset holds a record on (of those ``within`` the two
    days, when given); None when there is none."""
    days = np.concatenate(
        [np.empty(0, dtype="datetime64[D]"), *(piece.days.get(d, ()) for d in DATED_BY)]
    ).astype("datetime64[D]")
    if within is not None:
        first, last = (np.datetime64(day, "D") for day in within)
        days = days[(days >= first) & (days <= last)]
    if not len(days):
        return None
    return _as_date(days.min()), _as_date(days.max())


def holds_records(piece: Dated, period: Period) -> bool:
    """Whether any dataset holds a record dated in ``period``."""
    return span(piece, (period.start, period.end)) is not None


def _as_date(day: np.datetime64) -> date:
    return date.fromisoformat(str(day))
