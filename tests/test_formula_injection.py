"""Cells a spreadsheet would run as formulas (``=cmd|' /C calc'!A0``) never reach a file a
spreadsheet opens as live formulas: summary CSV (``build`` and ``summary``, ``--excel``
too), ``rejected.csv`` with its header row, and the start kit's workbooks."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from engagement_report.cli import app
from engagement_report.safe_text import spreadsheet_cell

CALC = "=cmd|' /C calc'!A0"


def run(*args: str | Path) -> tuple[int, str, str]:
    cache = ["--no-cache"] if args[0] in ("build", "summary") else []
    result = CliRunner().invoke(app, [*map(str, args), *cache])
    assert isinstance(result.exception, SystemExit | None), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CALC, "'" + CALC),
        ("+1+A1", "'+1+A1"),
        ("-A1", "'-A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-5", "-5"),
        ("-1,5", "-1,5"),
        ("+3.25", "+3.25"),
        ("-1e5", "-1e5"),
        ("-", "'-"),
        ("Roads", "Roads"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_cell(text: str, expected: str) -> None:
    assert spreadsheet_cell(text) == expected


QUERIES = f"""\
    query_id,received_at,status,topic,channel
    1,05.01.2021,answered,"{CALC.replace('"', '""')}",@phone
    2,06.01.2021,answered,Roads,-5
    3,07.01.2021,answered,Roads,+A1
"""


def categories(csv_text: str, delimiter: str = ",") -> set[str]:
    rows = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")), delimiter=delimiter)
    return {row["category"] for row in rows if row["dimension"] != "total"}


@pytest.mark.parametrize("excel", [False, True])
def test_summary_csv_neutralises_category_labels(
    write_inputs: Callable[..., Path], excel: bool
) -> None:
    inputs = write_inputs(queries=QUERIES)
    code, stdout, stderr = run("summary", inputs, *(["--excel"] if excel else []))
    assert code == 0, stderr
    found = categories(stdout, ";" if excel else ",")
    assert {"'" + CALC, "'@phone", "'+A1", "-5", "Roads"} <= found
    assert not any(c.startswith(("=", "@", "+")) for c in found)


def test_wide_summary_neutralises_column_names_and_keeps_numbers(
    write_inputs: Callable[..., Path],
) -> None:
    inputs = write_inputs(queries=QUERIES)
    code, stdout, _ = run("summary", inputs, "--wide", "--excel")
    assert code == 0
    header, row = list(csv.reader(io.StringIO(stdout.lstrip("\ufeff")), delimiter=";"))
    assert f"queries.received.topic.{CALC}" in header  # starts with 'queries.': harmless
    assert not any(name.startswith(("=", "@", "+", "-")) for name in header)
    assert row[header.index("queries.received")] == "3"


def test_build_writes_neutral_summary_and_rejected_csv(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(
        queries=QUERIES,
        broadcasts="""\
        date,=HYPERLINK("http://x"),questions_answered
        05.01.2021,=1+2,-5
        06.01.2021,News,4
        """,
    )
    out = tmp_path / "out"
    code, _, stderr = run("build", inputs, "-o", out)
    assert code == 0, stderr
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    assert "'" + CALC in categories(summary)
    rows = list(csv.reader(io.StringIO((out / "rejected.csv").read_text(encoding="utf-8"))))
    header, rejected = rows[0], rows[1]
    assert '\'=HYPERLINK("http://x")' in header
    assert not any(cell.startswith(("=", "@", "+")) for cell in header)
    cells = dict(zip(header, rejected, strict=True))
    assert cells['\'=HYPERLINK("http://x")'] == "'=1+2"
    assert cells["questions_answered"] == "-5"  # a negative number stays a number


def test_init_writes_config_labels_as_text_not_formulas(tmp_path: Path) -> None:
    config = tmp_path / "office.toml"
    config.write_text(
        f'[topics]\nRoads = "{CALC}"\n"Parks" = "+Parks"\n',
        encoding="utf-8",
    )
    kit = tmp_path / "kit"
    code, _, stderr = run("init", kit, "-c", config)
    assert code == 0, stderr
    book = openpyxl.load_workbook(kit / "data" / "queries.xlsx")
    lists = next(sheet for sheet in book.worksheets if sheet.sheet_state == "hidden")
    cells = [cell for row in lists.iter_rows() for cell in row if cell.value is not None]
    labelled = {cell.value: cell for cell in cells}
    assert CALC in labelled and "+Parks" in labelled
    for value in (CALC, "+Parks"):
        assert labelled[value].data_type == "s"
        assert labelled[value].quotePrefix
