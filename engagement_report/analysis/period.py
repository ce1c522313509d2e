"""Every figure of one window's period, as of its cut-off, with deadlines and the
longest-open queries."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from engagement_report.accountability import (
    accountability_figures,
    per_resident,
    with_accountability,
)
from engagement_report.aggregates import (
    DIMENSIONS,
    Combined,
    Detail,
    Partial,
    Rules,
    finish,
    partial,
    queries_deadline_inputs,
)
from engagement_report.config import Config
from engagement_report.dated import Dated, dated, latest
from engagement_report.deadlines import (
    DeadlineRules,
    WorkingCalendar,
    marks_of,
)
from engagement_report.figures import within
from engagement_report.models import CleanData
from engagement_report.periods import Period, Window
from engagement_report.questions import reported_datasets
from engagement_report.repeats import ADDRESS, APPLICANT, RepeatCounts, window_repeats
from engagement_report.results import CategoryFigures, Figures, YearToDate
from engagement_report.standing import (
    Ask,
    ages,
    backlog,
    counted_before,
    given_dated,
    given_standing,
    standing,
)
from engagement_report.views import year_to_date


def deadline_rules(config: Config) -> tuple[DeadlineRules, WorkingCalendar]:
    """The deadline rules and working-day calendar the config describes."""
    rules = DeadlineRules(
        config.deadlines.answer_working_days,
        config.deadlines.redirect_working_days,
        "calendar"
        if config.deadlines.kind == "calendar"
        else "given"
        if config.deadlines.kind == "given"
        else "working",
    )
    calendar = WorkingCalendar(
        config.calendar.country,
        config.calendar.extra_holidays,
        config.calendar.extra_working_days,
        config.calendar.working_hours,
        config.calendar.subdivision,
    )
    return rules, calendar


def restrict(data: CleanData, period: Period) -> CleanData:
    """The data of ``period`` alone: each frame's rows dated inside it (the report kept).

    Filtering once and computing on the smaller frames is what keeps the 12-month trend
    and the comparisons cheap on a million-row registry.
    """
    return replace(
        data,
        queries=within(data.queries, "received_at", period),
        broadcasts=within(data.broadcasts, "date", period),
        press_events=within(data.press_events, "date", period),
        press_questions=within(data.press_questions, "date", period),
        open_before=None,  # received before the period: not of it
    )


def figure_rules(config: Config) -> Rules:
    """What every figure is computed under: the deadline rules, the working-day calendar
    and the smallest category that is ranked (the same for every engine)."""
    rules, calendar = deadline_rules(config)
    return Rules(rules, calendar, config.min_category_size, config.repeats.window_days)


def compute(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
    *,
    on_partial: Callable[[Partial], object] | None = None,
) -> Figures:
    """Every figure of the window's period, as of its cut-off (:func:`period_figures`)."""
    return period_figures(data, window, config, combined, rules, on_partial=on_partial)[0]


def period_figures(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
    *,
    on_partial: Callable[[Partial], object] | None = None,
    days: Dated | None = None,
    ytd: Future[YearToDate | None] | None = None,
) -> tuple[Figures, Partial]:
    """Every figure of the window's period, as of its cut-off: the period's rows as one
    piece of :mod:`engagement_report.aggregates` (or the pieces ``combined`` already, as
    the Dask engine does month by month), with the export's date and the longest-open
    queries, which are no aggregates; and the partial aggregates they were finished from.

    ``rules``: :func:`figure_rules` of ``config``, when the caller works them out once for
    a whole report. Each query's deadline is worked out once, here, and serves the deadline
    classes and the export's own overdue marks alike. ``on_partial`` is handed the
    period's partial aggregates as soon as they are known (the trend's own month);
    ``days``: the days the data holds records on, when already worked out; ``ytd``: the
    year to date as another thread works it out (:func:`history_figures`)."""
    rules = figure_rules(config) if rules is None else rules
    days = given_dated(combined) if days is None else days
    export_date = _export_date(data, days)
    inside = restrict(data, window.period)
    inputs = queries_deadline_inputs(inside.queries, rules)
    if combined is None:
        part = partial(
            inside.queries,
            inside.broadcasts,
            inside.press_events,
            window.cutoff,
            rules,
            press_questions=inside.press_questions,
            inputs=inputs,
            export_date=export_date,
        )[0]
    else:
        part = combined[window, Detail.FULL]
    if on_partial is not None:
        on_partial(part)
    figures = finish(
        part,
        window,
        rules,
        datasets=reported_datasets(data.present),
        mapped=mapped_columns(data),
        asked=mapped_columns(data, "press_questions"),
    )
    figures = replace(
        figures,
        export_date=export_date,
        open_queries=part.open_list.shown(),
        **history_figures(data, window, config, combined, rules, days, ytd),
        **accountable_figures(
            data, part, figures, config, export_date, repeat_counts(data, window, config, combined)
        ),
    )
    return figures, part


