"""Each command is one pipeline function: what the CLI writes is what the library returns."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.errors import UsageError

SUMMARY_ARGS = ["--period", "2021-01", "--today", "2021-03-01"]


def test_summary_wide_jsonl_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--wide"):
        pipeline.summary([tmp_path / "missing.csv"], Config(), fmt="jsonl", wide=True)


@pytest.mark.parametrize(("fmt", "wide"), [("csv", False), ("csv", True), ("json", True)])
def test_cli_summary_is_pipeline_summary(sample_data: Path, fmt: str, wide: bool) -> None:
    args = ["summary", str(sample_data), *SUMMARY_ARGS, "--format", fmt, "--no-cache"]
    result = CliRunner().invoke(app, args + (["--wide"] if wide else []))
    assert result.exit_code == 0, result.output
    chunks = pipeline.summary(
        [sample_data],
        Config(),
        "2021-01",
        fmt=fmt,  # type: ignore[arg-type]
        wide=wide,
        today=date(2021, 3, 1),
        cache=False,
    )
    assert result.stdout == "".join(chunks)


def test_validation_text_json_is_the_report(sample_data: Path) -> None:
    report = pipeline.check_inputs([sample_data], Config(), cache=False)
    parsed = json.loads(pipeline.validation_text(report, "json"))
    assert [s["rows"]["used"] for s in parsed["sources"]] == [s.used for s in report.sources]
    text = pipeline.validation_text(report, "text")
    assert "rows: 102 read = 102 used" in text
