"""A JSON file's text read as a stream: decoded a block at a time, with a cursor that
knows its line and column, and the JSON values at the cursor decoded as the records
need them (objects as their fields in file order, numbers as the file writes them).

Nothing here knows records or columns: :mod:`.jsonfile` walks the shapes, and
:mod:`.json_columns` turns records into text columns.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

from engagement_report.errors import InputError

READ_BYTES = 1 << 22
# A mistake the decoder finds this far before the end of what has been read is no
# artefact of a record cut in two by the read (those fail at the end, or as a string
# without its closing quote).
_CUT_MARGIN = 64
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")


class Fields(list[tuple[str, Any]]):
    """A JSON object as its (name, value) pairs in file order: repeated names are kept,
    and an empty object is told from an empty array."""


class Number(str):
    """A number as the file writes it (``1.50`` stays ``1.50``; never rounded by a float)."""


class Stream:
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
            object_pairs_hook=Fields,
            parse_float=Number,
            parse_int=Number,
            parse_constant=Number,
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
