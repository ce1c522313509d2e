"""JSON reader: records exported by appeals systems, every field read as text.

Systems export records in four shapes, all read the same way:

* an array of records: ``[{...}, {...}]`` (Open311 GeoReport v2's ``requests.json``);
* an object holding one array of records, at any depth: ``{"service_requests": [...]}``
  (other members, such as a count, are passed over);
* a list of pages of records: ``[[{...}, ...], [{...}, ...]]`` (a paged API saved as it
  came, as 115.бел's export is);
* JSON Lines (``.jsonl``, ``.ndjson``, or a ``.json`` file holding one object per line).

Each record is a row; its fields are the header row. A nested object's fields are named
by their path joined with dots (``{"agency": {"name": …}}`` gives ``agency.name``), so a
config can map ``agency.name`` like any header. Numbers keep the text they are written
with (``1.50`` stays ``1.50``), ``true``/``false`` are those words, ``null`` an empty
cell, and an array inside a record is kept as its JSON text. A record is numbered as a
person finds it: from 1 in its array, from 1 within its page for pages (the page is the
position's "sheet", ``page 2``), and by its line for JSON Lines.

The file is read as a stream: a record at a time is decoded (the standard library's
decoder, which names the line and column of a mistake) and its fields go into column
pieces that become Arrow arrays every few thousand records, so neither the file's text
nor its records are ever held whole. An element of the records array that is not an
object (a number, a string, a nested array) is kept as a row of its own with the reason
(:attr:`JsonTable.not_records`), which validation rejects: no record goes unaccounted.
"""

from __future__ import annotations

import codecs
import json
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagement_report.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
READ_BYTES = 1 << 22
PIECE_ROWS = 1 << 16
# A nested object deeper than this inside a record is kept as JSON text, not flattened.
MAX_FLATTEN_DEPTH = 16
# A mistake the decoder finds this far before the end of what has been read is no
# artefact of a record cut in two by the read (those fail at the end, or as a string
# without its closing quote).
_CUT_MARGIN = 64
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
# Marks a column's key when its field's name repeats in one object (a column of its own).
_REPEAT = object()


class _Fields(list[tuple[str, Any]]):
    """A JSON object as its (name, value) pairs in file order: repeated names are kept,
    and an empty object is told from an empty array."""


@dataclass(frozen=True)
class JsonTable:
    """The records of a JSON file as text cells.

    ``numbers``: each row's record number (1-based, within its page for pages);
    ``pages``: each row's page number, or None when the file is not paged;
    ``not_records``: row position → why that element is no record (an object).
    """

    headers: tuple[str, ...]
    cells: pd.DataFrame
    numbers: array[int]
    pages: array[int] | None
    not_records: dict[int, str]
    layout: str


