"""Compute stage, orchestrated: figures of a period with deadlines, the 12-month trend,
the longest-open queries and each dataset's coverage. Pure functions of clean data.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.comparisons import HeadlineFigure, headline_figures
from engagement_report.config import Config
from engagement_report.deadlines import (
    DEADLINE_CLASSES,
    DeadlineRules,
    WorkingCalendar,
    classes_at,
    deadline_figures,
    deadline_inputs,
    longest_open,
)
from engagement_report.figures import (
    broadcast_figures,
    category_codes,
    compute_figures,
    in_period,
    press_figures,
    query_figures,
    share,
    within,
)
from engagement_report.models import CleanData
from engagement_report.periods import Period, period_for_span, today_in
from engagement_report.results import CategoryFigures, Figures, OpenQuery, TrendPoint


def deadline_rules(config: Config) -> tuple[DeadlineRules, WorkingCalendar]:
    """The deadline rules and working-day calendar the config describes."""
    rules = DeadlineRules(
        config.deadlines.answer_working_days,
        config.deadlines.redirect_working_days,
        "calendar" if config.deadlines.kind == "calendar" else "working",
    )
    calendar = WorkingCalendar(
        config.calendar.country,
        config.calendar.extra_holidays,
        config.calendar.extra_working_days,
        config.calendar.working_hours,
    )
    return rules, calendar


def cut_off(period: Period, config: Config, today: date | None, as_of: date | None) -> date:
    """The deadline cut-off: ``as_of``, else the period's last day, or today if that is sooner."""
    if as_of is not None:
        return as_of
    return min(period.end, today or today_in(config.timezone))


def _known_at(queries: pd.DataFrame, as_of: date) -> pd.DataFrame:
    # A query received after the cut-off did not exist yet at the cut-off.
    known = (queries["received_at"] < pd.Timestamp(as_of) + pd.Timedelta(days=1)).to_numpy()
    return queries if known.all() else queries[known]


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
    )


def compute(
    data: CleanData,
    period: Period,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
) -> Figures:
    """Every figure of ``period``, deadlines as of the cut-off."""
    inside = restrict(data, period)
    figures = compute_figures(
        inside.queries,
        inside.broadcasts,
        inside.press_events,
        period,
        min_category_size=config.min_category_size,
        datasets=data.present,
    )
    cutoff = cut_off(period, config, today, as_of)
    queries = _known_at(inside.queries, cutoff)
    rules, calendar = deadline_rules(config)
    status, deadline, answered_at = deadline_inputs(queries, rules, calendar)
    classes = classes_at(status, deadline, answered_at, cutoff)
    deadlines = deadline_figures(queries, classes, cutoff, calendar, rules, status)
    class_codes = np.asarray(classes.cat.codes, dtype=np.int64)
    on_time_code = DEADLINE_CLASSES.index("on_time")
    late_code = DEADLINE_CLASSES.index("late")

    def with_on_time(
        rows: tuple[CategoryFigures, ...], dimension: str
    ) -> tuple[CategoryFigures, ...]:
        if not rows:
            return rows
        codes, labels = category_codes(queries[dimension])
        on_time = np.bincount(codes[class_codes == on_time_code], minlength=len(labels))
        late = np.bincount(codes[class_codes == late_code], minlength=len(labels))
        position = {label: code for code, label in enumerate(labels)}
        out = []
        for row in rows:
            code = position.get(row.category)
            good = int(on_time[code]) if code is not None else 0
            bad = int(late[code]) if code is not None else 0
            out.append(replace(row, on_time_share=share(good, good + bad)))
        return tuple(out)

    return replace(
        figures,
        deadlines=deadlines,
        by_topic=with_on_time(figures.by_topic, "topic"),
        by_channel=with_on_time(figures.by_channel, "channel"),
        by_district=with_on_time(figures.by_district, "district"),
        open_queries=_longest_open(queries, classes, cutoff),
    )


def _longest_open(
    queries: pd.DataFrame, classes: pd.Series, cutoff: date, limit: int = 10
) -> tuple[OpenQuery, ...]:
    """The longest-open queries at the cut-off, by id and age (never their text)."""
    if queries.empty:
        return ()
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
    """The 12 calendar months up to the period's end, month by month.

    Each point holds what :func:`compute` gives for that month alone (deadlines as of the
    month's end, or today). The year's queries are counted in one pass: each row gets its
    month's number and its month's cut-off, and the counts are bincounts by month.
    """
    months = period.trailing_months(12)
    year = restrict(data, period_for_span(months[0].start, months[-1].end))
    queries = year.queries
    rules, calendar = deadline_rules(config)
    status, deadline, answered_at = deadline_inputs(queries, rules, calendar)
    received = queries["received_at"].to_numpy(dtype="datetime64[ns]")
    # restrict() kept only rows dated inside the twelve months: each has a month 0..11.
    first = np.datetime64(months[0].start.isoformat(), "M")
    month_of = (received.astype("datetime64[M]") - first).astype(np.int64)
    count = len(months)
    cutoffs = np.array(
        [np.datetime64(cut_off(m, config, today, None).isoformat(), "ns") for m in months]
    )
    row_cutoff = cutoffs[month_of]
    known = received < row_cutoff + np.timedelta64(1, "D")
    classes = classes_at(
        status[known], deadline[known], answered_at[known], row_cutoff[known]
    ).to_numpy()
    known_months = month_of[known]
    on_time = np.bincount(known_months[classes == "on_time"], minlength=count)
    late = np.bincount(known_months[classes == "late"], minlength=count)
    totals = np.bincount(month_of, minlength=count)
    answered = np.bincount(
        month_of[queries["status"].eq("answered").fillna(False).to_numpy(dtype=bool)],
        minlength=count,
    )
    points = []
    for i, month in enumerate(months):
        on_air = broadcast_figures(within(year.broadcasts, "date", month))
        press = press_figures(within(year.press_events, "date", month))
        points.append(
            TrendPoint(
                month=month,
                received=int(totals[i]),
                answered=int(answered[i]),
                answered_share=share(int(answered[i]), int(totals[i])),
                on_time_share=share(int(on_time[i]), int(on_time[i] + late[i])),
                broadcasts=on_air.broadcasts,
                questions_answered=on_air.questions_answered,
                press_events=press.press_events,
                publications=press.publications,
            )
        )
    return tuple(points)


