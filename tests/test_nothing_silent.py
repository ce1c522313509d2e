"""A monthly job never publishes zeros in silence (issue 18).

An input not recognised as any dataset, a period holding no rows, a skipped file: each is
said, with an exit code an unattended job notices.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.errors import DataQualityError, InputError

QUERIES = "Дата поступления,Статус\n05.01.2021,исполнено\n06.01.2021,в работе\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_export_is_an_error_naming_its_headers_and_the_closest_dataset(
    tmp_path: Path,
) -> None:
    export = write(tmp_path / "export.csv", "Opened,State,Subject\n2021-01-05,Closed,Roads\n")
    out = tmp_path / "out"
    code, _, stderr = run(
        "build",
        str(export),
        "--out",
        str(out),
        "--fail-on",
        "rejected>0",
        "--fail-on",
        "coverage<100%",
    )
    assert code == 2
    message = " ".join(stderr.split())
    assert "export.csv: not recognised as any dataset" in message
    assert "headers found: 'Opened', 'State', 'Subject'" in message
    assert "closest dataset: queries, which lacks received_at, status" in message
    assert not out.exists()
    code, _, stderr = run("validate", str(export))
    assert code == 2
    assert "export.csv: not recognised as any dataset" in " ".join(stderr.split())


def test_a_folder_of_unknown_files_alone_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "notes.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match=r"no dataset recognised in the inputs.*notes\.csv"):
        pipeline.load_and_validate([tmp_path], Config())


def test_validate_counts_a_skipped_file_as_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "queries.csv", QUERIES)
    write(tmp_path / "notes.csv", "a,b\n1,2\n")
    code, stdout, _ = run("validate", str(tmp_path))
    assert code == 1
    assert "notes.csv: skipped: not named after a dataset" in stdout
    assert "headers found: 'a', 'b'" in stdout
    assert "1 file(s) skipped, not read as any dataset" in stdout
    # the recognised file alone is clean
    code, _, _ = run("validate", str(tmp_path / "queries.csv"))
    assert code == 0


def test_a_period_without_rows_exits_1_unless_allowed(tmp_path: Path) -> None:
    queries = write(tmp_path / "queries.csv", QUERIES)
    out = tmp_path / "out"
    code, _, stderr = run("build", str(queries), "--period", "2021-03", "--out", str(out))
    assert code == 1
    message = " ".join(stderr.split())
    assert "the period 2021-03 holds no rows of any dataset" in message
    assert "the data runs from 2021-01-05 to 2021-01-06" in message
    assert not out.exists()
    code, stdout, _ = run("summary", str(queries), "--period", "2021-03")
    assert (code, stdout) == (1, "")
    code, _, _ = run(
        "build", str(queries), "--period", "2021-03", "--out", str(out), "--allow-empty"
    )
    assert code == 0
    assert (out / "report.md").exists()
    code, stdout, _ = run("summary", str(queries), "--period", "2021-03", "--allow-empty")
    assert code == 0
    assert "2021-03-01,2021-03-31,queries,received,total,,0\n" in stdout
    with pytest.raises(DataQualityError):
        pipeline.summarize([queries], Config(), "2021-03")
    # a period holding rows is reported as before
    code, _, _ = run("build", str(queries), "--period", "2021-01", "--out", str(out))
    assert code == 0


def test_a_partial_config_mapping_makes_a_file_that_dataset(tmp_path: Path) -> None:
    export = write(tmp_path / "export.csv", "Opened,State,Subject\n2021-01-05,Closed,Roads\n")
    config = Config(columns={"queries": {"received_at": ("Opened",)}})
    # the config names one of the file's headers as a query column: the file is read as
    # queries, and the required column it still lacks is named
    with pytest.raises(InputError, match=r"read as queries, but required column\(s\) status"):
        pipeline.load_and_validate([export], config)
    # "Дата" is a broadcast's date and "Вопросов" its questions, "Статус" a query's status:
    # both datasets fit equally, and the config's mapping decides
    tied = write(tmp_path / "journal.csv", "Дата,Статус,Вопросов\n05.01.2021,исполнено,3\n")
    config = Config(columns={"queries": {"received_at": ("Дата",)}})
    data = pipeline.load_and_validate([tied], config)
    [source] = data.report.sources
    assert (source.dataset, source.mapping["received_at"], source.used) == ("queries", "Дата", 1)
