"""Checked-data cache: the clean frames and report of inputs checked before.

Checking a million rows costs about as long as reading them. So after a build checks
its inputs, the result of :func:`validate` — the clean frames, the rejected rows and
the validation report — is kept in the cache (:mod:`engagement_report.cache`), and the
next run whose key is the same (the same code, libraries, time-zone data, configuration,
templates and inputs' content: :func:`~engagement_report.cache.cache_key`) loads it
instead of reading and checking anything. A miss, a damaged entry or one that cannot
be written only costs time: results never differ (``tests/test_checked_cache.py``).

Frames are stored as Arrow IPC files (LZ4), the report as JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagement_report.cache import Entry, Store
from engagement_report.cache.arrow import read_frame, write_arrow
from engagement_report.hashing import SeenFile
from engagement_report.models import (
    CleanData,
    Problem,
    SkippedSheet,
    SourceAccount,
    ValidationReport,
)

if TYPE_CHECKING:
    import pandas as pd

FRAMES = ("queries", "broadcasts", "press_events", "press_questions", "rejected_rows")


def load_checked(store: Store, name: str) -> CleanData | None:
    """The checked data kept as the entry ``name``, or None when there is none (a
    damaged entry is deleted)."""
    return store.load(name, _read)


def _read(entry: Entry) -> CleanData:
    data = entry.data
    frames = {
        name: _restore(read_frame(entry.read(f"{name}.arrow")), data["categories"][name])
        for name in FRAMES
    }
    return CleanData(
        **frames, report=_report_from(data["report"]), present=frozenset(data["present"])
    )


def store_checked(store: Store, name: str, data: CleanData, inputs: Sequence[SeenFile]) -> None:
    """Keep ``data``, the check of ``inputs``, as the entry ``name``."""

    def fill(folder: Path) -> dict[str, object]:
        categories = {}
        for frame_name in FRAMES:
            frame = data.frame(frame_name)
            write_arrow(folder / f"{frame_name}.arrow", frame)
            categories[frame_name] = {
                str(column): str(frame[column].cat.categories.dtype)
                for column in frame.columns
                if str(frame[column].dtype) == "category"
            }
        return {
            "categories": categories,
            "report": _report_json(data.report),
            "present": sorted(data.present),
            # Which files, as they were: the read-ahead skips a file checked before.
            "inputs": [[str(f.path.resolve()), *f.identity] for f in inputs],
        }

    store.put(name, fill)


def _restore(frame: pd.DataFrame, categories: dict[str, str]) -> pd.DataFrame:
    """Categories as they were: Arrow gives text categories back as ``str``, not object."""
    import pandas as pd

    for column, dtype in categories.items():
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):  # an empty frame's column
            values = frame[column] = values.astype(object).astype("category")
        if str(values.cat.categories.dtype) != dtype:
            frame[column] = pd.Categorical.from_codes(
                values.cat.codes, categories=values.cat.categories.astype(dtype)
            )
    return frame


def _report_json(report: ValidationReport) -> dict[str, Any]:
    return {
        "sources": [dataclasses.asdict(source) for source in report.sources],
        "problems": [problem.as_dict() for problem in report.problems],
        "skipped": [
            {"file": str(s.file), "sheet": s.sheet, "reason": s.reason} for s in report.skipped
        ],
    }


def _report_from(raw: dict[str, Any]) -> ValidationReport:
    sources = tuple(
        SourceAccount(**{**source, "ignored_columns": tuple(source["ignored_columns"])})
        for source in raw["sources"]
    )
    problems = tuple(Problem(**problem) for problem in raw["problems"])
    skipped = tuple(SkippedSheet(Path(s["file"]), s["sheet"], s["reason"]) for s in raw["skipped"])
    return ValidationReport(sources, problems, skipped)