def read_json_records(path: Path, encoding: str | None = None) -> JsonTable:
    """Every record of a JSON or JSON Lines file (see the module's notes).

    ``encoding``: the config's ``encoding``; JSON is UTF-8 otherwise (RFC 8259), with or
    without a byte-order mark, or UTF-16 with one. Raises :class:`InputError` naming the
    line and column of invalid JSON and the byte of text that is not in the encoding.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None
    with handle:
        head = handle.read(4)
        handle.seek(0)
        if not head:
            raise InputError(f"{path}: the file is empty (0 bytes); expected JSON records")
        chosen = encoding or (
            "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
        )
        stream = _Stream(path, handle, chosen, explicit=encoding is not None)
        builder = _Columns()
        if path.suffix.lower() in JSON_LINES_SUFFIXES or stream.looks_like_lines():
            layout = "JSON Lines"
            _read_lines(stream, builder)
        else:
            layout = _read_document(stream, builder)
    if not builder.objects:
        kinds = sorted(set(builder.not_records.values()))
        held = f" (it holds {'; '.join(kinds[:3])})" if kinds else ""
        raise InputError(f"{path}: no records found in the JSON ({layout}){held}")
    headers, cells = builder.finish()
    return JsonTable(
        headers,
        cells,
        builder.numbers,
        builder.pages if builder.paged else None,
        builder.not_records,
        layout,
    )


class _Stream:
    """The file's text, decoded a block at a time, with a cursor and its line and column."""

    def __init__(self, path: Path, handle: Any, encoding: str, *, explicit: bool) -> None:
        self.path = path
        self.handle = handle
        self.encoding = encoding
        self.explicit = explicit
        try:
            self.decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        except LookupError:
            raise InputError(f"{path}: unknown encoding {encoding!r}") from None
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        self.lines_before = 0  # line breaks in the text already let go of
        self.column_before = 0  # column of self.text[0] within its line
        self.json = json.JSONDecoder(
            object_pairs_hook=_Fields,
            parse_float=_Number,
            parse_int=_Number,
            parse_constant=_Number,
        )

    # -- reading ---------------------------------------------------------------------------

    def fill(self) -> bool:
        """Read one more block; False at the end of the file."""
        if self.eof:
            return False
        block = self.handle.read(READ_BYTES)
        self.eof = not block
        try:
            more = self.decoder.decode(block, final=self.eof)
        except UnicodeDecodeError as exc:
            raise self._not_text(block, exc) from None
        self.bytes_read += len(block)
        if self.pos > len(self.text) // 2:
            self._let_go()
        self.text += more
        return True

    def _let_go(self) -> None:
        """Drop the text before the cursor, keeping count of its lines."""
        gone = self.text[: self.pos]
        breaks = gone.count("\n")
        if breaks:
            self.lines_before += breaks
            self.column_before = len(gone) - gone.rfind("\n") - 1
        else:
            self.column_before += len(gone)
        self.text = self.text[self.pos :]
        self.pos = 0

    def _not_text(self, block: bytes, exc: UnicodeDecodeError) -> InputError:
        offset = self.bytes_read + exc.start
        line = self.lines_before + self.text.count("\n") + block[: exc.start].count(b"\n") + 1
        bad = block[exc.start : exc.start + 8]
        if self.explicit:
            return InputError(
                f"{self.path}: line {line:,}: byte {offset:,} ({bad[:4]!r}) is not "
                f"{self.encoding} text, the encoding the config names"
            )
        # the text around the byte, as Windows-1251 would read it: a hint, not a guess
        start = max(block.rfind(b"\n", 0, exc.start) + 1, exc.start - 20)
        end = block.find(b"\n", exc.start)
        sample = block[start : min(end if end >= 0 else len(block), exc.start + 30)]
        hint = sample.decode("cp1251", errors="replace").strip()
        return InputError(
            f"{self.path}: line {line:,}: byte {offset:,} ({bad[:4]!r}) is not UTF-8 text, "
            "and JSON is UTF-8. If the file was saved in another encoding (in Windows-1251 "
            f"the text there reads {hint!r}), name it in the config "
            '(encoding = "cp1251"), or save the file again as UTF-8'
        )

    def where(self, pos: int) -> str:
        """``line L, column C`` of a position in the current text (both 1-based)."""
        line = self.lines_before + self.text.count("\n", 0, pos) + 1
        start = self.text.rfind("\n", 0, pos) + 1
        column = pos - start + 1 + (self.column_before if start == 0 else 0)
        return f"line {line:,}, column {column:,}"

    def error(self, message: str, pos: int | None = None) -> InputError:
        """What is wrong at ``pos`` (default: the cursor), with its line and column."""
        at = self.pos if pos is None else pos
        return InputError(f"{self.path}: {self.where(at)}: {message}")

    def invalid(self, exc: json.JSONDecodeError, offset: int = 0) -> InputError:
        """The decoder's complaint, at its place."""
        return self.error(f"not valid JSON: {_plain(exc.msg)}", offset + exc.pos)

    # -- tokens ----------------------------------------------------------------------------

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        if self.pos < len(self.text) and self.text[self.pos] not in " \t\n\r":
            return self.text[self.pos]  # the usual case, without a search
        while True:
            self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def take(self, char: str, expected: str) -> None:
        """Step over ``char``, or fail saying what was ``expected``."""
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(f"not valid JSON: expected {expected}, found {shown}")
        self.pos += 1

    def more(self, expected: str) -> bool:
        """After an element: step over the ``,`` before the next (True) or the ``]`` that
        closes the array (False)."""
        found = _SEPARATOR.match(self.text, self.pos)
        if found is not None and found.end() < len(self.text):
            self.pos = found.end()
            return found[1] == ","
        if self.peek() == "]":
            self.pos += 1
            return False
        self.take(",", expected)
        return True

    def value(self) -> Any:
        """Decode the value at the cursor (reading on when it runs past the text read)."""
        if not self.peek():
            raise self.error("not valid JSON: expected a value, found the end of the file")
        while True:
            try:
                value, end = self.json.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.text) - (
                    _CUT_MARGIN
                )
                if cut and self.fill():
                    continue
                raise self.invalid(exc) from None
            except RecursionError:
                raise self.error("nested too deeply to be records") from None
            if end >= len(self.text) and not self.eof and self.fill():
                continue  # a number or word at the end of the text read may go on
            self.pos = end
            return value

    def looks_like_lines(self) -> bool:
        """Whether a ``.json`` file is JSON Lines: its first line is a whole object and
        something follows it."""
        if self.peek() != "{":
            return False  # an array (or a mistake) is read as a document
        while self.text.find("\n", self.pos) < 0 and self.fill():
            pass
        first, _, rest = self.text[self.pos :].partition("\n")
        if not first.strip().startswith("{") or not rest.strip():
            return False
        try:
            return isinstance(json.loads(first), dict)
        except (json.JSONDecodeError, RecursionError):
            return False


