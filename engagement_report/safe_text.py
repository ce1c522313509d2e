"""Text from the inputs made harmless where it lands: in a spreadsheet, on a terminal.

A cell's text reaches files other programs open and the screen of whoever runs the
tool. A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=cmd|' /C calc'!A0``); a terminal obeys escape sequences and bidi controls
that can hide or reorder what a line says. Each place calls the one function here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Characters a spreadsheet reads as the start of a formula (tab and CR too: some
# programs strip them and then see the formula behind them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number is a number to a spreadsheet, not a formula: "-5" stays -5.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula: it starts with ``= + - @``,
    a tab or a carriage return and is not a plain number."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def spreadsheet_cell(text: str) -> str:
    """``text`` for a CSV cell a spreadsheet shows and never runs: ``'`` before a
    formula-like text (``=cmd|' /C calc'!A0`` → ``'=cmd|' /C calc'!A0``); ``-5`` stays."""
    return "'" + text if formula_like(text) else text


def put_text(cell: Any, text: str) -> None:
    """Write ``text`` into an openpyxl ``cell`` as text, never as a formula.

    openpyxl takes a string starting with ``=`` for a formula; here it is stored as a
    string with Excel's own "quote prefix" (what typing ``'=...`` does), so the cell shows
    exactly ``text``, stays text when edited, and reads back as ``text``: no visible
    apostrophe, as a CSV must have, because an xlsx cell knows its type.
    """
    cell.value = text
    if formula_like(text):
        cell.data_type = "s"
        cell.quotePrefix = True


def terminal_text(text: str) -> str:
    """``text`` for one line on a terminal: control, format (bidi, zero-width) and line
    separator characters written as ``\\x1b`` / ``\\u202e`` escapes."""
    if text.isprintable():
        return text
    return "".join(
        char if char == " " or unicodedata.category(char) not in _HIDDEN else _escape(char)
        for char in text
    )


_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )
