"""Which files a command reads: files, folders and glob patterns expanded.

Standard library only, so a command can find its inputs (and start reading large
workbooks, :mod:`.early`) before pandas is imported.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from engagement_report.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
SPREADSHEET_SUFFIXES = (*CSV_SUFFIXES, *WORKBOOK_SUFFIXES, *PARQUET_SUFFIXES)


def discover_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files, folders and glob patterns into the list of files to read.

    A folder contributes its spreadsheet files (not hidden files, not Excel's
    ``~$`` lock files), in name order; a glob contributes its matches.
    """
    files: list[Path] = []
    for item in inputs:
        text = str(item)
        path = Path(text).expanduser()
        if path.is_dir():
            files.extend(
                child
                for child in sorted(path.iterdir())
                if child.is_file()
                and child.suffix.lower() in SPREADSHEET_SUFFIXES
                and not child.name.startswith((".", "~$"))
            )
        elif path.exists():
            files.append(path)
        elif any(ch in text for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))  # noqa: PTH207 (absolute patterns)
            if not matches:
                raise InputError(f"{text}: no file matches this pattern")
            # Excel's ~$ lock files and hidden files match *.xlsx too; they are never data.
            files.extend(m for m in matches if m.is_file() and not m.name.startswith((".", "~$")))
        else:
            raise InputError(f"{text}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for file in files:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique
