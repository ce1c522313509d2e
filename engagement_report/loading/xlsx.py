"""Workbook reader: fastexcel (calamine, in Rust) into Arrow, every cell as text.

Reading every cell as text keeps one value parser for xlsx and csv: calamine
renders real date cells as ISO text and numbers as plain digits, which
:mod:`engagement_report.validation.dates` reads like any typed-in value.

Row numbers come from the reader itself: each sheet is read from its row 1
(``skip_rows=0``: calamine places every row where the file says it is, whether the
file writes ``<row r="…">``, leaves it out, or writes empty self-closing rows), and
the empty rows above the first used one are then cut off and counted. No scan of the
sheet's XML is needed, so no second parser can disagree with the first about which row
is which.
"""

from __future__ import annotations

import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagement_report.errors import InputError
from engagement_report.loading.archive import verify_archive
from engagement_report.loading.discover import WORKBOOK_SUFFIXES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "WORKBOOK_SUFFIXES",
    "RawSheet",
    "check_workbook",
    "frame_from_arrow",
    "read_workbook",
    "verify_workbook",
]

# A 1,000,000-row queries sheet unpacks to about 300 MB of XML; far beyond that
# is either a mistake or a decompression bomb, and is refused before parsing, whether
# the archive declares it or only inflating it shows it.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
MAX_COMPRESSION_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PARALLEL_CAST_ROWS = 100_000


@dataclass(frozen=True)
class RawSheet:
    """A sheet's cells as text, and the spreadsheet row number of its first row."""

    name: str
    cells: pd.DataFrame
    first_row: int


def check_workbook(path: Path, *, inflate: bool = True) -> None:
    """Refuse files that are not workbooks, are encrypted, damaged, or unpack to absurd
    sizes (every part of a zip workbook is inflated and checked, :mod:`.archive`).

    ``inflate=False``: every check but the inflating one (:func:`verify_workbook`), which
    the command line's read-ahead runs beside calamine's read (:mod:`.early`).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not head:
        raise InputError(f"{path}: the file is empty (0 bytes); expected an xlsx workbook")
    suffix = path.suffix.lower()
    if head == OLE_MAGIC and suffix != ".xls":
        raise InputError(
            f"{path}: this is a password-protected (encrypted) workbook or an old .xls "
            "file renamed; open it in Excel, remove the password and save as .xlsx"
        )
    if suffix in (".xlsx", ".xlsm", ".ods"):
        if not zipfile.is_zipfile(path):
            raise InputError(
                f"{path}: not a spreadsheet: an {suffix} file is a zip archive, this file "
                f"starts with {head[:4]!r}; export it again from Excel as .xlsx"
            )
        try:
            with zipfile.ZipFile(path) as archive:
                _refuse_declared_bomb(path, archive.infolist())
                if suffix != ".ods":
                    _refuse_declarations(path, archive)
                if inflate:
                    verify_archive(path, archive)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(f"{path}: cannot read as a workbook: {_short(exc)}") from None


def verify_workbook(path: Path) -> None:
    """The inflating check of :func:`check_workbook` alone (for a file that has passed
    the others): every part inflated, counted against its declared size and its CRC-32
    checked."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".ods"):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            verify_archive(path, archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read as a workbook: {_short(exc)}") from None


