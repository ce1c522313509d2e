"""Where an archive keeps things, its manifest, and the journal that makes an import atomic.

An archive is a folder::

    DIR/archive.json                               the manifest: every partition, its file,
                                                   SHA-256, rows, inputs and tool version
    DIR/queries/month=2021-03/part-<sha>.parquet   one partition: a dataset's rows of a month
    DIR/broadcasts/month=2021-03/…

An import stages every partition it writes under ``DIR/.staging/``, then writes the
journal ``DIR/.journal.json`` (the partitions to swap in and the manifest after it):
that write is the commit. Rolling the journal forward renames each staged partition over
the old one and writes the manifest; it can be repeated after a kill at any point until
it ends. A run killed before the journal exists leaves the archive as it was (the staged
files sit in a hidden folder no reader looks in, cleared by the next import).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engagement_report.errors import InputError
from engagement_report.output import folder_lock, write_files

MANIFEST_NAME = "archive.json"
FORMAT = "engagement-report archive"
FORMAT_VERSION = 1
STAGING = ".staging"
JOURNAL = ".journal.json"
TRASH = ".trash"


@dataclass(frozen=True)
class OpenHistory:
    """A month of queries by when each closed, as the manifest keeps it."""

    definition: str  # ``history.DEFINITION`` of the code that counted
    received: int  # dated queries received in the month
    latest_received: str | None  # ISO moment of the latest receipt
    never: int  # never closed
    closed_on: tuple[tuple[str, int], ...]  # closed on each day from the next month's first

    def as_dict(self) -> dict[str, Any]:
        """The counts as the manifest writes them."""
        return {
            "definition": self.definition,
            "received": self.received,
            "latest_received": self.latest_received,
            "never": self.never,
            "closed_on": dict(self.closed_on),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> OpenHistory:
        """The counts as :meth:`as_dict` wrote them."""
        return cls(
            definition=str(raw["definition"]),
            received=int(raw["received"]),
            latest_received=None if raw["latest_received"] is None else str(raw["latest_received"]),
            never=int(raw["never"]),
            closed_on=tuple((str(day), int(n)) for day, n in raw["closed_on"].items()),
        )


@dataclass(frozen=True)
class Partition:
    """One dataset's rows of one month, as the manifest records them."""

    dataset: str
    month: str  # YYYY-MM
    file: str  # the Parquet file's name inside the partition folder
    sha256: str
    rows: int
    tool_version: str
    inputs: tuple[tuple[str, str], ...]  # (path as given, SHA-256) of the import's inputs
    mapped: tuple[str, ...]  # the columns the inputs mapped (others are empty)
    first: str  # the earliest and latest date of the rows (date received, aired, held)
    last: str
    latest: str  # the latest date of any kind (an answer date too): the export's date
    # Queries only: when the month's queries closed (history.py), and the least and the
    # greatest query id (an import looks for its ids only in months whose range holds one).
    # None: not known (a partition written before they were kept); ``ids`` is () for a
    # month without a query id.
    history: OpenHistory | None = None
    ids: tuple[str, ...] | None = None
    # Each category column's labels as written with how many rows hold each, so that a
    # read merges letter-case variants of imports made apart into the spelling the whole
    # archive uses most (labels.py). None: not known (written before they were kept).
    labels: dict[str, dict[str, int]] | None = None

    @property
    def key(self) -> str:
        """The partition's folder relative to the archive: ``queries/month=2021-03``."""
        return partition_key(self.dataset, self.month)

    def as_dict(self) -> dict[str, Any]:
        """The partition as the manifest writes it."""
        return {
            "dataset": self.dataset,
            "month": self.month,
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "tool_version": self.tool_version,
            "inputs": [{"path": path, "sha256": digest} for path, digest in self.inputs],
            "mapped": list(self.mapped),
            "first": self.first,
            "last": self.last,
            "latest": self.latest,
            **({} if self.history is None else {"history": self.history.as_dict()}),
            **({} if self.ids is None else {"ids": list(self.ids)}),
            **({} if self.labels is None else {"labels": self.labels}),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Partition:
        """A partition as :meth:`as_dict` wrote it."""
        return cls(
            dataset=str(raw["dataset"]),
            month=str(raw["month"]),
            file=str(raw["file"]),
            sha256=str(raw["sha256"]),
            rows=int(raw["rows"]),
            tool_version=str(raw["tool_version"]),
            inputs=tuple((str(i["path"]), str(i["sha256"])) for i in raw["inputs"]),
            mapped=tuple(str(c) for c in raw["mapped"]),
            first=str(raw["first"]),
            last=str(raw["last"]),
            latest=str(raw["latest"]),
            history=OpenHistory.from_dict(raw["history"]) if "history" in raw else None,
            ids=tuple(str(i) for i in raw["ids"]) if "ids" in raw else None,
            labels=(
                {
                    str(column): {str(label): int(n) for label, n in counts.items()}
                    for column, counts in raw["labels"].items()
                }
                if "labels" in raw
                else None
            ),
        )


@dataclass(frozen=True)
class Manifest:
    """The archive's own record: its partitions and each dataset's column types."""

    partitions: tuple[Partition, ...]
    dtypes: dict[str, dict[str, str]]  # dataset → column → pandas dtype

    def of(self, dataset: str) -> tuple[Partition, ...]:
        """The partitions of ``dataset``, by month."""
        return tuple(sorted((p for p in self.partitions if p.dataset == dataset), key=_month))

    def as_dict(self) -> dict[str, Any]:
        """The manifest as ``archive.json`` holds it."""
        ordered = sorted(self.partitions, key=lambda p: (p.dataset, p.month))
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "dtypes": self.dtypes,
            "partitions": [p.as_dict() for p in ordered],
        }


