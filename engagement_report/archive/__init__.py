"""A month-partitioned Parquet archive of clean rows, and reading it in part.

``write_archive`` imports checked data (one partition per dataset and month, swapped in
atomically, with a manifest); ``read_archive`` reads the months a report needs.
"""

from __future__ import annotations

from engagement_report.archive.layout import (
    MANIFEST_NAME,
    Manifest,
    Partition,
    is_archive,
    read_manifest,
)
from engagement_report.archive.reader import (
    DATE_COLUMN,
    ArchiveRead,
    months_present,
    read_archive,
)
from engagement_report.archive.writer import ImportResult, PartitionChange, write_archive

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
    "write_archive",
]
