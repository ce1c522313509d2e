"""An archive's partition files one at a time: found from the manifest (a stray file
refused), checked against the SHA-256 the manifest records, and read into Arrow or pandas
with the column types they were imported with.

:mod:`.reader` decides which partitions a command reads; this module reads one.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from engagement_report.archive import remote
from engagement_report.archive.layout import MANIFEST_NAME, Manifest, Partition, partition_key
from engagement_report.errors import InputError
from engagement_report.hashing import SeenFile, identity, seen
from engagement_report.models import SourceAccount
from engagement_report.validation import empty_frame


def damaged(path: Path, exc: Exception) -> InputError:
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
        raise damaged(path, exc) from None


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


def check_digest(file: SeenFile, partition: Partition) -> None:
    if file.sha256 != partition.sha256:
        raise InputError(
            f"{file.path}: this archive partition file changed since it was imported "
            f"(SHA-256 {file.sha256[:12]}…, the manifest says {partition.sha256[:12]}…); "
            "import that month again from its source files"
        )


def unread_partition(root: Path, path: Path, partition: Partition) -> SeenFile:
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
        raise damaged(path, exc) from None


def footer_rows(path: Path) -> int:
    """The rows a Parquet file holds, from its footer alone."""
    try:
        with pq.ParquetFile(path) as parquet:
            return int(parquet.metadata.num_rows)
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, exc) from None


def partitions_of(
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


def read_columns(path: Path, skip: set[str]) -> pa.Table:
    try:
        fragment = ds.dataset(path, format="parquet")
        columns = [name for name in fragment.schema.names if name not in skip]
        return fragment.to_table(columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, exc) from None


def as_frame(
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


def partition_account(path: Path, partition: Partition) -> SourceAccount:
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
