"""The command line, in process (CliRunner) and as the installed console script."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import __version__, export, pipeline
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.output import LEGACY_LOCK_NAME
from engagement_report.periods import parse_period

SCRIPT = Path(sys.executable).parent / "engagement-report"
HEADER = "period_start,period_end,dataset,metric,dimension,category,value"
REPORT_FILES = {"report.md", "report.html", "summary.csv", "summary.json", "datapackage.json"}

TINY_QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
Q1,2021-03-01 09:00,2021-03-02 21:00,answered,Roads,Web,Medeu
Q2,2021-03-02 10:00,2021-03-03 10:00,answered,Roads,Web,Medeu
Q3,2021-03-03 10:00,,in progress,Parks,Phone,Almaly
"""
TINY_BROADCASTS = """\
date,program,speaker,topic,questions_answered,tv_segments
2021-03-04,Akimat LIVE,Head A,Roads,10,3
"""
REJECTED_ROW = "Q4,,2021-03-03 10:00,answered,Parks,Phone,Almaly\n"  # no date received


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No ./engagement-report.toml or $ENGAGEMENT_REPORT_CONFIG may leak into a run.
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def tiny(write_inputs) -> Path:
    return write_inputs(queries=TINY_QUERIES, broadcasts=TINY_BROADCASTS)


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def run_script(*args: str | Path, cwd: Path, umask: int = -1) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ENGAGEMENT_REPORT_CONFIG"}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        umask=umask,
        timeout=120,
        check=False,
    )


