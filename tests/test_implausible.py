"""Values no register can hold: dates after today or before the floor year, two-digit
years, and counts beyond any real figure. None may change a figure silently."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report.cli import app
from engagement_report.validation import dates
from engagement_report.validation.columns import MAX_COUNT


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*map(str, args), "--no-cache"])
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def figures(stdout: str) -> dict[tuple[str, str], str]:
    rows = csv.DictReader(io.StringIO(stdout))
    return {(r["metric"], r["category"]): r["value"] for r in rows if r["dimension"] == "total"}


def problems(stdout: str) -> list[tuple[str, int, str | None, str | None]]:
    report = json.loads(stdout)
    return [(p["code"], p["row"], p["column"], p["value"]) for p in report["problems"]]


QUERIES = """\
    query_id,received_at,status,answered_at
    1,05.01.2021,answered,06.01.2021
    2,07.01.2201,answered,
    3,06.01.2021,answered,07.01.2099
    4,01.01.1899,answered,
    5,07.01.2021,answered,08.01.2021
"""


def test_dates_after_today_or_before_the_floor_are_warnings_outside_the_default_period(
    write_inputs: Callable[..., Path],
) -> None:
    inputs = write_inputs(queries=QUERIES)
    code, stdout, stderr = run("summary", inputs, "--today", "2026-12-01")
    assert code == 0, stderr
    first = next(csv.DictReader(io.StringIO(stdout)))
    assert (first["period_start"], first["period_end"]) == ("2021-01-05", "2021-01-07")
    assert figures(stdout)[("received", "")] == "3"
    code, stdout, _ = run("validate", inputs, "--format", "json")
    assert code == 0
    # Rows 3 and 5 are answered without an answer date: named too (closed_undated).
    assert sorted(problems(stdout)) == [
        ("closed_without_answer_date", 3, "answered_at", "answered"),
        ("closed_without_answer_date", 5, "answered_at", "answered"),
        ("date_before_floor", 5, "received_at", "1899-01-01"),
        ("date_in_future", 3, "received_at", "2201-01-07"),
        ("date_in_future", 4, "answered_at", "2099-01-07"),
    ]
    report = json.loads(stdout)
    assert report["warnings"] == 5
    assert report["sources"][0]["rows"]["used"] == 5  # kept: a person must look
    assert report["sources"][0]["problem_counts"] == {
        "closed_without_answer_date": 2,
        "date_before_floor": 1,
        "date_in_future": 2,
    }


def test_an_explicit_period_still_counts_an_implausible_row(
    write_inputs: Callable[..., Path],
) -> None:
    inputs = write_inputs(queries=QUERIES)
    # The row of 1899 is a warning, yet a period that names 1899 counts it.
    code, stdout, stderr = run("summary", inputs, "--period", "1899")
    assert code == 0, stderr
    assert figures(stdout)[("received", "")] == "1"


def test_today_pins_the_ceiling_and_earliest_year_the_floor(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    config = tmp_path / "c.toml"
    config.write_text("earliest_year = 1890\n", encoding="utf-8")
    code, stdout, stderr = run("summary", inputs, "--today", "2021-01-06", "-c", config)
    assert code == 0, stderr
    first = next(csv.DictReader(io.StringIO(stdout)))
    assert (first["period_start"], first["period_end"]) == ("1899-01-01", "2021-01-06")


@pytest.mark.parametrize("value", ["1750", "2000.5", '"2000"', "true"])
def test_a_bad_earliest_year_is_exit_2(
    tmp_path: Path, write_inputs: Callable[..., Path], value: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"earliest_year = {value}\n", encoding="utf-8")
    code, _, stderr = run("summary", write_inputs(queries=QUERIES), "-c", config)
    assert code == 2
    assert "earliest_year" in stderr


def test_two_digit_years_pivot_ten_years_ahead_of_today() -> None:
    assert dates.two_digit_pivot(date(2026, 12, 4)) == 2036
    assert dates.two_digit_pivot(date(2095, 1, 1)) == 2099


def test_two_digit_years_read_by_the_pivot(
    monkeypatch: pytest.MonkeyPatch, write_inputs: Callable[..., Path]
) -> None:
    monkeypatch.setattr(dates, "two_digit_pivot", lambda today=None: 2036)
    inputs = write_inputs(
        queries="""\
        query_id,received_at,status
        1,05.01.69,answered
        2,05.01.21,answered
        3,05.01.36,answered
        4,05.01.37,answered
        5,05.01.00,answered
        """
    )
    code, stdout, _ = run("validate", inputs, "--format", "json", "--today", "2040-01-01")
    assert code == 0
    assert sorted(problems(stdout)) == [
        ("date_before_floor", 2, "received_at", "1969-01-05"),
        ("date_before_floor", 5, "received_at", "1937-01-05"),
    ]


BROADCASTS = f"""\
    date,questions_answered,tv_segments
    05.01.2021,1e19,3
    06.01.2021,9000000000000000000,1
    07.01.2021,9000000000000000000,1
    08.01.2021,{MAX_COUNT},2
    09.01.2021,{MAX_COUNT + 1},2
    10.01.2021,5,4
"""


def test_counts_above_the_ceiling_are_rejected_as_implausible(
    write_inputs: Callable[..., Path],
) -> None:
    inputs = write_inputs(broadcasts=BROADCASTS)
    code, stdout, stderr = run("validate", inputs, "--format", "json")
    assert code == 1, stderr
    assert sorted(problems(stdout)) == [
        ("implausible_count", 2, "questions_answered", "1e19"),
        ("implausible_count", 3, "questions_answered", "9000000000000000000"),
        ("implausible_count", 4, "questions_answered", "9000000000000000000"),
        ("implausible_count", 6, "questions_answered", str(MAX_COUNT + 1)),
    ]
    code, stdout, stderr = run("summary", inputs)
    assert code == 0, stderr
    totals = figures(stdout)
    assert totals[("broadcasts", "")] == "2"
    assert totals[("questions_answered", "")] == str(MAX_COUNT + 5)
    assert totals[("tv_segments", "")] == "6"


def test_the_validate_command_without_today_uses_the_real_date(
    write_inputs: Callable[..., Path],
) -> None:
    next_year = date.today().year + 2
    inputs = write_inputs(
        queries=f"""\
        query_id,received_at,status
        1,05.01.{next_year},answered
        """
    )
    code, stdout, _ = run("validate", inputs, "--format", "json")
    assert code == 0
    assert problems(stdout) == [("date_in_future", 2, "received_at", f"{next_year}-01-05")]
