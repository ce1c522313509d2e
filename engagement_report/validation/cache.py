"""Checked-data cache: the clean frames and report of inputs checked before.

The parse cache (:mod:`engagement_report.loading.cache`) spares reading an unchanged
workbook again; checking its million rows again costs about as long as the rest of a
build. So after a build checks its inputs, the result of :func:`validate` — the clean
frames, the rejected rows and the validation report — is written to the same cache
folder, and the next run over the *same inputs with the same configuration* loads it
instead of reading and checking anything.

"The same inputs" means the same files in the same order, each with the same path,
size, modification time and SHA-256 of its content; "the same configuration" means
an equal :class:`~engagement_report.config.Config` (any change, even of an option that
cannot change a check, is a miss). The tool's version and the versions of pandas,
pyarrow and fastexcel are part of the key too. A miss, a damaged entry or one that
cannot be written only costs time: results never differ (``tests/test_cache.py``).

An entry is looked up by what ``stat`` tells, so a first run reads no input before
it needs to; the SHA-256 is compared only when an entry is there.

Frames are stored as Arrow IPC files (Feather, LZ4), the report as JSON; the entries share the parse
cache's folder, size limit and least-recently-used eviction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagement_report.hashing import digest_if_unchanged
from engagement_report.loading.cache import WorkbookCache, in_background, write_arrow
from engagement_report.models import (
    CleanData,
    Problem,
    SkippedSheet,
    SourceAccount,
    ValidationReport,
)

if TYPE_CHECKING:
    import pandas as pd

    from engagement_report.config import Config

# Bump when validation's output changes shape or meaning: older entries are then unused.
CHECKED_FORMAT = 2
FRAMES = ("queries", "broadcasts", "press_events", "rejected_rows")


@dataclass(frozen=True)
class CheckedKey:
    """Where the check of some inputs would be kept, and what it must match.

    ``name`` comes from what a ``stat`` tells (paths, sizes, modification times) with the
    configuration and versions, so a first run looks for an entry without reading its
    inputs twice; an entry found is used only if every file's SHA-256 matches too.
    """

    name: str
    files: tuple[Path, ...]
    stats: tuple[tuple[int, int], ...]  # (size, mtime_ns) of each file when keyed

    def digests(self) -> list[str] | None:
        """Each file's SHA-256, or None when a file changed since it was keyed."""
        digests = []
        for path, seen in zip(self.files, self.stats, strict=True):
            digest = digest_if_unchanged(path, seen)
            if digest is None:
                return None
            digests.append(digest)
        return digests


def checked_key(files: Sequence[Path], config: Config) -> CheckedKey | None:
    """The key of checking ``files`` under ``config``, or None if a file cannot be read."""
    import fastexcel
    import pandas as pd
    import pyarrow as pa

    from engagement_report import __version__

    lines = [
        f"checked {CHECKED_FORMAT} engagement-report {__version__} pandas {pd.__version__} "
        f"pyarrow {pa.__version__} fastexcel {fastexcel.__version__}",
        repr(config),
    ]
    stats = []
    try:
        for path in files:
            stat = path.stat()
            stats.append((stat.st_size, stat.st_mtime_ns))
            # As given too: provenance in the frames and messages names the file so.
            lines.append(f"{path}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    except OSError:
        return None
    name = "checked-" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:40]
    return CheckedKey(name, tuple(files), tuple(stats))


def load_checked(store: WorkbookCache, key: CheckedKey) -> CleanData | None:
    """The checked data stored under ``key``, or None when there is none (or it is damaged)."""
    import pandas as pd

    meta = store.meta(key.name)
    if meta is None:
        return None  # the usual first run: no file is hashed before it is read
    entry = store.root / key.name
    try:
        if meta.get("format") != CHECKED_FORMAT or meta.get("sha256") != key.digests():
            return None
        frames = {
            name: _restore(pd.read_feather(entry / f"{name}.arrow"), meta["categories"][name])
            for name in FRAMES
        }
        report = _report_from(meta["report"])
        present = frozenset(meta["present"])
    except Exception:  # damaged or from another layout: check the inputs instead
        return None
    store.touch(key.name)
    return CleanData(**frames, report=report, present=present)


def store_checked(
    store: WorkbookCache, key: CheckedKey, data: CleanData, *, background: bool = True
) -> threading.Thread | None:
    """Keep ``data`` under ``key``: in a background thread (returned) unless
    ``background=False``."""
    if not background:
        _store(store, key, data)
        return None
    return in_background(_store, store, key, data, name="checked-store")


def _store(store: WorkbookCache, key: CheckedKey, data: CleanData) -> None:
    digests = key.digests()
    if digests is None:
        return  # an input changed while it was checked: nothing to vouch for
    kept = store.meta(key.name)
    if kept is not None and kept.get("sha256") == digests:
        return  # already kept

    def fill(folder: Path) -> dict[str, object]:
        categories = {}
        for name in FRAMES:
            frame = data.frame(name)
            write_arrow(folder / f"{name}.arrow", frame)
            categories[name] = {
                str(column): str(frame[column].cat.categories.dtype)
                for column in frame.columns
                if str(frame[column].dtype) == "category"
            }
        return {
            "format": CHECKED_FORMAT,
            "sha256": digests,
            "categories": categories,
            "report": _report_json(data.report),
            "present": sorted(data.present),
        }

    # A file rewritten with its old size and time leaves an entry that no longer
    # matches: this check replaces it.
    store.put(key.name, fill, replace=True)


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
