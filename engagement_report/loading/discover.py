"""Which files a command reads: files, folders and glob patterns expanded.

Standard library only, so a command can find its inputs (and start reading large
workbooks, :mod:`.early`) before pandas is imported.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from engagement_report.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
SPREADSHEET_SUFFIXES = (*CSV_SUFFIXES, *WORKBOOK_SUFFIXES, *PARQUET_SUFFIXES, *JSON_SUFFIXES)


def discover_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files, folders and glob patterns into the list of files to read.

    A folder contributes its spreadsheet files (not hidden files, not Excel's
    ``~$`` lock files), in name order; a glob contributes its matches. Every file must be
    a regular file whose name is valid UTF-8 (:func:`check_input_file`).
    """
    files: list[Path] = []
    for item in inputs:
        text = str(item)
        path = Path(text).expanduser()
        if path.is_dir():
            files.extend(
                child
                for child in sorted(path.iterdir())
                # not is_file(): a FIFO named queries.csv is refused below, not passed over
                if not child.is_dir()
                and child.suffix.lower() in SPREADSHEET_SUFFIXES
                and not child.name.startswith((".", "~$"))
            )
        elif path.exists() or path.is_symlink():
            files.append(path)
        elif any(ch in text for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))  # noqa: PTH207 (absolute patterns)
            if not matches:
                raise InputError(f"{shown(text)}: no file matches this pattern")
            # Excel's ~$ lock files and hidden files match *.xlsx too; they are never data.
            files.extend(
                m for m in matches if not m.is_dir() and not m.name.startswith((".", "~$"))
            )
        else:
            raise InputError(f"{shown(text)}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for file in files:
        check_input_file(file)
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique


def shown(path: Path | str) -> str:
    """A file name fit to print: bytes that are not UTF-8 shown as ``\\xNN``."""
    return os.fsencode(str(path)).decode("utf-8", errors="backslashreplace")


def check_input_file(path: Path) -> None:
    """Refuse, before anything opens it, a file that is not a regular file (a FIFO,
    ``/dev/zero``, a socket: reading one would hang or never end) or whose name is not
    valid UTF-8 (a name from a Windows archive, which no report or manifest could carry)."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(path.name)
        guess = ""
        with contextlib.suppress(UnicodeDecodeError):
            guess = f" (in Windows-1251 it reads {raw.decode('cp1251')!r})"
        raise InputError(
            f"{shown(path)}: the file name is not valid UTF-8{guess}; rename the file "
            "(for a whole folder: convmv -f cp1251 -t utf8 --notest *)"
        ) from None
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"{name}: cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise InputError(f"{name}: refused: this is {kind}, not a spreadsheet file")
