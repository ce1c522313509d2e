"""The ``summary``, ``validate``, ``init`` and ``diff`` commands, and figures written to a
database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from engagement_report import __version__
from engagement_report.analysis import compute as compute_window
from engagement_report.analysis import partial_requests
from engagement_report.cache import wait
from engagement_report.config import Config
from engagement_report.errors import UsageError
from engagement_report.export import (
    SummaryRecord,
    summary_chunks,
    summary_records,
)
from engagement_report.hashing import SeenFile
from engagement_report.loading import discover_inputs
from engagement_report.models import ValidationReport
from engagement_report.pipeline.archive_months import FREE_TEXT, archive_months
from engagement_report.pipeline.checking import check
from engagement_report.pipeline.engine import resolve_engine
from engagement_report.pipeline.period import (
    pinned_today,
    plausible,
    require_rows,
    resolve_period,
    run_today,
    window,
)
from engagement_report.run_diff import diff_dict, diff_runs, diff_text
from engagement_report.validation.report import report_as_dict, report_as_text

if TYPE_CHECKING:
    from engagement_report.engines.dask import Cluster


@dataclass(frozen=True)
class Summarized:
    """A summary's records and the files they came from, hashed as read (an archive's
    partition files, checked against its manifest, and the manifest when its counts
    were used)."""

    records: list[SummaryRecord]
    files: tuple[SeenFile, ...]


def summarize(
    inputs: Sequence[str | Path],
    config: Config,
    period: str | None = None,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    *,
    cache: bool = True,
    allow_empty: bool = False,
    engine: str | None = None,
    scheduler: str | None = None,
    cluster: Cluster | None = None,
) -> list[SummaryRecord]:
    """The ``summary`` command: records of every figure of the period, or of each sub-period.

    A period without a single row is refused unless ``allow_empty`` (:func:`require_rows`).
    ``engine`` (default the config's ``[compute] engine``): ``"dask"`` computes the figures
    of an archive on the Dask cluster at ``scheduler`` (default ``[compute] scheduler``,
    else ``$DASK_SCHEDULER_ADDRESS``, else a LocalCluster; or ``cluster``), with the same
    definitions as pandas', combined month by month.
    """
    return summarize_read(
        inputs,
        config,
        period,
        today,
        as_of,
        by,
        cache=cache,
        allow_empty=allow_empty,
        engine=engine,
        scheduler=scheduler,
        cluster=cluster,
    ).records


def summarize_read(
    inputs: Sequence[str | Path],
    config: Config,
    period: str | None = None,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    *,
    cache: bool = True,
    allow_empty: bool = False,
    engine: str | None = None,
    scheduler: str | None = None,
    cluster: Cluster | None = None,
) -> Summarized:
    """:func:`summarize`'s records with the files they were computed from."""
    today = pinned_today(config, today)
    engine_used = resolve_engine(inputs, config, engine, scheduler, cluster)
    with engine_used.session():  # one cluster for the run's rounds of tasks
        months = archive_months(inputs, period, config, today, as_of, report=False)
        checked = check(
            inputs, config, cache, months=months, skip=FREE_TEXT, rows=engine_used.reads_rows
        )
        wait()  # the checked-data cache's entry is on disk when the call returns
        days, found = engine_used.record_days(
            checked.months, config.earliest_year, run_today(config, today, as_of)
        )
        data = plausible(checked.data, config, today, as_of, found)
        resolved = resolve_period(period, data, config, today, as_of, days)
        whole = window(resolved, config, today, as_of)
        if not allow_empty:
            require_rows(data, whole.period, days)
        # --as-of applies to the whole range; each piece is otherwise cut at its own end. A
        # piece not begun by the cut-off is left out: nothing of it is known.
        windows = [
            window(piece, config, today, as_of)
            for piece in (resolved.split(by) if by else [resolved])
            if piece.start <= whole.cutoff
        ]
        combined = engine_used.combined(
            [request for one in windows for request in partial_requests(one, report=False)],
            config,
            checked.months,
        )
        records = [
            record
            for one in windows
            for record in summary_records(compute_window(data, one, config, combined))
        ]
        return Summarized(records, checked.inputs)


@dataclass(frozen=True)
class DatabaseWrite:
    """What went to a database: rows, the periods replaced, and where (password hidden)."""

    rows: int
    periods: tuple[str, ...]
    where: str


def to_database(
    url: str, records: Sequence[SummaryRecord], inputs: Sequence[str | Path] | Sequence[SeenFile]
) -> DatabaseWrite:
    """Replace the periods of ``records`` in the database at ``url`` (table
    ``engagement_summary``, with this tool's version and the inputs' hash: of the content
    the figures came from when ``inputs`` are the run's :class:`SeenFile` records)."""
    from engagement_report.publish.database import inputs_hash, redact, write_summary

    rows = write_summary(
        url,
        records,
        tool_version=__version__,
        inputs_sha256=inputs_hash(_files(inputs)),
    )
    periods = tuple(dict.fromkeys(f"{r.period_start}..{r.period_end}" for r in records))
    return DatabaseWrite(rows, periods, redact(url))


def _files(inputs: Sequence[str | Path] | Sequence[SeenFile]) -> list[Path] | list[SeenFile]:
    """The run's files as read (its :class:`SeenFile` records), else as found now."""
    seen = [item for item in inputs if isinstance(item, SeenFile)]
    return seen or discover_inputs([item for item in inputs if not isinstance(item, SeenFile)])


def summary_to_database(
    inputs: Sequence[str | Path],
    config: Config,
    url: str,
    period: str | None = None,
    *,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    cache: bool = True,
    allow_empty: bool = False,
    engine: str | None = None,
    scheduler: str | None = None,
) -> DatabaseWrite:
    """The ``summary --to URL`` command: :func:`summarize`'s records written to a database
    (:func:`to_database`), with the hashes of the files they came from as they were read
    (an archive's partition files, checked against its manifest)."""
    summarized = summarize_read(
        inputs,
        config,
        period,
        today,
        as_of,
        by,
        cache=cache,
        allow_empty=allow_empty,
        engine=engine,
        scheduler=scheduler,
    )
    return to_database(url, summarized.records, summarized.files)


def summary(
    inputs: Sequence[str | Path],
    config: Config,
    period: str | None = None,
    *,
    fmt: Literal["csv", "json", "jsonl"] = "csv",
    wide: bool = False,
    header: bool = True,
    excel: bool = False,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    cache: bool = True,
    allow_empty: bool = False,
    engine: str | None = None,
    scheduler: str | None = None,
    cluster: Cluster | None = None,
) -> list[str]:
    """The ``summary`` command's output: :func:`summarize`'s records in ``fmt`` (the summary
    contract), long or ``wide``."""
    if wide and fmt == "jsonl":  # refused before any input is read
        raise UsageError("--wide works with --format csv or json, not jsonl")
    records = summarize(
        inputs,
        config,
        period,
        today,
        as_of,
        by,
        cache=cache,
        allow_empty=allow_empty,
        engine=engine,
        scheduler=scheduler,
        cluster=cluster,
    )
    return summary_chunks(records, fmt, wide=wide, header=header, excel=excel)


def validation_text(report: ValidationReport, fmt: Literal["text", "json"] = "text") -> str:
    """The ``validate`` command's output for ``report`` (:func:`check_inputs`)."""
    if fmt == "json":
        return json.dumps(report_as_dict(report), ensure_ascii=False, indent=2) + "\n"
    return report_as_text(report)


def start_kit(folder: Path, lang: str, config: Config, *, overwrite: bool = False) -> list[Path]:
    """The ``init`` command: a commented config and empty data-entry workbooks in ``folder``."""
    from engagement_report.starter import write_start_kit

    return write_start_kit(folder, lang, config, overwrite=overwrite)


def diff(old_dir: Path, new_dir: Path, fmt: Literal["text", "json"] = "text") -> str:
    """The ``diff`` command: why two runs' figures differ, from their manifests."""
    result = diff_runs(old_dir, new_dir)
    if fmt == "json":
        return json.dumps(diff_dict(result), ensure_ascii=False, indent=2) + "\n"
    return diff_text(result)
