"""Template filters: small pure functions that format one value for one locale.

Every filter takes the locale explicitly; the environment binds it once per
report, so templates write ``{{ figures.queries.received | number }}``.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Collection
from datetime import date
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton, parse_pattern
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

MISSING = "—"

# Identifiers passed as values that English shows as words.
_ENGLISH_WORDS = {"press_events": "press events"}

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
    return format_percent(value, format=_percent_pattern(locale, decimals), locale=locale)


def signed_percent(value: float | None, decimals: int = 1, *, locale: str = "en") -> str:
    """A relative change with its sign: ``0.085`` → ``+8.5%`` (en), ``+8,5 %`` (ru)."""
    if value is None:
        return MISSING
    text = percent(abs(value), decimals, locale=locale)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


@lru_cache(maxsize=32)
def _percent_pattern(locale: str, decimals: int) -> str:
    # The locale's own pattern (``#,##0 %`` in Russian, with a no-break space) with a
    # fixed number of decimals, so the sign sits where the locale puts it.
    pattern = str(Locale.parse(locale).percent_formats[None].pattern)
    if "#,##0" not in pattern:
        pattern = "#,##0%"
    return pattern.replace("#,##0", "#,##0" + ("." + "0" * decimals if decimals else ""), 1)


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


def month_name(value: date | None, *, locale: str = "en") -> str:
    """A month with its year: ``January 2021`` (en), ``Январь 2021`` (ru), ``Қаңтар 2021`` (kk).

    The stand-alone month name, capitalised as the first word of a table cell.
    """
    if value is None:
        return MISSING
    text = _babel_date(value, format="LLLL y", locale=locale)
    return text[:1].upper() + text[1:]


def country_name(code: str | None, *, locale: str = "en") -> str:
    """A calendar's country code as the locale names it: ``KZ`` → ``Kazakhstan`` (en),
    ``Казахстан`` (ru), ``Қазақстан`` (kk); ``US-NY`` → ``United States (NY)``. A code
    Babel does not know stays as it is."""
    if not code:
        return MISSING
    country, _, subdivision = code.partition("-")
    name = Locale.parse(locale).territories.get(country.upper(), country)
    return f"{name} ({subdivision})" if subdivision else str(name)


def date_range(start: date | None, end: date | None, *, locale: str = "en") -> str:
    """Two days as the locale writes a span: ``January 1 – 31, 2021`` (en),
    ``1–31 января 2021 г.`` (ru), ``2021 ж. 1–31 қаңтар`` (kk).

    CLDR's interval pattern for day, month and year, its month written out in full
    (TR35 allows widening ``MMM`` to ``MMMM``; Babel does not do it by itself), with an
    en dash (:func:`_en_dash`).
    """
    if start is None or end is None:
        return MISSING
    if start == end:
        return long_date(start, locale=locale)
    span = _interval("yMMMd", start, end, locale)
    return span or f"{long_date(start, locale=locale)} – {long_date(end, locale=locale)}"


def month_span(start: date | None, end: date | None, *, locale: str = "en") -> str:
    """The months from ``start``'s to ``end``'s as the locale writes a span:
    ``March 2020 – February 2021`` (en), ``март 2020 г. – февраль 2021 г.`` (ru),
    ``2020 жылғы наурыз – 2021 жылғы ақпан`` (kk); one month in words when they are one."""
    if start is None or end is None:
        return MISSING
    if (start.year, start.month) == (end.year, end.month):
        return period_words(start, start, "month", locale=locale)
    span = _interval("yMMMM", start, end, locale, days=False)
    if span:
        return span
    first = period_words(start, start, "month", locale=locale)
    return f"{first} – {period_words(end, end, 'month', locale=locale)}"


def _interval(skeleton: str, start: date, end: date, locale: str, *, days: bool = True) -> str:
    """CLDR's interval of ``skeleton`` between two dates, its months in full; "" if the
    locale has none."""
    formats = Locale.parse(locale).interval_formats.get(skeleton)
    if formats is None:
        return ""
    parts = {"y": start.year != end.year, "M": start.month != end.month, "d": days}
    for field in ("y", "M", "d"):
        if field in formats and parts[field]:
            patterns = [_full_month(pattern) for pattern in formats[field]]
            if locale in _YEAR_WORDS:  # 2020 жылғы наурыз, as a month alone reads
                patterns = [p.replace(*_YEAR_WORDS[locale]) for p in patterns]
            text = "".join(
                parse_pattern(pattern).apply(day, locale)
                for pattern, day in zip(patterns, (start, end), strict=True)
            )
            return _en_dash(text)
    return ""


def _en_dash(text: str) -> str:
    """A span's dash as an en dash: CLDR's Russian intervals use an em dash (``1—28``),
    while a range of numbers or dates takes an en dash in Russian typesetting as in
    English (``1–28 февраля``)."""
    return text.replace("\u2014", "\u2013")


def _full_month(pattern: str) -> str:
    # "MMM" (Jan) → "MMMM" (January); an "MMMM" already there stays.
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("MMMM", i):
            out.append("MMMM")
            i += 4
        elif pattern.startswith("MMM", i):
            out.append("MMMM")
            i += 3
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


#: A month with its year where CLDR's abbreviation reads poorly in running text.
_MONTH_PATTERNS = {"kk": "y 'жылғы' MMMM"}  # 2021 жылғы қаңтар, not 2021 ж. қаңтар
#: The same in CLDR's interval patterns of months (not of days: 2021 ж. 1–31 қаңтар).
_YEAR_WORDS = {"kk": ("y\u202fж. MMMM", "y 'жылғы' MMMM")}


def period_words(
    start: date | None, end: date | None, kind: str = "range", *, locale: str = "en"
) -> str:
    """A period in words: ``January 2021`` / ``январь 2021 г.`` / ``2021 ж. қаңтар`` for
    a month, ``1st quarter 2021`` for a quarter, ``2021`` for a year, else the span of
    days (:func:`date_range`). Never an ISO code."""
    if start is None or end is None:
        return MISSING
    if kind == "month":
        if locale in _MONTH_PATTERNS:
            return parse_pattern(_MONTH_PATTERNS[locale]).apply(start, locale)
        return format_skeleton("yMMMM", start, locale=locale)
    if kind == "quarter":
        return format_skeleton("yQQQQ", start, locale=locale)
    if kind == "year":
        return format_skeleton("y", start, locale=locale)
    return date_range(start, end, locale=locale)


def capitalised(text: str) -> str:
    """The first letter upper-case (``январь 2021 г.`` opening a line)."""
    return text[:1].upper() + text[1:]


def month_code(code: str, *, locale: str = "en") -> str:
    """A month written as its code, ``2021-02``, in running text: ``February 2021``,
    ``февраль 2021 г.``."""
    try:
        first = date.fromisoformat(f"{code}-01")
    except ValueError:
        return code
    return period_words(first, first, "month", locale=locale)


def translate(
    value: object, *, translations: gettext.NullTranslations, words: Collection[str]
) -> object:
    """A fixed word the code passes as a value (``words``), translated; any other value as is.

    Unlike ``_()``, the result is plain text (escaped like any value) and no ``%`` formatting
    is applied, so data such as a category named like a message is never altered.
    """
    if isinstance(value, str) and value in words:
        text = translations.gettext(value)
        # Untranslated (English): an identifier is shown as words, not as a name.
        return _ENGLISH_WORDS.get(text, text)
    return value


def markdown_escape(value: object) -> str:
    """Escape text so Markdown shows it as written (a ``|`` cannot break a table)."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # a newline would end a table row
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def css_string(value: object) -> Markup:
    """``value`` as a CSS string literal, safe inside ``<style>``: quotes, backslashes,
    ``<``, ``>``, ``&`` and unprintable characters as CSS escapes (``"A \\22 B"``)."""
    escaped = "".join(
        c if c.isprintable() and c not in '"\\<>&' else f"\\{ord(c):x} " for c in str(value)
    )
    return Markup(f'"{escaped}"')


def page_counters(text: str) -> Markup:
    """A CSS ``content`` value from a sentence holding ``{page}`` and ``{pages}``:
    ``"page {page} of {pages}"`` → ``"page " counter(page) " of " counter(pages)``."""
    parts = []
    for piece in re.split(r"(\{pages?\})", text):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))
