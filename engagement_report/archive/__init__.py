"""A month-partitioned Parquet archive of clean rows, and reading it in part.

``write_archive`` imports checked data (one partition per dataset and month, swapped in
atomically, with a manifest); ``read_archive`` reads the months a report needs. The
reader and the writer (pyarrow.dataset, Parquet) are imported when first used: a run
that reads no archive does not load them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from engagement_report.archive import remote
from engagement_report.archive.layout import (
    MANIFEST_NAME,
    Manifest,
    Partition,
    is_archive,
    months_present,
    read_manifest,
)

_LAZY = {
    "DATE_COLUMN": "reader",
    "ArchiveRead": "reader",
    "read_archive": "reader",
    "ImportResult": "writer",
    "PartitionChange": "writer",
    "write_archive": "writer",
}

__all__ = [
    "DATE_COLUMN",
    "MANIFEST_NAME",
    "ArchiveRead",
    "ImportResult",
    "Manifest",
    "Partition",
    "PartitionChange",
    "is_archive",
    "months_present",
    "read_archive",
    "read_manifest",
    "remote",
    "write_archive",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"engagement_report.archive.{_LAZY[name]}"), name)
    raise AttributeError(name)
