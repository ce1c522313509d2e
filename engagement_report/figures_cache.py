"""Figures cache: a build repeated on unchanged inputs reuses the figures it computed.

A build re-run on inputs the checked-data cache holds (a cron retry, an analyst trying
another template, title or language) would work out the same figures again: about
0.6 s at a million rows, a third of such a run. So the period's figures, its 12-month
trend, coverage, headline comparisons and agenda are kept as JSON inside the
checked-data entry (:mod:`engagement_report.validation.cache`), one file per report
window (the period, the part of it counted and the cut-off). The entry stands for the
same input files and the same configuration, so the window is all the figures still
depend on.

They are read only when the clean data itself came from that entry (whose files'
SHA-256 were compared), and written by the first run after its entry is on disk. The
JSON is written and read by a small codec that knows the result dataclasses; any
damage, or a file from another version, is a miss. Reports are always rendered anew.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any

from engagement_report import __version__
from engagement_report.analysis import AgendaRow, Analysis
from engagement_report.comparisons import Change, HeadlineFigure, Held
from engagement_report.deadlines import DeadlineFigures
from engagement_report.loading.cache import WorkbookCache, in_background
from engagement_report.periods import Period, Window
from engagement_report.results import (
    BroadcastFigures,
    CategoryFigures,
    Figures,
    OpenQuery,
    PressFigures,
    ProgramFigures,
    QueryFigures,
    TrendPoint,
)
from engagement_report.validation.cache import CheckedKey

FIGURES_FORMAT = 2
_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        AgendaRow,
        Analysis,
        BroadcastFigures,
        CategoryFigures,
        Change,
        DeadlineFigures,
        Figures,
        HeadlineFigure,
        Held,
        OpenQuery,
        Period,
        PressFigures,
        ProgramFigures,
        QueryFigures,
        TrendPoint,
    )
}


def figures_file(key: CheckedKey, window: Window) -> str:
    """The file name, within the checked-data entry, of one window's figures."""
    whole, period = window.whole, window.period
    text = (
        f"{FIGURES_FORMAT}|{__version__}|{whole.start}|{whole.end}|{whole.label}|"
        f"{whole.kind}|{period.start}|{period.end}|{window.cutoff}"
    )
    return "figures-" + hashlib.sha256(text.encode()).hexdigest()[:32] + ".json"


def load_analysis(store: WorkbookCache, key: CheckedKey, name: str) -> Analysis | None:
    """The analysis kept under ``name`` in ``key``'s entry, or None."""
    try:
        raw = json.loads((store.root / key.name / name).read_text(encoding="utf-8"))
        if raw.get("format") != FIGURES_FORMAT:
            return None
        analysis = decode(raw["analysis"])
    except Exception:  # missing, damaged or from another version: compute afresh
        return None
    return analysis if isinstance(analysis, Analysis) else None


def store_analysis(
    store: WorkbookCache,
    key: CheckedKey,
    name: str,
    analysis: Analysis,
    after: threading.Thread | None = None,
) -> None:
    """Keep ``analysis`` under ``name`` in ``key``'s entry, once the entry is written
    (``after``: the thread writing it), in the background."""
    in_background(_store, store, key, name, analysis, after, name="figures-store")


def _store(
    store: WorkbookCache,
    key: CheckedKey,
    name: str,
    analysis: Analysis,
    after: threading.Thread | None,
) -> None:
    if after is not None:
        after.join()
    if not store.holds(key.name):
        return  # the checked data was not kept: figures alone would stand for nothing
    entry = store.root / key.name
    text = json.dumps({"format": FIGURES_FORMAT, "analysis": encode(analysis)})
    temp: Path | None = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=entry)
        temp = Path(temp_name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        temp.replace(entry / name)
        temp = None
    except OSError:  # the cache only ever saves time
        pass
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()


def encode(value: Any) -> Any:
    """A result as JSON values; dataclasses, dates, tuples and sets tagged to come back."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": type(value).__name__, **fields}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$set": sorted(encode(v) for v in value)}
    if isinstance(value, dict):
        return {"$dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in the figures cache")


def decode(raw: Any) -> Any:
    """What :func:`encode` wrote, back as the same values."""
    if isinstance(raw, list):
        raise ValueError("a bare list is not written by encode")
    if not isinstance(raw, dict):
        return raw
    if "$type" in raw:
        cls = _TYPES.get(raw["$type"])
        if cls is None:
            raise ValueError(f"unknown type {raw['$type']!r}")
        return cls(**{k: decode(v) for k, v in raw.items() if k != "$type"})
    if "$date" in raw:
        return date.fromisoformat(raw["$date"])
    if "$tuple" in raw:
        return tuple(decode(v) for v in raw["$tuple"])
    if "$set" in raw:
        return frozenset(decode(v) for v in raw["$set"])
    if "$dict" in raw:
        return {decode(k): decode(v) for k, v in raw["$dict"]}
    raise ValueError(f"unknown value {raw!r}")
