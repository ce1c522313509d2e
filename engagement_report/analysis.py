"""Compute stage, orchestrated: figures of a period with deadlines, the 12-month trend,
the longest-open queries and each dataset's coverage. Pure functions of clean data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from engagement_report.comparisons import HeadlineFigure, headline_figures
from engagement_report.config import Config
from engagement_report.deadlines import (
    DeadlineRules,
    WorkingCalendar,
    classify_deadlines,
    deadline_figures,
    longest_open,
)
from engagement_report.figures import compute_figures, in_period, share
from engagement_report.models import CleanData
from engagement_report.periods import Period, today_in
from engagement_report.results import CategoryFigures, Figures, OpenQuery, TrendPoint
from engagement_report.validation.rows import NOT_STATED


def deadline_rules(config: Config) -> tuple[DeadlineRules, WorkingCalendar]:
    """The deadline rules and working-day calendar the config describes."""
    rules = DeadlineRules(
        config.deadlines.answer_working_days,
        config.deadlines.redirect_working_days,
        "calendar" if config.deadlines.kind == "calendar" else "working",
    )
    calendar = WorkingCalendar(
        config.calendar.country, config.calendar.extra_holidays, config.calendar.extra_working_days
    )
    return rules, calendar


def cut_off(period: Period, config: Config, today: date | None, as_of: date | None) -> date:
    """The deadline cut-off: ``as_of``, else the period's last day, or today if that is sooner."""
    if as_of is not None:
        return as_of
    return min(period.end, today or today_in(config.timezone))


def _known_at(queries: pd.DataFrame, as_of: date) -> pd.DataFrame:
    # A query received after the cut-off did not exist yet at the cut-off.
    return queries[queries["received_at"] < pd.Timestamp(as_of) + pd.Timedelta(days=1)]


def compute(
    data: CleanData,
    period: Period,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
) -> Figures:
    """Every figure of ``period``, deadlines as of the cut-off."""
    figures = compute_figures(
        data.queries,
        data.broadcasts,
        data.press_events,
        period,
        min_category_size=config.min_category_size,
        datasets=data.present,
    )
    cutoff = cut_off(period, config, today, as_of)
    queries = _known_at(data.queries[in_period(data.queries["received_at"], period)], cutoff)
    rules, calendar = deadline_rules(config)
    classes = classify_deadlines(queries, cutoff, rules, calendar)
    deadlines = deadline_figures(queries, classes, cutoff, calendar, rules)

    def with_on_time(
        rows: tuple[CategoryFigures, ...], dimension: str
    ) -> tuple[CategoryFigures, ...]:
        if not rows:
            return rows
        labels = queries[dimension].astype("string").fillna(NOT_STATED)
        decided = pd.DataFrame({"label": labels, "cls": classes.astype("string")})
        counts = decided.groupby(["label", "cls"], observed=True).size()
        out = []
        for row in rows:
            on_time = int(counts.get((row.category, "on_time"), 0))
            late = int(counts.get((row.category, "late"), 0))
            out.append(replace(row, on_time_share=share(on_time, on_time + late)))
        return tuple(out)

    return replace(
        figures,
        deadlines=deadlines,
        by_topic=with_on_time(figures.by_topic, "topic"),
        by_channel=with_on_time(figures.by_channel, "channel"),
        by_district=with_on_time(figures.by_district, "district"),
    )


def open_queries(
    data: CleanData,
    period: Period,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
    limit: int = 10,
) -> tuple[OpenQuery, ...]:
    """The longest-open queries of the period at the cut-off, by id and age."""
    cutoff = cut_off(period, config, today, as_of)
    queries = _known_at(data.queries[in_period(data.queries["received_at"], period)], cutoff)
    if queries.empty:
        return ()
    rules, calendar = deadline_rules(config)
    classes = classify_deadlines(queries, cutoff, rules, calendar)
    table = longest_open(
        queries.reset_index(drop=True), classes.reset_index(drop=True), cutoff, limit
    )
    return tuple(
        OpenQuery(
            query_id="" if pd.isna(row.query_id) else str(row.query_id),
            received_on=pd.Timestamp(row.received_at).date().isoformat(),
            age_days=int(row.age_days),
            deadline_class=str(row.deadline_class),
        )
        for row in table.itertuples(index=False)
    )


def trend(
    data: CleanData, period: Period, config: Config, today: date | None = None
) -> tuple[TrendPoint, ...]:
    """The 12 calendar months up to the period's end, month by month."""
    points = []
    for month in period.trailing_months(12):
        figures = compute(data, month, config, today)
        points.append(
            TrendPoint(
                month=month,
                received=figures.queries.received,
                answered=figures.queries.answered,
                answered_share=figures.queries.answered_share,
                on_time_share=figures.deadlines.on_time_share if figures.deadlines else None,
                broadcasts=figures.broadcasts.broadcasts,
                questions_answered=figures.broadcasts.questions_answered,
                press_events=figures.press.press_events,
                publications=figures.press.publications,
            )
        )
    return tuple(points)


def comparisons(
    data: CleanData, figures: Figures, config: Config, today: date | None = None
) -> tuple[HeadlineFigure, ...]:
    """Headline figures against the previous period of the same length and a year earlier."""
    period = figures.period
    previous = compute(data, period.previous(), config, today)
    year_ago = compute(data, period.year_ago(), config, today)
    return headline_figures(figures, previous, year_ago)


@dataclass(frozen=True)
class AgendaRow:
    """A query topic beside how often it was raised on air and at press events."""

    topic: str
    queries: int
    share_of_queries: float | None
    broadcasts: int
    press_events: int

    @property
    def unaddressed(self) -> bool:
        """Citizens ask about it; officials did not raise it on air or at the press."""
        return self.queries > 0 and self.broadcasts == 0 and self.press_events == 0


def agenda(data: CleanData, figures: Figures) -> tuple[AgendaRow, ...]:
    """Query topics beside broadcast and press-event topics (empty when neither has topics)."""
    period = figures.period

    def topic_counts(frame: pd.DataFrame) -> dict[str, int]:
        if "topic" not in frame or frame["topic"].isna().all():
            return {}
        inside = frame[in_period(frame["date"], period)]
        counts = inside["topic"].dropna().astype("string").str.casefold().value_counts()
        return {str(k): int(v) for k, v in counts.items()}

    on_air = topic_counts(data.broadcasts)
    at_press = topic_counts(data.press_events)
    if not on_air and not at_press:
        return ()
    rows = [
        AgendaRow(
            topic=row.category,
            queries=row.received,
            share_of_queries=row.share_of_received,
            broadcasts=on_air.get(row.category.casefold(), 0),
            press_events=at_press.get(row.category.casefold(), 0),
        )
        for row in figures.by_topic
    ]
    return tuple(rows)


def coverage(data: CleanData, period: Period) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per dataset: the months of the period that hold data, and those that do not."""
    months = [m.start.strftime("%Y-%m") for m in period.months()]
    result = {}
    for dataset, column in (
        ("queries", "received_at"),
        ("broadcasts", "date"),
        ("press_events", "date"),
    ):
        dates = data.frame(dataset)[column]
        seen = set(dates[in_period(dates, period)].dt.strftime("%Y-%m").dropna())
        result[dataset] = (
            tuple(m for m in months if m in seen),
            tuple(m for m in months if m not in seen),
        )
    return result
