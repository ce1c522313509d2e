"""What the headline cards compare: the same part of the previous period and of a year
earlier, and how much of each period holds data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from engagement_report.aggregates import (
    CLASSES_COLUMNS,
    PRESS_COUNTS,
    Combined,
    Detail,
    Partial,
    Rules,
    finish,
    window_partial,
)
from engagement_report.analysis.period import figure_rules, restrict
from engagement_report.comparisons import (
    HeadlineFigure,
    Held,
    HeldUnit,
    headline_figures,
)
from engagement_report.config import Config
from engagement_report.dated import Dated, first_day, last_day, months_of, record_days
from engagement_report.models import CleanData
from engagement_report.month_coverage import data_days
from engagement_report.periods import Period, Window
from engagement_report.questions import reported_datasets
from engagement_report.results import Figures
from engagement_report.standing import given_dated


def comparisons(
    data: CleanData, figures: Figures, window: Window, config: Config
) -> tuple[HeadlineFigure, ...]:
    """Headline figures against the same part of the previous period and of a year earlier."""
    return _headlines(
        data,
        figures,
        window,
        config,
        _bases(data, window, config),
        window_part(data, window, figure_rules(config)),
    )


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


#: A period compared with: its totals, its coverage and the partial aggregates of its
#: rows (the values per unit and the topic counts come from them).
_Base = tuple[Figures, dict[str, Held], Partial]
_Bases = tuple[dict[str, Held], _Base, _Base]


def _bases(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
    days: Dated | None = None,
) -> _Bases:
    """What the headline cards compare: this period's coverage, the totals and coverage
    of the same part of the previous period and of a year earlier, with their partial
    aggregates (from ``combined`` when given; ``days``: the days the data holds records
    on, when already worked out)."""
    days = given_dated(combined) if days is None else days
    unit, records = held_unit(window.period), _records(data, days)
    previous, year_ago = window.previous(), window.year_ago()
    previous_totals, previous_part = _totals(data, previous, config, combined, rules)
    year_ago_totals, year_ago_part = _totals(data, year_ago, config, combined, rules)
    return (
        held(data, window.period, unit, records),
        (previous_totals, held(data, previous.period, unit, records), previous_part),
        (year_ago_totals, held(data, year_ago.period, unit, records), year_ago_part),
    )


def _headlines(
    data: CleanData,
    figures: Figures,
    window: Window,
    config: Config,
    bases: _Bases,
    now: Partial,
) -> tuple[HeadlineFigure, ...]:
    """The headline figures against the bases, their tests on the values per unit of the
    three periods' partial aggregates (``now``: the window's)."""
    current, (previous, previous_held, before), (year_ago, year_ago_held, earlier) = bases
    samples = per_unit(now), per_unit(before), per_unit(earlier)
    return headline_figures(
        figures,
        previous,
        year_ago,
        held=(current, previous_held, year_ago_held),
        min_size=config.min_category_size,
        min_count=config.report.min_count,
        better=config.report.better,
        still_due=figures.deadlines.open_not_due if figures.deadlines else 0,
        samples={key: tuple(s[key] for s in samples) for key in samples[0]},  # type: ignore[misc]
    )


def per_unit(part: Partial) -> dict[str, np.ndarray | None]:
    """A window's values per unit that medians and ratios are tested on, from the partial
    aggregates of its rows: each answered query's response time (as of the cut-off), each
    broadcast's questions, each press event's publications (None when an event of the
    window has none recorded). Ascending, so the same whichever pieces they were added
    up from."""
    found = part.accountable
    publications_unrecorded = part.press_missing[PRESS_COUNTS.index("publications")]
    return {
        "median_response_days": part.days.sorted_values(),
        "questions_per_broadcast": found.per_broadcast.sorted_values(),
        "publications_per_event": None
        if publications_unrecorded
        else found.per_event.sorted_values(),
    }


#: The columns the totals read: a million ids and labels are not copied for them (and
#: without the other category columns no breakdown is counted; the topic's counts are
#: what the topic shifts compare).
_TOTALS_COLUMNS = (*CLASSES_COLUMNS, "topic")


def _totals(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
) -> tuple[Figures, Partial]:
    """The totals of a window as :func:`compute` gives them (as of its cut-off), with its
    deadline classes but without breakdowns, and the partial aggregates they were
    finished from (:func:`window_part`): all a headline card compares with."""
    rules = figure_rules(config) if rules is None else rules
    part = window_part(data, window, rules, combined)
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
    return figures, part


def window_part(
    data: CleanData, window: Window, rules: Rules, combined: Combined | None = None
) -> Partial:
    """The partial aggregates of the window's rows under the figures' ``rules`` (its
    totals, deadline classes, topic counts and values per unit), from ``combined`` when
    given, else of ``data``'s rows."""
    if combined is not None:
        return combined[window, Detail.FULL]
    columns = [c for c in _TOTALS_COLUMNS if c in data.queries]
    inside = restrict(replace(data, queries=data.queries[columns]), window.period)
    return window_partial(
        {
            "queries": inside.queries,
            "broadcasts": inside.broadcasts,
            "press_events": inside.press_events,
            "press_questions": inside.press_questions,
        },
        window,
        rules,
    )