def _plain(message: str) -> str:
    """The decoder's message in the words of a person fixing the file."""
    if message.startswith("Unterminated string"):
        return "a string without its closing quote (is the file cut short?)"
    known = {
        "Expecting value": "expected a value",
        "Extra data": "more text after the end of the JSON value",
    }
    if message in known:
        return known[message]
    message = message.removesuffix(" at").replace("Expecting", "expected")
    return message[:1].lower() + message[1:]


# -- the shapes ------------------------------------------------------------------------------


def _read_document(stream: _Stream, builder: _Columns) -> str:
    """One JSON value holding the records; returns how they were laid out."""
    first = stream.peek()
    if first == "[":
        layout = _read_array(stream, builder, "an array of records")
    elif first == "{":
        found = _read_container(stream, builder, ())
        if found is None:
            raise stream.error(
                "the object holds no array of records (a JSON file is read as an array of "
                "records, an object holding one, a list of pages, or JSON Lines)",
                0,
            )
        layout = found
    else:
        value = stream.value()
        raise InputError(
            f"{stream.path}: the JSON holds {_kind(value)}, not records (an array of "
            "objects, an object holding one, a list of pages, or JSON Lines)"
        )
    if stream.peek():
        raise stream.error("not valid JSON: more text after the end of the JSON value")
    return layout


def _read_container(stream: _Stream, builder: _Columns, path: tuple[str, ...]) -> str | None:
    """An object: its one array of records (at any depth) is read, other members passed
    over. Two arrays of records are refused: which one holds the data cannot be guessed."""
    stream.take("{", "'{'")
    found: str | None = None
    if stream.peek() == "}":
        stream.pos += 1
        return None
    while True:
        key_at = stream.pos
        key = stream.value()
        if not isinstance(key, str):
            raise stream.error("not valid JSON: expected a member name in double quotes", key_at)
        stream.take(":", "':' after a member name")
        here = (*path, key)
        nested = stream.peek()
        layout: str | None = None
        if nested == "[" and _holds_records(stream):
            layout = _read_array(stream, builder, f"an array of records in {'.'.join(here)!r}")
        elif nested == "{":
            layout = _read_container(stream, builder, here)
        else:
            stream.value()  # a count, a status, an array of plain values: not records
        if layout is not None:
            if found is not None:
                raise InputError(
                    f"{stream.path}: the JSON holds two arrays of records ({found}; {layout}); "
                    "which one to read cannot be guessed: keep one array per file"
                )
            found = layout
        following = stream.peek()
        if following == "}":
            stream.pos += 1
            return found
        stream.take(",", "',' or '}' after a member")


