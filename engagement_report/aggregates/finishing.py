"""The figures of a window finished from the partial aggregates of all its rows."""

from __future__ import annotations

from collections.abc import Mapping

from engagement_report.aggregates.model import DIMENSIONS, CategoryPart, Partial, Rules
from engagement_report.deadlines import DeadlineFigures
from engagement_report.figures import response_spread, share
from engagement_report.periods import Window
from engagement_report.questions import QUESTION_DIMENSIONS, asked_rows
from engagement_report.results import (
    BroadcastFigures,
    CategoryFigures,
    Figures,
    PressFigures,
    ProgramFigures,
    QueryFigures,
)


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
