"""Compute stage, orchestrated: figures of a period with deadlines, the 12-month trend,
the longest-open queries and each dataset's coverage. Pure functions of clean data.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from engagement_report.comparisons import HeadlineFigure, Held, HeldUnit, headline_figures
from engagement_report.config import Config
from engagement_report.deadlines import (
    DEADLINE_CLASSES,
    DeadlineFigures,
    DeadlineRules,
    WorkingCalendar,
    classes_at,
    deadline_figures,
    deadline_inputs,
    longest_open,
)
from engagement_report.figures import (
    at_cutoff,
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
from engagement_report.periods import Period, Window, period_for_span
from engagement_report.results import CategoryFigures, Figures, OpenQuery, TrendPoint


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
    )


def compute(data: CleanData, window: Window, config: Config) -> Figures:
    """Every figure of the window's period, as of its cut-off."""
    inside = restrict(data, window.period)
    queries = inside.queries
    cutoff = window.cutoff
    figures = compute_figures(
        at_cutoff(queries, cutoff),
        inside.broadcasts,
        inside.press_events,
        window.period,
        min_category_size=config.min_category_size,
        datasets=data.present,
    )
    rules, calendar = deadline_rules(config)
    status, deadline, answered_at = deadline_inputs(queries, rules, calendar)
    classes = classes_at(status, deadline, answered_at, cutoff)
    deadlines: DeadlineFigures | None = deadline_figures(
        queries, classes, cutoff, calendar, rules, status
    )
    if rules.kind == "given" and not deadline.notna().any():
        # No term of our own and none in the data: no deadline figures, not zeros.
        deadlines = None
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

    # A column no input has (an export without channels) gives no breakdown, not a
    # table of one "(not stated)" row at 100%.
    mapped = {c for s in data.report.sources if s.dataset == "queries" for c in s.mapping}

    def mapped_only(
        rows: tuple[CategoryFigures, ...], dimension: str
    ) -> tuple[CategoryFigures, ...]:
        return rows if dimension in mapped or not data.report.sources else ()

    return replace(
        figures,
        cutoff=cutoff,
        export_date=_export_date(data),
        answered_by_export=int(queries["status"].eq("answered").fillna(False).sum()),
        deadlines=deadlines,
        by_topic=mapped_only(with_on_time(figures.by_topic, "topic"), "topic"),
        by_channel=mapped_only(with_on_time(figures.by_channel, "channel"), "channel"),
        by_district=mapped_only(with_on_time(figures.by_district, "district"), "district"),
        open_queries=_longest_open(queries, classes, cutoff),
    )


def _export_date(data: CleanData) -> date | None:
    """The latest date in the data: the day the export was taken, as near as it tells."""
    latest = [
        data.queries["received_at"].max(),
        data.queries["answered_at"].max(),
        data.broadcasts["date"].max(),
        data.press_events["date"].max(),
    ]
    known = [pd.Timestamp(value) for value in latest if pd.notna(value)]
    return max(known).date() if known else None


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


def trend(data: CleanData, window: Window, config: Config) -> tuple[TrendPoint, ...]:
    """The 12 calendar months up to the window's end, month by month.

    Each point holds what :func:`compute` gives for that month's window
    (:meth:`Window.at`: the last month counted up to the report's end, every month as
    of the report's cut-off, so the months add up to the report's figures). The year's
    queries are counted in one pass: each row gets its month's number and its month's
    cut-off, and the counts are bincounts by month.
    """
    windows = [window.at(month) for month in window.period.trailing_months(12)]
    year = restrict(data, period_for_span(windows[0].period.start, windows[-1].period.end))
    queries = year.queries
    rules, calendar = deadline_rules(config)
    status, deadline, answered_at = deadline_inputs(queries, rules, calendar)
    received = queries["received_at"].to_numpy(dtype="datetime64[ns]")
    # restrict() kept only rows dated inside the twelve months: each has a month 0..11.
    first = np.datetime64(windows[0].period.start.isoformat(), "M")
    month_of = (received.astype("datetime64[M]") - first).astype(np.int64)
    count = len(windows)
    cutoffs = np.array([np.datetime64(w.cutoff.isoformat(), "ns") for w in windows])
    row_cutoff = cutoffs[month_of]
    classes = classes_at(status, deadline, answered_at, row_cutoff).to_numpy()
    on_time = np.bincount(month_of[classes == "on_time"], minlength=count)
    late = np.bincount(month_of[classes == "late"], minlength=count)
    totals = np.bincount(month_of, minlength=count)
    # Answered by the month's cut-off (the end of its day), as at_cutoff() has it.
    answered_by = queries["answered_at"].to_numpy(dtype="datetime64[ns]")
    in_time = ~(answered_by >= row_cutoff + np.timedelta64(1, "D"))
    is_answered = queries["status"].eq("answered").fillna(False).to_numpy(dtype=bool)
    answered = np.bincount(month_of[is_answered & in_time], minlength=count)
    points = []
    for i, piece in enumerate(windows):
        month = piece.period
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
    data: CleanData, figures: Figures, window: Window, config: Config
) -> tuple[HeadlineFigure, ...]:
    """Headline figures against the same part of the previous period and of a year earlier."""
    return _headlines(data, figures, window, config, _bases(data, window))


_DATES = {"queries": "received_at", "broadcasts": "date", "press_events": "date"}


def held_unit(period: Period) -> HeldUnit:
    """How coverage of ``period`` is counted: in days for a period under a month, else months."""
    one_month = (period.start.year, period.start.month) == (period.end.year, period.end.month)
    whole = period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
    return "day" if one_month and not whole else "month"


