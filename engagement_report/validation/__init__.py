"""Validate: text tables → typed, clean frames plus a report of problems as data.

Nothing here prints. Every row read is accounted for exactly once as used,
duplicate, blank, total row or rejected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from engagement_report.config import Config
from engagement_report.models import (
    CleanData,
    LoadedInputs,
    Problem,
    SourceAccount,
    ValidationReport,
)
from engagement_report.schema import COLUMNS, DATASETS
from engagement_report.validation.accountable import HIDDEN
from engagement_report.validation.labels import merge_letter_case
from engagement_report.validation.prepare import ascending
from engagement_report.validation.press_log import check_question_counts
from engagement_report.validation.rows import NOT_STATED, CheckedTable, check_table
from engagement_report.validation.text import arrow_strings

__all__ = ["NOT_STATED", "validate"]

PROVENANCE = ["_file", "_sheet", "_row"]
# What the query rules add (validation.columns.query_rules): whether and how long a query
# took to answer, and which answer dates and deadlines carry a time of day.
QUERY_RULE_COLUMNS = ["response_ok", "response_days", "answered_timed", "deadline_timed"]


def validate(loaded: LoadedInputs, config: Config) -> CleanData:
    """Check every loaded table and return clean frames with the validation report."""
    checked = [check_table(table, config) for table in loaded.tables]
    duplicates = _duplicate_masks(checked)
    frames: dict[str, list[pd.DataFrame]] = {d: [] for d in DATASETS}
    accounts: list[SourceAccount] = []
    problems: list[Problem] = []
    rejected_parts: list[pd.DataFrame] = []
    for item, duplicate in zip(checked, duplicates, strict=True):
        used = item.usable & ~duplicate
        keep = used.to_numpy()
        frames[item.source.dataset].append(item.frame if keep.all() else _rows(item.frame, keep))
        collector = item.problems
        problems.extend(collector.problems)
        rejected = item.rejected
        accounts.append(
            SourceAccount(
                file=str(item.source.file),
                sheet=item.source.sheet,
                dataset=item.source.dataset,
                header_row=item.source.header_row,
                recognised_by=item.source.recognised_by,
                mapping=item.mapping,
                ignored_columns=item.ignored,
                rows_read=len(item.frame),
                used=int(used.sum()),
                duplicate=int(duplicate.sum()),
                blank=int(item.blank.sum()),
                total_rows=int(item.total.sum()),
                rejected=int(rejected.sum()),
                errors=collector.errors,
                warnings=collector.warnings,
                problems_not_listed=collector.not_listed,
                problem_counts=dict(collector.by_code),
                unit=item.source.unit,
            )
        )
        if rejected.any():
            rejected_parts.append(_rejected_rows(item))
    clean = {d: _concat(frames[d], d) for d in DATASETS}
    report = check_question_counts(
        ValidationReport(tuple(accounts), tuple(problems), loaded.skipped),
        clean["press_events"],
        clean["press_questions"],
    )
    rejected_rows = (
        pd.concat(rejected_parts, ignore_index=True)
        if rejected_parts
        else pd.DataFrame(columns=["file", "sheet", "row", "column", "reason"])
    )
    return CleanData(
        queries=clean["queries"],
        broadcasts=clean["broadcasts"],
        press_events=clean["press_events"],
        press_questions=clean["press_questions"],
        rejected_rows=rejected_rows,
        report=report,
        present=frozenset(t.source.dataset for t in checked),
    )


def _rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` where ``keep`` is set, on a new index (``_concat`` gives one
    anyway): each column's own array filtered by the mask, cheaper than the frame's
    row-by-row take, as pandas' ``frame[keep]`` does it."""
    return pd.DataFrame({name: frame[name].array[keep] for name in frame.columns}, copy=False)


def _duplicate_masks(checked: Sequence[CheckedTable]) -> list[pd.Series]:
    """Queries sharing an id: the last usable row (in input order) wins, the rest are duplicates."""
    masks = [np.zeros(len(item.frame), dtype=bool) for item in checked]
    sources: list[int] = []
    positions: list[np.ndarray] = []  # each source's usable rows that have an id
    for number, item in enumerate(checked):
        if item.source.dataset == "queries":
            sources.append(number)
            positions.append(np.flatnonzero(item.usable & item.frame["query_id"].notna()))
    if sources:
        # Ids become integer codes once (in Arrow); finding the repeats is then cheap.
        repeated: np.ndarray | None = None
        first = checked[sources[0]]
        encoded = first.query_ids
        if len(sources) == 1 and first.ids_ascending:
            # One registry whose ids (total rows aside) never decrease: in the usable rows
            # each id's rows are then neighbours, and all but the last are repeats. The
            # order is confirmed on those rows (a usable row may hold an id such as
            # "Итого" that the first look set aside).
            ids = arrow_strings(first.frame["query_id"])
            if len(positions[0]) != len(ids):
                ids = ids.take(pa.array(positions[0]))
            if ascending(ids):
                repeated = _repeated_neighbours(ids)
            else:
                codes = _codes(ids)
        elif len(sources) == 1 and encoded is not None:
            # One registry (the usual case): its ids were encoded while it was checked.
            codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))[positions[0]]
        else:
            # The frame's ids are stripped text already (check_table made them).
            ids = [
                arrow_strings(checked[number].frame["query_id"])
                .take(pa.array(where))
                .cast(pa.large_string())
                for number, where in zip(sources, positions, strict=True)
            ]
            codes = _codes(pa.chunked_array(ids, pa.large_string()).combine_chunks())
        if repeated is None:
            repeated = pd.Series(codes).duplicated(keep="last").to_numpy()
        start = 0
        for number, where in zip(sources, positions, strict=True):
            masks[number][where[repeated[start : start + len(where)]]] = True
            start += len(where)
    return [
        pd.Series(mask, index=item.frame.index) for mask, item in zip(masks, checked, strict=True)
    ]


