"""``engagement-report archive`` and an archive as INPUT, from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report.cli import app

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
HEADER = "query_id,received_at,answered_at,status,topic,channel,district\n"


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.chdir(tmp_path)


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def test_archive_reports_rejected_rows_as_validate_does(tmp_path: Path) -> None:
    export = tmp_path / "in" / "queries.csv"
    export.parent.mkdir()
    export.write_text(
        HEADER
        + "Q1,2021-03-01,2021-03-02,answered,Roads,web,A\n"
        + "Q2,not a date,,in_progress,Roads,web,A\n",
        encoding="utf-8",
    )
    result = invoke("archive", export, "--to", tmp_path / "archive", "--today", "2026-01-01")
    assert result.exit_code == 1, result.output
    assert "missing_date" in result.stdout or "invalid_date" in result.stdout
    assert "row 3" in result.stdout
    summary = invoke(
        "summary", tmp_path / "archive", "--period", "2021-03", "--today", "2026-01-01"
    )
    assert summary.exit_code == 0, summary.output
    assert "2021-03-01,2021-03-31,queries,received,total,,1\n" in summary.stdout


def test_a_damaged_partition_exits_2_naming_the_file(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    done = invoke("archive", SAMPLE, "--to", root, "--today", "2026-01-01", "--quiet")
    assert done.exit_code == 0, done.output
    (part,) = (root / "queries" / "month=2021-01").glob("part-*.parquet")
    part.write_bytes(part.read_bytes()[:100])
    for command in ("summary", "build", "validate"):
        args = [command, root, "--today", "2026-01-01"]
        if command != "validate":
            args += ["--period", "2021-01"]
        result = invoke(*args)
        assert result.exit_code == 2, (command, result.output)
        assert part.name in result.output and "month=2021-01" in result.output
        assert "Traceback" not in result.output


def test_summary_engine_dask_without_dask_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    result = invoke("summary", SAMPLE, "--period", "2021-01", "--engine", "dask")
    assert result.exit_code == 2
    assert "pip install 'engagement-report[dask]'" in result.output


def test_compute_engine_from_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    config = tmp_path / "engagement-report.toml"
    config.write_text('[compute]\nengine = "dask"\n', encoding="utf-8")
    result = invoke("summary", SAMPLE, "--period", "2021-01", "--config", config)
    assert result.exit_code == 2 and "engagement-report[dask]" in result.output
    config.write_text('[compute]\nengine = "spark"\n', encoding="utf-8")
    result = invoke("summary", SAMPLE, "--period", "2021-01", "--config", config)
    assert result.exit_code == 2 and "compute.engine must be one of pandas, dask" in result.output


def test_validate_period_checks_part_of_an_archive_and_is_refused_for_files(
    tmp_path: Path,
) -> None:
    root = tmp_path / "archive"
    done = invoke("archive", SAMPLE, "--to", root, "--today", "2026-01-01", "--quiet")
    assert done.exit_code == 0, done.output
    # A build of June 2020 reads nothing after it: damage in February 2021 is not seen.
    (part,) = (root / "queries" / "month=2021-02").glob("part-*.parquet")
    part.write_bytes(b"not parquet")
    result = invoke("validate", root, "--period", "2020-06", "--today", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert "month=2020-06" in result.stdout and "month=2021-02" not in result.stdout
    whole = invoke("validate", root, "--today", "2026-01-01")
    assert whole.exit_code == 2 and part.name in whole.output
    files = invoke("validate", SAMPLE, "--period", "2020-06", "--today", "2026-01-01")
    assert files.exit_code == 2 and "--period" in files.output
