"""Parquet reader: a table exported from a database or a data platform.

A Parquet file has no title rows and no header search: its column names are the header
row, and its first record is row 2 (as if the header were row 1 of a spreadsheet), so
every problem points at ``record index + 2``. Columns keep the types they carry where
validation takes them as they are — date-times (a zone, if any, converted to the
configured one), numbers for counts, dictionaries as categoricals; everything else
(text, decimals, booleans, dates written as text) reaches validation as text and is read
by the same parsers as a spreadsheet's cells. That is what lets a national registry of ten
million rows be read in seconds: nothing is turned into text only to be parsed back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

PARQUET_MAGIC = b"PAR1"


def read_parquet_cells(path: Path) -> tuple[tuple[str, ...], pd.DataFrame]:
    """The column names and the cells of a Parquet file (one column per position)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if head != PARQUET_MAGIC:
        raise InputError(
            f"{path}: not a Parquet file (it starts with {head!r}, not {PARQUET_MAGIC!r})"
        )
    try:
        table = pq.read_table(path, read_dictionary=_repeating_columns(path))
        table = table.unify_dictionaries()
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: cannot read as Parquet: {_short(exc)}") from None
    names = tuple(str(name) for name in table.column_names)
    columns = {position: _column(table.column(position)) for position in range(table.num_columns)}
    cells = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    return names, cells


# A text column with at most this share of distinct values (or this many) is read as a
# dictionary: a registry's statuses, topics and districts repeat, its ids do not.
REPEATING_SHARE = 0.1
REPEATING_COUNT = 50_000


def _repeating_columns(path: Path) -> list[str]:
    """The text columns worth reading as dictionaries, judged on the first row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    schema = source.schema_arrow
    text = [
        field.name
        for field in schema
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
    ]
    if not text or source.metadata.num_row_groups == 0:
        return []
    if len(set(text)) != len(text) or len({f.name for f in schema}) != len(schema):
        return []  # names repeat: reading by name would be ambiguous
    sampler = pq.ParquetFile(path, read_dictionary=text)
    sample = sampler.read_row_group(0, columns=text).unify_dictionaries()
    rows = max(sample.num_rows, 1)
    chosen = []
    for name in text:
        column = sample.column(name)
        distinct = len(column.chunk(0).dictionary) if column.num_chunks else 0
        if distinct <= max(REPEATING_SHARE * rows, min(REPEATING_COUNT, rows)) or distinct <= 1:
            chosen.append(name)
    return chosen


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _column(column: pa.ChunkedArray) -> pd.Series:
    """One Parquet column as validation takes it (see the module's notes)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        values = column.combine_chunks()
        categories = pd.Index(values.dictionary.to_pandas(), dtype=object)
        codes = values.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        if pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type):
            return pd.Series(pd.Categorical.from_codes(codes, categories=categories))
        column = values.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_timestamp(kind):
        stamps = column.cast(pa.timestamp("ns", kind.tz), safe=False) if _fits_ns(column) else None
        if stamps is not None:
            return pd.Series(stamps.to_pandas(), copy=False)
    if pa.types.is_date(kind) and _fits_ns(column):
        return pd.Series(column.cast(pa.timestamp("ns")).to_pandas(), copy=False)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return pd.Series(column.to_pandas(), copy=False)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        try:
            column = pc.cast(column, pa.string()) if _castable(kind) else _as_text(column)
        except pa.ArrowInvalid:  # binary that is not UTF-8, say
            column = _as_text(column)
    return pd.Series(pd.arrays.ArrowStringArray(column.combine_chunks()), copy=False)


def _fits_ns(column: pa.ChunkedArray) -> bool:
    """Whether every date-time lies where nanoseconds reach (1678..2261)."""
    import pyarrow.compute as pc

    if column.null_count == len(column):
        return True
    low, high = pc.min_max(column).values()
    return low.as_py().year >= 1678 and high.as_py().year <= 2261


def _castable(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return (
        pa.types.is_boolean(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_date(kind)
        or pa.types.is_time(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Anything else (lists, structs …) as its Python text, one value at a time: such a
    column is never one validation reads."""
    import pyarrow as pa

    return pa.chunked_array(
        [pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())]
    )
