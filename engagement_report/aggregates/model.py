"""The partial aggregates of a piece of a period's rows (:class:`Partial`), one category's
(:class:`CategoryPart`), how pieces add up (:func:`combine`) and the rules the figures are
computed under (:class:`Rules`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from engagement_report.accountable_parts import AccountablePart
from engagement_report.deadlines import DeadlineRules, WorkingCalendar
from engagement_report.figures import DEFAULT_MIN_CATEGORY_SIZE
from engagement_report.open_list import OpenList
from engagement_report.questions import QUESTION_DIMENSIONS, Asked
from engagement_report.repeats import RepeatCounts
from engagement_report.tally import Tally

DIMENSIONS = ("topic", "channel", "district", "body")
# Summed over a period's press events; ``outlets`` only the question log records.
PRESS_COUNTS = ("speakers", "journalist_questions", "publications", "outlets")
_STATUSES = ("answered", "in_progress", "rejected", "redirected")
_OPEN = ("open_not_due", "open_overdue")
#: The datasets whose topics officials raised (the agenda's), the events sheet's alone.
RAISED = ("broadcasts", "press_events")


class Detail(Enum):
    """How much of a window's partial aggregates a figure reads (:func:`partial` works
    out that much and no more); each level holds all of the one before it.

    ``TOTALS``: the totals (statuses, response times, broadcasts, press events), all a
    comparison with the year to date needs. ``CLASSES``: the totals and each deadline
    class counted (with the redirected queries' classes, the extensions and the queries
    with a deadline), all a month of the 12-month trend reads; no working-day times, no
    breakdowns. ``FULL``: every part of :class:`Partial`, all a period's figures read.
    """

    TOTALS = "totals"
    CLASSES = "classes"
    FULL = "full"


@dataclass(frozen=True)
class CategoryPart:
    """One topic, channel or district of a piece."""

    received: int = 0
    answered: int = 0
    days: Tally = field(default_factory=Tally)
    on_time: int = 0
    late: int = 0
    overdue: int = 0  # open past the deadline at the cut-off

    def __add__(self, other: CategoryPart) -> CategoryPart:
        return CategoryPart(
            self.received + other.received,
            self.answered + other.answered,
            self.days + other.days,
            self.on_time + other.on_time,
            self.late + other.late,
            self.overdue + other.overdue,
        )


@dataclass(frozen=True)
class Partial:
    """The partial aggregates of a piece of a period's rows (see :func:`partial`)."""

    received: int = 0
    statuses: tuple[int, int, int, int] = (0, 0, 0, 0)  # as _STATUSES, at the cut-off
    closed_undated: int = 0
    days: Tally = field(default_factory=Tally)
    categories: Mapping[str, Mapping[str, CategoryPart]] = field(default_factory=dict)
    classes: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # as DEADLINE_CLASSES
    redirected_classes: tuple[int, int, int] = (0, 0, 0)  # on time, late, open
    extended: int = 0
    working_days: Tally = field(default_factory=Tally)
    deadlines_known: int = 0  # queries with a deadline (given or computed)
    answered_by_export: int = 0
    broadcasts: int = 0
    questions_answered: int = 0
    tv_segments: int = 0
    tv_segments_recorded: int = 0
    programs: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    press_events: int = 0
    press_sums: tuple[int, int, int, int] = (0, 0, 0, 0)  # as PRESS_COUNTS, over recorded values
    press_missing: tuple[int, int, int, int] = (0, 0, 0, 0)
    questions_logged: int = 0  # the question log's questions
    # Per QUESTION_DIMENSIONS: each outlet's, speaker's or topic's questions and events.
    asked: Mapping[str, Mapping[str, Asked]] = field(default_factory=dict)
    # Repeat appeals, worked out with the earlier answers a piece needs (repeats.py).
    repeats: RepeatCounts = field(default_factory=RepeatCounts)
    open_list: OpenList = field(default_factory=OpenList)  # the longest-open queries
    # Per RAISED dataset: its rows on each topic (lower case), for the agenda.
    raised: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Ratings, outcomes, overdue marks, months with queries, values per unit.
    accountable: AccountablePart = field(default_factory=AccountablePart)


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _merge(a: Mapping[str, object], b: Mapping[str, object]) -> dict[str, object]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out[key] + value if key in out else value  # type: ignore[operator]
    return out


def combine(parts: Iterable[Partial]) -> Partial:
    """The partial aggregates of all the pieces together."""
    total = Partial()
    for p in parts:
        total = Partial(
            received=total.received + p.received,
            statuses=_add(total.statuses, p.statuses),  # type: ignore[arg-type]
            closed_undated=total.closed_undated + p.closed_undated,
            days=total.days + p.days,
            categories={
                d: _merge(total.categories.get(d, {}), p.categories.get(d, {}))  # type: ignore[misc]
                for d in DIMENSIONS
            },
            classes=_add(total.classes, p.classes),  # type: ignore[arg-type]
            redirected_classes=_add(total.redirected_classes, p.redirected_classes),  # type: ignore[arg-type]
            extended=total.extended + p.extended,
            working_days=total.working_days + p.working_days,
            deadlines_known=total.deadlines_known + p.deadlines_known,
            answered_by_export=total.answered_by_export + p.answered_by_export,
            broadcasts=total.broadcasts + p.broadcasts,
            questions_answered=total.questions_answered + p.questions_answered,
            tv_segments=total.tv_segments + p.tv_segments,
            tv_segments_recorded=total.tv_segments_recorded + p.tv_segments_recorded,
            programs={
                k: _add(total.programs.get(k, (0, 0)), p.programs.get(k, (0, 0)))  # type: ignore[misc]
                for k in {**total.programs, **p.programs}
            },
            press_events=total.press_events + p.press_events,
            press_sums=_add(total.press_sums, p.press_sums),  # type: ignore[arg-type]
            press_missing=_add(total.press_missing, p.press_missing),  # type: ignore[arg-type]
            questions_logged=total.questions_logged + p.questions_logged,
            asked={
                d: _merge(total.asked.get(d, {}), p.asked.get(d, {}))  # type: ignore[misc]
                for d in QUESTION_DIMENSIONS
            },
            repeats=total.repeats + p.repeats,
            open_list=total.open_list + p.open_list,
            raised={
                d: _merge(total.raised.get(d, {}), p.raised.get(d, {}))  # type: ignore[misc]
                for d in RAISED
            },
            accountable=total.accountable + p.accountable,
        )
    return total


@dataclass(frozen=True)
class Rules:
    """What the figures of a window are computed under (from the config)."""

    deadlines: DeadlineRules
    calendar: WorkingCalendar
    min_category_size: int = DEFAULT_MIN_CATEGORY_SIZE
    # [repeats] window_days, for the engines that work out repeats piece by piece.
    repeat_window_days: int | None = None
