"""Reading an archive in part: only the months a report needs, only the columns it reads.

The partitions are found in the archive's manifest, not by listing the archive: a month
outside those asked for is never opened (neither read, nor hashed, nor its folder
listed). Months long before the period count only through their queries still open
later, taken from the counts the manifest keeps of them (:mod:`.history`) when it can.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from engagement_report.archive import remote
from engagement_report.archive.answers import keyed, may_answer
from engagement_report.archive.history import open_before, usable
from engagement_report.archive.labels import respell, spellings
from engagement_report.archive.layout import (
    MANIFEST_NAME,
    Manifest,
    OpenHistory,
    Partition,
    partition_key,
    read_manifest,
    recover,
)
from engagement_report.errors import InputError
from engagement_report.hashing import SeenFile, changed_error, identity, seen
from engagement_report.models import CleanData, Extent, SourceAccount, ValidationReport
from engagement_report.repeats import COLUMNS as REPEAT_COLUMNS
from engagement_report.schema import DATASETS
from engagement_report.validation import empty_frame
from engagement_report.views import closing_moments

#: The date that places a row of each dataset in a month.
DATE_COLUMN = {
    "queries": "received_at",
    "broadcasts": "date",
    "press_events": "date",
    "press_questions": "date",
}
_REJECTED_COLUMNS = ["file", "sheet", "row", "column", "reason"]


@dataclass(frozen=True)
class ArchiveRead:
    """The rows read from an archive, the partition files they came from (hashed as
    read) and the archive's manifest."""

    data: CleanData
    files: tuple[SeenFile, ...]
    manifest: Manifest


def _damaged(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"{path}: this archive partition file cannot be read ({exc}); the archive is "
        "damaged: import that month again from its source files"
    )


