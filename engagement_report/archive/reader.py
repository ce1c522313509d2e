"""Reading an archive in part: only the months a report needs, only the columns it reads.

The partitions are found in the archive's manifest, not by listing the archive: a month
outside those asked for is never opened (neither read, nor hashed, nor its folder
listed). Months long before the period count only through their queries still open
later, taken from the counts the manifest keeps of them (:mod:`.history`) when it can.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from engagement_report.archive.history import open_before, usable
from engagement_report.archive.labels import respell, spellings
from engagement_report.archive.layout import (
    MANIFEST_NAME,
    Manifest,
    OpenHistory,
    read_manifest,
    recover,
)
from engagement_report.archive.light import (
    Light,
    from_counts,
    light_since,
    may_hold_answers,
    month_after,
    read_light,
)
from engagement_report.archive.partitions import (
    as_frame,
    check_digest,
    footer_rows,
    partition_account,
    partitions_of,
    read_columns,
    seen_partition,
    unread_partition,
)
from engagement_report.errors import InputError
from engagement_report.hashing import SeenFile, changed_error, seen
from engagement_report.models import CleanData, Extent, SourceAccount, ValidationReport
from engagement_report.schema import DATASETS

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
    (:func:`~.light.read_light`).

    ``answers_from``: the first day an answer can make a query of the figures' period a
    repeat (:func:`~engagement_report.repeats.answers_from`). A light month that can hold
    one (:func:`~.light.may_hold_answers`) is opened even when counted, and its queries
    answered from then on are kept too, with what the repeat rule reads of them: a repeat
    looks back at answers to queries received in any earlier month.
    """
    recover(root)
    manifest_file = seen(root / MANIFEST_NAME) if counted and light else None
    manifest = read_manifest(root)
    if manifest_file is not None and not manifest_file.unchanged():
        raise changed_error(manifest_file.path)
    light = set(light)
    since = light_since(light)
    end = month_after(max({*(months or ()), *light})) if months or light else None
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
        for partition in partitions_of(root, manifest, dataset, months, light if counted else ()):
            path = root / partition.key / partition.file
            answering = may_hold_answers(partition, answers_from, end)
            if partition.month in light:
                if dataset != "queries":
                    continue  # only queries still open count in later months
                if counted and usable(partition.history) and not answering:
                    assert partition.history is not None
                    histories.append(partition.history)
                    accounts.append(partition_account(path, partition))
                    continue
            if not rows:
                files.append(unread_partition(root, path, partition))
                accounts.append(partition_account(path, partition))
                continue
            file = seen_partition(path)
            check_digest(file, partition)
            files.append(file)
            if partition.month in light:
                assert since is not None
                read = Light(since, answers_from, end)
                tables.append(
                    read_light(path, partition, manifest.dtypes.get(dataset, {}), read, skipped)
                )
            else:
                tables.append(read_columns(path, skipped))
            accounts.append(partition_account(path, partition))
        frame = as_frame(tables, manifest.dtypes.get(dataset, {}), skipped, dataset)
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
    end = month_after(max({*(months or ()), *light})) if months or light else None
    accounts: list[SourceAccount] = []
    for dataset in DATASETS:
        for partition in partitions_of(root, manifest, dataset, months, light if counted else ()):
            path = root / partition.key / partition.file
            if partition.month in light and dataset != "queries":
                continue
            if not (
                partition.month in light and from_counts(partition, counted, answers_from, end)
            ):
                check_digest(seen_partition(path), partition)
                rows = footer_rows(path)
                if rows != partition.rows:
                    raise InputError(
                        f"{path}: this archive partition file holds {rows} rows, the archive's "
                        f"manifest says {partition.rows}; the archive is damaged: import that "
                        "month again from its source files"
                    )
            accounts.append(partition_account(path, partition))
    return ValidationReport(tuple(accounts), ())


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
        check_digest(seen(path), partition)
        if light is None:
            tables.append(read_columns(path, skipped))
        else:
            tables.append(read_light(path, partition, dtypes, light, skipped))
    frame = as_frame(tables, dtypes, skipped, dataset)
    return respell(frame, dataset, spellings(manifest, dataset))


def extent(manifest: Manifest) -> Extent:
    """The dates of the whole archive, from its manifest (no partition is read)."""
    first: dict[str, date] = {}
    for partition in manifest.partitions:
        day = date.fromisoformat(partition.first)
        first[partition.dataset] = min(first.get(partition.dataset, day), day)
    lasts = [date.fromisoformat(p.last) for p in manifest.partitions]
    latest = [date.fromisoformat(p.latest) for p in manifest.partitions]
    return Extent(first, max(lasts, default=None), max(latest, default=None))
