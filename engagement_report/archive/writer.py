"""Clean rows into the archive: one Parquet file per dataset and month, swapped in whole.

An import replaces each month it holds rows of (importing the same month again gives the
same archive), and a query whose id it holds is taken out of every other month: a query
whose date received was corrected moves, and is kept once, in its latest version.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from engagement_report import __version__
from engagement_report.archive.history import month_history
from engagement_report.archive.labels import label_counts
from engagement_report.archive.layout import (
    JOURNAL,
    STAGING,
    Manifest,
    Partition,
    commit,
    partition_key,
    read_manifest,
    roll_forward,
)
from engagement_report.archive.partitions import read_partition
from engagement_report.archive.reader import DATE_COLUMN
from engagement_report.errors import OutputError
from engagement_report.hashing import SeenFile
from engagement_report.models import CleanData
from engagement_report.output import folder_lock
from engagement_report.schema import DATASETS


@dataclass(frozen=True)
class PartitionChange:
    """What an import did to one partition: rows before (0: new) and after (0: removed)."""

    dataset: str
    month: str
    rows_before: int
    rows_after: int
    moved_out: int = 0  # rows taken out because their query id came in another month


@dataclass(frozen=True)
class ImportResult:
    """The partitions an import wrote, replaced or emptied."""

    root: Path
    changes: tuple[PartitionChange, ...]


def month_labels(dates: pd.Series) -> np.ndarray:
    """Each date's month as ``YYYY-MM`` (the partition it belongs in)."""
    months = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    return np.datetime_as_string(months, unit="M")


