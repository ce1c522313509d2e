"""Headline figures compared with the previous period and the same period a year earlier.

Each figure says which way is better (``[report] better`` in the config may say so
for any of them): a higher on-time share is better, more overdue queries or a longer
response time are worse, the number of queries received, broadcasts or press events
is neither by default (more queries is not the office's merit or fault). A change is
called better or worse only where it exceeds what chance gives at those counts
(:mod:`engagement_report.noise`); otherwise it is "little change".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from engagement_report import noise
from engagement_report.results import Figures

Direction = Literal["up", "down", "same", "no_data"]
#: better / worse: beyond noise, the figure has a better direction; changed: beyond noise,
#: it has none; little_change: within noise; no_change: the same value; too_few: fewer
#: than the minimum count on a side to judge; provisional: the period's queries are still
#: within their term, so the figure is not judged yet; no_data: nothing to compare.
Verdict = Literal[
    "better",
    "worse",
    "changed",
    "little_change",
    "no_change",
    "too_few",
    "provisional",
    "no_data",
]
Better = Literal["higher", "lower", "neutral"]
Kind = Literal["count", "share", "days", "ratio"]
#: Where a headline figure is shown: one of the report's four lead cards, or the lead
#: line of its own section.
Section = Literal["lead", "queries", "broadcasts", "press_events"]
HeldUnit = Literal["month", "day"]
#: Below this many on a side (queries, broadcasts, events, response times), no
#: percentage change is shown and a ratio gets no verdict.
DEFAULT_MIN_COUNT = 20


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
    ``relative`` is None on a base under the minimum count; ``p_value`` is the test's
    (:mod:`engagement_report.noise`), None where nothing was tested.
    """

    base: float | None
    absolute: float | None
    relative: float | None
    direction: Direction
    verdict: Verdict
    incomplete: Held | None = None
    p_value: float | None = None


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline figure: its value, kind, section and its two comparisons."""

    key: str
    label: str
    value: float | None
    kind: Kind
    vs_previous: Change
    vs_year_ago: Change
    section: Section = "lead"
    better: Better = "neutral"


#: What a share's test reads from a period: (part, whole); None where it has nothing.
Counts = Callable[[Figures], tuple[float, float] | None]


@dataclass(frozen=True)
class _Spec:
    key: str
    label: str
    kind: Kind
    dataset: str
    better: Better
    section: Section
    read: Callable[[Figures], float | None]
    counts: Counts | None = None
    provisional: bool = False  # not judged while the period's queries are within their term
    deadlines: bool = False  # needs deadline figures


def _due(f: Figures) -> tuple[float, float] | None:
    d = f.deadlines
    return None if d is None else (d.on_time, d.on_time + d.late + d.open_overdue)


HEADLINES: tuple[_Spec, ...] = (
    _Spec(
        "received",
        "Queries received",
        "count",
        "queries",
        "neutral",
        "lead",
        lambda f: f.queries.received,
    ),
    _Spec(
        "on_time_share_of_due",
        "On time within the legal term, of queries due",
        "share",
        "queries",
        "higher",
        "lead",
        lambda f: f.deadlines.on_time_share_of_due if f.deadlines else None,
        _due,
        deadlines=True,
    ),
    _Spec(
        "open_overdue",
        "Overdue now",
        "count",
        "queries",
        "lower",
        "lead",
        lambda f: f.deadlines.open_overdue if f.deadlines else None,
        deadlines=True,
    ),
    _Spec(
        "median_response_days",
        "Median response time, days",
        "days",
        "queries",
        "lower",
        "lead",
        lambda f: f.queries.median_response_days,
        provisional=True,
    ),
    _Spec(
        "answered_share",
        "Answered share",
        "share",
        "queries",
        "higher",
        "queries",
        lambda f: f.queries.answered_share,
        lambda f: (f.queries.answered, f.queries.received),
        provisional=True,
    ),
    _Spec(
        "broadcasts",
        "Live broadcasts",
        "count",
        "broadcasts",
        "neutral",
        "broadcasts",
        lambda f: f.broadcasts.broadcasts,
    ),
    _Spec(
        "questions_per_broadcast",
        "Questions per broadcast",
        "ratio",
        "broadcasts",
        "neutral",
        "broadcasts",
        lambda f: f.broadcasts.questions_per_broadcast,
    ),
    _Spec(
        "press_events",
        "Press events",
        "count",
        "press_events",
        "neutral",
        "press_events",
        lambda f: f.press.press_events,
    ),
    _Spec(
        "publications_per_event",
        "Publications per press event",
        "ratio",
        "press_events",
        "neutral",
        "press_events",
        lambda f: f.press.publications_per_event,
    ),
)


def _has_data(figures: Figures, dataset: str) -> bool:
    return {
        "queries": figures.queries.received,
        "broadcasts": figures.broadcasts.broadcasts,
        "press_events": figures.press.press_events,
    }[dataset] > 0


def change(value: float | None, base: float | None, better: str = "neutral") -> Change:
    """How ``value`` moved from ``base``, judged by direction alone (``verdict`` is then
    better / worse / changed, or no_change): :func:`headline_figures` adds the test."""
    if value is None or base is None:
        return Change(base, None, None, "no_data", "no_data")
    absolute = float(value) - float(base)
    relative = absolute / float(base) if base else None
    if abs(absolute) < 1e-12:
        return Change(base, 0.0, 0.0 if base else None, "same", "no_change")
    direction: Direction = "up" if absolute > 0 else "down"
    verdict: Verdict
    if better == "neutral":
        verdict = "changed"
    elif (direction == "up") == (better == "higher"):
        verdict = "better"
    else:
        verdict = "worse"
    return Change(base, absolute, relative, direction, verdict)


#: Per headline key, the values its test compares, one per unit (a response time per
#: answered query, questions per broadcast, publications per event), for the current
#: period and the two it is compared with (None where not known).
Samples = Mapping[str, tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]]


def _test(
    spec: _Spec,
    now: Figures,
    then: Figures,
    samples: tuple[np.ndarray | None, np.ndarray | None],
    min_size: int,
    min_count: int,
) -> tuple[bool, float | None]:
    """Whether both periods hold enough to judge, and the test's p-value."""
    if spec.kind == "count":
        a, b = spec.read(now), spec.read(then)
        if a is None or b is None:
            return False, None
        # Over periods of unequal length (all of January against February), each count
        # is expected in proportion to its period's days.
        days = now.period.days, then.period.days
        return True, noise.counts(int(a), int(b), days[0] / sum(days))
    if spec.kind == "share":
        pair_now = spec.counts(now) if spec.counts else None
        pair_then = spec.counts(then) if spec.counts else None
        if pair_now is None or pair_then is None:
            return False, None
        (x1, n1), (x2, n2) = pair_now, pair_then
        if min(n1, n2) < min_size:
            return False, None
        return True, noise.shares(int(x1), int(n1), int(x2), int(n2))
    first, second = samples
    needed = min_size if spec.kind == "days" else min_count
    if first is None or second is None or min(len(first), len(second)) < needed:
        return False, None
    if spec.kind == "days":
        return True, noise.medians(first, second)
    return True, noise.means(first, second)


