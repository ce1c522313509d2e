"""The TOML configuration, read and checked into a typed :class:`Config`.

Standard library only: the command line reads the config before it knows
whether it needs pandas.
"""

from __future__ import annotations

import codecs
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engagement_report.errors import ConfigError
from engagement_report.schema import COLUMNS, DATASETS, STATUS_CLASSES, header_key

CONFIG_ENV = "ENGAGEMENT_REPORT_CONFIG"
DEFAULT_CONFIG_NAME = "engagement-report.toml"
LANGUAGES = ("en", "ru", "kk")
FORMATS = ("md", "html", "csv", "json", "pdf")
DEFAULT_FORMATS = ("md", "html", "csv", "json")  # pdf needs the [pdf] extra (WeasyPrint)


@dataclass(frozen=True)
class DeadlineConfig:
    """``[deadlines]``: the answer and forwarding terms."""

    answer_working_days: int = 15
    redirect_working_days: int = 3
    kind: str = "working"  # "working", "calendar", or "given": only the data's deadline column
    law: str = "KZ"  # the country whose law the terms come from (the defaults are KZ's)


@dataclass(frozen=True)
class CalendarConfig:
    """``[calendar]``: whose public holidays, the year's announced transfers, and the
    office's working hours (a query arriving after them is registered the next working day)."""

    country: str = "KZ"
    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    working_hours: tuple[time, time] = (time(9, 0), time(18, 0))
    subdivision: str | None = None  # a state or region's own holidays (holidays' subdiv)

    @property
    def name(self) -> str:
        """``KZ``, or ``US-NY`` with a subdivision."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


DATE_ORDERS = ("DMY", "MDY")


@dataclass(frozen=True)
class DatesConfig:
    """``[dates]``: how slashed dates (``01/02/2021``) are read, for all columns or some."""

    order: str | None = None  # None: day-first unless a column only makes sense month-first
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> order

    def order_for(self, column: str) -> str | None:
        """The order that decides ``column``'s slashed dates (None: the column's own rule)."""
        return self.columns.get(column, self.order)


@dataclass(frozen=True)
class OpenDataConfig:
    """``[open_data]``: what ``datapackage.json`` says about the figures' licence and source."""

    license: str | None = None  # an Open Definition / SPDX id, e.g. "CC-BY-4.0"
    source: str | None = None  # who the figures come from, e.g. "Akimat of Almaty"
    source_url: str | None = None


@dataclass(frozen=True)
class Config:
    """Every setting, with the defaults an Almaty office would use."""

    timezone: str = "Asia/Almaty"
    lang: str = "en"
    inputs: tuple[str, ...] = ()
    output: str | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    min_category_size: int = 5
    earliest_year: int = 2000
    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)
    deadlines: DeadlineConfig = DeadlineConfig()
    calendar: CalendarConfig = CalendarConfig()
    read_hidden_sheets: bool = False
    encoding: str | None = None  # of CSV files; None: found from each file's bytes
    dates: DatesConfig = DatesConfig()
    database: str | None = None  # [output] database: a SQLAlchemy URL the summary goes to
    open_data: OpenDataConfig = OpenDataConfig()
    source: Path | None = None