def write_archive(
    data: CleanData, inputs: Sequence[SeenFile], root: Path, lock_timeout: float = 300.0
) -> ImportResult:
    """Import the clean rows of ``data`` (read from ``inputs``) into the archive at ``root``."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{root}: cannot create the archive: {exc.strerror or exc}") from None
    with folder_lock(root, lock_timeout):
        roll_forward(root)  # an import killed after its commit is finished first
        staging_root = root / STAGING
        shutil.rmtree(staging_root, ignore_errors=True)  # what an import killed earlier left
        try:
            return _import(data, inputs, root, staging_root)
        except OSError as exc:
            raise OutputError(f"{root}: cannot write the archive: {exc.strerror or exc}") from None
        finally:
            if not (root / JOURNAL).exists():  # committed: the staged files are the archive's
                shutil.rmtree(staging_root, ignore_errors=True)


def _import(
    data: CleanData, inputs: Sequence[SeenFile], root: Path, staging_root: Path
) -> ImportResult:
    manifest = read_manifest(root)
    staging = staging_root / uuid.uuid4().hex
    kept = {p.key: p for p in manifest.partitions}
    swaps: dict[str, str | None] = {}
    changes: list[PartitionChange] = []
    dtypes = dict(manifest.dtypes)
    for dataset in DATASETS:
        frame = data.frame(dataset)
        if not len(frame):
            # The column types of a dataset the inputs lack are kept from an import that had
            # it (an empty frame's are the least specific).
            dtypes.setdefault(dataset, {c: str(t) for c, t in frame.dtypes.items()})
            continue
        dtypes[dataset] = {
            **dtypes.get(dataset, {}),
            **{c: str(t) for c, t in frame.dtypes.items()},
        }
        sources = [s for s in data.report.sources if s.dataset == dataset]
        mapped = tuple(sorted({c for s in sources for c in s.mapping}))
        read = {Path(s.file).resolve() for s in sources}
        given = tuple((str(f.path), f.sha256) for f in inputs if f.path.resolve() in read)
        months = month_labels(frame[DATE_COLUMN[dataset]])
        incoming = sorted(set(months.tolist()))
        if dataset == "queries":
            changes += _move_out(root, manifest, frame, set(incoming), staging, kept, swaps)
        for month in incoming:
            rows = frame[months == month].reset_index(drop=True)
            partition = _write(rows, dataset, month, staging, root, given, mapped)
            old = kept.get(partition.key)
            changes.append(PartitionChange(dataset, month, old.rows if old else 0, partition.rows))
            kept[partition.key] = partition
            swaps[partition.key] = (staging / partition.key).relative_to(root).as_posix()
    if swaps:
        commit(root, swaps, Manifest(tuple(kept.values()), dtypes))
    return ImportResult(root, tuple(changes))


def _move_out(
    root: Path,
    manifest: Manifest,
    frame: pd.DataFrame,
    incoming: set[str],
    staging: Path,
    kept: dict[str, Partition],
    swaps: dict[str, str | None],
) -> list[PartitionChange]:
    """Take the imported query ids out of the months the import does not replace."""
    ids = frame["query_id"].dropna()
    if not len(ids):
        return []
    # Arrow's hash lookup: pandas' isin against Arrow-backed strings takes minutes at a
    # million ids.
    wanted = pc.unique(pa.array(ids.astype("string"), type=pa.large_string()))
    bounds = pc.min_max(wanted)
    span = (bounds["min"].as_py(), bounds["max"].as_py())
    changes = []
    for partition in manifest.of("queries"):
        if partition.month in incoming or not _may_hold(partition, wanted, span):
            continue
        held = read_partition(root, partition, ["query_id"]).column("query_id")
        moved = pc.is_in(held, value_set=wanted.cast(held.type)).to_numpy(zero_copy_only=False)
        moved = np.asarray(moved, dtype=bool)
        if not moved.any():
            continue
        rows = read_partition(root, partition, None).to_pandas()[~moved].reset_index(drop=True)
        if len(rows):
            rewritten = _write(
                rows, "queries", partition.month, staging, root, partition.inputs, partition.mapped
            )
            kept[partition.key] = rewritten
            swaps[partition.key] = (staging / partition.key).relative_to(root).as_posix()
        else:
            del kept[partition.key]
            swaps[partition.key] = None
        changes.append(
            PartitionChange("queries", partition.month, partition.rows, len(rows), int(moved.sum()))
        )
    return changes


def _may_hold(partition: Partition, wanted: pa.Array, span: tuple[str, str]) -> bool:
    """Whether the partition may hold one of the ``wanted`` ids: its manifest's least and
    greatest id (code point order, as Arrow and Python compare strings) bound every id it
    holds, so a month whose range holds none of them is not opened (the offices' ids
    mostly grow with time, so a new month's fall in no earlier month's range). ``span``:
    the least and the greatest wanted id; a range outside it (every earlier month's, for
    a cron import) is decided without comparing each wanted id with it."""
    if partition.ids is None:  # not recorded: look
        return True
    if not partition.ids:
        return False
    if partition.ids[1] < span[0] or partition.ids[0] > span[1]:
        return False
    low, high = (pa.scalar(i, type=wanted.type) for i in partition.ids)
    inside = pc.and_(pc.greater_equal(wanted, low), pc.less_equal(wanted, high))
    return bool(pc.any(inside).as_py())


def _id_range(rows: pd.DataFrame) -> tuple[str, ...] | None:
    """The least and the greatest query id of ``rows`` (() when none has one; None when
    the ids are no text, whose order would not be the one compared)."""
    if not pd.api.types.is_string_dtype(rows["query_id"].dtype):
        return None
    ids = pa.array(rows["query_id"].dropna().astype("string"), type=pa.large_string())
    if not len(ids):
        return ()
    bounds = pc.min_max(ids)
    return (bounds["min"].as_py(), bounds["max"].as_py())


def _write(
    rows: pd.DataFrame,
    dataset: str,
    month: str,
    staging: Path,
    root: Path,
    inputs: tuple[tuple[str, str], ...],
    mapped: tuple[str, ...],
) -> Partition:
    """``rows`` written as the staged partition of ``dataset`` and ``month``."""
    folder = staging / partition_key(dataset, month)
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(rows, preserve_index=False)
    temporary = folder / ".part.parquet"
    pq.write_table(table, temporary, compression="zstd")
    with temporary.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    name = f"part-{digest[:16]}.parquet"
    temporary.rename(folder / name)
    dates = rows[DATE_COLUMN[dataset]]
    return Partition(
        dataset=dataset,
        month=month,
        file=name,
        sha256=digest,
        rows=len(rows),
        tool_version=__version__,
        inputs=inputs,
        mapped=mapped,
        first=dates.min().date().isoformat(),
        last=dates.max().date().isoformat(),
        latest=_latest(rows, dataset).isoformat(),
        history=month_history(rows, month) if dataset == "queries" else None,
        ids=_id_range(rows) if dataset == "queries" else None,
        labels=label_counts(rows, dataset),
    )


def _latest(rows: pd.DataFrame, dataset: str) -> date:
    """The latest date of the rows, a query's answer date included (the export's date)."""
    columns = ["received_at", "answered_at"] if dataset == "queries" else ["date"]
    return max(pd.Timestamp(rows[c].max()) for c in columns if rows[c].notna().any()).date()
