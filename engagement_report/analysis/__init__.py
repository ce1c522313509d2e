"""Compute stage, orchestrated: figures of a period with deadlines, the 12-month trend,
the longest-open queries and each dataset's coverage. Pure functions of clean data.

One module per job: a period's figures (``period``), the trend (``months``), what the
headline cards compare with (``baselines``), the agenda (``agenda_table``) and coverage
(``covered``); this module runs them for one window.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from engagement_report.aggregates import (
    Combined,
    Detail,
    Partial,
    Request,
    Rules,
    with_deadline_inputs,
)
from engagement_report.analysis.agenda_table import AgendaRow, agenda
from engagement_report.analysis.baselines import (
    _Bases,
    _bases,
    _headlines,
    comparisons,
    held,
    held_unit,
    window_part,
)
from engagement_report.analysis.covered import Coverage, coverage
from engagement_report.analysis.months import trend, trend_requests
from engagement_report.analysis.period import (
    accountable_figures,
    compute,
    data_year_to_date,
    deadline_rules,
    figure_rules,
    history_figures,
    mapped_columns,
    period_figures,
    restrict,
)
from engagement_report.comparisons import HeadlineFigure
from engagement_report.config import Config
from engagement_report.dated import Dated
from engagement_report.models import CleanData
from engagement_report.month_coverage import data_days
from engagement_report.periods import Window
from engagement_report.results import Figures, TopicShifts, TrendPoint, YearToDate
from engagement_report.standing import given_dated
from engagement_report.views import topic_changes, year_to_date_windows

__all__ = [
    "AgendaRow",
    "Analysis",
    "Coverage",
    "accountable_figures",
    "agenda",
    "analyse",
    "comparisons",
    "complete",
    "compute",
    "coverage",
    "deadline_rules",
    "figure_rules",
    "held",
    "held_unit",
    "history_figures",
    "mapped_columns",
    "partial_requests",
    "period_figures",
    "restrict",
    "trend",
    "trend_requests",
]


@dataclass(frozen=True)
class Analysis:
    """Everything a report shows that is computed from the clean data of one window."""

    figures: Figures
    months: tuple[TrendPoint, ...]  # the 12-month trend
    covered: Coverage
    headlines: tuple[HeadlineFigure, ...]
    agenda: tuple[AgendaRow, ...]
    topic_shifts: tuple[TopicShifts, ...] = ()  # against the previous period, a year earlier


def analyse(
    data: CleanData, window: Window, config: Config, combined: Combined | None = None
) -> Analysis:
    """The figures of the window with its trend, coverage, comparisons and agenda.

    ``combined``: the partial aggregates of :func:`partial_requests` already worked out
    (the Dask engine's), else they are worked out here on ``data``. The deadline rules and
    working-day calendar are worked out once and every part of the report (figures,
    trend, comparisons, ages of open queries, year to date) gets that one value.
    """
    rules = figure_rules(config)
    days = given_dated(combined)
    if combined is None:
        # Each query's deadline, worked out once for every window the report computes.
        data = replace(data, queries=with_deadline_inputs(data.queries, rules))
        # The days the data holds records on, once for the coverage, the export's date
        # and the year to date.
        days = data_days(data)
    # The period's partial aggregates, handed to the trend when its last month is the
    # period itself (a monthly report): worked out once, not once per thread.
    own: Future[Partial] = Future()
    # The year to date needs nothing of the period's figures: worked out first beside
    # them, so the figures' thread (the longer) only picks it up.
    ytd: Future[YearToDate | None] = Future()
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The trend, coverage and the totals compared with need no figures: worked out
        # beside them, on the second core while NumPy and Arrow let go of the GIL.
        beside = pool.submit(_beside_figures, data, window, config, combined, rules, own, days, ytd)
        try:
            figures, part = period_figures(
                data,
                window,
                config,
                combined,
                rules,
                on_partial=own.set_result,
                days=days,
                ytd=ytd,
            )
        finally:
            own.cancel()  # the figures failed before their partial: the trend works it out
        return _assemble(data, figures, window, config, beside.result(), part)


def partial_requests(window: Window, *, report: bool) -> list[Request]:
    """The windows whose partial aggregates the figures of ``window`` are finished from:
    the window itself and its year to date (with the same part of last year), and for a
    report (``report``) the previous period and the year-earlier one its headlines
    compare with, and the twelve months of its trend."""
    wanted: list[Request] = [(window, Detail.FULL)]
    if report:
        wanted += [(window.previous(), Detail.FULL), (window.year_ago(), Detail.FULL)]
        wanted += trend_requests(window)
    wanted += [(piece, Detail.TOTALS) for piece in year_to_date_windows(window) or ()]
    return list(dict.fromkeys(wanted))


def complete(data: CleanData, figures: Figures, window: Window, config: Config) -> Analysis:
    """The analysis around figures already computed (what :func:`analyse` adds to them)."""
    rules = figure_rules(config)
    beside = _beside_figures(data, window, config, rules=rules)
    return _assemble(data, figures, window, config, beside, window_part(data, window, rules))


_Beside = tuple[tuple[TrendPoint, ...], Coverage, _Bases]


def _beside_figures(
    data: CleanData,
    window: Window,
    config: Config,
    combined: Combined | None = None,
    rules: Rules | None = None,
    own: Future[Partial] | None = None,
    days: Dated | None = None,
    ytd: Future[YearToDate | None] | None = None,
) -> _Beside:
    """What needs no figures of the window: its trend, its coverage, and the totals of
    the same part of the previous period and of a year earlier (``rules``: the report's,
    :func:`figure_rules` of ``config`` when not given; ``own``: the window's partial
    aggregates as the figures work them out, for the trend's last month; ``days``: the
    days the data holds records on, when already worked out). ``ytd``: set first to the
    window's year to date, for the figures' thread waiting for it."""
    try:
        rules = figure_rules(config) if rules is None else rules
        days = given_dated(combined) if days is None else days
        if ytd is not None:
            ytd.set_result(data_year_to_date(data, window, rules, combined, days))
    except BaseException as error:
        # Whatever fails before the year to date is set, the figures' thread waiting for
        # it raises it instead of waiting for ever.
        if ytd is not None and not ytd.done():
            ytd.set_exception(error)
        raise
    return (
        trend(data, window, config, rules, combined, own, days),
        coverage(data, window.period, days),
        _bases(data, window, config, combined, rules, days),
    )


def _assemble(
    data: CleanData,
    figures: Figures,
    window: Window,
    config: Config,
    beside: _Beside,
    part: Partial,
) -> Analysis:
    """The analysis from the window's figures, what was worked out beside them and the
    partial aggregates of the window's rows (``part``)."""
    months, covered, bases = beside
    headlines = _headlines(data, figures, window, config, bases, part)
    # A topic column no input has gives no breakdown, and so no topics that moved.
    _current, (*_previous, previous), (*_year_ago, year_ago) = bases
    shifts = (
        topic_changes(window, (part, previous, year_ago), config.min_category_size)
        if figures.by_topic
        else ()
    )
    return Analysis(figures, months, covered, headlines, agenda(figures, part.raised), shifts)
