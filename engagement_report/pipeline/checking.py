"""Reading and checking the inputs: spreadsheets through the checked-data cache, an
archive in the months a command needs (:mod:`.archive_months`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from engagement_report import console
from engagement_report.archive import remote
from engagement_report.cache import Store, cache_key, in_background, wait
from engagement_report.config import Config
from engagement_report.errors import InputError, UsageError
from engagement_report.hashing import SeenFile, changed_error, seen
from engagement_report.loading import discover_inputs, load_inputs
from engagement_report.models import CleanData, ValidationReport
from engagement_report.pipeline.archive_months import (
    ArchiveMonths,
    archive_months,
    archive_root,
    fetch_months,
    named_sources,
    origin_files,
    read_archive_months,
)
from engagement_report.pipeline.period import plausible
from engagement_report.render.environment import template_dirs
from engagement_report.validation import validate
from engagement_report.validation.cache import load_checked, store_checked
from engagement_report.validation.dates import two_digit_pivot


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


def _unchanged(inputs: Sequence[SeenFile]) -> None:
    """Refuse inputs that changed since they were hashed: the figures, the manifest and
    the cache must all speak of the content that was read."""
    for file in inputs:
        if not file.unchanged():
            raise changed_error(file.path)


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

    An archive folder (:func:`~.archive_months.archive_root`) is read in part: only
    ``months`` (None: all), without the columns in ``skip``; its partition files, hashed as
    read, are the inputs.
    Not ``rows`` (the Dask engine): an archive's partition files are not opened, the data
    has no rows (:func:`~engagement_report.archive.reader.read_archive`).
    """
    store = Store() if cache else None
    folders = tuple(template_dirs(templates))
    root = archive_root(inputs)
    if root is not None:
        read = read_archive_months(root, months, skip, rows)
        return Checked(
            named_sources(read.data, root), origin_files(read.files, root), store, folders, months
        )
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
    fetch_months(root, months)
    report = (
        check_archive(root)
        if months is None
        else check_archive(root, months.months, months.light, months.counted, months.answers_from)
    )
    sources = tuple(replace(s, file=remote.source_name(root, s.file)) for s in report.sources)
    return replace(report, sources=sources)
