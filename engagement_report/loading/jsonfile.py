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

This module walks the four shapes; :mod:`.json_stream` reads and decodes the text, and
:mod:`.json_columns` turns records into text columns.
"""

from __future__ import annotations

import codecs
import json
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report.errors import InputError
from engagement_report.loading.json_columns import Columns, kind_of
from engagement_report.loading.json_stream import Fields, Stream

if TYPE_CHECKING:
    import pandas as pd

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


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
        stream = Stream(path, handle, chosen, explicit=encoding is not None)
        builder = Columns()
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


# -- the shapes ------------------------------------------------------------------------------


def _read_document(stream: Stream, builder: Columns) -> str:
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
            f"{stream.path}: the JSON holds {kind_of(value)}, not records (an array of "
            "objects, an object holding one, a list of pages, or JSON Lines)"
        )
    if stream.peek():
        raise stream.error("not valid JSON: more text after the end of the JSON value")
    return layout


def _read_container(stream: Stream, builder: Columns, path: tuple[str, ...]) -> str | None:
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


def _holds_records(stream: Stream) -> bool:
    """Whether the array at the cursor starts with an object or an array (records or
    pages); an array of plain values is no records."""
    start = stream.pos
    stream.pos += 1
    nested = stream.peek()
    stream.pos = start
    return nested in ("{", "[")


def _read_array(stream: Stream, builder: Columns, layout: str) -> str:
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


def _read_page(stream: Stream, builder: Columns, page: int) -> None:
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


def _read_lines(stream: Stream, builder: Columns) -> None:
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
            builder.add(Fields(), line, None)
        stream.pos = stop + 1
