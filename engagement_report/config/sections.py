"""The ``[deadlines]``, ``[calendar]``, ``[dates]`` and ``[overdue_mark]`` tables, checked."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from engagement_report.config.settings import (
    DATE_ORDERS,
    CalendarConfig,
    DatesConfig,
    DeadlineConfig,
    OverdueMarkConfig,
)
from engagement_report.config.values import _str, _strings, _table
from engagement_report.schema import COLUMNS, header_key

# A term longer than a year is a typo (the longest lawful term, an extension, is two
# months), and the working-day arithmetic would run past the calendar it can build.
MAX_TERM_DAYS = 366


def _deadlines(table: dict[str, Any], fail: Any) -> DeadlineConfig:
    known = {"answer_working_days", "redirect_working_days", "kind", "law"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'deadlines.{key}'; known: {', '.join(sorted(known))}")
    answer = table.get("answer_working_days", 15)
    redirect = table.get("redirect_working_days", 3)
    for name, value in (("answer_working_days", answer), ("redirect_working_days", redirect)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise fail(f"deadlines.{name} must be a whole number of days, at least 1")
        if value > MAX_TERM_DAYS:
            raise fail(f"deadlines.{name} = {value}: a term of at most {MAX_TERM_DAYS} days")
    kind = table.get("kind", "working")
    if kind not in ("working", "calendar", "given"):
        raise fail(f"deadlines.kind must be 'working', 'calendar' or 'given', not {kind!r}")
    law = _str(table.get("law", "KZ"), "deadlines.law", fail)
    return DeadlineConfig(answer, redirect, kind, law)


def _calendar(table: dict[str, Any], fail: Any) -> CalendarConfig:
    known = {"country", "subdivision", "extra_holidays", "extra_working_days", "working_hours"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'calendar.{key}'; known: {', '.join(sorted(known))}")

    def dates(key: str) -> tuple[date, ...]:
        values = table.get(key, [])
        if not isinstance(values, list):
            raise fail(f"calendar.{key} must be a list of dates")
        out = []
        for value in values:
            if isinstance(value, date):
                out.append(value)
                continue
            try:
                out.append(date.fromisoformat(str(value)))
            except ValueError:
                raise fail(f"calendar.{key}: {value!r} is not a date (YYYY-MM-DD)") from None
        return tuple(sorted(out))

    # holidays knows countries by upper-case ISO code; "kz" is plainly meant as KZ.
    country = _str(table.get("country", "KZ"), "calendar.country", fail).strip().upper()
    if not country.isascii() or not country.isalpha() or len(country) not in (2, 3):
        raise fail(f"calendar.country {country!r}: give an ISO country code such as KZ")
    hours = _working_hours(
        _str(table.get("working_hours", "09:00-18:00"), "calendar.working_hours", fail), fail
    )
    subdivision = table.get("subdivision")
    if subdivision is not None:
        subdivision = _str(subdivision, "calendar.subdivision", fail)
    return CalendarConfig(
        country, dates("extra_holidays"), dates("extra_working_days"), hours, subdivision
    )


_HOURS_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", re.ASCII)


def _working_hours(text: str, fail: Any) -> tuple[time, time]:
    """``"09:00-18:00"`` read as opening and closing times (opening before closing)."""
    expected = 'expected HH:MM-HH:MM, e.g. "09:00-18:00"'
    match = _HOURS_RE.fullmatch(text)
    if not match:
        raise fail(f"calendar.working_hours: {text!r} is not a span of hours; {expected}")
    try:
        opens = time(int(match[1]), int(match[2]))
        closes = time(int(match[3]), int(match[4]))
    except ValueError:
        raise fail(
            f"calendar.working_hours: {text!r} holds a time that does not exist; {expected}"
        ) from None
    if opens >= closes:
        raise fail(f"calendar.working_hours: {text!r} closes before it opens; {expected}")
    return opens, closes


def _dates(table: dict[str, Any], fail: Any) -> DatesConfig:
    known = {"order", "columns", "words"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'dates.{key}'; known: {', '.join(sorted(known))}")

    def order(value: Any, key: str) -> str:
        if value not in DATE_ORDERS:
            raise fail(f"{key} must be 'DMY' (day first) or 'MDY' (month first), not {value!r}")
        return str(value)

    columns = {}
    date_columns = {c.name for spec in COLUMNS.values() for c in spec if c.kind == "date"}
    for column, value in _table(table.get("columns", {}), "dates.columns", fail).items():
        if column not in date_columns:
            raise fail(
                f"unknown key 'dates.columns.{column}'; date columns: "
                + ", ".join(sorted(date_columns))
            )
        columns[column] = order(value, f"dates.columns.{column}")
    words = {}
    for column, value in _table(table.get("words", {}), "dates.words", fail).items():
        if column not in date_columns:
            raise fail(
                f"unknown key 'dates.words.{column}'; date columns: "
                + ", ".join(sorted(date_columns))
            )
        words[column] = _strings(value, f"dates.words.{column}", fail)
        if not all(word.strip() for word in words[column]):
            raise fail(f"dates.words.{column}: a word is empty")
    given = table.get("order")
    return DatesConfig(None if given is None else order(given, "dates.order"), columns, words)


def _overdue_mark(table: dict[str, Any], fail: Any) -> OverdueMarkConfig:
    known = {"overdue", "not_overdue"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'overdue_mark.{key}'; known: {', '.join(sorted(known))}")
    given = {key: _strings(table[key], f"overdue_mark.{key}", fail) for key in table}
    mark = OverdueMarkConfig(**given)
    both = {header_key(w) for w in mark.overdue} & {header_key(w) for w in mark.not_overdue}
    if both:
        raise fail(
            f"overdue_mark: {sorted(both)[0]!r} is both overdue and not overdue; "
            "list it under one of them"
        )
    return mark
