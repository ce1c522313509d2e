"""Reading and checking the inputs, and the report window they are computed for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from engagement_report import analysis as _analysis_stage
from engagement_report import console
from engagement_report.aggregates import Rules
from engagement_report.archive import MANIFEST_NAME, is_archive, months_present, remote
from engagement_report.cache import Store, cache_key, in_background, wait
from engagement_report.config import Config
from engagement_report.dated import Dated, holds_records, span
from engagement_report.errors import ConfigError, DataQualityError, InputError, UsageError
from engagement_report.figures import in_period
from engagement_report.hashing import SeenFile, changed_error, seen
from engagement_report.loading import discover_inputs, load_inputs
from engagement_report.models import CleanData, ValidationReport
from engagement_report.periods import (
    Period,
    PeriodError,
    Window,
    parse_period,
    period_for_span,
    today_in,
    window_for,
)
from engagement_report.render.environment import template_dirs
from engagement_report.repeats import answers_from
from engagement_report.results import Figures
from engagement_report.validation import validate
from engagement_report.validation.cache import load_checked, store_checked
from engagement_report.validation.dates import two_digit_pivot
from engagement_report.validation.plausible import flag_implausible_dates, plausible_window

if TYPE_CHECKING:
    from engagement_report.archive.reader import ArchiveRead


@dataclass(frozen=True)
class Checked:
    """Checked data, the inputs as they were read (hashed), and the cache it went through
    (None with ``cache=False``)."""

    data: CleanData
    inputs: tuple[SeenFile, ...]
    store: Store | None = None
    templates: tuple[Path, ...] = ()
    months: ArchiveMonths | None = None  # of an archive: the months read, as read


def _seen_inputs(inputs: Sequence[str | Path]) -> tuple[SeenFile, ...]:
    """The input files, found once and each hashed before it is read."""
    files = discover_inputs(inputs)
    if not files:
        raise InputError("no input files found (give files or folders holding csv/xlsx files)")
    return tuple(seen(path) for path in files)


def _named(data: CleanData, root: Path) -> CleanData:
    """``data`` with its sources named where they were read from: an archive at a URL
    by the URL of each partition file, not by the local copy."""
    if remote.origin(root) is None:
        return data
    sources = tuple(replace(s, file=remote.source_name(root, s.file)) for s in data.report.sources)
    return replace(data, report=replace(data.report, sources=sources))


def _origins(files: Sequence[SeenFile], root: Path) -> tuple[SeenFile, ...]:
    """The files read of an archive at a URL with the URL each is a copy of (checked
    against the archive manifest's SHA-256 as it arrived): the manifest, the caches and a
    database name what was read, never a temporary copy."""
    if remote.origin(root) is None:
        return tuple(files)
    return tuple(replace(f, origin=remote.source_name(root, str(f.path))) for f in files)


def _unchanged(inputs: Sequence[SeenFile]) -> None:
    """Refuse inputs that changed since they were hashed: the figures, the manifest and
    the cache must all speak of the content that was read."""
    for file in inputs:
        if not file.unchanged():
            raise changed_error(file.path)


def archive_root(inputs: Sequence[str | Path]) -> Path | None:
    """The archive folder the inputs name, or None when they name spreadsheets. An
    archive at a URL (``s3://bucket/archive``) is read through a local copy of the part a
    run needs (:mod:`engagement_report.archive.remote`): the copy is the folder returned.

    An archive holds checked rows already: it is read alone, never beside other inputs
    whose rows it may hold too.
    """
    roots = []
    for item in inputs:
        if remote.is_url(str(item)):
            copy = remote.local_copy(str(item))
            if copy is None:
                raise UsageError(
                    f"{item}: no archive there (no {MANIFEST_NAME}); a URL is read as an "
                    "archive only (spreadsheets are read from this machine's folders)"
                )
            roots.append(copy)
        elif is_archive(Path(item)):
            roots.append(Path(item))
    if not roots:
        return None
    if len(inputs) > 1:
        raise UsageError(
            f"{roots[0]} is an archive: give it as the only INPUT (import other files into it "
            "with 'engagement-report archive FILE... --to ARCHIVE')"
        )
    return roots[0]


def report_months(window: Window) -> frozenset[str]:
    """The months a report of ``window`` reads: its period, the previous period and the
    year-earlier one it is compared with, and the twelve months of its trend."""
    periods = [
        window.period,
        window.previous().period,
        window.year_ago().period,
        *window.period.trailing_months(12),
    ]
    return frozenset(m.start.strftime("%Y-%m") for p in periods for m in p.months())


@dataclass(frozen=True)
class ArchiveMonths:
    """The months of an archive a command reads: ``months`` (``YYYY-MM``), of which the
    ``light`` ones only for their queries still open later (the backlog's), from the
    counts the archive's manifest keeps of them when ``counted``, and for their queries
    answered from ``answers_from`` on (the repeats')."""

    months: frozenset[str]
    light: frozenset[str] = frozenset()
    counted: bool = False
    answers_from: date | None = None


def archive_months(
    inputs: Sequence[str | Path],
    period: str | None,
    config: Config,
    today: date | None,
    as_of: date | None,
    *,
    report: bool,
) -> ArchiveMonths | None:
    """The months of an archive a command reads (None: every month, as when the period
    is the whole span of the data or the inputs are no archive).

    Read in full: the months the figures need (:func:`report_months` for a report, the
    period's for figures alone; ``report``), from January of the year before the period's
    first (the year to date and the same part of last year). The months before are read
    light: the backlog and the ages of open
    queries count queries whenever received, and only those still open then can count;
    a repeat of the period's queries, answers to queries received whenever.
    """
    root = archive_root(inputs) if period is not None else None
    if period is None or root is None:
        return None
    resolved = window(_parse(period, config, today), config, today, as_of)
    needed = set(
        report_months(resolved)
        if report
        else {m.start.strftime("%Y-%m") for m in resolved.period.months()}
    )
    # The year to date of the period (or of any month of it, for `summary --by`) and the
    # same part of last year: from January of the year before the period's first.
    first = min(min(needed), f"{resolved.period.start.year - 1}-01")
    last = max(needed)
    held = [m for m in months_present(remote.manifest_of(root)) if m <= last]
    light = frozenset(m for m in held if m < first)
    return ArchiveMonths(
        frozenset(held),
        light,
        _ages_known(first, resolved.period.start, config),
        answers_from(resolved.period.start, config.repeats.window_days),
    )


def _ages_known(first: str, cutoff: date, config: Config) -> bool:
    """Whether a query received before ``first`` (``YYYY-MM``) and open at ``cutoff`` or
    later is in the oldest age bin: then the counts an archive keeps of the months before
    ``first`` (no receipt dates) say all the ages of open queries need."""
    from engagement_report.views import older_than_every_age_bin

    latest = datetime.fromisoformat(f"{first}-01") - timedelta(microseconds=1)
    try:
        return older_than_every_age_bin(latest, cutoff, _analysis_stage.deadline_rules(config)[1])
    except ConfigError:
        return True  # no working days at all: an open query's age is unknown however read


def _fetch(root: Path, months: ArchiveMonths | None) -> None:
    """The partitions a read of ``months`` opens, copied first when the archive is at a
    URL (:mod:`engagement_report.archive.remote`): not the months taken from counts."""
    if remote.origin(root) is None:
        return
    if months is None:
        remote.fetch(root, None)
        return
    from engagement_report.archive.light import months_opened

    manifest = remote.manifest_of(root)
    remote.fetch(
        root,
        months_opened(manifest, months.months, months.light, months.counted, months.answers_from),
    )


def read_archive_months(
    root: Path, months: ArchiveMonths | None, skip: Sequence[str] = (), rows: bool = True
) -> ArchiveRead:
    """The archive at ``root`` read as ``months`` say (None: every month, in full);
    without its rows when not ``rows`` (nothing is copied of an archive at a URL then)."""
    from engagement_report.archive.reader import read_archive

    if rows:
        _fetch(root, months)
    if months is None:
        return read_archive(root, None, skip, rows=rows)
    return read_archive(
        root,
        months.months,
        skip,
        light=months.light,
        counted=months.counted,
        answers_from=months.answers_from,
        rows=rows,
    )


#: Columns no figure reads: an archive read for figures alone leaves them unread.
FREE_TEXT = ("title",)


def check(
    inputs: Sequence[str | Path],
    config: Config,
    cache: bool,
    templates: Path | None = None,
    *,
    months: ArchiveMonths | None = None,
    skip: Sequence[str] = (),
    rows: bool = True,
) -> Checked:
    """Read and check the inputs, through the checked-data cache when ``cache``.

    An archive folder (:func:`archive_root`) is read in part: only ``months`` (None: all),
    without the columns in ``skip``; its partition files, hashed as read, are the inputs.
    Not ``rows`` (the Dask engine): an archive's partition files are not opened, the data
    has no rows (:func:`~engagement_report.archive.reader.read_archive`).
    """
    store = Store() if cache else None
    folders = tuple(template_dirs(templates))
    root = archive_root(inputs)
    if root is not None:
        read = read_archive_months(root, months, skip, rows)
        return Checked(_named(read.data, root), _origins(read.files, root), store, folders, months)
    files = _seen_inputs(inputs)
    name = None
    if store is not None:
        # How a two-digit year reads moves with the calendar year (values.two_digit_pivot).
        pivot = f"two-digit years up to {two_digit_pivot()}"
        name = cache_key("checked", config=config, templates=folders, inputs=files, extra=pivot)
        data = load_checked(store, name)
        if data is not None:
            console.note("Inputs unchanged since they were last checked: using that check")
            _unchanged(files)
            return Checked(data, files, store, folders)
    loaded = load_inputs(inputs, config, files=[file.path for file in files])
    console.note("Checking rows…")
    data = validate(loaded, config)
    _unchanged(files)
    if store is not None and name is not None:
        in_background(store_checked, store, name, data, files, name="checked-store")
    return Checked(data, files, store, folders)


def run_today(config: Config, today: date | None, as_of: date | None = None) -> date:
    """The last day an event in the inputs can have happened: the run's today (``--today``,
    else the date in the config's time zone), or ``--as-of`` when that is later."""
    day = today or today_in(config.timezone)
    return max(day, as_of) if as_of is not None else day


def plausible(
    data: CleanData, config: Config, today: date | None, as_of: date | None = None
) -> CleanData:
    """``data`` with warnings for dates after the run's today or before ``earliest_year``."""
    return flag_implausible_dates(data, config.earliest_year, run_today(config, today, as_of))


def load_and_validate(
    inputs: Sequence[str | Path],
    config: Config,
    *,
    cache: bool = True,
    today: date | None = None,
    months: ArchiveMonths | None = None,
    skip: Sequence[str] = (),
) -> CleanData:
    """Read and check every input; the clean frames plus the validation report.

    With ``cache`` (the default), inputs checked before under the same configuration are
    loaded from the checked-data cache, and what is checked now is added to it (see
    :mod:`engagement_report.validation.cache`); ``cache=False`` reads and checks every
    input afresh, neither using nor filling the cache.
    Dates after ``today`` (default: the date now in the config's time zone) or before
    the config's ``earliest_year`` are warnings. ``months`` and ``skip``: what to read of
    an archive (:func:`check`).
    """
    data = check(inputs, config, cache, months=months, skip=skip).data
    wait()  # the entry is on disk when the call returns (a bounded wait)
    return plausible(data, config, today)


def check_inputs(
    inputs: Sequence[str | Path],
    config: Config,
    *,
    cache: bool = True,
    today: date | None = None,
    period: str | None = None,
) -> ValidationReport:
    """The ``validate`` command: the validation report alone.

    An archive's rows were checked when they were imported: its partitions are checked
    instead (:func:`~engagement_report.archive.reader.check_archive`), those a ``build``
    of ``period`` reads, or all of them. ``period`` is refused for files, which are
    checked whole."""
    root = archive_root(inputs)
    if root is None:
        if period is not None:
            raise UsageError(
                "--period: validate checks part of an archive only; files are checked whole "
                "(give an archive folder, or leave --period out)"
            )
        return load_and_validate(inputs, config, cache=cache, today=today).report
    from engagement_report.archive.reader import check_archive

    months = archive_months(inputs, period, config, today, None, report=True)
    _fetch(root, months)
    report = (
        check_archive(root)
        if months is None
        else check_archive(root, months.months, months.light, months.counted, months.answers_from)
    )
    sources = tuple(replace(s, file=remote.source_name(root, s.file)) for s in report.sources)
    return replace(report, sources=sources)


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
        return _parse(text, config, today)
    plausible_days = plausible_window(config.earliest_year, run_today(config, today, as_of))
    found = data_span(data, plausible_days, days)
    if found is None:
        raise UsageError(
            "the inputs hold no dated rows between "
            f"{config.earliest_year} and today, so there is no period to report; give --period"
        )
    return period_for_span(*found)


def _parse(text: str, config: Config, today: date | None) -> Period:
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
