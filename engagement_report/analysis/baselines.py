"""What the headline cards compare: the same part of the previous period and of a year
earlier, and how much of each period holds data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from engagement_report.aggregates import finish, partial
from engagement_report.analysis.period import figure_rules, restrict
from engagement_report.comparisons import HeadlineFigure, Held, HeldUnit, headline_figures
from engagement_report.config import Config
from engagement_report.models import CleanData
from engagement_report.periods import Period, Window
from engagement_report.results import Figures


def comparisons(
    data: CleanData, figures: Figures, window: Window, config: Config
) -> tuple[HeadlineFigure, ...]:
    """Headline figures against the same part of the previous period and of a year earlier."""
    return _headlines(data, figures, window, config, _bases(data, window, config))


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


def _bases(data: CleanData, window: Window, config: Config) -> tuple[dict[str, Held], _Base, _Base]:
    """What the headline cards compare: this period's coverage, and the totals and
    coverage of the same part of the previous period and of a year earlier."""
    unit, records = held_unit(window.period), _records(data)
    previous, year_ago = window.previous(), window.year_ago()
    return (
        held(data, window.period, unit, records),
        (_totals(data, previous, config), held(data, previous.period, unit, records)),
        (_totals(data, year_ago, config), held(data, year_ago.period, unit, records)),
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


def _totals(data: CleanData, window: Window, config: Config) -> Figures:
    """The totals of a window as :func:`compute` gives them (as of its cut-off), without
    breakdowns or deadlines: all a headline card compares with."""
    inside = restrict(data, window.period)
    rules = figure_rules(config)
    part, _ = partial(
        inside.queries, inside.broadcasts, inside.press_events, window.cutoff, rules, detail=False
    )
    figures = finish(part, window, rules, datasets=data.present)
    return replace(
        figures,
        by_topic=(),
        by_channel=(),
        by_district=(),
        by_program=(),
        deadlines=None,
        answered_by_export=None,
        response_spread=(),
    )
