"""The period a command reports and its window: ``--period`` read (or the data's
span), the cut-off, a period without rows refused, dates after the run's today flagged,
and the figures computed for the window."""

from __future__ import annotations

from datetime import date

import pandas as pd

from engagement_report import analysis as _analysis_stage
from engagement_report.aggregates import Rules
from engagement_report.config import Config
from engagement_report.dated import Dated, holds_records, span
from engagement_report.errors import DataQualityError, UsageError
from engagement_report.figures import in_period
from engagement_report.models import CleanData
from engagement_report.periods import (
    Period,
    PeriodError,
    Window,
    parse_period,
    period_for_span,
    today_in,
    window_for,
)
from engagement_report.results import Figures
from engagement_report.validation.plausible import flag_implausible_dates, plausible_window


def pinned_today(config: Config, today: date | None) -> date:
    """The run's today (``--today``, else the date now in the config's time zone), read
    from the clock once, as a command starts: every period, cut-off and date check of one
    run is then as of the same day. (A cron job running across midnight would otherwise
    resolve its period on one day and check its dates against the next.)"""
    return today if today is not None else today_in(config.timezone)


def run_today(config: Config, today: date | None, as_of: date | None = None) -> date:
    """The last day an event in the inputs can have happened: the run's today (``--today``,
    else the date in the config's time zone), or ``--as-of`` when that is later."""
    day = pinned_today(config, today)
    return max(day, as_of) if as_of is not None else day


def plausible(
    data: CleanData,
    config: Config,
    today: date | None,
    as_of: date | None = None,
    found: pd.DataFrame | None = None,
) -> CleanData:
    """``data`` with warnings for dates after the run's today or before ``earliest_year``:
    of its rows, and ``found`` (those of rows read elsewhere: the Dask engine's). Rows
    read from an archive are counted in the source of their partition."""
    partitioned_by = None
    if any(s.recognised_by == "archive" for s in data.report.sources):
        # here, not at the top: a run that reads no archive does not load its reader
        from engagement_report.archive import DATE_COLUMN

        partitioned_by = DATE_COLUMN
    return flag_implausible_dates(
        data,
        config.earliest_year,
        run_today(config, today, as_of),
        partitioned_by=partitioned_by,
        found=found,
    )


def data_span(
    data: CleanData, window: tuple[date, date] | None = None, days: Dated | None = None
) -> tuple[date, date] | None:
    """First and last date found in any dataset, or None when there are no rows.

    ``window``: only dates inside it count (the plausible dates: a year typed as 2201
    must not stretch the default period to the year 2201). ``days``: the days the data
    holds records on, when the rows were not read (the Dask engine's).
    """
    if days is not None:
        return span(days, window)
    dates = [
        data.queries["received_at"],
        data.broadcasts["date"],
        data.press_events["date"],
        data.press_questions["date"],
    ]
    values = (
        pd.concat([d.dropna() for d in dates if len(d)], ignore_index=True)
        if any(len(d) for d in dates)
        else pd.Series([], dtype="datetime64[ns]")
    )
    values = values.dropna()
    if window is not None:
        first, last = (pd.Timestamp(day) for day in window)
        values = values[(values >= first) & (values < last + pd.Timedelta(days=1))]
    if values.empty:
        return None
    return values.min().date(), values.max().date()


def resolve_period(
    text: str | None,
    data: CleanData,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
    days: Dated | None = None,
) -> Period:
    """``--period`` read, or the whole span of the data's plausible dates when it is not
    given (between the config's ``earliest_year`` and the run's today). ``days``: the days
    the data holds records on, when the rows were not read."""
    if text:
        return parse_period_option(text, config, today)
    plausible_days = plausible_window(config.earliest_year, run_today(config, today, as_of))
    found = data_span(data, plausible_days, days)
    if found is None:
        raise UsageError(
            "the inputs hold no dated rows between "
            f"{config.earliest_year} and today, so there is no period to report; give --period"
        )
    return period_for_span(*found)


def parse_period_option(text: str, config: Config, today: date | None) -> Period:
    try:
        return parse_period(text, today=today, timezone=config.timezone)
    except PeriodError as exc:
        raise UsageError(str(exc)) from None


def require_rows(data: CleanData, period: Period, days: Dated | None = None) -> None:
    """Refuse a period that holds no row of any dataset: an unattended monthly job would
    otherwise publish a report of zeros (``--allow-empty`` writes one on purpose).
    ``days``: the days the data holds records on, when the rows were not read."""
    frames = (
        (data.queries, "received_at"),
        (data.broadcasts, "date"),
        (data.press_events, "date"),
        (data.press_questions, "date"),
    )
    if days is not None and holds_records(days, period):
        return
    if days is None and any(in_period(frame[column], period).any() for frame, column in frames):
        return
    found = data_span(data, days=days)
    held = f"the data runs from {found[0]} to {found[1]}" if found else "the inputs hold no rows"
    raise DataQualityError(
        f"the period {period.label} holds no rows of any dataset ({held}); nothing written. "
        "Check --period and the inputs, or give --allow-empty to report an empty period"
    )


def window(
    period: Period, config: Config, today: date | None = None, as_of: date | None = None
) -> Window:
    """The report window of ``period``: the one place a cut-off is decided.

    The cut-off is ``as_of``, else the period's last day, or today (in the config's time
    zone) for a period not yet over; the period is counted up to the cut-off.
    """
    try:
        return window_for(period, today or today_in(config.timezone), as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def engine_rules(config: Config) -> Rules:
    """The rules every engine computes the figures under (deadlines, calendar, sizes)."""
    return _analysis_stage.figure_rules(config)


def compute(
    data: CleanData,
    period: Period,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
) -> Figures:
    """Every figure of ``period`` as of its cut-off (see :func:`window`)."""
    return _analysis_stage.compute(data, window(period, config, today, as_of), config)