def accountable_figures(
    data: CleanData,
    part: Partial,
    figures: Figures,
    config: Config,
    export_date: date | None,
    repeats: RepeatCounts | None = None,
) -> dict[str, Any]:
    """The breakdowns with each category's ratings, outcomes and repeats, districts per
    10,000 residents, the window's accountability totals (accountability.py) and the
    export's overdue marks compared as of ``export_date`` (deadlines), finished from the
    partial aggregates of the window's rows (``part``: whichever engine added them up)
    and its repeat counts (``repeats``: :func:`repeat_counts`); no row is read here."""
    mapped = frozenset(c for s in data.report.sources if s.dataset == "queries" for c in s.mapping)
    found = part.accountable

    def more(rows: tuple[CategoryFigures, ...], dimension: str) -> tuple[CategoryFigures, ...]:
        return with_accountability(rows, found, dimension, mapped, config, repeats)

    # The export's own overdue mark against the deadline classes as of the export's date.
    marks = None
    if export_date is not None and figures.deadlines is not None:
        marks = marks_of(found.marks, export_date)
    return {
        "overdue_marks": marks,
        "by_topic": more(figures.by_topic, "topic"),
        "by_channel": more(figures.by_channel, "channel"),
        "by_district": per_resident(
            more(figures.by_district, "district"), config.population.districts
        ),
        "by_body": more(figures.by_body, "body"),
        "accountability": accountability_figures(found, figures.queries, mapped, config, repeats),
    }


def repeat_counts(
    data: CleanData, window: Window, config: Config, combined: Combined | None = None
) -> RepeatCounts | None:
    """The repeat appeals of the window's queries (as of its cut-off), in total and per
    category; None when no input has an applicant or address column. From ``combined``
    when given (the Dask engine's, month by month: no row is read here), else from all
    the rows of ``data`` (an earlier query counts from before the period too)."""
    mapped = frozenset(c for s in data.report.sources if s.dataset == "queries" for c in s.mapping)
    if not mapped & {APPLICANT, ADDRESS}:
        return None
    if combined is not None:
        return combined[window, Detail.FULL].repeats
    return window_repeats(data.queries, window, config.repeats.window_days, DIMENSIONS)


def history_figures(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
    days: Dated | None = None,
    ytd: Future[YearToDate | None] | None = None,
) -> dict[str, Any]:
    """What a period's figures say of the queries whenever received (the backlog at its
    end, the ages of those open at the cut-off) and of the year to date: of the whole
    data (an archive's months up to the period's end, the earliest of them as counts:
    ``data.open_before``), from ``combined`` when given (the Dask engine's: the rows'
    :class:`~engagement_report.standing.Standing` and days, the year to date's totals).
    ``rules``: the figures' rules (:func:`figure_rules` of ``config`` when not given);
    ``days``: the days the data holds records on, when already worked out; ``ytd``: the
    year to date (:func:`data_year_to_date`) as another thread works it out, waited for."""
    rules = figure_rules(config) if rules is None else rules
    ask = Ask((window.period.end,), (window.cutoff,))
    rows = given_standing(combined)
    if rows is None:
        rows = standing(data.queries, ask, rules.calendar)
    piece = rows + counted_before(data.open_before, ask, rules.calendar)
    return {
        "backlog": backlog(piece, ask.days)[0],
        "open_ages": ages(piece, window.cutoff),
        "year_to_date": data_year_to_date(data, window, rules, combined, days)
        if ytd is None
        else ytd.result(),
    }


def data_year_to_date(
    data: CleanData,
    window: Window,
    rules: Rules,
    combined: Combined | None = None,
    days: Dated | None = None,
) -> YearToDate | None:
    """The year to date of ``window`` beside the same part of last year
    (:func:`~engagement_report.views.year_to_date`) of the whole data, its totals from
    ``combined`` when given (``days``: the days the data holds records on, when already
    worked out)."""
    return year_to_date(
        _frames(data),
        window,
        reported_datasets(data.present),
        rules,
        combined,
        given_dated(combined) if days is None else days,
    )


def mapped_columns(data: CleanData, dataset: str = "queries") -> frozenset[str] | None:
    """The columns of ``dataset`` some input has (a column none has, such as channels in
    an export without them, gives no breakdown, not one "(not stated)" row at 100%);
    None when the data has no sources to tell."""
    if not data.report.sources:
        return None
    return frozenset(c for s in data.report.sources if s.dataset == dataset for c in s.mapping)


def _export_date(data: CleanData, days: Dated | None = None) -> date | None:
    """The latest date in the data: the day the export was taken, as near as it tells
    (of the whole data when only part of it was read). ``days``: the days the data
    holds records on, when already worked out (:func:`~engagement_report.dated.dated`)."""
    if data.extent is not None:
        return data.extent.latest
    return latest(dated(_frames(data)) if days is None else days)


def _frames(data: CleanData) -> dict[str, pd.DataFrame]:
    return {d: data.frame(d) for d in ("queries", "broadcasts", "press_events", "press_questions")}