def _holds_records(stream: _Stream) -> bool:
    """Whether the array at the cursor starts with an object or an array (records or
    pages); an array of plain values is no records."""
    start = stream.pos
    stream.pos += 1
    nested = stream.peek()
    stream.pos = start
    return nested in ("{", "[")


def _read_array(stream: _Stream, builder: _Columns, layout: str) -> str:
    """An array of records, or of pages of records."""
    stream.take("[", "'['")
    paged: bool | None = None
    index = 0
    if stream.peek() == "]":
        stream.pos += 1
        return layout
    while True:
        index += 1
        item_at = stream.pos
        is_page = stream.peek() == "["
        if paged is None:
            paged = is_page
            builder.paged = is_page
        elif paged and not is_page:
            # Among records, an array is a record gone wrong (rejected with its number);
            # among pages, anything else leaves no page to number the rows by.
            raise stream.error(
                f"element {index:,} of the list of pages is no page (an array of records): "
                "a file holds either records or pages of records",
                item_at,
            )
        if paged:
            _read_page(stream, builder, index)
        else:
            builder.add(stream.value(), index, None)
        if not stream.more("',' or ']' after an element"):
            return (
                layout.replace("an array of records", "a list of pages of records")
                if paged
                else layout
            )


def _read_page(stream: _Stream, builder: _Columns, page: int) -> None:
    stream.take("[", "'['")
    number = 0
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        number += 1
        builder.add(stream.value(), number, page)
        if not stream.more("',' or ']' after a record"):
            return


def _read_lines(stream: _Stream, builder: _Columns) -> None:
    """JSON Lines: one record per line, numbered by its line; a blank line is a blank
    record (counted, as a blank spreadsheet row is)."""
    line = 0
    while True:
        end = stream.text.find("\n", stream.pos)
        while end < 0 and stream.fill():  # fill may let go of the text read: find again
            end = stream.text.find("\n", stream.pos)
        if stream.pos >= len(stream.text):
            return
        line += 1
        stop = len(stream.text) if end < 0 else end
        text = stream.text[stream.pos : stop]
        if text.strip():
            try:
                value = stream.json.decode(text)
            except json.JSONDecodeError as exc:
                raise stream.invalid(exc, stream.pos) from None
            except RecursionError:
                raise stream.error("nested too deeply to be records") from None
            builder.add(value, line, None)
        else:
            builder.add(_Fields(), line, None)
        stream.pos = stop + 1


# -- records into columns --------------------------------------------------------------------


class _Columns:
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
        if type(value) is _Fields:
            self.objects += 1
            self._fields(value, (), position, 0)
        else:
            self.not_records[position] = _kind(value)
        self.rows += 1
        if self.rows == PIECE_ROWS:
            self._close_piece()

    def _fields(self, fields: _Fields, path: tuple[str, ...], record: int, depth: int) -> None:
        """Each field of a record (or of an object nested in it) into its column."""
        index, current, written, row = self.index, self.current, self.written, self.rows
        for name, item in fields:
            kind = type(item)
            if kind is _Fields and depth < MAX_FLATTEN_DEPTH:
                self._fields(item, (*path, name), record, depth + 1)
                continue
            text = item if kind is _Number or kind is str or item is None else _text(item)
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
        return str(value)  # a number arrives as its own text (a _Number)
    return _dump(value)


def _dump(value: Any) -> str:
    """A decoded value written back as compact JSON, numbers as the file wrote them."""
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _Fields):
        members = (f"{json.dumps(name, ensure_ascii=False)}:{_dump(item)}" for name, item in value)
        return "{" + ",".join(members) + "}"
    return "[" + ",".join(_dump(item) for item in value) + "]"


class _Number(str):
    """A number as the file writes it (``1.50`` stays ``1.50``; never rounded by a float)."""


def _kind(value: Any) -> str:
    """What a JSON value is, in a few words, with a glimpse of it."""
    if isinstance(value, _Fields):
        return "an object"
    if isinstance(value, list):
        return f"an array ({_glimpse(value)})"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}, a truth value"
    if isinstance(value, _Number):
        return f"a number ({value[:40]})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    return type(value).__name__


def _glimpse(value: Any) -> str:
    text = _text(value) or "null"
    return text if len(text) <= 40 else text[:39] + "…"
