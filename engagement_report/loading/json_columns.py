"""JSON records into text columns: each field of a record into its column (a nested
object's fields by their dotted path), a piece of rows at a time, and a decoded value
written back as the cell text it stands for.

Numbers keep the text they are written with, ``true``/``false`` are those words, ``null``
an empty cell, and an array inside a record is kept as its JSON text.
"""

from __future__ import annotations

import json
from array import array
from typing import TYPE_CHECKING, Any

from engagement_report.loading.json_stream import Fields, Number

if TYPE_CHECKING:
    import pandas as pd

PIECE_ROWS = 1 << 16
# A nested object deeper than this inside a record is kept as JSON text, not flattened.
MAX_FLATTEN_DEPTH = 16
# Marks a column's key when its field's name repeats in one object (a column of its own).
_REPEAT = object()


class Columns:
    """Records turned into text columns, a piece of :data:`PIECE_ROWS` rows at a time.

    A column is known by its field's name (a nested field's by its path); a name that
    repeats inside one object gets a column of its own under the same header, which
    validation then warns about as any repeated header (``duplicate_column``).
    """

    def __init__(self) -> None:
        self.index: dict[object, int] = {}  # a top-level name, or a nested field's path
        self.names: list[str] = []
        self.current: list[list[str | None]] = []
        self.written: list[int] = []  # per column: the last record that wrote it
        self.pieces: list[list[Any]] = []  # per column: Arrow arrays of finished pieces
        self.piece_sizes: list[int] = []
        self.rows = 0  # rows in the current piece
        # 8 bytes a record, not a Python int each: a registry has millions
        self.numbers: array[int] = array("q")
        self.pages: array[int] = array("q")
        self.paged = False
        self.objects = 0
        self.not_records: dict[int, str] = {}

    def add(self, value: Any, number: int, page: int | None) -> None:
        """One element of the records array (numbered ``number`` in ``page``)."""
        position = len(self.numbers)
        self.numbers.append(number)
        if page is not None:
            self.pages.append(page)
        if type(value) is Fields:
            self.objects += 1
            self._fields(value, (), position, 0)
        else:
            self.not_records[position] = kind_of(value)
        self.rows += 1
        if self.rows == PIECE_ROWS:
            self._close_piece()

    def _fields(self, fields: Fields, path: tuple[str, ...], record: int, depth: int) -> None:
        """Each field of a record (or of an object nested in it) into its column."""
        index, current, written, row = self.index, self.current, self.written, self.rows
        for name, item in fields:
            kind = type(item)
            if kind is Fields and depth < MAX_FLATTEN_DEPTH:
                self._fields(item, (*path, name), record, depth + 1)
                continue
            text = item if kind is Number or kind is str or item is None else _text(item)
            key: object = (*path, name) if path else name
            column = index.get(key)
            if column is None:
                column = self._column(key, (*path, name))
            while written[column] == record:  # the name repeats in this object
                key = (key, _REPEAT)
                column = index.get(key)
                if column is None:
                    column = self._column(key, (*path, name))
            written[column] = record
            current[column][row] = text

    def _column(self, key: object, path: tuple[str, ...]) -> int:
        column = len(self.names)
        self.index[key] = column
        self.names.append(".".join(path))
        self.current.append([None] * PIECE_ROWS)
        self.written.append(-1)
        self.pieces.append([None] * len(self.piece_sizes))  # earlier pieces: all empty
        return column

    def _close_piece(self) -> None:
        import pyarrow as pa

        for column, values in enumerate(self.current):
            self.pieces[column].append(pa.array(values[: self.rows], pa.large_string()))
            self.current[column] = [None] * PIECE_ROWS
        self.piece_sizes.append(self.rows)
        self.rows = 0

    def finish(self) -> tuple[tuple[str, ...], pd.DataFrame]:
        """The headers and the cells (one text column per header, named by position)."""
        import pandas as pd
        import pyarrow as pa

        if self.rows or not self.piece_sizes:
            self._close_piece()
        columns = {}
        for column in range(len(self.names)):
            arrays = [
                piece if piece is not None else pa.nulls(size, pa.large_string())
                for piece, size in zip(self.pieces[column], self.piece_sizes, strict=True)
            ]
            self.pieces[column] = []
            whole = pa.chunked_array(arrays, pa.large_string()).combine_chunks()
            columns[column] = pd.Series(pd.arrays.ArrowStringArray(whole), copy=False)
        total = sum(self.piece_sizes)
        return tuple(self.names), pd.DataFrame(columns, index=pd.RangeIndex(total))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)  # a number arrives as its own text (a Number)
    return _dump(value)


def _dump(value: Any) -> str:
    """A decoded value written back as compact JSON, numbers as the file wrote them."""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Fields):
        members = (f"{json.dumps(name, ensure_ascii=False)}:{_dump(item)}" for name, item in value)
        return "{" + ",".join(members) + "}"
    return "[" + ",".join(_dump(item) for item in value) + "]"


def kind_of(value: Any) -> str:
    """What a JSON value is, in a few words, with a glimpse of it."""
    if isinstance(value, Fields):
        return "an object"
    if isinstance(value, list):
        return f"an array ({_glimpse(value)})"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}, a truth value"
    if isinstance(value, Number):
        return f"a number ({value[:40]})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    return type(value).__name__


def _glimpse(value: Any) -> str:
    text = _text(value) or "null"
    return text if len(text) <= 40 else text[:39] + "…"
