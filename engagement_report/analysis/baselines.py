"""What the headline cards compare: the same part of the previous period and of a year
earlier, and how much of each period holds data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from engagement_report.aggregates import (
    DEADLINE_COLUMNS,
    Combined,
    Rules,
    finish,
    window_partial,
)
from engagement_report.analysis.period import figure_rules, restrict
from engagement_report.comparisons import (
    HeadlineFigure,
    Held,
    HeldUnit,
    Samples,
    headline_figures,
)
from engagement_report.config import Config
from engagement_report.dated import Dated, first_day, last_day, months_of, record_days
from engagement_report.figures import at_cutoff, response_days, within
from engagement_report.models import CleanData
from engagement_report.month_coverage import data_days
from engagement_report.periods import Period, Window
from engagement_report.questions import press_events_with_log, reported_datasets
from engagement_report.results import Figures
from engagement_report.standing import given_dated


def comparisons(
    data: CleanData, figures: Figures, window: Window, config: Config
) -> tuple[HeadlineFigure, ...]:
    """Headline figures against the same part of the previous period and of a year earlier."""
    return _headlines(data, figures, window, config, _bases(data, window, config))


def held_unit(period: Period) -> HeldUnit:
    """How coverage of ``period`` is counted: in days for a period under a month, else months."""
    one_month = (period.start.year, period.start.month) == (period.end.year, period.end.month)
    whole = period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
    return "day" if one_month and not whole else "month"


#: Per dataset: the months holding records ("2021-01"), its first day, and the last day
#: of the data as a whole (the export's).
_Records = dict[str, tuple[frozenset[str], date | None, date | None]]


def _records(data: CleanData, days: Dated | None = None) -> _Records:
    """Which months each dataset present holds records in, its first day and the last
    day of all the data (worked out once for the three periods a report's coverage is
    judged on). The last day is the data's, not the dataset's: a weekly broadcast last
    aired three days before the export leaves no gap in those three days. ``days``: the
    days the data holds records on, when already worked out (the Dask engine's)."""
    piece = data_days(data) if days is None else days
    found: dict[str, tuple[frozenset[str], date | None]] = {}
    lasts = []
    for dataset in reported_datasets(data.present):
        held = record_days(piece, dataset)
        months = frozenset(months_of(held))
        last = last_day(held)
        if last is not None:
            lasts.append(last)
        found[dataset] = (months, first_day(held))
    last = max(lasts) if lasts else None
    if data.extent is not None:  # part of the data was read: its ends are the whole's
        first_days = data.extent.first
        found = {d: (months, first_days.get(d, first)) for d, (months, first) in found.items()}
        last = data.extent.last
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
_Bases = tuple[dict[str, Held], _Base, _Base, Samples]


def _bases(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
) -> _Bases:
    """What the headline cards compare: this period's coverage, the totals and coverage
    of the same part of the previous period and of a year earlier (their partial
    aggregates from ``combined`` when given), and the three periods' values per unit
    (for the tests of medians and ratios)."""
    unit, records = held_unit(window.period), _records(data, given_dated(combined))
    previous, year_ago = window.previous(), window.year_ago()
    now = _per_unit(data, window)
    previous_totals, before = _totals(data, previous, config, combined, rules)
    year_ago_totals, earlier = _totals(data, year_ago, config, combined, rules)
    samples = {key: (now[key], before[key], earlier[key]) for key in now}
    return (
        held(data, window.period, unit, records),
        (previous_totals, held(data, previous.period, unit, records)),
        (year_ago_totals, held(data, year_ago.period, unit, records)),
        samples,
    )


def _headlines(
    data: CleanData,
    figures: Figures,
    window: Window,
    config: Config,
    bases: _Bases,
) -> tuple[HeadlineFigure, ...]:
    current, (previous, previous_held), (year_ago, year_ago_held), samples = bases
    return headline_figures(
        figures,
        previous,
        year_ago,
        held=(current, previous_held, year_ago_held),
        min_size=config.min_category_size,
        min_count=config.report.min_count,
        better=config.report.better,
        still_due=figures.deadlines.open_not_due if figures.deadlines else 0,
        samples=samples,
    )


#: The columns the totals read: a million ids and labels are not copied for them (and
#: without the category columns no breakdown is counted).
_TOTALS_COLUMNS = (
    "received_at",
    "answered_at",
    "status",
    "response_ok",
    "response_days",
    "deadline",
    "deadline_timed",
    "extended_until",
    *DEADLINE_COLUMNS,
)


def _per_unit(
    data: CleanData, window: Window, days: pd.Series | None = None
) -> dict[str, np.ndarray | None]:
    """The window's values per unit that medians and ratios are tested on: each answered
    query's response time (as of the cut-off), each broadcast's questions, each press
    event's publications (None when an event of the window has none recorded)."""
    if days is None:
        queries = data.queries[
            ["received_at", "answered_at", "status", "response_ok", "response_days"]
        ]
        inside = within(queries, "received_at", window.period)
        days = response_days(at_cutoff(inside, window.cutoff))
    aired = within(data.broadcasts, "date", window.period)["questions_answered"]
    events = within(data.press_events, "date", window.period)
    logged = within(data.press_questions, "date", window.period)
    if len(logged):  # the log's events are press events too (publications not recorded)
        events = press_events_with_log(events, logged)
    published = events["publications"]
    return {
        "median_response_days": days.to_numpy(dtype=float),
        "questions_per_broadcast": aired.to_numpy(dtype=float),
        "publications_per_event": None
        if published.isna().any()
        else published.to_numpy(dtype=float),
    }


def _totals(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
) -> tuple[Figures, dict[str, np.ndarray | None]]:
    """The totals of a window as :func:`compute` gives them (as of its cut-off), with its
    deadline classes but without breakdowns, and its values per unit (:func:`_per_unit`):
    all a headline card compares with."""
    columns = [c for c in _TOTALS_COLUMNS if c in data.queries]
    inside = restrict(replace(data, queries=data.queries[columns]), window.period)
    rules = figure_rules(config) if rules is None else rules
    part = window_partial(
        {
            "queries": inside.queries,
            "broadcasts": inside.broadcasts,
            "press_events": inside.press_events,
            "press_questions": inside.press_questions,
        },
        window,
        rules,
        combined=combined,
    )
    figures = replace(
        finish(part, window, rules, datasets=reported_datasets(data.present)),
        by_topic=(),
        by_channel=(),
        by_district=(),
        by_body=(),
        by_program=(),
        answered_by_export=None,
        response_spread=(),
        by_outlet=(),
        by_speaker=(),
        by_question_topic=(),
    )
    days = response_days(at_cutoff(inside.queries, window.cutoff))
    return figures, _per_unit(data, window, days)
