"""Configs and headers a careless or hostile user writes: one clear line and exit 2, never
exit 70 (a bug) and never a rule settled silently by "the first key wins"."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engagement_report.cli import app

QUERIES = """\
    query_id,received_at,status,topic,answered_at
    1,05.01.2021,in progress,Roads,
    2,06.01.2021,answered,Roads,08.01.2021
    3,06.01.2021,redirected,Parks,
"""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*map(str, args), "--no-cache"])
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "engagement-report.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            '[columns.queries]\nreceived_at = "Date"\nanswered_at = ["Closed", "date"]\n',
            ["'date'", "columns.queries.received_at", "columns.queries.answered_at"],
        ),
        (
            '[statuses]\nanswered = ["Done"]\nrejected = ["Nope", "done "]\n',
            ["'done '", "statuses.answered", "statuses.rejected"],
        ),
        ("[deadlines]\nanswer_working_days = 100000\n", ["deadlines.answer_working_days"]),
        ('[deadlines]\nredirect_working_days = 100000\nkind = "calendar"\n', ["redirect"]),
        ('[calendar]\ncountry = "K!"\n', ["calendar.country", "'K!'"]),
        ('[calendar]\ncountry = "XX"\n', ["calendar.country", "'XX'"]),
    ],
)
def test_a_bad_or_ambiguous_config_is_exit_2_naming_the_keys(
    tmp_path: Path, write_inputs: Callable[..., Path], text: str, fragments: list[str]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    code, _, stderr = run("summary", inputs, "-c", config(tmp_path, text))
    assert code == 2, stderr
    assert stderr.count("\n") == 1, stderr
    for fragment in fragments:
        assert fragment in stderr


def test_a_lowercase_country_code_is_the_country(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    lower = run("summary", inputs, "-c", config(tmp_path, '[calendar]\ncountry = "kz"\n'))
    upper = run("summary", inputs)
    assert lower[0] == 0, lower[2]
    assert lower[1] == upper[1]


def test_a_header_with_braces_is_quoted_in_problems_not_formatted(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(
        queries="""\
        query_id,Date {received},status,Count {value} {0}
        1,05.01.2021,answered,x
        2,yesterday,answered,y
        """
    )
    toml = config(tmp_path, '[columns.queries]\nreceived_at = "Date {received}"\n')
    code, stdout, stderr = run("validate", inputs, "-c", toml, "--format", "json")
    assert code == 1, stderr
    assert "'yesterday' in Date {received} is not a date" in stdout


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            lambda m: m["figures"][0].update(value="12"),
            "figures[0] (queries received) value is '12'",
        ),
        (lambda m: m["figures"][1].update(value=True), "value is True"),
        (lambda m: m["inputs"][0].update(size="big"), "inputs[0].size is 'big'"),
        (lambda m: m["sources"][0]["rows"].update(used=[1]), "sources[0] used is [1]"),
        (lambda m: m["sources"][0].update(rows=[]), "sources[0].rows is []"),
        (lambda m: m["period"].update(label=7), "period.label is 7"),
    ],
)
def test_diff_refuses_a_hand_edited_manifest_by_name(
    tmp_path: Path,
    write_inputs: Callable[..., Path],
    edit: Callable[[dict[str, Any]], None],
    fragment: str,
) -> None:
    inputs = write_inputs(queries=QUERIES)
    assert run("build", inputs, "-o", tmp_path / "old")[0] == 0
    shutil.copytree(tmp_path / "old", tmp_path / "new")
    path = tmp_path / "new" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "old"), str(tmp_path / "new")])
    assert result.exit_code == 2, result.stderr
    assert "altered by hand or damaged" in result.stderr
    assert fragment in result.stderr


def test_diff_refuses_nan_in_a_manifest(tmp_path: Path, write_inputs: Callable[..., Path]) -> None:
    inputs = write_inputs(queries=QUERIES)
    assert run("build", inputs, "-o", tmp_path / "old")[0] == 0
    shutil.copytree(tmp_path / "old", tmp_path / "new")
    path = tmp_path / "new" / "manifest.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"value": 3', '"value": NaN', 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "old"), str(tmp_path / "new")])
    assert result.exit_code == 2, result.stderr
    assert "value is nan" in result.stderr
