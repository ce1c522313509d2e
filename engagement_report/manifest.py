"""The run manifest (``manifest.json``): writing it, and reading it back checked.

``build`` writes ``manifest.json`` last, beside the reports: which tool and command
made them, for which period, from which input files (with their SHA-256), how every
source's rows were counted, every figure, and the SHA-256 of every file written. It is
the only place a time appears (``generated_at``): the reports carry only its day (in
the config's time zone), so two runs on the same inputs on one day give byte-identical
reports.

:mod:`engagement_report.run_diff` compares the manifests of two report folders.

Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from engagement_report import __version__
from engagement_report.errors import InputError
from engagement_report.export import SummaryRecord, Value
from engagement_report.hashing import SeenFile, file_digest
from engagement_report.models import SourceAccount, ValidationReport
from engagement_report.periods import Period

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "build_manifest",
    "file_sha256",
    "manifest_text",
    "read_manifest",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
TOOL_NAME = "engagement-report"

# Row accounting fields of a source, in the order they are reported.
ACCOUNT_FIELDS = ("read", "used", "duplicate", "blank", "total_rows", "rejected", "warnings")
FIGURE_KEYS = ("dataset", "metric", "dimension", "category")


# --- writing ------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file (memoised: a build hashes each input once)."""
    try:
        return file_digest(path)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read to record it in the manifest: {exc.strerror or exc}"
        ) from None


def _input_entry(item: Path | SeenFile) -> dict[str, object]:
    if isinstance(item, SeenFile):  # as it was read: the figures come from this content
        # A copy of a file at a URL is named by its URL: the copy is gone after the run.
        path = item.path
        return {"path": item.where, "name": path.name, "size": item.size, "sha256": item.sha256}
    path = Path(item)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read to record it in the manifest: {exc.strerror or exc}"
        ) from None
    return {"path": str(path), "name": path.name, "size": size, "sha256": file_sha256(path)}


def _source_entry(source: SourceAccount) -> dict[str, object]:
    return {
        "path": source.file,
        "name": Path(source.file).name,
        "sheet": source.sheet,
        "dataset": source.dataset,
        "rows": {
            "read": source.rows_read,
            "used": source.used,
            "duplicate": source.duplicate,
            "blank": source.blank,
            "total_rows": source.total_rows,
            "rejected": source.rejected,
        },
        "warnings": source.warnings,
    }