#: Per dataset: the months holding records ("2021-01"), its first day, and the last day
#: of the data as a whole (the export's).
_Records = dict[str, tuple[frozenset[str], date | None, date | None]]


def _records(data: CleanData) -> _Records:
    """Which months each dataset present holds records in, its first day and the last
    day of all the data (worked out once for the three periods a report's coverage is
    judged on). The last day is the data's, not the dataset's: a weekly broadcast last
    aired three days before the export leaves no gap in those three days."""
    found: dict[str, tuple[frozenset[str], date | None]] = {}
    lasts = []
    for dataset in data.present:
        values = data.frame(dataset)[_DATES[dataset]].dropna().to_numpy(dtype="datetime64[ns]")
        months = frozenset(str(m) for m in np.unique(values.astype("datetime64[M]")))
        first = pd.Timestamp(values.min()).date() if len(values) else None
        if len(values):
            lasts.append(pd.Timestamp(values.max()).date())
        found[dataset] = (months, first)
    last = max(lasts) if lasts else None
    return {dataset: (months, first, last) for dataset, (months, first) in found.items()}


def held(
    data: CleanData, period: Period, unit: HeldUnit, records: _Records | None = None
) -> dict[str, Held]:
    """Per dataset present: how many of the period's months (or days) hold data.

    A month holds data when a record is dated in it. A day holds data when its month
    does and it lies between the dataset's first record and the data's last date: a
    day without a weekly broadcast is no gap in the data, a day before the registry
    began or after the export was taken is.
    """
    out = {}
    for dataset, (months, first, last) in (records or _records(data)).items():
        if unit == "month":
            pieces = [m.start.strftime("%Y-%m") for m in period.months()]
            out[dataset] = Held(sum(m in months for m in pieces), len(pieces), "month")
            continue
        count = 0
        if first is not None and last is not None and period.start.strftime("%Y-%m") in months:
            count = max(0, (min(period.end, last) - max(period.start, first)).days + 1)
        out[dataset] = Held(count, period.days, "day")
    return out


_Base = tuple[Figures, dict[str, Held]]


def _bases(data: CleanData, window: Window) -> tuple[dict[str, Held], _Base, _Base]:
    """What the headline cards compare: this period's coverage, and the totals and
    coverage of the same part of the previous period and of a year earlier."""
    unit, records = held_unit(window.period), _records(data)
    previous, year_ago = window.previous(), window.year_ago()
    return (
        held(data, window.period, unit, records),
        (_totals(data, previous), held(data, previous.period, unit, records)),
        (_totals(data, year_ago), held(data, year_ago.period, unit, records)),
    )


def _headlines(
    data: CleanData,
    figures: Figures,
    window: Window,
    config: Config,
    bases: tuple[dict[str, Held], _Base, _Base],
) -> tuple[HeadlineFigure, ...]:
    current, (previous, previous_held), (year_ago, year_ago_held) = bases
    return headline_figures(
        figures,
        previous,
        year_ago,
        held=(current, previous_held, year_ago_held),
        min_size=config.min_category_size,
    )


def _totals(data: CleanData, window: Window) -> Figures:
    """The totals of a window as :func:`compute` gives them (as of its cut-off), without
    breakdowns or deadlines: all a headline card compares with."""
    # Only the columns the totals read are filtered: a million ids are not copied for it.
    queries = data.queries[["received_at", "answered_at", "status", "response_ok", "response_days"]]
    inside = restrict(replace(data, queries=queries), window.period)
    return Figures(
        period=window.period,
        queries=query_figures(at_cutoff(inside.queries, window.cutoff)),
        by_topic=(),
        by_channel=(),
        by_district=(),
        broadcasts=broadcast_figures(inside.broadcasts),
        by_program=(),
        press=press_figures(inside.press_events),
        datasets=data.present,
        cutoff=window.cutoff,
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
    """Everything a report shows that is computed from the clean data of one window."""

    figures: Figures
    months: tuple[TrendPoint, ...]  # the 12-month trend
    covered: Coverage
    headlines: tuple[HeadlineFigure, ...]
    agenda: tuple[AgendaRow, ...]


def analyse(data: CleanData, window: Window, config: Config) -> Analysis:
    """The figures of the window with its trend, coverage, comparisons and agenda."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The trend, coverage and the totals compared with need no figures: worked out
        # beside them, on the second core while NumPy and Arrow let go of the GIL.
        beside = pool.submit(_beside_figures, data, window, config)
        figures = compute(data, window, config)
        return _assemble(data, figures, window, config, beside.result())


def complete(data: CleanData, figures: Figures, window: Window, config: Config) -> Analysis:
    """The analysis around figures already computed (what :func:`analyse` adds to them)."""
    return _assemble(data, figures, window, config, _beside_figures(data, window, config))


_Beside = tuple[tuple[TrendPoint, ...], Coverage, tuple[dict[str, Held], _Base, _Base]]


def _beside_figures(data: CleanData, window: Window, config: Config) -> _Beside:
    """What needs no figures of the window: its trend, its coverage, and the totals of
    the same part of the previous period and of a year earlier."""
    return (trend(data, window, config), coverage(data, window.period), _bases(data, window))


def _assemble(
    data: CleanData, figures: Figures, window: Window, config: Config, beside: _Beside
) -> Analysis:
    months, covered, bases = beside
    headlines = _headlines(data, figures, window, config, bases)
    return Analysis(figures, months, covered, headlines, agenda(data, figures))
