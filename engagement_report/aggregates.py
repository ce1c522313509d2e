"""Every figure of a period as partial aggregates per piece of the data, then a combine.

The figures of ``figures.py`` and the deadline figures are counts, sums and quantiles
over the rows of a period. Counts and sums add up across pieces; a quantile does not,
so each piece keeps its response times as a :class:`Tally` (each distinct value and how
often it occurs, at the precision the data has) and the combined tally gives the exact
median and 90th percentile, with the same arithmetic as NumPy on all the values at once.

:func:`partial` works out one piece (any subset of a period's rows: a month's partition
of an archive, or the whole frame), :func:`combine` adds pieces up and :func:`finish`
turns the sum into :class:`~engagement_report.results.Figures`. The pandas engine runs
the three on one piece; the Dask engine runs :func:`partial` on each partition of an
archive on the cluster's workers. One definition, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.accountable_parts import AccountablePart, accountable_part, unit_part
from engagement_report.deadlines import (
    DEADLINE_CLASSES,
    DeadlineFigures,
    DeadlineInputs,
    DeadlineRules,
    WorkingCalendar,
    classes_at,
    closed_undated,
    deadline_inputs,
    working_days_between,
)
from engagement_report.figures import (
    DEFAULT_MIN_CATEGORY_SIZE,
    at_cutoff,
    category_codes,
    measurable,
    response_days,
    response_spread,
    share,
    within,
)
from engagement_report.open_list import OpenList
from engagement_report.periods import Window
from engagement_report.questions import (
    QUESTION_DIMENSIONS,
    Asked,
    asked_parts,
    asked_rows,
    press_events_with_log,
)
from engagement_report.raised import topics_raised
from engagement_report.repeats import RepeatCounts
from engagement_report.results import (
    BroadcastFigures,
    CategoryFigures,
    Figures,
    PressFigures,
    ProgramFigures,
    QueryFigures,
)
from engagement_report.tally import Tally
from engagement_report.validation.rows import NOT_STATED

DIMENSIONS = ("topic", "channel", "district", "body")
# Summed over a period's press events; ``outlets`` only the question log records.
PRESS_COUNTS = ("speakers", "journalist_questions", "publications", "outlets")
_STATUSES = ("answered", "in_progress", "rejected", "redirected")
_OPEN = ("open_not_due", "open_overdue")
#: The datasets whose topics officials raised (the agenda's), the events sheet's alone.
RAISED = ("broadcasts", "press_events")


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


def partial(
    queries: pd.DataFrame,
    broadcasts: pd.DataFrame,
    press_events: pd.DataFrame,
    cutoff: date,
    rules: Rules,
    *,
    detail: bool = True,
    press_questions: pd.DataFrame | None = None,
    inputs: DeadlineInputs | None = None,
    export_date: date | None = None,
) -> tuple[Partial, pd.Series | None]:
    """The partial aggregates of a piece of one period's rows (each frame holds only rows
    dated in the period), as of the end of ``cutoff``; and each query's deadline class
    (for the export's overdue marks compared).

    ``press_questions``: the question log's rows of the piece, if any. A piece holds whole
    days of the press events and of the log (the two are combined day by day: an archive's
    month holds the month's days of both).

    ``detail=False``: the totals alone (no breakdowns, no deadline classes), all a
    comparison with an earlier period needs. ``inputs``: ``queries``' deadline inputs
    (:func:`~engagement_report.deadlines.deadline_inputs` under ``rules``), when the caller
    has worked them out for another use of the same rows too. ``export_date``: the day the
    export was taken, which the export's own overdue marks are compared as of.
    """
    stood = at_cutoff(queries, cutoff)
    if not detail:
        return _totals(queries, stood, broadcasts, press_events, press_questions), None
    if inputs is None:
        inputs = queries_deadline_inputs(queries, rules)
    status, deadline, answered_at = inputs
    classes = classes_at(status, deadline, answered_at, cutoff)
    class_codes = np.asarray(classes.cat.codes, dtype=np.int64)
    days = response_days(stood)
    answered = stood["status"].eq("answered").fillna(False).to_numpy(dtype=bool)
    measured = measurable(stood)  # the rows of ``days``, by position
    categories = {
        d: _category_parts(stood[d], answered, measured, stood["response_days"], class_codes)
        for d in DIMENSIONS
        if d in stood
    }
    redirected = status.eq("redirected").to_numpy(dtype=bool)
    on_time, late = (class_codes == DEADLINE_CLASSES.index(c) for c in ("on_time", "late"))
    is_open = np.isin(class_codes, [DEADLINE_CLASSES.index(c) for c in _OPEN])
    closed_answered = (on_time | late) & status.eq("answered").to_numpy(dtype=bool)
    working = working_days_between(
        queries["received_at"][closed_answered],
        queries["answered_at"][closed_answered],
        rules.calendar,
    )
    totals = _totals(queries, stood, broadcasts, press_events, press_questions, days)
    return (
        replace(
            totals,
            categories=categories,
            asked={} if press_questions is None else asked_parts(press_questions),
            classes=tuple(  # type: ignore[arg-type]
                int((class_codes == i).sum()) for i in range(len(DEADLINE_CLASSES))
            ),
            redirected_classes=(
                int((redirected & on_time).sum()),
                int((redirected & late).sum()),
                int((redirected & is_open).sum()),
            ),
            extended=int(queries["extended_until"].notna().sum())
            if "extended_until" in queries
            else 0,
            working_days=Tally.of(working.to_numpy(dtype=float)),
            deadlines_known=int(deadline.notna().sum()),
            programs=_programs(broadcasts),
            open_list=OpenList.of(queries, classes, cutoff),
            raised={
                "broadcasts": topics_raised(broadcasts),
                "press_events": topics_raised(press_events),
            },
            accountable=totals.accountable
            + accountable_part(queries, stood, DIMENSIONS, inputs, export_date),
        ),
        classes,
    )


#: The columns a frame of queries carries its rows' deadline inputs in
#: (:func:`with_deadline_inputs`).
DEADLINE_COLUMNS = ("_deadline_status", "_deadline_due", "_deadline_answered")


def with_deadline_inputs(queries: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """``queries`` carrying each row's deadline inputs under ``rules``
    (:func:`~engagement_report.deadlines.deadline_inputs`). A query's deadline does not
    depend on the window or the cut-off, so a report works them out once for all its
    rows, and every window's rows (the period's, each trend month's, the year-earlier
    period's) take theirs along instead of working them out again."""
    inputs = deadline_inputs(queries, rules.deadlines, rules.calendar)
    return queries.assign(**dict(zip(DEADLINE_COLUMNS, inputs, strict=True)))


def queries_deadline_inputs(queries: pd.DataFrame, rules: Rules) -> DeadlineInputs:
    """The deadline inputs of ``queries`` under ``rules``: those the rows carry (worked
    out under the same rules, :func:`with_deadline_inputs`), else worked out here."""
    if not all(column in queries for column in DEADLINE_COLUMNS):
        return deadline_inputs(queries, rules.deadlines, rules.calendar)
    status, due, answered = (queries[column] for column in DEADLINE_COLUMNS)
    return status.rename("status"), due.rename("deadline"), answered.rename(None)


#: A window whose partial aggregates a figure is finished from, and whether with detail
#: (breakdowns and deadline classes: :func:`partial`).
Request = tuple[Window, bool]
#: Partial aggregates already combined, by request (the Dask engine's, from the cluster).
Combined = Mapping[Request, Partial]


def window_partial(
    frames: Mapping[str, pd.DataFrame],
    window: Window,
    rules: Rules,
    *,
    detail: bool = True,
    combined: Combined | None = None,
    export_date: date | None = None,
) -> Partial:
    """The partial aggregates of ``window``: from ``combined`` when it is given (a window
    it lacks is a bug: the requests were planned short), else of the rows of ``frames``
    (each dataset's rows, any of them: the question log's if it is there) dated in the
    window's period. ``export_date``: as :func:`partial` has it."""
    if combined is not None:
        return combined[window, detail]
    inside = {
        dataset: within(frames[dataset], column, window.period)
        for dataset, column in _DATES.items()
        if dataset in frames
    }
    return partial(
        inside["queries"],
        inside["broadcasts"],
        inside["press_events"],
        window.cutoff,
        rules,
        detail=detail,
        press_questions=inside.get("press_questions"),
        export_date=export_date,
    )[0]


#: The date that places a row of each dataset in a period.
_DATES = {
    "queries": "received_at",
    "broadcasts": "date",
    "press_events": "date",
    "press_questions": "date",
}


def _totals(
    queries: pd.DataFrame,
    stood: pd.DataFrame,
    broadcasts: pd.DataFrame,
    press_events: pd.DataFrame,
    press_questions: pd.DataFrame | None = None,
    days: pd.Series | None = None,
) -> Partial:
    """The totals' part of :func:`partial` (``stood``: the queries as at the cut-off)."""
    counts = stood["status"].value_counts(dropna=True)
    # The same rule as the ``closed_undated`` deadline class (at the cut-off an answer
    # dated later reads in progress, undated either way), so the two counts agree.
    undated = closed_undated(stood["status"], stood["answered_at"])
    days = response_days(stood) if days is None else days
    return replace(
        event_partial(broadcasts, press_events, press_questions),
        received=len(stood),
        statuses=tuple(int(counts.get(s, 0)) for s in _STATUSES),  # type: ignore[arg-type]
        closed_undated=int(undated.sum()),
        days=Tally.of(days.to_numpy()),
        answered_by_export=int(queries["status"].eq("answered").fillna(False).sum()),
    )


def event_partial(
    broadcasts: pd.DataFrame,
    press_events: pd.DataFrame,
    press_questions: pd.DataFrame | None = None,
) -> Partial:
    """The broadcasts' and press events' part of :func:`partial` (their totals); the press
    events are the events sheet's and the question log's, combined day by day
    (:func:`~engagement_report.questions.press_events_with_log`)."""
    segments = broadcasts["tv_segments"]
    logged = 0 if press_questions is None else len(press_questions)
    events = press_events_with_log(press_events, press_questions) if logged else press_events
    # A count the events lack as a column (outlets without a log) is recorded for none.
    recorded = {
        c: events[c] if c in events else pd.Series(pd.NA, index=events.index) for c in PRESS_COUNTS
    }
    return Partial(
        broadcasts=len(broadcasts),
        questions_answered=_sum(broadcasts["questions_answered"]),
        tv_segments=_sum(segments),
        tv_segments_recorded=int(segments.notna().sum()),
        press_events=len(events),
        press_sums=tuple(_sum(recorded[c].dropna()) for c in PRESS_COUNTS),  # type: ignore[arg-type]
        press_missing=tuple(int(recorded[c].isna().sum()) for c in PRESS_COUNTS),  # type: ignore[arg-type]
        questions_logged=logged,
        accountable=unit_part(broadcasts["questions_answered"], recorded["publications"]),
    )


def _sum(values: pd.Series) -> int:
    return int(values.sum()) if len(values) else 0


def _category_parts(
    labels: pd.Series,
    answered: np.ndarray,
    measured: np.ndarray,
    days: pd.Series,
    class_codes: np.ndarray,
) -> dict[str, CategoryPart]:
    if not len(labels):
        return {}
    codes, names = category_codes(labels)
    width = len(names)
    sizes = np.bincount(codes, minlength=width)
    answers = np.bincount(codes[answered], minlength=width)
    on_time = np.bincount(codes[class_codes == DEADLINE_CLASSES.index("on_time")], minlength=width)
    late = np.bincount(codes[class_codes == DEADLINE_CLASSES.index("late")], minlength=width)
    overdue = np.bincount(
        codes[class_codes == DEADLINE_CLASSES.index("open_overdue")], minlength=width
    )
    values = days.to_numpy(dtype=float)
    out = {}
    for code in np.flatnonzero(sizes):
        mine = measured & (codes == code)
        out[names[code]] = CategoryPart(
            int(sizes[code]),
            int(answers[code]),
            Tally.of(values[mine]),
            int(on_time[code]),
            int(late[code]),
            int(overdue[code]),
        )
    return out


def _programs(broadcasts: pd.DataFrame) -> dict[str, tuple[int, int]]:
    if broadcasts.empty:
        return {}
    labels = broadcasts["program"].astype("string").fillna(NOT_STATED)
    grouped = (
        broadcasts.assign(label=labels)
        .groupby("label", observed=True)["questions_answered"]
        .agg(["size", "sum"])
    )
    return {str(label): (int(size), int(total)) for label, (size, total) in grouped.iterrows()}


def finish(
    part: Partial,
    window: Window,
    rules: Rules,
    *,
    datasets: frozenset[str] = frozenset(),
    mapped: frozenset[str] | None = None,
    asked: frozenset[str] | None = None,
) -> Figures:
    """The figures of ``window`` from the partial aggregates of all its rows.

    ``mapped``: the query columns some input has (a breakdown by a column no input has is
    left out, not shown as one '(not stated)' row); None: all of them. ``asked``: the
    same for the question log's columns.
    """
    received = part.received
    queries = query_result(part)
    deadlines = deadline_result(part, window, rules)
    breakdowns = {
        d: _breakdown(
            part.categories.get(d, {}), received, rules.min_category_size, deadlines is not None
        )
        if mapped is None or d in mapped
        else ()
        for d in DIMENSIONS
    }
    press = press_result(part)
    by_asked = {
        d: asked_rows(part.asked.get(d, {}), part.questions_logged)
        if asked is None or d in asked
        else ()
        for d in QUESTION_DIMENSIONS
    }
    programs = sorted(part.programs.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return Figures(
        period=window.period,
        queries=queries,
        by_topic=breakdowns["topic"],
        by_channel=breakdowns["channel"],
        by_district=breakdowns["district"],
        by_body=breakdowns["body"],
        broadcasts=broadcast_result(part),
        by_program=tuple(ProgramFigures(label, size, total) for label, (size, total) in programs),
        press=press,
        datasets=datasets,
        deadlines=deadlines,
        cutoff=window.cutoff,
        answered_by_export=part.answered_by_export,
        # Whole days elapsed (2.9 days is 2): the bins of a fractional time are its days'.
        response_spread=response_spread(part.days.values, part.days.counts),
        by_outlet=by_asked["outlet"],
        by_speaker=by_asked["speaker"],
        by_question_topic=by_asked["topic"],
    )


def query_result(part: Partial) -> QueryFigures:
    """The query totals: statuses at the cut-off, shares, and the response times'
    median, quartiles and 90th percentile from the merged tally."""
    received = part.received
    answered, in_progress, rejected, redirected = part.statuses
    return QueryFigures(
        received=received,
        answered=answered,
        in_progress=in_progress,
        rejected=rejected,
        redirected=redirected,
        other_status=received - sum(part.statuses),
        answered_share=share(answered, received),
        median_response_days=part.days.quantile(0.5),
        p90_response_days=part.days.quantile(0.9),
        responses_measured=part.days.size,
        closed_undated=part.closed_undated,
        q1_response_days=part.days.quantile(0.25),
        q3_response_days=part.days.quantile(0.75),
    )


def deadline_result(part: Partial, window: Window, rules: Rules) -> DeadlineFigures | None:
    """The deadline figures: the classes at the cut-off, their shares, redirections,
    extensions and the working-day median; None where the data gives the terms
    (``kind = "given"``) and this piece has none (no figures, not zeros)."""
    if rules.deadlines.kind == "given" and not part.deadlines_known:
        return None
    on_time, late, not_due, overdue, undated = part.classes
    decided = on_time + late
    return DeadlineFigures(
        on_time=on_time,
        late=late,
        open_not_due=not_due,
        open_overdue=overdue,
        closed_undated=undated,
        on_time_share=on_time / decided if decided else None,
        extended=part.extended,
        median_response_working_days=part.working_days.median(),
        redirected_on_time=part.redirected_classes[0],
        redirected_late=part.redirected_classes[1],
        redirected_open=part.redirected_classes[2],
        as_of=window.cutoff,
    )


def _breakdown(
    parts: Mapping[str, CategoryPart], total: int, min_size: int, deadlines: bool
) -> tuple[CategoryFigures, ...]:
    """Categories biggest first (ties by name)."""
    order = sorted(parts, key=lambda label: (-parts[label].received, label))
    rows = []
    for label in order:
        p = parts[label]
        rows.append(
            CategoryFigures(
                category=label,
                received=p.received,
                answered=p.answered,
                answered_share=share(p.answered, p.received),
                share_of_received=share(p.received, total),
                median_response_days=p.days.median(),
                comparable=p.received >= min_size,
                on_time_share=share(p.on_time, p.on_time + p.late),
                on_time=p.on_time,
                late=p.late,
                open_overdue=p.overdue if deadlines else None,
            )
        )
    return tuple(rows)


def part_figures(part: Partial) -> tuple[QueryFigures, BroadcastFigures, PressFigures]:
    """The query, broadcast and press totals of partial aggregates (no breakdowns)."""
    return query_result(part), broadcast_result(part), press_result(part)


def broadcast_result(part: Partial) -> BroadcastFigures:
    """The broadcast totals: TV segments are empty (not 0) when no broadcast of the period
    recorded them."""
    count = part.broadcasts
    segments = None if count and not part.tv_segments_recorded else part.tv_segments
    return BroadcastFigures(
        count, part.questions_answered, share(part.questions_answered, count), segments
    )


def press_result(part: Partial) -> PressFigures:
    """The press totals: a count some event did not record is not recorded for the period
    (None), and so is every ratio built on it."""
    count = part.press_events
    recorded = [
        None if missing else total
        for total, missing in zip(part.press_sums, part.press_missing, strict=True)
    ]
    speakers, questions, publications, outlets = recorded
    return PressFigures(
        press_events=count,
        speakers=speakers,
        journalist_questions=questions,
        publications=publications,
        publications_per_event=None if publications is None else share(publications, count),
        questions_per_event=None if questions is None else share(questions, count),
        speakers_not_recorded=part.press_missing[0],
        journalist_questions_not_recorded=part.press_missing[1],
        publications_not_recorded=part.press_missing[2],
        outlets=outlets,
        outlets_not_recorded=part.press_missing[3],
        questions_logged=part.questions_logged,
    )