def _base_size(spec: _Spec, then: Figures, sample: np.ndarray | None) -> float:
    """What a percentage change would be a share of: the count itself, a ratio's units,
    the response times measured."""
    if spec.kind == "count":
        return float(spec.read(then) or 0)
    if spec.kind in ("days", "ratio"):
        return float(len(sample)) if sample is not None else 0.0
    pair = spec.counts(then) if spec.counts else None
    return float(pair[1]) if pair else 0.0


def headline_figures(
    current: Figures,
    previous: Figures | None,
    year_ago: Figures | None,
    *,
    held: tuple[dict[str, Held], dict[str, Held], dict[str, Held]] | None = None,
    min_size: int = 1,
    min_count: int = DEFAULT_MIN_COUNT,
    better: Mapping[str, str] | None = None,
    still_due: int = 0,
    samples: Samples | None = None,
) -> tuple[HeadlineFigure, ...]:
    """The headline figures with their changes (``no_data`` where nothing is comparable).

    A comparison period is compared for a dataset only where the dataset is in its
    ``datasets`` and, given ``held`` (this period's coverage, the previous period's and
    the year-ago one's), covers it as it covers the current period: the same share of
    months (of days, for a period under a month) hold data. A change is better or worse
    only beyond noise (:mod:`engagement_report.noise`): a share or a median needs
    ``min_size`` queries on each side, a ratio ``min_count`` units, and no percentage is
    given on a base under ``min_count``. ``better`` overrides a figure's better
    direction (``higher``, ``lower``, ``neutral``). ``still_due``: the period's queries
    still within their term at the cut-off: while there are any, the answered share and
    the response time are provisional and not judged.
    """
    chosen = dict(better or {})
    known = samples or {}

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

    def compare(
        spec: _Spec,
        figures: Figures | None,
        coverage: dict[str, Held] | None,
        against: int,
    ) -> Change:
        sample_now, *others = known.get(spec.key, (None, None, None))
        sample = others[against]
        now = value(spec)
        if figures is None or not comparable(figures, spec, coverage):
            return Change(None, None, None, "no_data", "no_data", incomplete(spec, coverage))
        # A comparison period without a single record has nothing to compare.
        base = spec.read(figures) if _has_data(figures, spec.dataset) else None
        moved = change(now, base, chosen.get(spec.key, spec.better))
        if moved.verdict == "no_data":
            return moved
        if _base_size(spec, figures, sample) < min_count:
            moved = replace(moved, relative=None)  # 3 against 6 is not "−50%"
        if moved.verdict == "no_change":
            return moved
        enough, p_value = _test(spec, current, figures, (sample_now, sample), min_size, min_count)
        moved = replace(moved, p_value=p_value)
        if spec.provisional and still_due:
            return replace(moved, verdict="provisional")
        if not enough:
            return replace(moved, verdict="too_few")
        if not noise.beyond_noise(p_value):
            return replace(moved, verdict="little_change")
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
            vs_previous=compare(spec, previous, previous_held, 0),
            vs_year_ago=compare(spec, year_ago, year_ago_held, 1),
            section=spec.section,
            better=_better(chosen.get(spec.key, spec.better)),
        )
        for spec in HEADLINES
        # A dataset with no input at all gets no cards (not cards of dashes), and
        # without deadline rules there are no deadline cards.
        if (not current.datasets or spec.dataset in current.datasets)
        and (not spec.deadlines or current.deadlines is not None)
    )


def _better(text: str) -> Better:
    return "higher" if text == "higher" else "lower" if text == "lower" else "neutral"