def written(out: Path) -> set[str]:
    """Files written into ``out``. The Markdown report's ``charts/`` folder (SVG files
    the report links to) is checked here and left out of the answer; a leftover
    temporary file would show up, and a lock file left in the folder fails."""
    if not out.exists():
        return set()
    names = {p.name for p in out.iterdir()}
    if "charts" in names:
        assert "report.md" in names
        assert {p.suffix for p in (out / "charts").iterdir()} <= {".svg"}
    assert LEGACY_LOCK_NAME not in names  # the lock lives beside the folder, and goes
    if "manifest.json" in names:
        # The run manifest lists every other file written, with its hash.
        listed = {o["name"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}
        assert {n for n in names - {"charts", "manifest.json"}} <= listed
    return names - {"charts", "manifest.json"}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_console_script_is_installed_next_to_python() -> None:
    assert SCRIPT.is_file(), SCRIPT
    assert os.access(SCRIPT, os.X_OK)


# --- build -----------------------------------------------------------------------------


def test_build_on_sample_data_writes_reports_and_says_where(sample_data: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = invoke("build", sample_data, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert written(out) == REPORT_FILES
    assert str(out) in result.stderr
    assert "Traceback" not in result.stderr
    data = (out / "summary.csv").read_bytes()
    assert data.startswith(HEADER.encode() + b"\n")
    assert b"\r" not in data
    # summary.json holds the same records as summary.csv.
    from_json = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    from_csv = csv_rows(data.decode("utf-8"))
    assert [export.format_value(r["value"]) for r in from_json] == [r["value"] for r in from_csv]
    assert "Public engagement report" in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Public engagement report")


def test_build_through_the_console_script(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "script-out"
    proc = run_script("build", tiny, "--out", out, "--period", "2021-03", cwd=tmp_path, umask=0o022)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert written(out) == REPORT_FILES
    assert str(out) in proc.stderr
    assert "Traceback" not in proc.stderr
    # Written via temporary files, yet readable as the umask allows (not owner-only).
    files = [out / name for name in REPORT_FILES]
    files += list((out / "charts").glob("*")) if (out / "charts").is_dir() else []
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


@pytest.mark.parametrize(
    ("formats", "expected"),
    [('["csv", "md"]', {"summary.csv", "datapackage.json", "report.md"}), ("[]", set())],
)
def test_build_writes_only_the_configured_formats(
    formats: str, expected: set[str], tiny: Path, tmp_path: Path
) -> None:
    config = tmp_path / "engagement-report.toml"
    config.write_text(f"formats = {formats}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", tiny, "--out", out, "--config", config)
    assert result.exit_code == 0, result.stderr
    assert written(out) == expected
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if not expected:
        assert "nothing written" in result.stderr


def test_build_strict_refuses_rejected_rows(write_inputs, tmp_path: Path) -> None:
    folder = write_inputs(queries=TINY_QUERIES + REJECTED_ROW)
    strict_out = tmp_path / "strict"
    result = invoke("build", folder, "--out", strict_out, "--strict")
    assert result.exit_code == 1
    assert not strict_out.exists()
    assert "rejected" in result.stderr
    lenient = tmp_path / "lenient"
    result = invoke("build", folder, "--out", lenient)
    assert result.exit_code == 0, result.stderr
    assert written(lenient) == REPORT_FILES | {"rejected.csv"}
    assert "1 row(s) rejected" in result.stderr


# --- summary ---------------------------------------------------------------------------


def test_summary_writes_only_csv_to_stdout(tiny: Path, tmp_path: Path) -> None:
    result = invoke("summary", tiny, "--period", "2021-03", "--today", "2021-04-30")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.split("\n", 1)[0] == HEADER
    rows = csv_rows(result.stdout)
    assert all(len(r) == 7 and None not in r for r in rows)
    values = {(r["dataset"], r["metric"], r["dimension"], r["category"]): r["value"] for r in rows}
    assert values[("queries", "received", "total", "")] == "3"
    assert values[("queries", "answered_share", "total", "")] == "0.666667"
    assert values[("queries", "median_response_days", "total", "")] == "1.25"
    assert values[("queries", "received", "topic", "Roads")] == "2"
    assert values[("broadcasts", "questions_answered", "total", "")] == "10"
    assert values[("press_events", "publications_per_event", "total", "")] == ""
    assert list(tmp_path.iterdir()) == [tiny]  # nothing written besides the inputs


def test_summary_no_header(tiny: Path) -> None:
    with_header = invoke("summary", tiny, "-p", "2021-03", "--today", "2021-04-30")
    without = invoke("summary", tiny, "-p", "2021-03", "--today", "2021-04-30", "--no-header")
    assert without.exit_code == 0
    assert without.stdout == with_header.stdout.split("\n", 1)[1]


@pytest.fixture(scope="module")
def library_records(sample_data: Path) -> list[dict[str, object]]:
    config = Config()
    data = pipeline.load_and_validate([sample_data], config)
    figures = pipeline.compute(data, parse_period("2021-01"), config, today=date(2021, 3, 1))
    return [r.as_dict() for r in export.summary_records(figures)]


def test_cli_json_equals_library_records(sample_data: Path, library_records) -> None:
    args = ("summary", sample_data, "--period", "2021-01", "--today", "2021-03-01")
    as_json = invoke(*args, "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    assert json.loads(as_json.stdout) == library_records
    assert len(library_records) > 100
    as_jsonl = invoke(*args, "--format", "jsonl")
    assert as_jsonl.exit_code == 0, as_jsonl.stderr
    lines = as_jsonl.stdout.splitlines()
    assert [json.loads(line) for line in lines] == library_records
    as_csv = invoke(*args)
    rows = csv_rows(as_csv.stdout)
    assert [r["value"] for r in rows] == [export.format_value(r["value"]) for r in library_records]


# --- exit codes and error messages -----------------------------------------------------


def error_cases(tiny: Path, tmp_path: Path) -> dict[str, list[str | Path]]:
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text('lang = "en"\ncolour = "blue"\n', encoding="utf-8")
    return {
        "missing input": ["summary", tmp_path / "no-such-file.csv"],
        "bad period": ["summary", tiny, "--period", "2021-13"],
        "bad config": ["summary", tiny, "--config", bad_config],
        "bad today": ["build", tiny, "--today", "31.03.2021", "--out", tmp_path / "x"],
    }


EXPECTED_MESSAGE = {
    "missing input": "no-such-file.csv",
    "bad period": "2021-13",
    "bad config": "colour",
    "bad today": "--today",
}


@pytest.mark.parametrize("case", list(EXPECTED_MESSAGE))
def test_usage_errors_exit_2_with_one_line(case: str, tiny: Path, tmp_path: Path) -> None:
    result = invoke(*error_cases(tiny, tmp_path)[case])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert EXPECTED_MESSAGE[case] in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", ["missing input", "bad period", "bad config"])
def test_usage_errors_through_the_console_script(case: str, tiny: Path, tmp_path: Path) -> None:
    proc = run_script(*error_cases(tiny, tmp_path)[case], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and EXPECTED_MESSAGE[case] in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_templates_folder_is_a_usage_error(tiny: Path, tmp_path: Path) -> None:
    result = invoke("build", tiny, "--out", tmp_path / "o", "--templates", tmp_path / "nope")
    assert result.exit_code == 2
    assert "--templates" in result.stderr


# --- validate --------------------------------------------------------------------------


def test_validate_sample_data_exits_0(sample_data: Path) -> None:
    result = invoke("validate", sample_data)
    assert result.exit_code == 0, result.stderr
    assert "queries.csv" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_exits_1_when_rows_are_rejected(write_inputs) -> None:
    folder = write_inputs(queries=TINY_QUERIES + REJECTED_ROW)
    result = invoke("validate", folder, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert isinstance(report, dict)


# --- version, help, module entry point -------------------------------------------------


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"engagement-report {__version__}"


def test_python_dash_m_version(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "engagement_report", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"engagement-report {__version__}"


def test_help_does_not_import_pandas(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "engagement_report", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "summary" in proc.stdout and "build" in proc.stdout
    imports = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert any("engagement_report.cli" in line for line in imports)  # the log is real
    assert not [line for line in imports if "pandas" in line]
    # nor Dask, whose engine only a `summary --engine dask` run loads
    assert not [line for line in imports if "dask" in line or "distributed" in line]


# --- a reader that stops early (`summary ... | head -1`) --------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_early_closed_pipe_ends_quietly(fmt: str, write_inputs, tmp_path: Path) -> None:
    # 1,000 topics give ~400 kB of summary, far more than a pipe buffers (64 kB), so
    # the writer is still writing when the reader goes away.
    rows = [f"Q{i},2021-03-01 09:00,,in progress,Topic {i:05d},Web,1\n" for i in range(1000)]
    folder = write_inputs(queries=TINY_QUERIES + "".join(rows))
    env = {k: v for k, v in os.environ.items() if k != "ENGAGEMENT_REPORT_CONFIG"}
    proc = subprocess.Popen(
        [str(SCRIPT), "summary", str(folder), "--format", fmt, "--today", "2021-04-30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = proc.wait(timeout=120)
    assert first.startswith(b"period_start," if fmt == "csv" else b"{")
    assert "Traceback" not in stderr
    assert "BrokenPipe" not in stderr and "Exception ignored" not in stderr
    assert code == 0, stderr
