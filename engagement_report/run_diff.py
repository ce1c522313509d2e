"""Why two runs' figures differ: the comparison of two report folders' manifests.

:func:`diff_runs` answers "why did January's number change?": which input files changed,
which rows were counted differently (rejected, duplicate, blank…), and which figures moved
by how much. Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from engagement_report.export import Value, format_value
from engagement_report.manifest import ACCOUNT_FIELDS, FIGURE_KEYS, read_manifest

__all__ = [
    "FigureChange",
    "InputChange",
    "RunDiff",
    "SourceChange",
    "diff_dict",
    "diff_runs",
    "diff_text",
]

_FIELD_WORDS = {
    "dataset": "read as",
    "read": "rows read",
    "used": "used",
    "duplicate": "duplicate",
    "blank": "blank",
    "total_rows": "total rows",
    "rejected": "rejected",
    "warnings": "warnings",
}


# --- comparing ----------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    """A figure whose value differs; ``old`` or ``new`` is None when only one run has it."""

    dataset: str
    metric: str
    dimension: str
    category: str
    old: Value
    new: Value
    only_in: Literal["old", "new"] | None = None

    @property
    def change(self) -> float | int | None:
        """``new - old`` (rounded to 6 decimals), None unless both are numbers."""
        if self.old is None or self.new is None:
            return None
        diff = self.new - self.old
        return round(diff, 6) if isinstance(diff, float) else diff


@dataclass(frozen=True)
class InputChange:
    """An input file added, removed or changed (matched by file name, compared by SHA-256)."""

    name: str
    change: Literal["added", "removed", "changed"]
    old_size: int | None
    new_size: int | None


@dataclass(frozen=True)
class SourceChange:
    """One row-accounting number (or the dataset) of one file/sheet that differs.

    ``field`` is one of ``dataset``, ``read``, ``used``, ``duplicate``, ``blank``,
    ``total_rows``, ``rejected``, ``warnings``; ``old``/``new`` is None when the
    source is only in one run.
    """

    name: str
    sheet: str | None
    dataset: str
    field: str
    old: int | str | None
    new: int | str | None


@dataclass(frozen=True)
class RunDiff:
    """What differs between two runs' manifests."""

    old_dir: Path
    new_dir: Path
    old_period: str
    new_period: str
    period_changed: bool
    old_version: str
    new_version: str
    old_generated_at: str | None
    new_generated_at: str | None
    inputs: tuple[InputChange, ...]
    sources: tuple[SourceChange, ...]
    figures: tuple[FigureChange, ...]

    @property
    def version_changed(self) -> bool:
        return self.old_version != self.new_version

    @property
    def empty(self) -> bool:
        """True when the runs agree on period, tool version, inputs, accounting and figures."""
        return not (
            self.period_changed
            or self.version_changed
            or self.inputs
            or self.sources
            or self.figures
        )


def _keyed(items: Iterable[dict[str, Any]], key: Any) -> dict[Any, dict[str, Any]]:
    """Items by key; a key met again (two files of one name) gets a counter, in order."""
    out: dict[Any, dict[str, Any]] = {}
    for item in items:
        base = key(item)
        k, n = base, 1
        while k in out:
            n += 1
            k = (base, n)
        out[k] = item
    return out


def _input_name(item: dict[str, Any]) -> str:
    return str(item.get("name") or Path(str(item.get("path", ""))).name)


