"""Which of a workbook's sheets are read, beyond what each sheet holds.

Offices copy a sheet before editing it and hide the copy ("Обращения (копия)"): read
as well, it would count every query twice. A hidden sheet is therefore left out (and
listed as skipped) when a visible sheet of the same workbook holds the same dataset;
``read_hidden_sheets = true`` in the config reads it anyway. Two sheets whose rows are
identical, wherever they come from, get a warning on the later one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from pathlib import Path

from engagement_report.config import Config
from engagement_report.models import SkippedSheet, SourceTable

HIDDEN_STATES = ("hidden", "veryHidden")
CHART_REASON = "a chart sheet (a chart on a sheet of its own, no cells)"


def drop_hidden_copies(
    path: Path, tables: list[SourceTable], states: dict[str, str], config: Config
) -> tuple[list[SourceTable], list[SkippedSheet]]:
    """The tables to read, and the hidden ones left out because a visible sheet of the
    workbook holds their dataset."""
    if config.read_hidden_sheets or not states:
        return tables, []
    visible: dict[str, str | None] = {}
    for table in tables:
        if states.get(table.sheet or "", "visible") not in HIDDEN_STATES:
            visible.setdefault(table.dataset, table.sheet)
    kept: list[SourceTable] = []
    skipped: list[SkippedSheet] = []
    for table in tables:
        holder = visible.get(table.dataset)
        if states.get(table.sheet or "", "visible") in HIDDEN_STATES and holder is not None:
            reason = (
                f"a hidden sheet, and the visible sheet {holder!r} holds {table.dataset} "
                "(read_hidden_sheets = true in the config reads hidden sheets too)"
            )
            skipped.append(SkippedSheet(path, table.sheet, reason))
        else:
            kept.append(table)
    return kept, skipped


def mark_identical(tables: Sequence[SourceTable]) -> list[SourceTable]:
    """``tables`` with a ``duplicate_sheet`` note on each one whose rows are identical to
    an earlier table's of the same dataset.

    Only tables of the same dataset and shape are compared (hashing a table's cells is
    not free), so the usual case costs nothing.
    """
    shapes: dict[tuple[str, tuple[int, int]], int] = {}
    for table in tables:
        key = (table.dataset, table.cells.shape)
        shapes[key] = shapes.get(key, 0) + 1
    seen: dict[tuple[str, str], SourceTable] = {}
    result = []
    for table in tables:
        key = (table.dataset, table.cells.shape)
        if shapes[key] < 2 or not len(table.cells):
            result.append(table)
            continue
        digest = (table.dataset, _digest(table))
        first = seen.setdefault(digest, table)
        if first is not table:
            note = (
                "duplicate_sheet",
                f"every row is identical to {first.label} (rows {_rows(first)}): a copy "
                "counts every row twice; remove one or leave it out of the inputs",
            )
            table = dataclasses.replace(table, notes=(*table.notes, note))
        result.append(table)
    return result


def _digest(table: SourceTable) -> str:
    import pandas as pd

    hashes = pd.util.hash_pandas_object(table.cells.astype("string"), index=False)
    return hashlib.blake2b(hashes.to_numpy().tobytes(), digest_size=16).hexdigest()


def _rows(table: SourceTable) -> str:
    numbers = table.row_numbers
    return f"{int(numbers.iloc[0])}-{int(numbers.iloc[-1])}"