def _month(partition: Partition) -> str:
    return partition.month


def months_present(manifest: Manifest) -> list[str]:
    """Every month any dataset of the archive holds rows of."""
    return sorted({p.month for p in manifest.partitions})


def partition_key(dataset: str, month: str) -> str:
    """The folder of a partition relative to the archive (hive style)."""
    return f"{dataset}/month={month}"


def is_archive(path: Path) -> bool:
    """Whether ``path`` is an archive folder (it holds an archive manifest)."""
    return path.is_dir() and (path / MANIFEST_NAME).is_file()


def read_manifest(root: Path) -> Manifest:
    """The manifest of the archive at ``root`` (an empty one for a new archive)."""
    path = root / MANIFEST_NAME
    if not path.exists():
        return Manifest((), {})
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            raise ValueError("not an engagement-report archive manifest")
        if raw.get("version") != FORMAT_VERSION:
            raise ValueError(f"archive format version {raw.get('version')!r} is not known")
        partitions = tuple(Partition.from_dict(p) for p in raw["partitions"])
        dtypes = {
            str(d): {str(c): str(t) for c, t in cols.items()} for d, cols in raw["dtypes"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: the archive's manifest cannot be read: {exc}") from None
    return Manifest(partitions, dtypes)


def manifest_text(manifest: Manifest) -> str:
    """The manifest as JSON text (stable: the same archive gives the same text)."""
    return json.dumps(manifest.as_dict(), ensure_ascii=False, indent=2) + "\n"


def commit(root: Path, swaps: Mapping[str, str | None], manifest: Manifest) -> None:
    """Swap staged partitions in and write ``manifest``, all or nothing.

    ``swaps``: partition key → its staged folder relative to ``root`` (None: the partition
    goes). Writing the journal is the commit; :func:`roll_forward` then carries it out.
    """
    journal = {
        "swaps": [[key, staged] for key, staged in swaps.items()],
        "manifest": manifest.as_dict(),
    }
    write_files(root, {JOURNAL: json.dumps(journal, ensure_ascii=False)})
    roll_forward(root)


def roll_forward(root: Path) -> None:
    """Carry out a committed import's journal, if there is one (idempotent: a run killed
    half-way through is finished by the next)."""
    path = root / JOURNAL
    if not path.exists():
        return
    journal = json.loads(path.read_text(encoding="utf-8"))
    trash = root / TRASH
    trash.mkdir(exist_ok=True)
    for number, (key, staged) in enumerate(journal["swaps"]):
        final = root / key
        source = root / staged if staged is not None else None
        if source is not None and not source.exists():
            continue  # swapped in before the kill
        if final.exists():
            aside = trash / f"{number}"
            shutil.rmtree(aside, ignore_errors=True)
            final.rename(aside)
        if source is not None:
            final.parent.mkdir(parents=True, exist_ok=True)
            source.rename(final)
    manifest = Manifest(
        tuple(Partition.from_dict(p) for p in journal["manifest"]["partitions"]),
        journal["manifest"]["dtypes"],
    )
    write_files(root, {MANIFEST_NAME: manifest_text(manifest)})
    path.unlink()
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(root / STAGING, ignore_errors=True)
    for dataset_folder in {root / key.split("/")[0] for key, _ in journal["swaps"]}:
        if dataset_folder.is_dir() and not any(dataset_folder.iterdir()):
            dataset_folder.rmdir()


def recover(root: Path) -> None:
    """Finish an import that was killed after its commit, under the archive's lock."""
    if (root / JOURNAL).exists():
        with folder_lock(root):
            roll_forward(root)
