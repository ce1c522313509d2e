"""Checking one source table: header mapping, typed values, problems, accounting.

Every check is a vectorised mask over the whole table; a row is rejected by
its first error, and every row ends in exactly one of: used, duplicate
(decided later, across sources), blank, total row, rejected.

A million-row sheet is checked without a Python loop over its rows: each column is
stripped (or, for statuses and categories, dictionary-encoded) once, in Arrow, and
whatever needs Python — folding a status, tidying a label — runs on the distinct values
only. Columns that arrive typed (dates, numbers and dictionaries from Parquet) are taken
as they are; text goes through the parsers of :mod:`.values`.

The columns are prepared by :mod:`.prepare` (stripped or encoded, dates parsed, ids
encoded), read through :mod:`.cells` and checked by :mod:`.columns`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from engagement_report.config import Config
from engagement_report.loading.discover import CSV_SUFFIXES
from engagement_report.loading.headers import match_headers
from engagement_report.models import SourceTable
from engagement_report.schema import (
    COLUMNS,
)
from engagement_report.validation import accountable
from engagement_report.validation.cells import Cells
from engagement_report.validation.columns import (
    NOT_STATED,
    ambiguous_order,
    category_column,
    count_column,
    date_column,
    missing_text,
    query_rules,
    raw_cells,
    status_column,
    status_lookup,
)
from engagement_report.validation.dates import AMBIGUOUS
from engagement_report.validation.marks import mark_column
from engagement_report.validation.prepare import ASCENDING, prepare
from engagement_report.validation.problems import ProblemCollector

__all__ = ["NOT_STATED", "CheckedTable", "check_table", "status_lookup"]


@dataclass
class CheckedTable:
    """One source after checking: typed values for every row plus its masks."""

    source: SourceTable
    frame: pd.DataFrame  # canonical, typed columns + _file, _sheet, _row
    mapping: dict[str, str]
    ignored: tuple[str, ...]
    blank: pd.Series
    total: pd.Series
    problems: ProblemCollector
    # Queries: the stripped ids dictionary-encoded (row order), for finding repeats...
    query_ids: pa.DictionaryArray | None = None
    # ... or, when the ids never decrease down the table, nothing: repeats are neighbours.
    ids_ascending: bool = False
    # Positions of personal columns (applicant key, address): never shown in clear.
    private: tuple[int, ...] = ()

    @property
    def rejected(self) -> pd.Series:
        """Rows with an error (blank and total rows are never checked, so never here)."""
        return self.problems.rejected_mask

    @property
    def usable(self) -> pd.Series:
        """Rows that may be used (before duplicates are decided)."""
        return ~(self.blank | self.total | self.rejected)


def check_table(source: SourceTable, config: Config) -> CheckedTable:
    """Map headers, type every value and collect problems for one source."""
    match = match_headers(source.headers, source.dataset, config)
    n = len(source.cells)
    index = pd.RangeIndex(n)
    cells = source.cells.set_axis(index, axis=0)
    kinds = {spec.name: spec.kind for spec in COLUMNS[source.dataset]}
    encode = frozenset(
        position
        for name, position in match.mapping.items()
        if kinds.get(name) in ("status", "category") and position < cells.shape[1]
    )
    wanted = frozenset(p for p in match.mapping.values() if p < cells.shape[1]) - encode
    table = Cells(cells, encode, wanted | {0})  # column 0: where total rows say so
    sheets = None if source.row_sheets is None else source.row_sheets.set_axis(index)
    problems = ProblemCollector(
        str(source.file),
        source.sheet,
        source.row_numbers.set_axis(index),
        unit=source.unit,
        row_sheets=sheets,
    )
    header_row = source.header_row if source.unit == "row" else None
    for code, message in source.notes:
        problems.add_header_warning(header_row, code, None, None, message)
    _warn_second_headers(source, cells, match.also, match.mapping, problems)
    _warn_extra_cells(source, cells, problems)
    # Each column is stripped or encoded once, before anything reads it, the date
    # columns' text parsed and the ids encoded (two columns at a time on a large table).
    id_position = match.mapping.get("query_id")
    if source.dataset != "queries" or id_position is None or id_position >= cells.shape[1]:
        id_position = None
    parsed_dates, encoded_ids = prepare(table, source.dataset, match.mapping, config, id_position)
    query_ids = encoded_ids if isinstance(encoded_ids, pa.DictionaryArray) else None
    blank_rows = table.blank()
    total = table.total_rows() & ~blank_rows
    live_rows = ~(blank_rows | total)
    if source.not_records:
        # An element of a JSON array that is no record has no cells, yet is no blank row:
        # it is rejected with what it is, and checked no further.
        not_records = _not_records(source, problems)
        blank_rows = blank_rows & ~not_records
        live_rows = live_rows & ~not_records
    blank = pd.Series(blank_rows, index=index)
    live = pd.Series(live_rows, index=index)

    mapping = {name: source.headers[pos] for name, pos in match.mapping.items()}
    columns: dict[str, pd.Series] = {}
    timed: dict[str, np.ndarray] = {}
    said_ambiguous = False  # a file's ambiguous slashed dates are said once

    def position_of(name: str) -> int | None:
        position = match.mapping.get(name)
        return None if position is None or position >= cells.shape[1] else position

    for spec in COLUMNS[source.dataset]:
        position = position_of(spec.name)
        header = mapping.get(spec.name, spec.name)
        if spec.kind == "date":
            dates = date_column(
                table,
                position,
                index,
                header,
                spec.required,
                live,
                config,
                problems,
                parsed_dates.get(position) if position is not None else None,
                spec.name,
            )
            columns[spec.name], timed[spec.name] = dates.values, dates.timed
            if position is not None and dates.reading == AMBIGUOUS and not said_ambiguous:
                ambiguous_order(dates, header, raw_cells(table, position), live, problems)
                said_ambiguous = True
        elif spec.kind == "count":
            columns[spec.name] = count_column(
                table,
                position,
                index,
                header,
                spec.required and not spec.blank_unknown,
                live,
                problems,
            )
        elif spec.kind == "status":
            columns[spec.name] = status_column(
                table, position, index, header, live, config, problems
            )
        elif spec.kind == "category":
            columns[spec.name] = category_column(
                table, position, index, spec.name, header, live, config, problems
            )
        elif spec.kind in accountable.KINDS:
            columns[spec.name] = accountable.check_column(
                spec.kind, spec.name, table, position, index, header, live, config, problems
            )
        elif spec.kind == "mark":
            columns[spec.name] = mark_column(table, position, index, config)
        elif position is None:
            columns[spec.name] = missing_text(index)
        else:
            text = pd.arrays.ArrowStringArray(table.text(position))
            columns[spec.name] = pd.Series(text, index=index, dtype=pd.StringDtype("pyarrow"))

    # copy=False: the columns stay their own blocks (pandas would otherwise copy the four
    # date columns into one, 32 MB at a million rows); copy-on-write keeps them safe.
    frame = pd.DataFrame(columns, index=index, copy=False)
    if source.dataset == "queries":
        query_rules(
            frame, mapping, live & ~problems.rejected_mask, problems, timed, config.timezone
        )

    frame["_file"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([str(source.file)], dtype=object)
    )
    if source.row_sheets is not None:
        frame["_sheet"] = pd.Categorical(source.row_sheets.to_numpy())
    else:
        frame["_sheet"] = pd.Categorical.from_codes(
            np.zeros(n, dtype=np.int8), categories=pd.Index([source.sheet or ""], dtype=object)
        )
    frame["_row"] = source.row_numbers.to_numpy()
    return CheckedTable(
        source,
        frame,
        mapping,
        match.ignored,
        blank,
        pd.Series(total),
        problems,
        query_ids,
        ids_ascending=encoded_ids is ASCENDING,
        private=tuple(
            position
            for name, position in match.mapping.items()
            if name in accountable.PRIVATE_COLUMNS and source.dataset == "queries"
        ),
    )


def _not_records(source: SourceTable, problems: ProblemCollector) -> np.ndarray:
    """Reject each element of a JSON array that is no record (an object of fields)."""
    n = len(source.cells)
    mask = np.zeros(n, dtype=bool)
    positions = np.fromiter(source.not_records, dtype=np.int64, count=len(source.not_records))
    mask[positions] = True
    values = pd.Series(pd.NA, index=pd.RangeIndex(n), dtype="string")
    values.iloc[positions] = list(source.not_records.values())
    problems.add(
        pd.Series(mask),
        "not_a_record",
        "error",
        None,
        values,
        "this element of the records array is {value}, not a record (an object of named "
        "fields): it cannot be read; fix the export",
    )
    return mask


def _warn_second_headers(
    source: SourceTable,
    cells: pd.DataFrame,
    also: dict[str, tuple[int, ...]],
    mapping: dict[str, int],
    problems: ProblemCollector,
) -> None:
    """A ``duplicate_column`` warning for each further header of a column whose values
    differ from those of the header that is read (an identical copy changes nothing)."""
    width = cells.shape[1]
    for column, positions in also.items():
        read = mapping[column]
        if read >= width:
            continue
        kept = cells[read].astype("string").str.strip()
        for position in positions:
            if position >= width:
                continue
            other = cells[position].astype("string").str.strip()
            same = (kept == other).fillna(False) | (kept.isna() & other.isna())
            differ = np.flatnonzero(~same.to_numpy(dtype=bool))
            if not len(differ):
                continue
            first = differ[0]
            row = int(source.row_numbers.iloc[first])
            read_header, other_header = source.headers[read], source.headers[position]
            if column in accountable.PRIVATE_COLUMNS:
                problems.add_header_warning(
                    source.header_row,
                    "duplicate_column",
                    column,
                    f"{read_header} | {other_header}",
                    f"two columns are read as {column}: {read_header!r} and {other_header!r}; "
                    f"their values differ in {len(differ)} row(s) (first at row {row}; "
                    f"personal data, not shown). Only {read_header!r} is read; remove or "
                    f"rename the other, or name the one to read under "
                    f"[columns.{source.dataset}] in the config",
                )
                continue
            problems.add_header_warning(
                source.header_row if source.unit == "row" else None,
                "duplicate_column",
                column,
                f"{read_header} | {other_header}",
                f"two columns are read as {column}: {read_header!r} and {other_header!r}; "
                f"their values differ in {len(differ)} {source.unit}(s) (first at {source.unit} {row}: "
                f"{_text(kept.iloc[first])!r} and {_text(other.iloc[first])!r}). Only "
                f"{read_header!r} is read; remove or rename the other, or name the one "
                f"to read under [columns.{source.dataset}] in the config",
            )


def _warn_extra_cells(source: SourceTable, cells: pd.DataFrame, problems: ProblemCollector) -> None:
    """An ``extra_cells`` warning for each CSV row with cells past the last header: a
    delimiter inside an unquoted value makes one, and shifts the cells after it."""
    if source.file.suffix.lower() not in CSV_SUFFIXES:
        return
    named = [i for i, header in enumerate(source.headers) if header]
    span = named[-1] + 1 if named else 0
    if cells.shape[1] <= span:
        return
    extra = cells.iloc[:, span:].astype("string")
    filled = extra.apply(lambda column: column.str.strip().fillna("") != "")
    mask = filled.any(axis=1)
    if not mask.any():
        return
    values = pd.Series(pd.NA, index=cells.index, dtype="string")
    for position in np.flatnonzero(mask.to_numpy()):
        row = extra.iloc[position]
        values.iloc[position] = " | ".join(
            str(value).strip()
            for value, keep in zip(row, filled.iloc[position], strict=True)
            if keep
        )
    problems.add(
        mask,
        "extra_cells",
        "warning",
        None,
        values,
        "the row has more cells than the header row names; past the last header: {value} "
        "(not read). A delimiter inside an unquoted value shifts the cells after it: "
        "check this row",
    )


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value)
