"""Building xlsx fixtures in tests (no committed binaries): one helper for every test file."""

from __future__ import annotations

from pathlib import Path

import openpyxl

Rows = list[list[object]]


def write_xlsx(path: Path, sheets: dict[str, Rows], merge: dict[str, str] | None = None) -> Path:
    """A workbook with one sheet per item; ``None`` cells stay empty, rows are 1-based."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
        if merge and name in merge:
            sheet.merge_cells(merge[name])
    workbook.save(path)
    return path
