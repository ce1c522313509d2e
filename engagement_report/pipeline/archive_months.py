"""Which months of an archive a command reads, and reading them: the months a report
of a period needs in full, those before read light, and an archive at a URL copied in
the part a run needs (:mod:`engagement_report.archive.remote`) and named by its URL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report import analysis as _analysis_stage
from engagement_report.archive import MANIFEST_NAME, is_archive, months_present, remote
from engagement_report.config import Config
from engagement_report.errors import ConfigError, UsageError
from engagement_report.hashing import SeenFile
from engagement_report.models import CleanData
from engagement_report.periods import Window
from engagement_report.pipeline.period import parse_period_option, window
from engagement_report.repeats import answers_from

if TYPE_CHECKING:
    from engagement_report.archive.reader import ArchiveRead

#: Columns no figure reads: an archive read for figures alone leaves them unread.
FREE_TEXT = ("title",)


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
    resolved = window(parse_period_option(period, config, today), config, today, as_of)
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


def fetch_months(root: Path, months: ArchiveMonths | None) -> None:
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
        fetch_months(root, months)
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


def named_sources(data: CleanData, root: Path) -> CleanData:
    """``data`` with its sources named where they were read from: an archive at a URL
    by the URL of each partition file, not by the local copy."""
    if remote.origin(root) is None:
        return data
    sources = tuple(replace(s, file=remote.source_name(root, s.file)) for s in data.report.sources)
    return replace(data, report=replace(data.report, sources=sources))


def origin_files(files: Sequence[SeenFile], root: Path) -> tuple[SeenFile, ...]:
    """The files read of an archive at a URL with the URL each is a copy of (checked
    against the archive manifest's SHA-256 as it arrived): the manifest, the caches and a
    database name what was read, never a temporary copy."""
    if remote.origin(root) is None:
        return tuple(files)
    return tuple(replace(f, origin=remote.source_name(root, str(f.path))) for f in files)
