"""Plain records passed between the stages: load → validate → compute → render/export.

Frames travel inside these records; everything else is a plain value, so a
report, an export or a test can read a result without knowing how it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class SourceTable:
    """One sheet (or CSV, Parquet or JSON file) read as text cells, with where each row
    came from.

    ``cells`` has one string column per spreadsheet column right of the header
    row (named by position), and ``row_numbers`` gives each row's number as the
    spreadsheet shows it. For JSON (``unit == "record"``) the rows are records, numbered
    from 1 (within their page for a list of pages, the page being the row's sheet in
    ``row_sheets``), and ``header_row`` is 0: a JSON file has no header row.
    """

    file: Path
    sheet: str | None
    dataset: str
    header_row: int
    headers: tuple[str, ...]
    cells: pd.DataFrame
    row_numbers: pd.Series
    recognised_by: Literal["name", "header"] = "name"
    # what loading found about the table as a whole: (problem code, message) pairs,
    # reported by validation as warnings on the header row
    notes: tuple[tuple[str, str], ...] = ()
    # what row_numbers count: spreadsheet rows, or JSON records
    unit: Literal["row", "record"] = "row"
    # each row's sheet when rows of one table come from several (a JSON file's pages);
    # None: ``sheet`` for every row
    row_sheets: pd.Series | None = None
    # row position -> why that element of a JSON array is no record (a number, an array):
    # validation rejects those rows with the reason
    not_records: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``file`` or ``file [sheet]`` for messages."""
        return f"{self.file.name} [{self.sheet}]" if self.sheet else self.file.name


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet or file that was read but not recognised as any dataset."""

    file: Path
    sheet: str | None
    reason: str


@dataclass(frozen=True)
class LoadedInputs:
    """Everything the readers produced."""

    tables: tuple[SourceTable, ...]
    skipped: tuple[SkippedSheet, ...] = ()
    files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One finding about one cell (or row, or header) of an input."""

    code: str
    severity: Severity
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    # what ``row`` counts: a spreadsheet row, or a JSON record (``sheet``: its page)
    unit: str = "row"

    def as_dict(self) -> dict[str, object]:
        """The problem as a JSON-ready mapping."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "unit": self.unit,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }

    @property
    def position(self) -> str:
        """``row 7`` or ``record 7`` (with the column), as a person finds it."""
        at = f"{self.unit} {self.row}" if self.row is not None else ""
        column = f"column {self.column!r}" if self.column else ""
        return ", ".join(part for part in (at, column) if part)


@dataclass(frozen=True)
class SourceAccount:
    """Row accounting for one source: every row read is counted exactly once."""

    file: str
    sheet: str | None
    dataset: str
    header_row: int
    recognised_by: str
    mapping: dict[str, str]
    ignored_columns: tuple[str, ...]
    rows_read: int
    used: int
    duplicate: int
    blank: int
    total_rows: int
    rejected: int
    errors: int
    warnings: int
    problems_not_listed: int
    problem_counts: dict[str, int] = field(default_factory=dict)
    unit: str = "row"  # "record": a JSON file's records (header_row is then 0)


@dataclass(frozen=True)
class ValidationReport:
    """What validation found: accounting per source, problems, skipped sheets."""

    sources: tuple[SourceAccount, ...]
    problems: tuple[Problem, ...]
    skipped: tuple[SkippedSheet, ...] = ()

    @property
    def rejected(self) -> int:
        """Rows rejected over all sources."""
        return sum(s.rejected for s in self.sources)

    @property
    def warnings(self) -> int:
        """Warnings over all sources (listed or not)."""
        return sum(s.warnings for s in self.sources)

    @property
    def skipped_files(self) -> tuple[str, ...]:
        """Files of which nothing was read as a dataset (a workbook's extra sheets aside)."""
        read = {s.file for s in self.sources}
        files = dict.fromkeys(str(s.file) for s in self.skipped)
        return tuple(f for f in files if f not in read)


@dataclass(frozen=True)
class Extent:
    """The dates of the whole data when only part of it was read (an archive's months):
    what the report says of the data as a whole stays what the whole data says."""

    first: dict[str, date]  # per dataset: its earliest date received, aired or held
    last: date | None  # the latest such date of any dataset
    latest: date | None  # the latest date of any kind, answer dates too: the export's date


@dataclass(frozen=True)
class OpenBefore:
    """The queries received before ``since`` that were not read as rows (an archive's
    months long before the period, from the per-month counts its manifest keeps): all a
    backlog or the ages of open queries at a moment from ``since`` on count of them.

    A query is open from receipt until the moment it closed (``views.closing_moments``);
    received before ``since``, it is open at a later midnight exactly when it closed on
    that day or after, or never did.
    """

    since: date  # the counts hold for moments from this midnight on
    received: int  # dated queries received before ``since``
    latest_received: datetime | None  # the latest of their moments of receipt
    never: int  # of them, never closed
    closed_on: tuple[tuple[date, int], ...]  # of them, how many closed on each day >= since

    def open_at(self, midnight: date) -> int:
        """How many were still open at the start of ``midnight`` (on or after ``since``)."""
        if midnight < self.since:
            raise ValueError(f"counts of queries open before {self.since} are not kept")
        return self.never + sum(n for day, n in self.closed_on if day >= midnight)


@dataclass(frozen=True)
class CleanData:
    """Typed frames per dataset (provenance in ``_file``, ``_sheet``, ``_row``)."""

    queries: pd.DataFrame
    broadcasts: pd.DataFrame
    press_events: pd.DataFrame
    press_questions: pd.DataFrame  # the question log, one row per journalist question
    rejected_rows: pd.DataFrame
    report: ValidationReport
    present: frozenset[str] = field(default_factory=frozenset)
    extent: Extent | None = None  # None: the frames hold all the data
    # Queries received before the frames' rows, as counts (an archive read in part).
    open_before: OpenBefore | None = None

    def frame(self, dataset: str) -> pd.DataFrame:
        """The clean frame of ``dataset``."""
        frame: pd.DataFrame = getattr(self, dataset)
        return frame
