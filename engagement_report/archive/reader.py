"""Reading an archive in part: only the months a report needs, only the columns it reads.

The partitions are found with ``pyarrow.dataset`` (hive partitioning by ``month``) and
pruned by a filter on the partition key, so a month outside the filter is never opened:
neither read, nor hashed, nor even checked to be a Parquet file.
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

from engagement_report.archive.layout import Manifest, Partition, read_manifest, recover
from engagement_report.errors import InputError
from engagement_report.hashing import SeenFile, seen
from engagement_report.models import CleanData, Extent, SourceAccount, ValidationReport
from engagement_report.schema import DATASETS
from engagement_report.views import closing_moments

#: The date that places a row of each dataset in a month.
DATE_COLUMN = {
    "queries": "received_at",
    "broadcasts": "date",
    "press_events": "date",
    "press_questions": "date",
}
_MONTH = pa.schema([pa.field("month", pa.string())])
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
) -> ArchiveRead:
    """The rows of the archive at ``root`` in ``months`` (``YYYY-MM``; None: all), without
    the columns in ``skip`` (or with ``only`` the columns it names per dataset), as clean
    data with one source per partition read.

    ``light``: months of ``months`` read only for the queries still open after them
    (:func:`_still_open`): all a backlog or the ages of open queries at a later moment
    count of them.
    """
    recover(root)
    manifest = read_manifest(root)
    full = None if months is None else sorted(set(months) - set(light))
    # The first moment a figure of the fully read months can count a query open at.
    since = np.datetime64(f"{full[0]}-01", "ns") if full else None
    frames: dict[str, pd.DataFrame] = {}
    files: list[SeenFile] = []
    accounts: list[SourceAccount] = []
    for dataset in DATASETS:
        skipped = set(skip)
        if only is not None:
            kept = set(only.get(dataset, ()))
            skipped |= {c for c in manifest.dtypes.get(dataset, {}) if c not in kept}
        known = {p.month: p for p in manifest.of(dataset)}
        tables = []
        for path, month in _fragments(root / dataset, months) if known else ():
            if month in light and (dataset != "queries" or since is None):
                continue  # only queries still open count in later months
            partition = known.get(month)
            if partition is None or path.name != partition.file:
                raise InputError(
                    f"{path}: this file is not in the archive's manifest ({root / 'archive.json'}); "
                    "remove it or import its month again"
                )
            file = seen(path)
            _check_digest(file, partition)
            files.append(file)
            if month in light:
                heavy = {c for c in manifest.dtypes.get(dataset, {}) if c not in _LIGHT}
                tables.append(_still_open(_read(path, skipped | heavy), since))
            else:
                tables.append(_read(path, skipped))
            accounts.append(_account(path, partition))
        frames[dataset] = _frame(tables, manifest.dtypes.get(dataset, {}), skipped)
    data = CleanData(
        queries=frames["queries"],
        broadcasts=frames["broadcasts"],
        press_events=frames["press_events"],
        press_questions=frames["press_questions"],
        rejected_rows=pd.DataFrame(columns=_REJECTED_COLUMNS),
        report=ValidationReport(tuple(accounts), ()),
        present=frozenset(p.dataset for p in manifest.partitions),
        extent=extent(manifest),
    )
    return ArchiveRead(data, tuple(files), manifest)


#: What a month read light keeps of its queries: when each was received and closed, and
#: where it came from.
_LIGHT = ("received_at", "answered_at", "status", "_file", "_sheet", "_row")


def _still_open(table: pa.Table, since: np.datetime64 | None) -> pa.Table:
    """The queries of a month read light that a figure counting open queries at ``since``
    or later can see: those not closed before ``since`` (views.closing_moments), and the
    month's first received (closed or not), so that the registry is known to have begun
    (a query closed before ``since`` is in no later backlog: received and closed before)."""
    if since is None or not table.num_rows:
        return table
    received, closed = closing_moments(table.to_pandas())
    keep = closed >= since.view(np.int64)
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


def read_month(root: Path, manifest: Manifest, dataset: str, month: str) -> pd.DataFrame:
    """The rows of one dataset and month, with the column types they were imported with
    (empty when the archive holds none)."""
    partition = next((p for p in manifest.of(dataset) if p.month == month), None)
    tables = []
    if partition is not None:
        path = root / partition.key / partition.file
        _check_digest(seen(path), partition)
        tables.append(_read(path, set()))
    return _frame(tables, manifest.dtypes.get(dataset, {}), set())


def _check_digest(file: SeenFile, partition: Partition) -> None:
    if file.sha256 != partition.sha256:
        raise InputError(
            f"{file.path}: this archive partition file changed since it was imported "
            f"(SHA-256 {file.sha256[:12]}…, the manifest says {partition.sha256[:12]}…); "
            "import that month again from its source files"
        )


def _fragments(folder: Path, months: Collection[str] | None) -> list[tuple[Path, str]]:
    """The Parquet files of the wanted months under a dataset's folder, with their month:
    the files of other months are pruned by their partition key, unopened."""
    if not folder.is_dir():
        return []
    dataset = ds.dataset(
        folder,
        format="parquet",
        schema=_MONTH,  # given, so that no file is opened to find it out
        partitioning=ds.partitioning(_MONTH, flavor="hive"),
    )
    wanted = None if months is None else ds.field("month").isin(sorted(months))
    found = []
    for fragment in dataset.get_fragments(filter=wanted):
        month = ds.get_partition_keys(fragment.partition_expression)["month"]
        found.append((Path(fragment.path), str(month)))
    return sorted(found, key=lambda item: (item[1], item[0].name))


def _read(path: Path, skip: set[str]) -> pa.Table:
    try:
        fragment = ds.dataset(path, format="parquet")
        columns = [name for name in fragment.schema.names if name not in skip]
        return fragment.to_table(columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(path, exc) from None


def _frame(tables: list[pa.Table], dtypes: dict[str, str], skip: set[str]) -> pd.DataFrame:
    """The tables as one frame with the column types the rows had when imported."""
    wanted = {column: dtype for column, dtype in dtypes.items() if column not in skip}
    if not tables:
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
