"""Row numbers exactly as Excel shows them, however the workbook was saved.

Excel writes a styled empty row (a title row with a custom height, a formatted blank
row) as a self-closing ``<row r="1" ht="30" customHeight="1"/>``; LibreOffice writes
empty rows with every attribute spelled out; some writers leave ``r`` out altogether.
Each workbook is written here as XML by hand where openpyxl cannot produce the variant,
and the header row, a problem's row and the row in ``rejected.csv`` are checked against
the number Excel shows beside the row.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from workbooks import inline, text_row, write_raw_ods, write_raw_xlsx, xml_row

from engagement_report import pipeline
from engagement_report.config import Config
from engagement_report.loading.xlsx import read_workbook

HEADER = ("received_at", "status", "topic")
GOOD = ("05.01.2021", "answered", "Roads")
BAD = ("not a date", "answered", "Roads")
LIBREOFFICE_EMPTY = (
    ' customFormat="false" ht="12.8" hidden="false" customHeight="false"'
    ' outlineLevel="0" collapsed="false"'
)


def rows(start: int, *, first_column: str = "A", attrs: str = "") -> str:
    """Header at row ``start``, a good row below it, then a row whose date is not one."""
    return "".join(
        text_row(start + i, *texts, first_column=first_column)
        for i, texts in enumerate((HEADER, GOOD, BAD))
    ).replace("<row r=", f"<row{attrs} r=")


# (sheet XML, dimension, header row as Excel shows it, the bad row as Excel shows it)
VARIANTS = {
    "excel title row with a custom height, self-closing": (
        xml_row(1, attrs=' spans="1:3" ht="30" customHeight="1"') + rows(2),
        "A1:C4",
        2,
        4,
    ),
    "excel formatted blank rows around a title": (
        xml_row(1, attrs=' spans="1:3" s="3" customFormat="1"')
        + xml_row(2, attrs=' spans="1:3" s="3" customFormat="1"')
        + text_row(3, "Обращения граждан, январь 2021")
        + xml_row(4, attrs=' ht="6" customHeight="1"')
        + rows(5, attrs=' spans="1:3"'),
        "A3:C7",
        5,
        7,
    ),
    "empty cells with styles above the header (Google Sheets, Excel)": (
        xml_row(1, '<c r="A1" s="1"/>', '<c r="B1" s="1"/>', '<c r="C1" s="1"/>')
        + xml_row(2, '<c r="A2" s="1"/>')
        + rows(3),
        "A1:C5",
        3,
        5,
    ),
    "libreoffice empty rows, a leading blank column, dimension not at A1": (
        f'<row r="1"{LIBREOFFICE_EMPTY}></row>'
        f'<row r="2"{LIBREOFFICE_EMPTY}></row>' + rows(3, first_column="B"),
        "B3:D5",
        3,
        5,
    ),
    "rows and cells without r attributes": (
        "<row/>"
        + "".join(
            xml_row(None, *(inline(None, text) for text in texts)) for texts in (HEADER, GOOD, BAD)
        ),
        "A1",
        2,
        4,
    ),
    "a self-closing blank row between header and data": (
        text_row(1, *HEADER)
        + xml_row(2, attrs=' ht="30" customHeight="1"')
        + text_row(3, *GOOD)
        + text_row(4, *BAD),
        "A1:C4",
        1,
        4,
    ),
}


def check_rows(path: Path, tmp_path: Path, header_row: int, bad_row: int) -> None:
    report = pipeline.check_inputs([path], Config(), cache=False)
    [account] = report.sources
    assert account.header_row == header_row
    [problem] = [p for p in report.problems if p.severity == "error"]
    assert (problem.row, problem.column, problem.value) == (bad_row, "received_at", "not a date")
    out = tmp_path / "out"
    pipeline.build([path], Config(), period="2021-01", out=out, cache=False)
    rejected = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    assert rejected["row"].tolist() == [str(bad_row)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_row_numbers_as_excel_shows_them(tmp_path: Path, variant: str) -> None:
    sheet_data, dimension, header_row, bad_row = VARIANTS[variant]
    path = write_raw_xlsx(tmp_path / "queries.xlsx", [("queries", sheet_data)], dimension=dimension)
    check_rows(path, tmp_path, header_row, bad_row)


def test_row_numbers_of_a_workbook_saved_by_openpyxl(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "queries"
    sheet.row_dimensions[1].height = 30  # a styled empty title row
    sheet["A2"].font = openpyxl.styles.Font(bold=True)  # an empty cell with a style
    for offset, texts in enumerate((HEADER, GOOD, BAD)):
        for column, text in enumerate(texts, start=2):
            sheet.cell(4 + offset, column, text)
    path = tmp_path / "queries.xlsx"
    workbook.save(path)
    check_rows(path, tmp_path, 4, 6)


def test_first_row_comes_from_the_reader(tmp_path: Path) -> None:
    """The reader's own positions: empty rows above the data are counted, not guessed."""
    path = write_raw_xlsx(
        tmp_path / "book.xlsx",
        [
            ("queries", xml_row(1) + xml_row(2, attrs=' ht="30" customHeight="1"') + rows(3)),
            ("empty", xml_row(1) + xml_row(2)),
        ],
    )
    queries, empty = read_workbook(path)
    assert (queries.first_row, queries.cells.shape) == (3, (3, 3))
    assert queries.cells.iloc[0].tolist() == list(HEADER)
    assert empty.cells.empty


def test_row_numbers_of_an_ods_spreadsheet(tmp_path: Path) -> None:
    """LibreOffice's own format: two repeated empty rows, then a blank first column."""

    def ods_row(*texts: str) -> str:
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell>"
            for text in texts
        )
        return f"<table:table-row><table:table-cell/>{cells}</table:table-row>"

    empty = '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
    path = write_raw_ods(
        tmp_path / "queries.ods",
        "queries",
        empty + "".join(ods_row(*texts) for texts in (HEADER, GOOD, BAD)),
    )
    check_rows(path, tmp_path, 3, 5)