def _diff_inputs(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[InputChange]:
    before, after = _keyed(old, _input_name), _keyed(new, _input_name)
    changes: list[InputChange] = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        name = _input_name(b if b is not None else a)  # type: ignore[arg-type]
        if a is None and b is not None:
            changes.append(InputChange(name, "added", None, b.get("size")))
        elif b is None and a is not None:
            changes.append(InputChange(name, "removed", a.get("size"), None))
        elif a is not None and b is not None and a.get("sha256") != b.get("sha256"):
            changes.append(InputChange(name, "changed", a.get("size"), b.get("size")))
    return changes


def _account(source: dict[str, Any]) -> dict[str, Any]:
    rows = source.get("rows") or {}
    values = {f: rows.get(f) for f in ACCOUNT_FIELDS if f != "warnings"}
    values["warnings"] = source.get("warnings")
    return values


def _source_key(source: dict[str, Any]) -> tuple[str, str | None]:
    return _input_name(source), source.get("sheet")


def _diff_sources(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SourceChange]:
    before, after = _keyed(old, _source_key), _keyed(new, _source_key)
    changes: list[SourceChange] = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        present = b if b is not None else a
        assert present is not None
        name, sheet = _source_key(present)
        dataset = str(present.get("dataset", ""))
        if a is not None and b is not None:
            if a.get("dataset") != b.get("dataset"):
                changes.append(
                    SourceChange(
                        name, sheet, dataset, "dataset", a.get("dataset"), b.get("dataset")
                    )
                )
            old_values, new_values = _account(a), _account(b)
            changes += [
                SourceChange(name, sheet, dataset, f, old_values[f], new_values[f])
                for f in ACCOUNT_FIELDS
                if old_values[f] != new_values[f]
            ]
        else:
            values = _account(present)
            changes += [
                SourceChange(
                    name,
                    sheet,
                    dataset,
                    f,
                    values[f] if a is not None else None,
                    values[f] if b is not None else None,
                )
                for f in ACCOUNT_FIELDS
                if f == "read" or values[f]
            ]
    return changes


FigureKey = tuple[str, str, str, str]


def _figure_key(figure: dict[str, Any]) -> FigureKey:
    dataset, metric, dimension, category = (str(figure.get(k) or "") for k in FIGURE_KEYS)
    return dataset, metric, dimension, category


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=0.0, abs_tol=5e-7)  # both rounded to 6 decimals
    return bool(a == b)


