"""Template filters: small pure functions that format one value for one locale.

Every filter takes the locale explicitly; the environment binds it once per
report, so templates write ``{{ figures.queries.received | number }}``.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

MISSING = "—"

# Characters that change meaning in Markdown (tables, emphasis, links, HTML).
_MARKDOWN_SPECIAL = "\\`*[]<>|~"


def number(value: float | None, decimals: int = 0, *, locale: str = "en") -> str:
    """``24000`` → ``24,000`` (en), ``24 000`` (ru, kk); None → —."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def percent(value: float | None, decimals: int = 1, *, locale: str = "en") -> str:
    """A share as a percentage: ``0.94`` → ``94.0%`` (en), ``94,0 %`` (ru)."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(value, format=pattern, locale=locale)


def signed(value: float | None, decimals: int = 0, *, locale: str = "en") -> str:
    """A change with its sign: ``+12``, ``−3.5``."""
    if value is None:
        return MISSING
    text = number(abs(value), decimals, locale=locale)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def long_date(value: date | None, *, locale: str = "en") -> str:
    """``2021-01-31`` → ``31 January 2021`` (en), ``31 января 2021 г.`` (ru)."""
    if value is None:
        return MISSING
    return _babel_date(value, format="long", locale=locale)


def markdown_escape(value: object) -> str:
    """Escape text so Markdown shows it as written (a ``|`` cannot break a table)."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # a newline would end a table row
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
