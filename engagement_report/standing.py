"""The queries open at a moment, whenever received, as partial aggregates of any piece of
the rows: the backlog at the end of a day and the ages of the queries open at a cut-off.

A piece keeps, for each day asked, how many of its queries were received by the day's
end and how many of them were still open then (:func:`views.closing_moments`), and for
each cut-off asked its open queries per :data:`views.AGE_BINS`; pieces add up. The
queries an archive counts instead of reading (``CleanData.open_before``, from its
manifest) are one more piece (:func:`counted_before`). Both engines finish the backlog
and the ages from the sum (:func:`backlog`, :func:`ages`): the pandas engine of one piece,
the Dask engine of an archive's months (:class:`Gathered`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from engagement_report.aggregates import Combined, Detail, Partial, Request
from engagement_report.dated import Dated
from engagement_report.deadlines import WorkingCalendar, working_days_between
from engagement_report.errors import ConfigError
from engagement_report.figures import bin_counts
from engagement_report.models import OpenBefore
from engagement_report.views import (
    AGE_BINS,
    Moments,
    closing_moments,
    day_ends,
    older_than_every_age_bin,
)


@dataclass(frozen=True)
class Ask:
    """The moments a piece's open queries are counted at: the end of each of ``days``
    (the backlog) and of each of ``cutoffs`` (the ages of open queries)."""

    days: tuple[date, ...] = ()
    cutoffs: tuple[date, ...] = ()

    @classmethod
    def of(cls, requests: Iterable[Request]) -> Ask:
        """What the figures of ``requests`` ask: the backlog at the end of each window's
        period whose deadline classes are asked (``Detail.CLASSES`` or more) and the ages
        at its cut-off (a report's, its trend months', each summary piece's)."""
        detailed = [window for window, detail in requests if detail is not Detail.TOTALS]
        return cls(
            tuple(sorted({w.period.end for w in detailed})),
            tuple(sorted({w.cutoff for w in detailed})),
        )


@dataclass(frozen=True)
class Standing:
    """A piece's queries at the moments of an :class:`Ask`: per day, how many were
    received by its end and how many of them were open then; per cut-off, the open ones
    per age bin (None: the calendar's working days are unknown)."""

    received: Mapping[date, int] = field(default_factory=dict)
    open: Mapping[date, int] = field(default_factory=dict)
    ages: Mapping[date, tuple[int, ...] | None] = field(default_factory=dict)

    def __add__(self, other: Standing) -> Standing:
        def added(a: Mapping[date, int], b: Mapping[date, int]) -> dict[date, int]:
            return {day: a.get(day, 0) + b.get(day, 0) for day in sorted({*a, *b})}

        zero = (0,) * len(AGE_BINS)
        ages: dict[date, tuple[int, ...] | None] = {}
        for cutoff in sorted({*self.ages, *other.ages}):
            mine, theirs = self.ages.get(cutoff, zero), other.ages.get(cutoff, zero)
            both = None if mine is None or theirs is None else zip(mine, theirs, strict=True)
            ages[cutoff] = None if both is None else tuple(x + y for x, y in both)
        return Standing(added(self.received, other.received), added(self.open, other.open), ages)


def standing(
    queries: pd.DataFrame,
    ask: Ask,
    calendar: WorkingCalendar,
    moments: Moments | None = None,
) -> Standing:
    """The :class:`Standing` of a piece's ``queries`` (``moments``: their
    :func:`~engagement_report.views.closing_moments`, if already known)."""
    received, closed = closing_moments(queries) if moments is None else moments
    came, still = {}, {}
    # A dozen moments: one pass over the rows each, no sort of a registry's million rows.
    for day, end in zip(ask.days, day_ends(list(ask.days)), strict=True):
        came[day] = int(np.count_nonzero(received < end))
        still[day] = came[day] - int(np.count_nonzero(closed < end))
    dated = np.flatnonzero(queries["received_at"].notna().to_numpy(dtype=bool))
    ages = {}
    for cutoff, end in zip(ask.cutoffs, day_ends(list(ask.cutoffs)), strict=True):
        is_open = (received < end) & (closed >= end)
        ages[cutoff] = _binned(queries["received_at"].iloc[dated[is_open]], cutoff, calendar)
    return Standing(came, still, ages)


def _binned(received: pd.Series, cutoff: date, calendar: WorkingCalendar) -> tuple[int, ...] | None:
    """Open queries received at ``received`` per age bin at ``cutoff``: working days from
    registration (as the answer term counts them) to the cut-off."""
    try:
        registered = calendar.registered_on(received)
        ages = working_days_between(
            registered, pd.Series(pd.Timestamp(cutoff), index=received.index), calendar
        )
    except ConfigError:
        return None
    return bin_counts(np.maximum(ages.to_numpy(dtype=float), 0), AGE_BINS)


def counted_before(before: OpenBefore | None, ask: Ask, calendar: WorkingCalendar) -> Standing:
    """The :class:`Standing` of the queries received before the rows, as an archive's
    manifest counts them (none: ``before`` None). Their ages are known only when even the
    latest of them is in the last bin (:func:`views.older_than_every_age_bin`); a run whose
    counts cannot say so is a bug (the archive's months are read instead)."""
    if before is None:
        return Standing()
    ages: dict[date, tuple[int, ...] | None] = {}
    for cutoff in ask.cutoffs:
        earlier = before.open_at(cutoff + timedelta(days=1))
        latest = before.latest_received if earlier else None
        try:
            if latest is not None and not older_than_every_age_bin(latest, cutoff, calendar):
                raise ValueError("queries counted before the rows are too young to bin by age")
        except ConfigError:
            ages[cutoff] = None
            continue
        ages[cutoff] = (*(0,) * (len(AGE_BINS) - 1), earlier)
    return Standing(
        {day: before.received for day in ask.days},
        {day: before.open_at(day + timedelta(days=1)) for day in ask.days},
        ages,
    )


def backlog(piece: Standing, days: Sequence[date]) -> tuple[int | None, ...]:
    """Open queries at the end of each of ``days`` (received by then, not yet closed);
    None for a day before the first query received: nothing is known."""
    return tuple(piece.open[day] if piece.received[day] else None for day in days)


def ages(piece: Standing, cutoff: date) -> tuple[int, ...] | None:
    """The queries open at the end of ``cutoff`` per age bin (None: the calendar's
    working days are unknown)."""
    return piece.ages[cutoff]


@dataclass(frozen=True, eq=False)
class Gathered(Mapping[Request, Partial]):
    """What the Dask engine gathers from an archive's months: each requested window's
    partial aggregates (looked up as the mapping), and those of all the rows the pandas
    engine would read: their :class:`Standing` at :meth:`Ask.of` the requests, and their
    days (:class:`~engagement_report.dated.Dated`)."""

    windows: Mapping[Request, Partial]
    standing: Standing
    dated: Dated

    def __getitem__(self, request: Request) -> Partial:
        return self.windows[request]

    def __iter__(self) -> Iterator[Request]:
        return iter(self.windows)

    def __len__(self) -> int:
        return len(self.windows)


def given_standing(combined: Combined | None) -> Standing | None:
    """The rows' :class:`Standing` already gathered (None: work it out on the rows)."""
    return combined.standing if isinstance(combined, Gathered) else None


def given_dated(combined: Combined | None) -> Dated | None:
    """The rows' :class:`~engagement_report.dated.Dated` already gathered (None: work it
    out on the rows)."""
    return combined.dated if isinstance(combined, Gathered) else None
