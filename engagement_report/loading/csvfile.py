"""CSV reader: encoding and delimiter detected, every cell read as text.

Offices export CSV from Russian-locale Excel (Windows-1251, ``;``) as often as
UTF-8 with a BOM; both are detected rather than configured.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from engagement_report.errors import InputError

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t"


def detect_encoding(sample: bytes) -> str:
    """``utf-8-sig`` when the sample decodes as UTF-8, else Windows-1251."""
    try:
        sample.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3:
            return "utf-8-sig"
        return "cp1251"


def detect_delimiter(text: str) -> str:
    """The delimiter among ``,`` ``;`` and tab that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv_cells(path: Path) -> pd.DataFrame:
    """All cells of a CSV file as text (row 0 is the file's first line); blank lines kept."""
    try:
        with path.open("rb") as handle:
            sample = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not sample.strip():
        raise InputError(f"{path}: the file is empty; expected a CSV file with a header row")
    if b"\x00" in sample:
        raise InputError(f"{path}: not a text CSV file (it holds binary data)")
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    delimiter = detect_delimiter(text)
    width = max((len(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)), default=1)
    try:
        cells = pd.read_csv(
            path,
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            encoding=encoding,
            encoding_errors="strict",
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: cannot read as CSV ({delimiter!r}-separated): {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: mixed text encodings (byte {exc.start} is not {encoding}); "
            "save the file again as UTF-8"
        ) from None
    return cells