def _json_number(value: Value) -> Value:
    """JSON has no NaN or infinity: an undefined figure is null, as in summary.json."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def build_manifest(
    *,
    command: list[str],
    period: Period,
    inputs: Sequence[Path | SeenFile],
    report: ValidationReport,
    records: list[SummaryRecord],
    files: Mapping[str, str | bytes],
    generated_at: datetime,
) -> dict[str, Any]:
    """The run manifest as a JSON-ready mapping.

    ``inputs`` are the files read (as the build saw and hashed them, or paths as given,
    e.g. from ``discover_inputs``, hashed now),
    ``files`` the texts written into the report folder (``name → text``, exactly as
    ``write_files`` writes them: UTF-8, no newline translation). ``generated_at`` must
    carry a time zone.
    """
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError("generated_at needs a time zone (e.g. datetime.now(ZoneInfo(...)))")
    outputs = []
    for name in sorted(files):
        text = files[name]
        data = text.encode("utf-8") if isinstance(text, str) else text
        outputs.append(
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    return {
        "manifest_version": MANIFEST_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "command": [str(part) for part in command],
        "period": {
            "label": period.label,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "inputs": [_input_entry(item) for item in inputs],
        "sources": [_source_entry(source) for source in report.sources],
        "figures": [
            {
                "dataset": r.dataset,
                "metric": r.metric,
                "dimension": r.dimension,
                "category": r.category,
                "value": _json_number(r.value),
            }
            for r in records
        ],
        "outputs": outputs,
    }


def manifest_text(manifest: Mapping[str, Any]) -> str:
    """The manifest as JSON: 2-space indent, UTF-8 text kept as is, sorted keys, LF at the end.

    Lists keep their order (inputs as read, sources as read, figures in the summary
    contract's order, outputs by name).
    """
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- reading ------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a report folder; :class:`InputError` naming the folder if there is none."""
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise InputError(f"{folder}: no such report folder")
    if not path.is_file():
        raise InputError(
            f"{folder}: no {MANIFEST_NAME} in this report folder; rebuild it with "
            "'engagement-report build' (a build that did not finish leaves none)"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{folder}: cannot read {MANIFEST_NAME}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{folder}: {MANIFEST_NAME} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise InputError(f"{folder}: {MANIFEST_NAME} is not a run manifest (expected an object)")
    version = manifest.get("manifest_version", MANIFEST_VERSION)
    if not isinstance(version, int) or version > MANIFEST_VERSION:
        raise InputError(
            f"{folder}: {MANIFEST_NAME} has format version {version!r}, newer than this "
            f"engagement-report {__version__} reads ({MANIFEST_VERSION}); upgrade the tool"
        )
    for key, kind in (
        ("period", dict),
        ("inputs", list),
        ("sources", list),
        ("figures", list),
        ("tool", dict),
    ):
        if not isinstance(manifest.get(key), kind):
            raise InputError(
                f"{folder}: {MANIFEST_NAME} is not a run manifest (no valid {key!r} entry)"
            )
    for key in ("inputs", "sources", "figures"):
        if not all(isinstance(item, dict) for item in manifest[key]):
            raise InputError(f"{folder}: {MANIFEST_NAME} has a malformed {key!r} list")
    problem = _entry_problem(manifest)
    if problem is not None:
        raise InputError(
            f"{folder}: {MANIFEST_NAME} was altered by hand or damaged: {problem}; "
            "rebuild the report to get a manifest 'diff' can trust"
        )
    return manifest


def _is_count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _is_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _entry_problem(manifest: dict[str, Any]) -> str | None:
    """The first entry whose type is not what ``build`` writes, described; None if all are.

    ``diff`` does arithmetic on figures and sizes: a number typed as text, a NaN or a
    list where a count belongs must be refused by name, not fail half-way.
    """
    for key in ("label", "start", "end"):
        if not _is_text(manifest["period"].get(key)):
            return f"period.{key} is {manifest['period'][key]!r}, not text"
    if not _is_text(manifest.get("generated_at")):
        return f"generated_at is {manifest['generated_at']!r}, not text"
    for n, item in enumerate(manifest["inputs"]):
        for key, ok in (("name", _is_text), ("path", _is_text), ("sha256", _is_text)):
            if not ok(item.get(key)):
                return f"inputs[{n}].{key} is {item[key]!r}, not text"
        if not _is_count(item.get("size")):
            return f"inputs[{n}].size is {item['size']!r}, not a whole number"
    for n, item in enumerate(manifest["sources"]):
        for key in ("name", "path", "sheet", "dataset"):
            if not _is_text(item.get(key)):
                return f"sources[{n}].{key} is {item[key]!r}, not text"
        rows = {} if item.get("rows") is None else item["rows"]
        if not isinstance(rows, dict):
            return f"sources[{n}].rows is {rows!r}, not an object"
        for key in ACCOUNT_FIELDS:
            value = item.get(key) if key == "warnings" else rows.get(key)
            if not _is_count(value):
                return f"sources[{n}] {key} is {value!r}, not a whole number"
    for n, item in enumerate(manifest["figures"]):
        for key in FIGURE_KEYS:
            if not _is_text(item.get(key)):
                return f"figures[{n}].{key} is {item[key]!r}, not text"
        value = item.get("value")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if value is not None and not (number and math.isfinite(value)):
            return f"figures[{n}] ({item.get('dataset')} {item.get('metric')}) value is {value!r}, not a number"
    return None
