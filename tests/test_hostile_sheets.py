"""Sheets and columns that would count rows twice or pick one of two answers in silence.

Hidden copy sheets, identical sheets, chart sheets, two headers naming one column
(issue 19). Workbooks are written as XML by hand (openpyxl cannot write a chartsheet).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from workbooks import text_row, write_raw_xlsx, write_xlsx

from engagement_report import pipeline
from engagement_report.config import Config, parse_config
from engagement_report.errors import ConfigError

HEADER = ("received_at", "status", "topic")
QUERIES = [
    ("05.01.2021", "answered", "Roads"),
    ("06.01.2021", "answered", "Heating"),
    ("07.01.2021", "in progress", "Roads"),
]


def sheet_xml(rows: list[tuple[str, ...]]) -> str:
    return "".join(text_row(number, *row) for number, row in enumerate([HEADER, *rows], 1))


def received(path: Path, config: Config | None = None) -> int:
    data = pipeline.load_and_validate([path], config or Config(), cache=False)
    return len(data.queries)


def test_a_hidden_copy_sheet_is_not_counted_twice(tmp_path: Path) -> None:
    path = write_raw_xlsx(
        tmp_path / "отчёт.xlsx",
        [("Обращения", sheet_xml(QUERIES)), ("Обращения (копия)", sheet_xml(QUERIES))],
        states={"Обращения (копия)": "hidden"},
    )
    report = pipeline.check_inputs([path], Config(), cache=False)
    assert [s.sheet for s in report.sources] == ["Обращения"]
    [skipped] = report.skipped
    assert skipped.sheet == "Обращения (копия)"
    assert skipped.reason.startswith("a hidden sheet, and the visible sheet 'Обращения' holds")
    assert received(path) == 3

    # the config brings hidden sheets in; the copy is then a warning, not a silent 6
    config = Config(read_hidden_sheets=True)
    assert received(path, config) == 6
    report = pipeline.check_inputs([path], config, cache=False)
    [warning] = report.problems
    assert (warning.code, warning.sheet, warning.row) == ("duplicate_sheet", "Обращения (копия)", 1)
    assert f"identical to {path.name} [Обращения] (rows 2-4)" in warning.message
    assert report.warnings == 1


def test_a_very_hidden_copy_is_skipped_too(tmp_path: Path) -> None:
    path = write_raw_xlsx(
        tmp_path / "book.xlsx",
        [("queries", sheet_xml(QUERIES)), ("backup", sheet_xml(QUERIES[:2]))],
        states={"backup": "veryHidden"},
    )
    assert received(path) == 3


def test_a_hidden_sheet_is_read_when_no_visible_sheet_holds_its_dataset(tmp_path: Path) -> None:
    broadcasts = "".join(
        text_row(n, *row) for n, row in enumerate([("Дата", "Вопросов"), ("05.01.2021", "4")], 1)
    )
    path = write_raw_xlsx(
        tmp_path / "book.xlsx",
        [("Обращения", sheet_xml(QUERIES)), ("Эфиры", broadcasts)],
        states={"Эфиры": "hidden"},
    )
    data = pipeline.load_and_validate([path], Config(), cache=False)
    assert (len(data.queries), data.broadcasts["questions_answered"].tolist()) == (3, [4])


def test_two_visible_sheets_with_identical_rows_are_a_warning(tmp_path: Path) -> None:
    path = write_raw_xlsx(
        tmp_path / "book.xlsx",
        [("Обращения", sheet_xml(QUERIES)), ("Лист2", sheet_xml(QUERIES))],
    )
    report = pipeline.check_inputs([path], Config(), cache=False)
    [warning] = report.problems
    assert (warning.code, warning.severity, warning.sheet) == (
        "duplicate_sheet",
        "warning",
        "Лист2",
    )
    # same shape, one cell different: no warning
    other = [*QUERIES[:2], ("07.01.2021", "answered", "Roads")]
    path = write_raw_xlsx(
        tmp_path / "book2.xlsx",
        [("Обращения", sheet_xml(QUERIES)), ("Лист2", sheet_xml(other))],
    )
    assert pipeline.check_inputs([path], Config(), cache=False).problems == ()


def test_the_same_rows_in_two_files_are_a_warning(tmp_path: Path) -> None:
    text = "received_at,status\n05.01.2021,answered\n06.01.2021,answered\n"
    (tmp_path / "queries-jan.csv").write_text(text, encoding="utf-8")
    (tmp_path / "queries-jan (1).csv").write_text(text, encoding="utf-8")
    report = pipeline.check_inputs([tmp_path], Config(), cache=False)
    [warning] = report.problems
    assert warning.code == "duplicate_sheet"
    assert warning.file.endswith("queries-jan.csv")
    assert "identical to queries-jan (1).csv" in warning.message


def test_read_hidden_sheets_must_be_a_boolean() -> None:
    assert parse_config({"read_hidden_sheets": True}).read_hidden_sheets is True
    with pytest.raises(ConfigError, match="read_hidden_sheets must be true or false"):
        parse_config({"read_hidden_sheets": "yes"})


def test_a_chartsheet_is_a_skipped_sheet_note_and_quiet_stays_quiet(tmp_path: Path) -> None:
    path = write_raw_xlsx(
        tmp_path / "book.xlsx", [("queries", sheet_xml(QUERIES))], chartsheets=("Диаграмма1",)
    )
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "engagement_report", "validate", "--no-cache"]
    quiet = subprocess.run(
        [*command, "-q", str(path)], capture_output=True, text=True, env=env, check=False
    )
    assert quiet.returncode == 0, quiet.stderr
    assert "not a valid worksheet" not in quiet.stdout + quiet.stderr
    assert quiet.stderr == ""
    listed = subprocess.run(
        [*command, "--format", "json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    report = json.loads(listed.stdout)
    assert [s["sheet"] for s in report["skipped"]] == ["Диаграмма1"]
    assert report["skipped"][0]["reason"].startswith("a chart sheet")
    assert "not a valid worksheet" not in listed.stdout + listed.stderr


# --- two headers naming one column ----------------------------------------------------------


def test_two_status_columns_with_different_values_are_a_warning(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "queries.xlsx",
        {
            "queries": [
                ["received_at", "Статус", "topic", "status"],
                ["05.01.2021", "answered", "Roads", "answered"],
                ["06.01.2021", "answered", "Roads", "rejected"],
                ["07.01.2021", "in progress", "Roads", "rejected"],
            ]
        },
    )
    report = pipeline.check_inputs([path], Config(), cache=False)
    [warning] = report.problems
    assert (warning.code, warning.row, warning.column, warning.value) == (
        "duplicate_column",
        1,
        "status",
        "Статус | status",
    )
    assert "'Статус' and 'status'" in warning.message
    assert "differ in 2 row(s) (first at row 3: 'answered' and 'rejected')" in warning.message
    assert report.warnings == 1


def test_an_identical_second_column_or_a_configured_choice_is_no_warning(tmp_path: Path) -> None:
    rows = [
        ["received_at", "Статус", "status"],
        ["05.01.2021", "answered", "answered "],
        ["06.01.2021", "in progress", "in progress"],
    ]
    path = write_xlsx(tmp_path / "queries.xlsx", {"queries": rows})
    assert pipeline.check_inputs([path], Config(), cache=False).problems == ()
    rows[2] = ["06.01.2021", "answered", "rejected"]
    path = write_xlsx(tmp_path / "queries2.xlsx", {"queries": rows})
    config = Config(columns={"queries": {"status": ("status",)}})
    report = pipeline.check_inputs([path], config, cache=False)
    assert all(p.code != "duplicate_column" for p in report.problems)
    data = pipeline.load_and_validate([path], config, cache=False)
    assert data.queries["status"].astype(str).tolist() == ["answered", "rejected"]