def comparisons(
    data: CleanData, figures: Figures, config: Config, today: date | None = None
) -> tuple[HeadlineFigure, ...]:
    """Headline figures against the previous period of the same length and a year earlier."""
    period = figures.period
    previous = _totals(data, period.previous())
    year_ago = _totals(data, period.year_ago())
    return headline_figures(figures, previous, year_ago)


_DATES = {"queries": "received_at", "broadcasts": "date", "press_events": "date"}


def _covered(data: CleanData, period: Period) -> frozenset[str]:
    """The datasets whose records reach back to the month ``period`` starts in.

    A comparison period that begins before a dataset's first month holds only part of
    what it should (the registry had not started yet): compared with it, a whole period
    would read as a leap. Such a dataset has no comparison ("no data"), not a wrong one.
    """
    start = pd.Timestamp(period.start).to_period("M")
    covered = set()
    for dataset in data.present:
        dates = data.frame(dataset)[_DATES[dataset]]
        first = dates.min() if len(dates) else pd.NaT
        if pd.notna(first) and pd.Timestamp(first).to_period("M") <= start:
            covered.add(dataset)
    return frozenset(covered)


def _totals(data: CleanData, period: Period) -> Figures:
    """The totals of a period as :func:`compute` gives them, without breakdowns or
    deadlines: all a headline card compares with. ``datasets`` holds only the datasets
    that cover the whole period (see :func:`_covered`)."""
    # Only the columns the totals read are filtered: a million ids are not copied for it.
    queries = data.queries[["received_at", "answered_at", "status", "response_ok"]]
    inside = restrict(replace(data, queries=queries), period)
    return Figures(
        period=period,
        queries=query_figures(inside.queries),
        by_topic=(),
        by_channel=(),
        by_district=(),
        broadcasts=broadcast_figures(inside.broadcasts),
        by_program=(),
        press=press_figures(inside.press_events),
        datasets=_covered(data, period),
    )


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


#: Per dataset: the months of a period that hold data, and those that do not.
Coverage = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def coverage(data: CleanData, period: Period) -> Coverage:
    """Per dataset: the months of the period that hold data, and those that do not."""
    months = [m.start.strftime("%Y-%m") for m in period.months()]
    result = {}
    for dataset, column in (
        ("queries", "received_at"),
        ("broadcasts", "date"),
        ("press_events", "date"),
    ):
        dates = data.frame(dataset)[column]
        inside = dates[in_period(dates, period)].dropna().to_numpy(dtype="datetime64[ns]")
        # Distinct months first, then text: a million dates are never formatted one by one.
        distinct = np.unique(inside.astype("datetime64[M]"))
        seen = {str(month) for month in distinct}
        result[dataset] = (
            tuple(m for m in months if m in seen),
            tuple(m for m in months if m not in seen),
        )
    return result


@dataclass(frozen=True)
class Analysis:
    """Everything a report shows that is computed from the clean data of one period."""

    figures: Figures
    months: tuple[TrendPoint, ...]  # the 12-month trend
    covered: Coverage
    headlines: tuple[HeadlineFigure, ...]
    agenda: tuple[AgendaRow, ...]


def analyse(
    data: CleanData,
    period: Period,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
) -> Analysis:
    """The figures of ``period`` with its trend, coverage, comparisons and agenda."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The trend, coverage and the totals compared with need no figures: worked out
        # beside them, on the second core while NumPy and Arrow let go of the GIL.
        beside = pool.submit(_beside_figures, data, period, config, today)
        figures = compute(data, period, config, today, as_of)
        return _assemble(data, figures, beside.result())


def complete(
    data: CleanData, figures: Figures, config: Config, today: date | None = None
) -> Analysis:
    """The analysis around figures already computed (what :func:`analyse` adds to them)."""
    return _assemble(data, figures, _beside_figures(data, figures.period, config, today))


_Beside = tuple[tuple[TrendPoint, ...], Coverage, Figures, Figures]


def _beside_figures(data: CleanData, period: Period, config: Config, today: date | None) -> _Beside:
    """What needs no figures of the period: its trend, its coverage, and the totals of
    the previous period and of a year earlier."""
    return (
        trend(data, period, config, today),
        coverage(data, period),
        _totals(data, period.previous()),
        _totals(data, period.year_ago()),
    )


def _assemble(data: CleanData, figures: Figures, beside: _Beside) -> Analysis:
    months, covered, previous, year_ago = beside
    headlines = headline_figures(figures, previous, year_ago)
    return Analysis(figures, months, covered, headlines, agenda(data, figures))
