"""Collecting problems as data: every failing cell counted, the first ones listed.

A million-row sheet with one systematic mistake must not produce a million
objects, so each check hands over a boolean mask; the collector counts every
hit and turns only the first ``limit`` of a source into :class:`Problem` records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engagement_report.models import Problem, Severity
from engagement_report.problem_types import problem_type

PROBLEMS_LISTED_PER_SOURCE = 100


@dataclass
class ProblemCollector:
    """Problems of one source (file + sheet)."""

    file: str
    sheet: str | None
    row_numbers: pd.Series
    limit: int = PROBLEMS_LISTED_PER_SOURCE
    unit: str = "row"  # what row_numbers count ("record": a JSON file's records)
    # each row's sheet where a table's rows come from several (a JSON file's pages)
    row_sheets: pd.Series | None = None
    problems: list[Problem] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    not_listed: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    # per row: the first error's column and message, for rejected.csv (None: no error)
    reject_column: np.ndarray | None = None
    reject_reason: np.ndarray | None = None
    _rejected: np.ndarray | None = None

    def add(
        self,
        mask: pd.Series,
        code: str,
        severity: Severity,
        column: str | None,
        values: pd.Series | None,
        message: str,
    ) -> None:
        """Record ``code`` for every row where ``mask`` is true.

        ``message`` may hold ``{value}``, filled in with the row's cell text.
        """
        problem_type(code)  # every code is catalogued (and so documented)
        mask = mask.fillna(False).astype(bool)
        hits = int(mask.sum())
        if not hits:
            return
        self.by_code[code] = self.by_code.get(code, 0) + hits
        if severity == "error":
            self.errors += hits
            self._note_rejection(mask, column, message, values)
        else:
            self.warnings += hits
        room = max(self.limit - len(self.problems), 0)
        positions = np.flatnonzero(mask.to_numpy())
        for position in positions[:room]:
            value = None if values is None else values.iloc[position]
            text = None if value is None or pd.isna(value) else str(value)
            self.problems.append(
                Problem(
                    code=code,
                    severity=severity,
                    file=self.file,
                    sheet=self.sheet_of(position),
                    row=int(self.row_numbers.iloc[position]),
                    column=column,
                    value=text,
                    # Not str.format: the message quotes the file's header, which may hold braces.
                    message=message.replace("{value}", text if text is not None else "", 1),
                    unit=self.unit,
                )
            )
        self.not_listed += max(hits - room, 0)

    def sheet_of(self, position: int) -> str | None:
        """The sheet of the row at ``position`` (a JSON file's page, say)."""
        if self.row_sheets is None:
            return self.sheet
        return str(self.row_sheets.iloc[position])

    def add_header_warning(
        self, row: int | None, code: str, column: str | None, value: str | None, message: str
    ) -> None:
        """Record a warning about the table as a whole, placed on its header row (None:
        the table has none, as a JSON file)."""
        problem_type(code)
        self.by_code[code] = self.by_code.get(code, 0) + 1
        self.warnings += 1
        if len(self.problems) >= self.limit:
            self.not_listed += 1
            return
        self.problems.append(
            Problem(code, "warning", self.file, self.sheet, row, column, value, message, self.unit)
        )

    def _note_rejection(
        self, mask: pd.Series, column: str | None, message: str, values: pd.Series | None
    ) -> None:
        # Plain arrays written at the new rows' positions: a million-row Series of NA
        # updated through .loc costs a copy of the whole column per check.
        if self._rejected is None:
            rows = len(mask)
            self._rejected = np.zeros(rows, dtype=bool)
            self.reject_reason = np.full(rows, None, dtype=object)
            self.reject_column = np.full(rows, None, dtype=object)
        assert self.reject_reason is not None and self.reject_column is not None
        fresh = np.flatnonzero(mask.to_numpy(dtype=bool) & ~self._rejected)
        if not len(fresh):
            return
        self._rejected[fresh] = True
        if "{value}" in message and values is not None:
            texts = values.iloc[fresh].astype("string").fillna("")
            head, _, tail = message.partition("{value}")
            self.reject_reason[fresh] = (head + texts + tail).to_numpy(dtype=object)
        else:
            self.reject_reason[fresh] = message
        self.reject_column[fresh] = column

    @property
    def rejected_mask(self) -> pd.Series:
        """Rows with at least one error."""
        if self._rejected is None:
            return pd.Series(False, index=self.row_numbers.index)
        return pd.Series(self._rejected.copy(), index=self.row_numbers.index)