_TOP_KEYS = {
    "timezone",
    "lang",
    "inputs",
    "output",
    "formats",
    "min_category_size",
    "earliest_year",
    "columns",
    "statuses",
    "topics",
    "channels",
    "districts",
    "deadlines",
    "calendar",
    "read_hidden_sheets",
    "encoding",
    "dates",
    "open_data",
}


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The config to use: ``--config``, else ``$ENGAGEMENT_REPORT_CONFIG``, else ``./engagement-report.toml``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
    return local if local.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and check a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path | None = None) -> Config:
    """Check a parsed TOML mapping and turn it into a :class:`Config`."""
    where = str(path) if path else "config"

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{where}: {message}")

    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_TOP_KEYS))}")

    timezone = _str(raw.get("timezone", "Asia/Almaty"), "timezone", fail)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            f"unknown time zone {timezone!r} (use an IANA name such as Asia/Almaty)"
        ) from None
    lang = _str(raw.get("lang", "en"), "lang", fail)
    if lang not in LANGUAGES:
        raise fail(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    formats = _strings(raw.get("formats", list(DEFAULT_FORMATS)), "formats", fail)
    for fmt in formats:
        if fmt not in FORMATS:
            raise fail(f"unknown format {fmt!r} in formats; known: {', '.join(FORMATS)}")
    min_size = raw.get("min_category_size", 5)
    if not isinstance(min_size, int) or isinstance(min_size, bool) or min_size < 1:
        raise fail("min_category_size must be a whole number of at least 1")
    earliest_year = raw.get("earliest_year", 2000)
    if (
        not isinstance(earliest_year, int)
        or isinstance(earliest_year, bool)
        or not 1800 <= earliest_year <= 2100
    ):
        raise fail("earliest_year must be a year between 1800 and 2100, such as 2000")

    columns: dict[str, dict[str, tuple[str, ...]]] = {}
    for dataset, mapping in _table(raw.get("columns", {}), "columns", fail).items():
        if dataset not in DATASETS:
            raise fail(f"unknown key 'columns.{dataset}'; datasets: {', '.join(DATASETS)}")
        known = {c.name for c in COLUMNS[dataset]}
        columns[dataset] = {}
        for column, headers in _table(mapping, f"columns.{dataset}", fail).items():
            if column not in known:
                raise fail(
                    f"unknown key 'columns.{dataset}.{column}'; columns: {', '.join(sorted(known))}"
                )
            columns[dataset][column] = _strings(headers, f"columns.{dataset}.{column}", fail)
        _one_owner(
            {f"columns.{dataset}.{column}": names for column, names in columns[dataset].items()},
            "header",
            fail,
        )

    statuses: dict[str, tuple[str, ...]] = {}
    for cls, spellings in _table(raw.get("statuses", {}), "statuses", fail).items():
        if cls not in STATUS_CLASSES:
            raise fail(f"unknown key 'statuses.{cls}'; classes: {', '.join(STATUS_CLASSES)}")
        statuses[cls] = _strings(spellings, f"statuses.{cls}", fail)
    _one_owner({f"statuses.{cls}": names for cls, names in statuses.items()}, "spelling", fail)

    relabels = {}
    for key in ("topics", "channels", "districts"):
        table = _table(raw.get(key, {}), key, fail)
        relabels[key] = {str(k): _str(v, f"{key}.{k}", fail) for k, v in table.items()}

    hidden = raw.get("read_hidden_sheets", False)
    if not isinstance(hidden, bool):
        raise fail("read_hidden_sheets must be true or false")
    encoding = _str(raw["encoding"], "encoding", fail) if "encoding" in raw else None
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
            encoding = "utf-8-sig" if encoding == "utf-8" else encoding  # a BOM is no text
        except LookupError:
            raise fail(
                f"unknown encoding {encoding!r} (use a name such as utf-8, cp1251, koi8-r)"
            ) from None

    folder, database = _output(raw.get("output"), fail)
    return Config(
        timezone=timezone,
        lang=lang,
        inputs=_strings(raw.get("inputs", []), "inputs", fail),
        output=folder,
        formats=formats,
        min_category_size=min_size,
        earliest_year=earliest_year,
        columns=columns,
        statuses=statuses,
        topics=relabels["topics"],
        channels=relabels["channels"],
        districts=relabels["districts"],
        deadlines=_deadlines(_table(raw.get("deadlines", {}), "deadlines", fail), fail),
        calendar=_calendar(_table(raw.get("calendar", {}), "calendar", fail), fail),
        read_hidden_sheets=hidden,
        encoding=encoding,
        dates=_dates(_table(raw.get("dates", {}), "dates", fail), fail),
        database=database,
        open_data=_open_data(_table(raw.get("open_data", {}), "open_data", fail), fail),
        source=path,
    )


def _one_owner(owners: dict[str, tuple[str, ...]], what: str, fail: Any) -> None:
    """Refuse a header (or status spelling) listed under two keys: which one the data
    meant cannot be guessed, and "the first key wins" would count rows silently."""
    seen: dict[str, tuple[str, str]] = {}
    for key, names in owners.items():
        for name in names:
            folded = header_key(name)
            if folded in seen and seen[folded][0] != key:
                first_key, first_name = seen[folded]
                raise fail(
                    f"{what} {name!r} is listed under both {first_key} and {key}"
                    + (f" (as {first_name!r})" if first_name != name else "")
                    + "; keep it under one of them"
                )
            seen.setdefault(folded, (key, name))


# A term longer than a year is a typo (the longest lawful term, an extension, is two
# months), and the working-day arithmetic would run past the calendar it can build.
MAX_TERM_DAYS = 366


def _output(value: Any, fail: Any) -> tuple[str | None, str | None]:
    """``output = "DIR"``, or an ``[output]`` table with ``folder`` and ``database``."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    table = _table(value, "output", fail)
    known = {"folder", "database"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'output.{key}'; known: {', '.join(sorted(known))}")
    folder = _str(table["folder"], "output.folder", fail) if "folder" in table else None
    database = _str(table["database"], "output.database", fail) if "database" in table else None
    if database is not None and "://" not in database:
        raise fail(
            "output.database must be a URL such as sqlite:///figures.db or "
            "postgresql://user@host/dbname"
        )
    return folder, database


def _open_data(table: dict[str, Any], fail: Any) -> OpenDataConfig:
    known = {"license", "source", "source_url"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'open_data.{key}'; known: {', '.join(sorted(known))}")
    values = {key: _str(table[key], f"open_data.{key}", fail) for key in table}
    return OpenDataConfig(**values)


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
    known = {"order", "columns"}
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
    given = table.get("order")
    return DatesConfig(None if given is None else order(given, "dates.order"), columns)


def _table(value: Any, key: str, fail: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(f"{key} must be a table ([{key}])")
    return value


def _str(value: Any, key: str, fail: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"{key} must be a string")
    return value


def _strings(value: Any, key: str, fail: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} must be a string or a list of strings")
    return tuple(value)