def read_partition(root: Path, partition: Partition, columns: list[str] | None) -> pa.Table:
    """One partition's rows (``columns`` of them, or all), as an Arrow table."""
    path = root / partition.key / partition.file
    try:
        return ds.dataset(path, format="parquet").to_table(columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(path, exc) from None


def read_archive(
    root: Path,
    months: Collection[str] | None = None,
    skip: Iterable[str] = (),
    only: Mapping[str, Collection[str]] | None = None,
    light: Collection[str] = (),
    counted: bool = False,
    answers_from: date | None = None,
    rows: bool = True,
) -> ArchiveRead:
    """The rows of the archive at ``root`` in ``months`` (``YYYY-MM``; None: all), without
    the columns in ``skip`` (or with ``only`` the columns it names per dataset), as clean
    data with one source per partition read.

    ``rows=False``: no partition file is opened (the Dask engine's workers read them, each
    checked against the manifest's SHA-256 as it is read): the data has every column and
    no row, and everything else as read (sources, files as the manifest records them,
    datasets present, extent, the counts of months not read).

    ``light``: months before the others, wanted only for their queries still open after
    them (all a backlog or the ages of open queries at a later moment count of them).
    With ``counted``, a light month whose manifest keeps usable counts of when its
    queries closed (:mod:`.history`) is not opened: its counts are the data's
    ``open_before`` and the manifest, hashed, is one of the files read. The caller checks
    that the counts say all its figures need (``views.older_than_every_age_bin``).
    Otherwise a light month's queries are read, only those still open after it kept
    (:func:`_still_open`).

    ``answers_from``: the first day an answer can make a query of the figures' period a
    repeat (:func:`~engagement_report.repeats.answers_from`). A light month that can hold
    one (:func:`_answering`) is opened even when counted, and its queries answered from
    then on are kept too, with what the repeat rule reads of them: a repeat looks back at
    answers to queries received in any earlier month.
    """
    recover(root)
    manifest_file = seen(root / MANIFEST_NAME) if counted and light else None
    manifest = read_manifest(root)
    if manifest_file is not None and not manifest_file.unchanged():
        raise changed_error(manifest_file.path)
    light = set(light)
    since = light_since(light)
    end = _month_after(max({*(months or ()), *light})) if months or light else None
    frames: dict[str, pd.DataFrame] = {}
    files: list[SeenFile] = []
    accounts: list[SourceAccount] = []
    histories: list[OpenHistory] = []
    for dataset in DATASETS:
        skipped = set(skip)
        if only is not None:
            kept = set(only.get(dataset, ()))
            skipped |= {c for c in manifest.dtypes.get(dataset, {}) if c not in kept}
        tables = []
        for partition in _partitions(root, manifest, dataset, months, light if counted else ()):
            path = root / partition.key / partition.file
            answering = _answering(partition, answers_from, end)
            if partition.month in light:
                if dataset != "queries":
                    continue  # only queries still open count in later months
                if counted and usable(partition.history) and not answering:
                    assert partition.history is not None
                    histories.append(partition.history)
                    accounts.append(_account(path, partition))
                    continue
            if not rows:
                files.append(_unread(root, path, partition))
                accounts.append(_account(path, partition))
                continue
            file = seen_partition(path)
            _check_digest(file, partition)
            files.append(file)
            if partition.month in light:
                assert since is not None
                read = Light(since, answers_from, end)
                tables.append(
                    _light(path, partition, manifest.dtypes.get(dataset, {}), read, skipped)
                )
            else:
                tables.append(_read(path, skipped))
            accounts.append(_account(path, partition))
        frame = _frame(tables, manifest.dtypes.get(dataset, {}), skipped, dataset)
        frames[dataset] = respell(frame, dataset, spellings(manifest, dataset))
    if histories and manifest_file is not None:
        files.insert(0, manifest_file)  # it vouches for the counts
    data = CleanData(
        queries=frames["queries"],
        broadcasts=frames["broadcasts"],
        press_events=frames["press_events"],
        press_questions=frames["press_questions"],
        rejected_rows=pd.DataFrame(columns=_REJECTED_COLUMNS),
        report=ValidationReport(tuple(accounts), ()),
        present=frozenset(p.dataset for p in manifest.partitions),
        extent=extent(manifest),
        open_before=open_before(histories, since) if histories and since else None,
    )
    return ArchiveRead(data, tuple(files), manifest)


def months_opened(
    manifest: Manifest,
    months: Collection[str],
    light: Collection[str],
    counted: bool,
    answers_from: date | None = None,
) -> set[str]:
    """The months of ``months`` whose partition files :func:`read_archive` opens with the
    same ``light``, ``counted`` and ``answers_from``: all but the light ones whose
    queries it counts."""
    queries = {p.month: p for p in manifest.of("queries")}
    end = _month_after(max(months)) if months else None
    return {
        month
        for month in months
        if month not in light
        or (month in queries and not _counted(queries[month], counted, answers_from, end))
    }


def _answering(partition: Partition, answers_from: date | None, end: date | None) -> bool:
    """Whether a month's queries can hold an answer dated from ``answers_from`` to before
    ``end`` that makes a query a repeat (:mod:`.answers`)."""
    return (
        answers_from is not None
        and partition.dataset == "queries"
        and keyed(partition)
        and may_answer(partition, answers_from, end)
    )


def _counted(
    partition: Partition, counted: bool, answers_from: date | None, end: date | None
) -> bool:
    """Whether a light month is taken from its counts, unopened."""
    return counted and usable(partition.history) and not _answering(partition, answers_from, end)


def check_archive(
    root: Path,
    months: Collection[str] | None = None,
    light: Collection[str] = (),
    counted: bool = False,
    answers_from: date | None = None,
) -> ValidationReport:
    """The partitions :func:`read_archive` opens for the same ``months``, ``light``,
    ``counted`` and ``answers_from`` checked without reading their rows (they were
    checked when imported): each file is the one the manifest records (its SHA-256) and a
    Parquet file holding the rows the manifest says. The report lists the partitions as
    the read would."""
    recover(root)
    manifest = read_manifest(root)
    light = set(light)
    end = _month_after(max({*(months or ()), *light})) if months or light else None
    accounts: list[SourceAccount] = []
    for dataset in DATASETS:
        for partition in _partitions(root, manifest, dataset, months, light if counted else ()):
            path = root / partition.key / partition.file
            if partition.month in light and dataset != "queries":
                continue
            if not (partition.month in light and _counted(partition, counted, answers_from, end)):
                _check_digest(seen_partition(path), partition)
                rows = _footer_rows(path)
                if rows != partition.rows:
                    raise InputError(
                        f"{path}: this archive partition file holds {rows} rows, the archive's "
                        f"manifest says {partition.rows}; the archive is damaged: import that "
                        "month again from its source files"
                    )
            accounts.append(_account(path, partition))
    return ValidationReport(tuple(accounts), ())


def _footer_rows(path: Path) -> int:
    """The rows a Parquet file holds, from its footer alone."""
    try:
        with pq.ParquetFile(path) as parquet:
            return int(parquet.metadata.num_rows)
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(path, exc) from None


def light_since(light: Collection[str]) -> date | None:
    """The first moment a figure of the months after the ``light`` ones can count a query
    open at: the first day after them (None: no month is read light)."""
    return _month_after(max(light)) if light else None


def _month_after(month: str) -> date:
    """The first day of the month after ``month`` (``YYYY-MM``)."""
    year, number = (int(part) for part in month.split("-"))
    return date(year + number // 12, number % 12 + 1, 1)


def _unread(root: Path, path: Path, partition: Partition) -> SeenFile:
    """A partition file the command does not open, as the manifest records it (its
    SHA-256), its identity from the file system (its size from the store, for an archive
    at a URL: the local copy's path names it, as when the pandas engine copies it)."""
    url = remote.origin(root)
    if url is not None:
        return SeenFile(path, (0, remote.size(url, partition), 0, 0), partition.sha256)
    try:
        return SeenFile(path, identity(path.stat()), partition.sha256)
    except FileNotFoundError:
        return seen_partition(path)  # says the file is missing
    except OSError as exc:
        raise _damaged(path, exc) from None


def seen_partition(path: Path) -> SeenFile:
    """A partition file hashed (a missing one is a damaged archive, named)."""
    try:
        return seen(path)
    except InputError:
        if not path.exists():
            raise InputError(
                f"{path}: this archive partition file is missing (the archive's manifest "
                "lists it); the archive is damaged: import that month again from its source "
                "files"
            ) from None
        raise


def _partitions(
    root: Path,
    manifest: Manifest,
    dataset: str,
    months: Collection[str] | None,
    unopened: Collection[str],
) -> list[Partition]:
    """The partitions of ``dataset`` in ``months`` (None: all), by month, from the
    manifest: only their folders are looked in (not those of ``unopened`` months), and a
    Parquet file there the manifest does not list is refused (it would be a month written
    by hand, or half of an import that did not go through the journal)."""
    known = {p.month: p for p in manifest.of(dataset)}
    if months is None:
        folder = root / dataset
        found = sorted(
            entry.name.removeprefix("month=")
            for entry in (folder.iterdir() if folder.is_dir() else ())
            if entry.name.startswith("month=")
        )
        wanted = sorted(set(found) | set(known))
    else:
        wanted = sorted(set(months))
    chosen = []
    for month in wanted:
        partition = known.get(month)
        if month not in unopened:
            _refuse_strays(root / partition_key(dataset, month), partition, root)
        if partition is not None:
            chosen.append(partition)
    return chosen


def _refuse_strays(folder: Path, partition: Partition | None, root: Path) -> None:
    try:
        names = [entry.name for entry in folder.iterdir()]
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{folder}: cannot list the archive partition: {exc}") from None
    for name in sorted(names):
        if name.startswith((".", "_")) or not name.endswith(".parquet"):
            continue  # what pyarrow's discovery leaves out too
        if partition is None or name != partition.file:
            raise InputError(
                f"{folder / name}: this file is not in the archive's manifest "
                f"({root / MANIFEST_NAME}); remove it or import its month again"
            )


#: What a month read light keeps of its queries: when each was received and closed, and
#: where it came from.
_LIGHT = ("received_at", "answered_at", "status", "_file", "_sheet", "_row")


def _still_open(table: pa.Table, since: date | None) -> pa.Table:
    """The queries of a month read light that a figure counting open queries at ``since``
    or later can see: those not closed before ``since`` (views.closing_moments), and the
    month's first received (closed or not), so that the registry is known to have begun
    (a query closed before ``since`` is in no later backlog: received and closed before)."""
    if since is None or not table.num_rows:
        return table
    received, closed = closing_moments(table.to_pandas())
    keep = closed >= np.datetime64(since.isoformat(), "ns").view(np.int64)
    keep[int(np.argmin(received))] = True
    return table.filter(pa.array(keep))


def extent(manifest: Manifest) -> Extent:
    """The dates of the whole archive, from its manifest (no partition is read)."""
    first: dict[str, date] = {}
    for partition in manifest.partitions:
        day = date.fromisoformat(partition.first)
        first[partition.dataset] = min(first.get(partition.dataset, day), day)
    lasts = [date.fromisoformat(p.last) for p in manifest.partitions]
    latest = [date.fromisoformat(p.latest) for p in manifest.partitions]
    return Extent(first, max(lasts, default=None), max(latest, default=None))


@dataclass(frozen=True)
class Light:
    """How :func:`read_archive` reads a month before the others: its queries still open
    at ``since`` or later, and (``answers_from``: the repeats') those answered from then
    on when the month can hold such an answer before ``end``."""

    since: date
    answers_from: date | None = None
    end: date | None = None


def light_read(
    months: Collection[str] | None, light: Collection[str], answers_from: date | None
) -> Light | None:
    """How :func:`read_archive` reads the ``light`` months of a read of ``months`` (None:
    no month is read light)."""
    since = light_since(light)
    if since is None:
        return None
    end = _month_after(max({*(months or ()), *light}))
    return Light(since, answers_from, end)


def _light(
    path: Path, partition: Partition, dtypes: Mapping[str, str], read: Light, skipped: set[str]
) -> pa.Table:
    """A light month's queries (:class:`Light`), with the columns that say when they
    were open (and what the repeat rule reads of them, when they can answer)."""
    answering = _answering(partition, read.answers_from, read.end)
    kept = {*_LIGHT, *REPEAT_COLUMNS} if answering else set(_LIGHT)
    heavy = {c for c in dtypes if c not in kept}
    after = read.since
    if answering and read.answers_from is not None:
        after = min(read.since, read.answers_from)
    return _still_open(_read(path, skipped | heavy), after)


def read_month(
    root: Path,
    manifest: Manifest,
    dataset: str,
    month: str,
    light: Light | None = None,
    columns: Collection[str] | None = None,
) -> pd.DataFrame:
    """The rows of one dataset and month, with the column types they were imported with
    (empty when the archive holds none); ``columns`` of them (None: all). ``light``: the
    month's queries as :func:`read_archive` reads a month before the others."""
    partition = next((p for p in manifest.of(dataset) if p.month == month), None)
    dtypes = manifest.dtypes.get(dataset, {})
    skipped = (
        set() if columns is None or light is not None else {c for c in dtypes if c not in columns}
    )
    tables = []
    if partition is not None:
        path = root / partition.key / partition.file
        _check_digest(seen(path), partition)
        if light is None:
            tables.append(_read(path, skipped))
        else:
            tables.append(_light(path, partition, dtypes, light, skipped))
    frame = _frame(tables, dtypes, skipped, dataset)
    return respell(frame, dataset, spellings(manifest, dataset))


def _check_digest(file: SeenFile, partition: Partition) -> None:
    if file.sha256 != partition.sha256:
        raise InputError(
            f"{file.path}: this archive partition file changed since it was imported "
            f"(SHA-256 {file.sha256[:12]}…, the manifest says {partition.sha256[:12]}…); "
            "import that month again from its source files"
        )


def _read(path: Path, skip: set[str]) -> pa.Table:
    try:
        fragment = ds.dataset(path, format="parquet")
        columns = [name for name in fragment.schema.names if name not in skip]
        return fragment.to_table(columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(path, exc) from None


def _frame(
    tables: list[pa.Table], dtypes: dict[str, str], skip: set[str], dataset: str | None = None
) -> pd.DataFrame:
    """The tables as one frame with the column types the rows had when imported."""
    wanted = {column: dtype for column, dtype in dtypes.items() if column not in skip}
    if not tables:
        if not dtypes and dataset is not None:
            # A dataset the archive has never held (one written before the dataset was
            # known): the empty clean frame, so its columns are there to filter on.
            empty = empty_frame(dataset)
            return empty[[c for c in empty.columns if c not in skip]]
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in wanted.items()})
    table = pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]
    frame = table.to_pandas()
    for column, dtype in wanted.items():
        if column not in frame:
            frame[column] = pd.Series(dtype=dtype, index=frame.index)
        elif str(frame[column].dtype) != dtype:
            frame[column] = frame[column].astype(dtype)
    return frame


def _account(path: Path, partition: Partition) -> SourceAccount:
    """A partition as a source of the run: every row used (they were checked on import)."""
    return SourceAccount(
        file=str(path),
        sheet=f"month={partition.month}",
        dataset=partition.dataset,
        header_row=0,
        recognised_by="archive",
        mapping={column: column for column in partition.mapped},
        ignored_columns=(),
        rows_read=partition.rows,
        used=partition.rows,
        duplicate=0,
        blank=0,
        total_rows=0,
        rejected=0,
        errors=0,
        warnings=0,
        problems_not_listed=0,
    )
