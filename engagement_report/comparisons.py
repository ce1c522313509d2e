"""Headline figures compared with the previous period and the same period a year earlier.

Each headline figure says which way is better: a rise in answered share is
better, a rise in response time is worse, the number of queries received is
neither (more queries is not the office's merit or fault).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engagement_report.results import Figures

Direction = Literal["up", "down", "same", "no_data"]
Verdict = Literal["better", "worse", "neutral", "no_data"]


@dataclass(frozen=True)
class Change:
    """The change of one figure against a comparison period."""

    base: float | None
    absolute: float | None
    relative: float | None
    direction: Direction
    verdict: Verdict


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
    current: Figures, previous: Figures | None, year_ago: Figures | None
) -> tuple[HeadlineFigure, ...]:
    """The headline cards with their changes (``no_data`` where a period has none).

    A comparison period is compared only for the datasets in its ``datasets``: those
    whose records cover the whole period (``analysis.comparisons`` leaves out a dataset
    that begins after the period starts).
    """

    def base(figures: Figures | None, spec: _Spec) -> float | None:
        # A comparison period's datasets are those that cover all of it.
        if figures is None or spec.dataset not in figures.datasets:
            return None
        if not _has_data(figures, spec.dataset):
            return None
        return spec.read(figures)

    def value(spec: _Spec) -> float | None:
        # A dataset with no input file at all has no figures, not zeros.
        if current.datasets and spec.dataset not in current.datasets:
            return None
        return spec.read(current)

    return tuple(
        HeadlineFigure(
            key=spec.key,
            label=spec.label,
            value=value(spec),
            kind=spec.kind,
            vs_previous=change(value(spec), base(previous, spec), spec.higher_is),
            vs_year_ago=change(value(spec), base(year_ago, spec), spec.higher_is),
        )
        for spec in HEADLINES
    )
