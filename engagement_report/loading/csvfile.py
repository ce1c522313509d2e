"""CSV reader: encoding and delimiter detected, every cell read as text.

Offices export CSV from Russian-locale Excel (Windows-1251, ``;``) as often as
UTF-8 with a BOM, and from older systems as KOI8-R, DOS or UTF-16: the encoding is
found from the whole file (:mod:`.encoding`), or named by the config's ``encoding``.

Files are read by Arrow's multi-threaded CSV reader, every column as text, blank lines
kept as rows of nulls (the row accounting counts them, and they number the rows after
them). A file whose first line is blank, whose rows differ in width or whose bytes are
not in its encoding is read by pandas' C parser instead, which keeps blank lines as rows
too and gives the messages for broken files.
Both read quoting the same way (RFC 4180, as Excel writes it). A file holding no quote
character at all cannot have a line break inside a cell, and is read by Arrow's faster
parser that does not look for one.
"""

from __future__ import annotations

import csv
import io
import mmap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagement_report.errors import InputError
from engagement_report.loading.encoding import detect_file_encoding, refuse_nul

if TYPE_CHECKING:
    import pandas as pd

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t"
READ_BLOCK_BYTES = 1 << 24


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


def read_csv_cells(path: Path, encoding: str | None = None) -> pd.DataFrame:
    """All cells of a CSV file as text (row 0 is the file's first line); blank lines kept.

    ``encoding`` (the config's ``encoding``) overrides the one found from the file's bytes.
    When the command started reading this file ahead (:mod:`.early`) and it has not
    changed since, Arrow's table is taken instead of reading it again.
    """
    from engagement_report.loading import early

    layout = sniff_csv(path, encoding)
    # The table travels in a list that _frame empties: no name here keeps it alive while
    # its columns are converted and let go one by one.
    holder = [early.take(path)]
    if encoding is not None:
        holder[0] = None  # read ahead in the encoding found, not the one the config names
    if holder[0] is None:
        holder[0] = _arrow_table(path, *layout)
    if holder[0] is None:
        return _read_with_pandas(path, *layout)
    return _frame(holder)


def sniff_csv(path: Path, encoding: str | None = None) -> tuple[str, str, int]:
    """The file's encoding (``encoding`` when given, else found from the whole file:
    :mod:`.encoding`), delimiter and widest row among its first lines."""
    try:
        with path.open("rb") as handle:
            sample = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not sample.strip():
        raise InputError(f"{path}: the file is empty; expected a CSV file with a header row")
    if encoding is None:
        encoding = detect_file_encoding(path)
    elif not encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        refuse_nul(path)
    text = sample.decode(encoding, errors="replace")
    delimiter = detect_delimiter(text)
    lines = io.StringIO(text, newline="")  # as read from a file: \r alone ends a line too
    width = max((len(row) for row in csv.reader(lines, delimiter=delimiter)), default=1)
    return encoding, delimiter, width


def read_ahead(path: Path) -> Any:
    """Arrow's table of the file, or None when it needs pandas (used by :mod:`.early`),
    each column in one piece: joined on the read-ahead's thread, beside the command's
    imports, not on the way through :func:`_frame`."""
    table = _arrow_table(path, *sniff_csv(path))
    return None if table is None else _in_one_piece(table)


def _in_one_piece(table: Any) -> Any:
    """``table`` with each column in one chunk, joined one column at a time (each
    column's pieces let go as it is joined: the text is held about once at the peak)."""
    import pyarrow as pa

    names = table.column_names
    columns = list(table.columns)
    del table
    for i, column in enumerate(columns):
        if column.num_chunks > 1:
            columns[i] = pa.chunked_array([column.combine_chunks()], column.type)
    return pa.table(columns, names=names)


def _read_with_pandas(path: Path, encoding: str, delimiter: str, width: int) -> pd.DataFrame:
    import pandas as pd

    for attempt in range(2):
        try:
            return pd.read_csv(
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
            # A row wider than the first lines: read again as wide as the widest row (the
            # cells past the header are warned about by validation, row by row).
            wider = _widest_row(path, encoding, delimiter) if attempt == 0 else width
            if wider <= width:
                message = f"cannot read as CSV ({delimiter!r}-separated): {exc}"
                raise InputError(f"{path}: {message}") from None
            width = wider
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: mixed text encodings (byte {exc.start} is not {encoding}); "
                "save the file again as UTF-8"
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _widest_row(path: Path, encoding: str, delimiter: str) -> int:
    """The most cells any row of the whole file has (quoted line breaks understood)."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        return max((len(row) for row in csv.reader(handle, delimiter=delimiter)), default=1)


def _arrow_table(path: Path, encoding: str, delimiter: str, width: int) -> Any:
    """Every cell as text in an Arrow table, or None when the file needs pandas (see the
    module's notes). Needs no pandas."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True,
                encoding="utf8" if encoding == "utf-8-sig" else encoding,
                # 16 MB blocks (Arrow's default is 1 MB): as fast to parse on two cores, and
                # a 200 MB file's columns come in 13 pieces instead of 200, which join into
                # one array in 0.04 s instead of 0.05-0.9 s.
                block_size=READ_BLOCK_BYTES,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                # Only a quoted cell can hold a line break, and Arrow's reader that allows
                # for them is slower (0.6-1.1 s instead of 0.3-0.4 s for 200 MB on two
                # cores): a file without a quote character (0.05 s to find out) is read
                # by the faster one, to the same table.
                newlines_in_values=_has_quotes(path),
                # A blank line is a row (of nulls), as pandas reads it: the row accounting
                # counts it, and the rows after it keep their spreadsheet numbers.
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string: what pandas holds text in, so no column is cast.
                column_types={f"f{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError, LookupError):
        return None
    if table.num_columns != width:
        return None
    return table


def _frame(holder: list[Any]) -> pd.DataFrame:
    """The Arrow table in ``holder`` (taken out of it) as a frame of text columns named
    by position."""
    import pandas as pd

    # One column at a time into one piece, its blocks let go at once: the file's text is
    # held about once, not twice, at the peak.
    table = holder.pop()
    rows = table.num_rows
    chunked = list(table.columns)
    del table
    columns = {}
    for i in range(len(chunked)):
        piece = chunked[i]
        whole = piece.chunk(0) if piece.num_chunks == 1 else piece.combine_chunks()
        chunked[i] = None
        columns[i] = pd.Series(pd.arrays.ArrowStringArray(whole), copy=False)
    return pd.DataFrame(columns, index=pd.RangeIndex(rows))


def _has_quotes(path: Path) -> bool:
    """Whether the file holds a double quote anywhere (a scan at memory speed)."""
    with path.open("rb") as handle:
        if not path.stat().st_size:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(b'"') >= 0
