"""A parsed TOML mapping checked, key by key, into a :class:`Config`."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engagement_report.config.accountability import (
    parse_outcomes,
    parse_population,
    parse_ratings,
    parse_repeats,
)
from engagement_report.config.report import _report
from engagement_report.config.sections import _calendar, _dates, _deadlines, _overdue_mark
from engagement_report.config.settings import (
    DEFAULT_FORMATS,
    ENGINES,
    FORMATS,
    LANGUAGES,
    ComputeConfig,
    Config,
    OpenDataConfig,
)
from engagement_report.config.values import _str, _strings, _table
from engagement_report.errors import ConfigError
from engagement_report.schema import COLUMNS, DATASETS, STATUS_CLASSES, header_key

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
    "ratings",
    "outcomes",
    "repeats",
    "population",
    "overdue_mark",
    "compute",
    "report",
}


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
            {
                f"columns.{dataset}.{column}": names
                for column, names in columns[dataset].items()
                # a mark may stand in another column's cells (headers.SHARED_COLUMNS)
                if column != "overdue_mark"
            },
            "header",
            fail,
        )

    statuses: dict[str, tuple[str, ...]] = {}
    for cls, spellings in _table(raw.get("statuses", {}), "statuses", fail).items():
        if cls not in STATUS_CLASSES:
            raise fail(f"unknown key 'statuses.{cls}'; classes: {', '.join(STATUS_CLASSES)}")
        statuses[cls] = _strings(spellings, f"statuses.{cls}", fail)
    _one_owner({f"statuses.{cls}": names for cls, names in statuses.items()}, "spelling", fail)

    relabels: dict[str, dict[str, str]] = {}
    shown: dict[str, dict[str, dict[str, str]]] = {}
    for key, dimension in (("topics", "topic"), ("channels", "channel"), ("districts", "district")):
        table = _table(raw.get(key, {}), key, fail)
        # A sub-table named after a report language relabels for that language's reports
        # only; any other entry is a spelling in the data and the label it is counted as.
        by_lang = {lang: table[lang] for lang in LANGUAGES if isinstance(table.get(lang), dict)}
        for lang, labels in by_lang.items():
            shown.setdefault(dimension, {})[lang] = {
                str(k): _str(v, f"{key}.{lang}.{k}", fail) for k, v in labels.items()
            }
        relabels[key] = {}
        for k, v in table.items():
            if k in by_lang:
                continue
            if isinstance(v, dict):
                raise fail(
                    f"{key}.{k} must be a string, or a table of labels per report language "
                    f"([{key}.ru], [{key}.kk], [{key}.en])"
                )
            relabels[key][str(k)] = _str(v, f"{key}.{k}", fail)

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
        shown_labels=shown,
        deadlines=_deadlines(_table(raw.get("deadlines", {}), "deadlines", fail), fail),
        calendar=_calendar(_table(raw.get("calendar", {}), "calendar", fail), fail),
        read_hidden_sheets=hidden,
        encoding=encoding,
        dates=_dates(_table(raw.get("dates", {}), "dates", fail), fail),
        database=database,
        open_data=_open_data(_table(raw.get("open_data", {}), "open_data", fail), fail),
        ratings=parse_ratings(_table(raw.get("ratings", {}), "ratings", fail), fail),
        outcomes=parse_outcomes(_table(raw.get("outcomes", {}), "outcomes", fail), fail),
        repeats=parse_repeats(_table(raw.get("repeats", {}), "repeats", fail), fail),
        population=parse_population(_table(raw.get("population", {}), "population", fail), fail),
        overdue_mark=_overdue_mark(_table(raw.get("overdue_mark", {}), "overdue_mark", fail), fail),
        compute=_compute(_table(raw.get("compute", {}), "compute", fail), fail),
        report=_report(_table(raw.get("report", {}), "report", fail), fail),
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


def _compute(table: dict[str, Any], fail: Any) -> ComputeConfig:
    known = {"engine", "scheduler"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'compute.{key}'; known: {', '.join(sorted(known))}")
    engine = _str(table.get("engine", "pandas"), "compute.engine", fail)
    if engine not in ENGINES:
        raise fail(f"compute.engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    scheduler = (
        _str(table["scheduler"], "compute.scheduler", fail) if "scheduler" in table else None
    )
    if scheduler is not None and "://" not in scheduler:
        raise fail("compute.scheduler must be an address such as tcp://scheduler:8786")
    return ComputeConfig(engine, scheduler)
