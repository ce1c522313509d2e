"""Every figure of one window's period, as of its cut-off, with deadlines and the
longest-open queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.accountability import (
    ADDRESS,
    APPLICANT,
    accountability_figures,
    per_resident,
    repeat_flags,
    with_accountability,
)
from engagement_report.config import Config
from engagement_report.deadlines import (
    DEADLINE_CLASSES,
    DeadlineFigures,
    DeadlineRules,
    WorkingCalendar,
    classes_at,
    compare_marks,
    deadline_figures,
    deadline_inputs,
    longest_open,
)
from engagement_report.figures import (
    at_cutoff,
    category_codes,
    category_figures,
    compute_figures,
    share,
    within,
)
from engagement_report.models import CleanData
from engagement_report.periods import Period, Window
from engagement_report.results import CategoryFigures, Figures, OpenQuery
from engagement_report.views import backlog_at, closing_moments, open_ages, year_to_date


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
    as_of = at_cutoff(queries, cutoff)
    figures = compute_figures(
        as_of,
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
    overdue_code = DEADLINE_CLASSES.index("open_overdue")

    def with_on_time(
        rows: tuple[CategoryFigures, ...], dimension: str
    ) -> tuple[CategoryFigures, ...]:
        if not rows:
            return rows
        codes, labels = category_codes(queries[dimension])
        on_time = np.bincount(codes[class_codes == on_time_code], minlength=len(labels))
        late = np.bincount(codes[class_codes == late_code], minlength=len(labels))
        overdue = np.bincount(codes[class_codes == overdue_code], minlength=len(labels))
        position = {label: code for code, label in enumerate(labels)}
        out = []
        for row in rows:
            code = position.get(row.category)
            good = int(on_time[code]) if code is not None else 0
            bad = int(late[code]) if code is not None else 0
            still = int(overdue[code]) if code is not None and deadlines is not None else None
            out.append(
                replace(
                    row,
                    on_time_share=share(good, good + bad),
                    on_time=good,
                    late=bad,
                    open_overdue=still,
                )
            )
        return with_accountability(tuple(out), as_of, dimension, mapped, config, repeat)

    moments = closing_moments(data.queries)  # the backlog's and the ages' one pass

    # A column no input has (an export without channels) gives no breakdown, not a
    # table of one "(not stated)" row at 100%.
    mapped = frozenset(c for s in data.report.sources if s.dataset == "queries" for c in s.mapping)
    repeat = None
    if mapped & {APPLICANT, ADDRESS}:
        # Earlier queries count from before the period too: all the data is searched.
        flags = repeat_flags(data.queries, config.repeats.window_days, cutoff)
        repeat = flags[data.queries.index.get_indexer(queries.index)]
    by_body = category_figures(as_of, "body", config.min_category_size)

    def mapped_only(
        rows: tuple[CategoryFigures, ...], dimension: str
    ) -> tuple[CategoryFigures, ...]:
        return rows if dimension in mapped or not data.report.sources else ()

    export_date = _export_date(data)
    return replace(
        figures,
        cutoff=cutoff,
        export_date=export_date,
        overdue_marks=None
        if export_date is None or deadlines is None
        else compare_marks(queries, status, deadline, answered_at, export_date),
        answered_by_export=int(queries["status"].eq("answered").fillna(False).sum()),
        deadlines=deadlines,
        by_topic=mapped_only(with_on_time(figures.by_topic, "topic"), "topic"),
        by_channel=mapped_only(with_on_time(figures.by_channel, "channel"), "channel"),
        by_district=per_resident(
            mapped_only(with_on_time(figures.by_district, "district"), "district"),
            config.population.districts,
        ),
        by_body=mapped_only(with_on_time(by_body, "body"), "body"),
        accountability=accountability_figures(as_of, mapped, config, repeat),
        open_queries=_longest_open(queries, classes, cutoff),
        backlog=backlog_at(data.queries, [window.period.end], moments)[0],
        open_ages=open_ages(data.queries, cutoff, calendar, moments),
        year_to_date=year_to_date(
            {d: data.frame(d) for d in ("queries", "broadcasts", "press_events")},
            window,
            data.present,
        ),
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