def _refuse_declared_bomb(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse at once what declares absurd sizes (the inflating check counts the rest)."""
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if unpacked > MAX_UNCOMPRESSED_BYTES or (
        unpacked > 256 * 1024**2 and unpacked / packed > MAX_COMPRESSION_RATIO
    ):
        raise InputError(
            f"{path}: refused: the workbook would unpack to {unpacked / 1024**2:,.0f} MB "
            f"from {packed / 1024**2:,.1f} MB (a decompression bomb or a broken file)"
        )


def read_workbook(path: Path) -> list[RawSheet]:
    """Every sheet of a workbook as text cells, visible or hidden.

    When the command started reading this workbook ahead (:mod:`.early`) and the file
    has not changed since, its batches are taken instead of reading it again.
    """
    import pandas as pd

    from engagement_report.loading import early

    ahead = early.take(path)
    if ahead is not None:
        batches, first_rows = ahead
    else:
        batches, first_rows = read_batches(path)
    sheets = []
    for name, batch in batches:
        cells = pd.DataFrame() if batch is None else frame_from_arrow(batch)
        cells.columns = range(cells.shape[1])
        sheets.append(RawSheet(name, cells, first_rows.get(name, 1)))
    return sheets


def read_batches(
    path: Path, *, inflate_check: bool = True
) -> tuple[list[tuple[str, Any]], dict[str, int]]:
    """Each sheet's cells as one Arrow record batch of text (None: an empty sheet), and the
    spreadsheet number of each sheet's first used row. Needs no pandas. The workbook is
    checked first (:func:`check_workbook`); ``inflate_check=False`` leaves out the
    inflating check, for a caller that runs :func:`verify_workbook` beside the read and
    drops the read if it fails."""
    import fastexcel

    check_workbook(path, inflate=inflate_check)
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
    except Exception as exc:  # calamine reports corruption as assorted errors
        raise InputError(f"{path}: cannot read as a workbook: {_short(exc)}") from None
    first_rows: dict[str, int] = {}
    batches: list[tuple[str, Any]] = []
    charts = {name for name, state in sheet_states(path).items() if state == "chart"}
    for name in names:
        if name in charts:  # no cells; calamine would print a line of its own about it
            batches.append((name, None))
            continue
        try:
            # Eagerly into one Arrow record batch: 0.8 s faster and 240 MB smaller at a
            # million rows than building fastexcel's sheet object first. skip_rows=0 keeps
            # the empty rows above the data, so position i is spreadsheet row i + 1.
            batch = reader.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string", eager=True
            )
        except Exception as exc:
            message = _short(exc)
            if "empty" not in message.lower() and "no data" not in message.lower():
                raise InputError(f"{path} [{name}]: cannot read sheet: {message}") from None
            batch = None
        if batch is not None:
            blank = _leading_blank_rows(batch)
            first_rows[name] = blank + 1
            batch = batch.slice(blank)
        batches.append((name, batch))
    return batches, first_rows


def _leading_blank_rows(batch: Any, step: int = 64) -> int:
    """How many rows at the top of ``batch`` hold no value in any column.

    Looked at a few rows at a time: the blank rows above a header are few, and a
    million-row sheet is not scanned for them.
    """
    for start in range(0, batch.num_rows, step):
        head = batch.slice(start, step)
        used = [
            i
            for column in head.columns
            for i, valid in enumerate(column.is_valid().to_pylist())
            if valid
        ]
        if used:
            return start + min(used)
    return int(batch.num_rows)


def frame_from_arrow(table: object) -> pd.DataFrame:
    """An Arrow table or record batch of text columns as a frame of Arrow-backed strings,
    columns named by position (the text itself is not copied)."""
    import pandas as pd
    import pyarrow as pa

    assert isinstance(table, pa.Table | pa.RecordBatch)

    def large_text(position: int) -> pd.Series:
        column = table.column(position)
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        # pandas holds text as large_string; casting here (Arrow lets go of the GIL) rather
        # than in pandas lets the columns of a million-row sheet be cast side by side.
        if not pa.types.is_large_string(column.type):
            column = column.cast(pa.large_string())
        return pd.Series(pd.arrays.ArrowStringArray(column), copy=False)

    positions = range(table.num_columns)
    if table.num_rows < PARALLEL_CAST_ROWS:
        series = [large_text(p) for p in positions]
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            series = list(pool.map(large_text, positions))
    return pd.DataFrame(
        dict(zip(positions, series, strict=True)), index=pd.RangeIndex(table.num_rows)
    )


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _refuse_declarations(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook part that declares a DTD or entities.

    Excel never writes one, and entity declarations are how XML attacks begin; calamine
    does not expand them, but a file that carries one is not an office's export.
    """
    _sheet_states(path, archive)


def sheet_states(path: Path) -> dict[str, str]:
    """Each sheet's state as the workbook records it: ``visible``, ``hidden``,
    ``veryHidden``, or ``chart`` for a chartsheet (a chart on a sheet of its own, no
    cells). Empty for a file that is not an xlsx/xlsm workbook or cannot say."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            return _sheet_states(path, archive)
    except (zipfile.BadZipFile, OSError, EOFError):
        return {}


def _sheet_states(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml import DefusedXmlException, ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except DefusedXmlException as exc:
        raise InputError(
            f"{path}: refused: the workbook's XML declares a DTD or entities "
            f"({type(exc).__name__}), which Excel never writes; save it again from Excel"
        ) from None
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, EOFError, zlib.error):
        return {}  # calamine reports a missing or broken part with the file's name
    kinds = {
        rel.get("Id"): rel.get("Type", "").rsplit("/", 1)[-1]
        for rel in rels
        if rel.tag.endswith("Relationship")
    }
    states: dict[str, str] = {}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        chart = kinds.get(rel_id) == "chartsheet"
        states[sheet.get("name", "")] = "chart" if chart else sheet.get("state", "visible")
    return states
