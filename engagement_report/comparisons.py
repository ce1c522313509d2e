"""Headline figures compared with the previous period and the same period a year earlier.

Each headline figure says which way is better: a rise in answered share is
better, a rise in response time is worse, the number of queries received is
neither (more queries is not the office's merit or fault).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from engagement_report.results import Figures

Direction = Literal["up", "down", "same", "no_data"]
Verdict = Literal["better", "worse", "neutral", "no_data"]
HeldUnit = Literal["month", "day"]


@dataclass(frozen=True)
class Held:
    """How much of a period a dataset holds data for: ``held`` of ``units`` months or days."""

    held: int
    units: int
    unit: HeldUnit

    def same_share(self, other: Held) -> bool:
        """Whether ``other`` covers its period as this covers its own."""
        return self.held * other.units == other.held * self.units


@dataclass(frozen=True)
class Change:
    """The change of one figure against a comparison period.

    ``incomplete``: the comparison period's coverage when it holds data but not as the
    current period does ("incomplete: 2 of 14 months"); nothing is compared then.
    """

    base: float | None
    absolute: float | None
    relative: float | None
    direction: Direction
    verdict: Verdict
    incomplete: Held | None = None


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline card: the figure, its kind and its two comparisons."""

    key: str
    label: str
    value: float | None
    kind: Literal["count", "share", "days", "ratio"]
    vs_previous: Change
    vs_year_ago: Change


@dataclass(frozen=True)
class _Spec:
    key: str
    label: str
    kind: Literal["count", "share", "days", "ratio"]
    dataset: str
    higher_is: Literal["better", "worse", "neutral"]
    read: Callable[[Figures], float | None]


HEADLINES: tuple[_Spec, ...] = (
    _Spec(
        "received", "Queries received", "count", "queries", "neutral", lambda f: f.queries.received
    ),
    _Spec(
        "answered_share",
        "Answered share",
        "share",
        "queries",
        "better",
        lambda f: f.queries.answered_share,
    ),
    _Spec(
        "median_response_days",
        "Median response time, days",
        "days",
        "queries",
        "worse",
        lambda f: f.queries.median_response_days,
    ),
    _Spec(
        "broadcasts",
        "Live broadcasts",
        "count",
        "broadcasts",
        "better",
        lambda f: f.broadcasts.broadcasts,
    ),
    _Spec(
        "questions_per_broadcast",
        "Questions per broadcast",
        "ratio",
        "broadcasts",
        "better",
        lambda f: f.broadcasts.questions_per_broadcast,
    ),
    _Spec(
        "press_events",
        "Press events",
        "count",
        "press_events",
        "better",
        lambda f: f.press.press_events,
    ),
    _Spec(
        "publications_per_event",
        "Publications per press event",
        "ratio",
        "press_events",
        "better",
        lambda f: f.press.publications_per_event,
    ),
)


def _has_data(figures: Figures, dataset: str) -> bool:
    return {
        "queries": figures.queries.received,
        "broadcasts": figures.broadcasts.broadcasts,
        "press_events": figures.press.press_events,
    }[dataset] > 0


def change(value: float | None, base: float | None, higher_is: str) -> Change:
    """How ``value`` moved from ``base`` and whether that is better or worse."""
    if value is None or base is None:
        return Change(base, None, None, "no_data", "no_data")
    absolute = float(value) - float(base)
    relative = absolute / float(base) if base else None
    if abs(absolute) < 1e-12:
        return Change(base, 0.0, 0.0 if base else None, "same", "neutral")
    direction: Direction = "up" if absolute > 0 else "down"
    if higher_is == "neutral":
        verdict: Verdict = "neutral"
    elif (direction == "up") == (higher_is == "better"):
        verdict = "better"
    else:
        verdict = "worse"
    return Change(base, absolute, relative, direction, verdict)


def headline_figures(
    current: Figures,
    previous: Figures | None,
    year_ago: Figures | None,
    *,
    held: tuple[dict[str, Held], dict[str, Held], dict[str, Held]] | None = None,
    min_size: int = 1,
) -> tuple[HeadlineFigure, ...]:
    """The headline cards with their changes (``no_data`` where nothing is comparable).

    A comparison period is compared for a dataset only where the dataset is in its
    ``datasets`` and, given ``held`` (this period's coverage, the previous period's and
    the year-ago one's), covers it as it covers the current period: the same share of
    months (of days, for a period under a month) hold data. A share whose either period
    has fewer than ``min_size`` queries gets no better/worse verdict.
    """

    def comparable(figures: Figures, spec: _Spec, coverage: dict[str, Held] | None) -> bool:
        if spec.dataset not in figures.datasets:
            return False
        if held is None or coverage is None:
            return True
        mine, theirs = held[0].get(spec.dataset), coverage.get(spec.dataset)
        return mine is not None and theirs is not None and mine.same_share(theirs)

    def incomplete(spec: _Spec, coverage: dict[str, Held] | None) -> Held | None:
        # Some data, but less of the comparison period than of this one.
        mine = held[0].get(spec.dataset) if held else None
        theirs = coverage.get(spec.dataset) if coverage else None
        if mine is None or theirs is None or not theirs.held:
            return None
        return theirs if theirs.held * mine.units < mine.held * theirs.units else None

    def compare(spec: _Spec, figures: Figures | None, coverage: dict[str, Held] | None) -> Change:
        now = value(spec)
        if figures is None or not comparable(figures, spec, coverage):
            return Change(None, None, None, "no_data", "no_data", incomplete(spec, coverage))
        # A comparison period without a single record has nothing to compare.
        base = spec.read(figures) if _has_data(figures, spec.dataset) else None
        moved = change(now, base, spec.higher_is)
        # A share of too few queries on either side may move by chance alone.
        few = min(current.queries.received, figures.queries.received) < min_size
        if spec.kind == "share" and few and moved.verdict in ("better", "worse"):
            moved = replace(moved, verdict="neutral")
        return moved

    def value(spec: _Spec) -> float | None:
        # A dataset with no input file at all has no figures, not zeros.
        if current.datasets and spec.dataset not in current.datasets:
            return None
        return spec.read(current)

    previous_held = held[1] if held else None
    year_ago_held = held[2] if held else None
    return tuple(
        HeadlineFigure(
            key=spec.key,
            label=spec.label,
            value=value(spec),
            kind=spec.kind,
            vs_previous=compare(spec, previous, previous_held),
            vs_year_ago=compare(spec, year_ago, year_ago_held),
        )
        for spec in HEADLINES
        # A dataset with no input at all gets no cards (not cards of dashes).
        if not current.datasets or spec.dataset in current.datasets
    )