def _diff_figures(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[FigureChange]:
    before = {_figure_key(f): f.get("value") for f in old}
    after = {_figure_key(f): f.get("value") for f in new}
    changes: list[FigureChange] = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in before and key in after:
            if not _same(before[key], after[key]):
                changes.append(FigureChange(*key, old=before[key], new=after[key]))
        elif key in after:
            changes.append(FigureChange(*key, old=None, new=after[key], only_in="new"))
        else:
            changes.append(FigureChange(*key, old=before[key], new=None, only_in="old"))
    return changes


def _period_label(manifest: dict[str, Any]) -> str:
    period = manifest["period"]
    label = period.get("label")
    return str(label) if label else f"{period.get('start')}..{period.get('end')}"


def diff_runs(old_dir: Path, new_dir: Path) -> RunDiff:
    """Compare the manifests of two report folders (:class:`InputError` if one has none)."""
    old, new = read_manifest(Path(old_dir)), read_manifest(Path(new_dir))
    old_period, new_period = old["period"], new["period"]
    period_changed = any(old_period.get(k) != new_period.get(k) for k in ("label", "start", "end"))
    return RunDiff(
        old_dir=Path(old_dir),
        new_dir=Path(new_dir),
        old_period=_period_label(old),
        new_period=_period_label(new),
        period_changed=period_changed,
        old_version=str(old["tool"].get("version", "")),
        new_version=str(new["tool"].get("version", "")),
        old_generated_at=old.get("generated_at"),
        new_generated_at=new.get("generated_at"),
        inputs=tuple(_diff_inputs(old["inputs"], new["inputs"])),
        sources=tuple(_diff_sources(old["sources"], new["sources"])),
        figures=tuple(_diff_figures(old["figures"], new["figures"])),
    )


# --- presenting ---------------------------------------------------------------------


def _size(value: int | None) -> str:
    return "?" if value is None else f"{value:,} bytes".replace(",", " ")


def _where(name: str, sheet: str | None) -> str:
    return f"{name} [{sheet}]" if sheet else name


def _signed(value: float | int) -> str:
    text = format_value(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _figure_name(f: FigureChange) -> str:
    name = f"{f.dataset} {f.metric}"
    if f.dimension != "total" or f.category:
        name += f" ({f.dimension}: {f.category})" if f.category else f" ({f.dimension})"
    return name


def _shown(value: Value) -> str:
    return "undefined" if value is None else format_value(value)


def _figure_line(f: FigureChange) -> str:
    if f.only_in == "new":
        return f"  {_figure_name(f)}: only in the new run, {_shown(f.new)}"
    if f.only_in == "old":
        return f"  {_figure_name(f)}: only in the old run, {_shown(f.old)}"
    line = f"  {_figure_name(f)}: {_shown(f.old)} → {_shown(f.new)}"
    change = f.change
    if change is not None:
        line += f" ({_signed(change)}"
        if f.metric.endswith("_share"):
            line += f", {_signed(round(change * 100, 1))} percentage points"
        line += ")"
    return line


def _source_lines(changes: Sequence[SourceChange]) -> list[str]:
    groups: dict[tuple[str, str | None], list[SourceChange]] = {}
    for change in changes:
        groups.setdefault((change.name, change.sheet), []).append(change)
    lines = []
    for (name, sheet), items in groups.items():
        where = _where(name, sheet)
        if all(c.old is None for c in items):
            parts = ", ".join(f"{c.new} {_FIELD_WORDS[c.field]}" for c in items)
            lines.append(f"  {where} ({items[0].dataset}): new source: {parts}")
        elif all(c.new is None for c in items):
            parts = ", ".join(f"{c.old} {_FIELD_WORDS[c.field]}" for c in items)
            lines.append(f"  {where} ({items[0].dataset}): no longer read (had {parts})")
        else:
            parts = ", ".join(f"{_FIELD_WORDS[c.field]} {c.old} → {c.new}" for c in items)
            lines.append(f"  {where} ({items[0].dataset}): {parts}")
    return lines


def diff_text(d: RunDiff) -> str:
    """A plain-text explanation: inputs first, then the row accounting, then the figures."""

    def stamp(generated: str | None, version: str) -> str:
        return f"engagement-report {version}" + (f", {generated}" if generated else "")

    lines = [
        f"Old run: {d.old_dir} ({d.old_period}; {stamp(d.old_generated_at, d.old_version)})",
        f"New run: {d.new_dir} ({d.new_period}; {stamp(d.new_generated_at, d.new_version)})",
    ]
    if d.period_changed:
        lines.append(
            f"Note: the runs cover different periods ({d.old_period} and {d.new_period}); "
            "their figures describe different spans of time."
        )
    if d.version_changed:
        lines.append(
            f"Note: the tool changed ({d.old_version} → {d.new_version}); "
            "how figures are calculated may have changed too."
        )
    lines += ["", "Inputs:"]
    if d.inputs:
        for i in d.inputs:
            if i.change == "added":
                lines.append(f"  {i.name}: added ({_size(i.new_size)})")
            elif i.change == "removed":
                lines.append(f"  {i.name}: removed (was {_size(i.old_size)})")
            else:
                lines.append(f"  {i.name}: changed ({_size(i.old_size)} → {_size(i.new_size)})")
    else:
        lines.append("  no input file changed")
    lines += ["", "Rows read, used and excluded:"]
    lines += _source_lines(d.sources) or ["  no change in how rows were counted"]
    lines += ["", "Figures:"]
    lines += [_figure_line(f) for f in d.figures] or ["  no figure changed"]
    return "\n".join(lines) + "\n"


def diff_dict(d: RunDiff) -> dict[str, Any]:
    """The difference as a JSON-ready mapping (``--format json``)."""
    return {
        "old": {
            "folder": str(d.old_dir),
            "period": d.old_period,
            "version": d.old_version,
            "generated_at": d.old_generated_at,
        },
        "new": {
            "folder": str(d.new_dir),
            "period": d.new_period,
            "version": d.new_version,
            "generated_at": d.new_generated_at,
        },
        "period_changed": d.period_changed,
        "version_changed": d.version_changed,
        "empty": d.empty,
        "inputs": [asdict(i) for i in d.inputs],
        "sources": [asdict(s) for s in d.sources],
        "figures": [{**asdict(f), "change": f.change} for f in d.figures],
    }