def _codes(ids: pa.Array) -> np.ndarray:
    """One integer code per distinct id."""
    return np.asarray(pc.dictionary_encode(ids).indices)


def _repeated_neighbours(ids: pa.Array) -> np.ndarray:
    """Ids in an order where equal ones are neighbours (:func:`ascending`): each but the
    last of a run of equal ids is a repeat, as ``duplicated(keep="last")`` finds them."""
    if len(ids) < 2:
        return np.zeros(len(ids), dtype=bool)
    same = np.asarray(pc.equal(ids[:-1], ids[1:]).to_numpy(zero_copy_only=False), dtype=bool)
    return np.append(same, False)


def empty_frame(dataset: str) -> pd.DataFrame:
    """The clean frame of ``dataset`` without rows: its columns with their types."""
    return _concat([], dataset)


def _concat(parts: list[pd.DataFrame], dataset: str) -> pd.DataFrame:
    columns = [c.name for c in COLUMNS[dataset]]
    if dataset == "queries":
        columns += QUERY_RULE_COLUMNS
    columns += PROVENANCE
    if not parts:
        empty = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
        for spec in COLUMNS[dataset]:
            if spec.kind == "date":
                empty[spec.name] = pd.Series(dtype="datetime64[ns]")
            elif spec.kind == "count":
                empty[spec.name] = pd.Series(dtype="Int64")
            elif spec.kind in ("status", "category", "outcome"):
                empty[spec.name] = pd.Series(pd.Categorical([], categories=[]))
            elif spec.kind == "rating":
                empty[spec.name] = pd.Series(dtype=float)
            elif spec.kind == "mark":
                empty[spec.name] = pd.Series(dtype="boolean")
            else:
                empty[spec.name] = pd.Series(dtype="string")
        if dataset == "queries":
            empty["response_ok"] = pd.Series(dtype=bool)
            empty["response_days"] = pd.Series(dtype=float)
            empty["answered_timed"] = pd.Series(dtype=bool)
            empty["deadline_timed"] = pd.Series(dtype=bool)
        empty["_file"] = pd.Series(pd.Categorical([], categories=[]))
        empty["_sheet"] = pd.Series(pd.Categorical([], categories=[]))
        empty["_row"] = pd.Series(dtype=np.int64)
        return empty
    if len(parts) == 1:
        frame = parts[0][columns].reset_index(drop=True)
    else:
        # Categorical columns of several sources are joined over the union of their
        # categories (pd.concat would fall back to strings for differing ones).
        joined = {}
        for column in columns:
            pieces = [p[column] for p in parts]
            if all(isinstance(piece.dtype, pd.CategoricalDtype) for piece in pieces):
                joined[column] = pd.Series(union_categoricals(pieces, ignore_order=True))
            else:
                joined[column] = pd.concat(pieces, ignore_index=True)
        frame = pd.DataFrame(joined)
        # "roads" in January's file and "Roads" in February's are one category, as
        # within one file (each file's own spellings were merged as it was read).
        for spec in COLUMNS[dataset]:
            if spec.kind == "category":
                frame[spec.name] = merge_letter_case(frame[spec.name])
    for column in columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = _drop_unused(frame[column])
    return frame


def _drop_unused(values: pd.Series) -> pd.Series:
    """The categorical without categories no row holds (rows of rejected and blank rows)."""
    codes = np.asarray(values.cat.codes)
    categories = values.cat.categories
    seen = np.zeros(len(categories) + 1, dtype=bool)
    seen[codes] = True  # a missing row's code, -1, marks the extra last place
    used = seen[:-1]
    if used.all():
        return values
    recode = np.append(np.cumsum(used) - 1, -1)  # old code -> new code; -1 stays -1
    return pd.Series(
        pd.Categorical.from_codes(recode[codes], categories=categories[used]),
        index=values.index,
        name=values.name,
    )


def _rejected_rows(item: CheckedTable) -> pd.DataFrame:
    mask = item.rejected.to_numpy()
    collector = item.problems
    assert collector.reject_reason is not None and collector.reject_column is not None
    sheets = item.source.row_sheets
    head = pd.DataFrame(
        {
            "file": str(item.source.file),
            "sheet": item.source.sheet or ""
            if sheets is None
            else sheets.astype(str).to_numpy(dtype=object)[mask],
            "row": item.source.row_numbers.to_numpy()[mask],
            "column": pd.array(collector.reject_column[mask], dtype="string"),
            "reason": pd.array(collector.reject_reason[mask], dtype="string"),
        }
    )
    cells = item.source.cells.iloc[mask].reset_index(drop=True)
    for position in item.private:  # personal data never leaves in clear
        if position < cells.shape[1]:
            filled = cells.iloc[:, position].notna()
            cells.iloc[:, position] = cells.iloc[:, position].astype(object).mask(filled, HIDDEN)
    names = [h or f"column {i + 1}" for i, h in enumerate(item.source.headers)]
    names += [f"column {i + 1}" for i in range(len(names), cells.shape[1])]
    cells.columns = names[: cells.shape[1]]
    return pd.concat([head, cells.astype("string")], axis=1)
