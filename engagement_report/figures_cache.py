"""Figures cache: a build repeated on unchanged inputs reuses the figures it computed.

A build re-run on inputs the checked-data cache holds (a cron retry, another title or
language) would work out the same figures again: about 0.6 s at a million rows, a third
of such a run. So the window's figures, its 12-month trend, coverage, headline
comparisons and agenda are kept as an entry of their own, whose key
(:func:`~engagement_report.cache.cache_key`) covers what the checked data's does plus
the report window (the period, the part of it counted and the cut-off). The JSON is
written and read by a small codec that knows the result dataclasses; any damage is a
miss (and the entry is deleted). The reports rendered from the figures are kept by
:mod:`engagement_report.render.kept`, keyed by the whole report context.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from engagement_report.analysis import AgendaRow, Analysis
from engagement_report.cache import Entry, Store
from engagement_report.comparisons import Change, HeadlineFigure, Held
from engagement_report.deadlines import DeadlineFigures, MarkDisagreement, OverdueMarks
from engagement_report.models import CleanData
from engagement_report.periods import Period, Window
from engagement_report.results import (
    AccountabilityFigures,
    BroadcastFigures,
    CategoryFigures,
    Covered,
    Figures,
    OpenQuery,
    PressFigures,
    ProgramFigures,
    QueryFigures,
    QuestionFigures,
    TopicChange,
    TopicShifts,
    TrendPoint,
    YearToDate,
    YearToDateRow,
)
from engagement_report.schema import DATASETS

_FILE = "analysis.json"
_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        AccountabilityFigures,
        AgendaRow,
        Analysis,
        BroadcastFigures,
        CategoryFigures,
        Change,
        Covered,
        DeadlineFigures,
        Figures,
        HeadlineFigure,
        Held,
        MarkDisagreement,
        OpenQuery,
        OverdueMarks,
        Period,
        PressFigures,
        ProgramFigures,
        QueryFigures,
        QuestionFigures,
        TopicChange,
        TopicShifts,
        TrendPoint,
        YearToDate,
        YearToDateRow,
    )
}


def figures_extra(window: Window, data: CleanData | None = None) -> str:
    """What the figures depend on beyond the checked data's key: the report window, and
    for an archive read in part what its manifest says of the data as a whole (the
    export's date, each dataset's first day, the datasets held, the columns each
    partition's inputs mapped), which a month imported outside those read changes
    without changing a file read."""
    whole, period = window.whole, window.period
    text = (
        f"{whole.start}|{whole.end}|{whole.label}|{whole.kind}|"
        f"{period.start}|{period.end}|{window.cutoff}"
    )
    if data is None or data.extent is None:
        return text
    extent = data.extent
    mapped = sorted((s.file, s.sheet, *sorted(s.mapping)) for s in data.report.sources)
    # The spelling of each label is the whole archive's (archive.labels): another month
    # imported can change it.
    labels = sorted(
        (dataset, column, *sorted(map(str, frame[column].cat.categories)))
        for dataset in DATASETS
        for frame in (data.frame(dataset),)
        for column in frame.columns
        if isinstance(frame[column].dtype, pd.CategoricalDtype) and not column.startswith("_")
    )
    return f"{text}|{sorted(extent.first.items())}|{extent.last}|{extent.latest}|" + repr(
        (sorted(data.present), mapped, labels)
    )


def load_analysis(store: Store, name: str) -> Analysis | None:
    """The analysis kept as the entry ``name``, or None."""
    return store.load(name, _read)


def _read(entry: Entry) -> Analysis:
    analysis = decode(json.loads(entry.read(_FILE).decode("utf-8")))
    if not isinstance(analysis, Analysis):
        raise ValueError("not an analysis")
    return analysis


def store_analysis(store: Store, name: str, analysis: Analysis) -> None:
    """Keep ``analysis`` as the entry ``name``."""
    text = json.dumps(encode(analysis), ensure_ascii=False)

    def fill(folder: Path) -> dict[str, object]:
        (folder / _FILE).write_text(text, encoding="utf-8")
        return {}

    store.put(name, fill)


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
