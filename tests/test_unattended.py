"""Unattended runs: cron and systemd, relative periods, config discovery, reruns,
atomic writes, the output-folder lock, ``--fail-on``, exit codes and quiet stderr.

The jobs documented in README "Running it every month" are taken from the README
and run here as the installed console script, in an environment as bare as cron's.
"""

from __future__ import annotations

import json
import os
import pty
import re
import resource
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import output, pipeline
from engagement_report.checks import CHECK_NAMES
from engagement_report.cli import app
from engagement_report.config import load_config
from engagement_report.errors import ExitCode
from engagement_report.periods import parse_period

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
SCRIPT = Path(sys.executable).parent / "engagement-report"
REPORT_FILES = {"report.md", "report.html", "summary.csv", "summary.json"}
ESCAPE = "\x1b["
LOCKED = "another engagement-report run is writing this folder"

CLEAN_QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
Q1,2021-03-01 09:00,2021-03-02 21:00,answered,Roads,Web,Medeu
Q2,2021-03-02 10:00,2021-03-03 10:00,answered,Roads,Web,Medeu
Q3,2021-03-03 10:00,,in progress,Parks,Phone,Almaly
"""
BAD_DATE = "Q4,not a date,,in progress,Parks,Phone,Almaly\n"


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No ./engagement-report.toml or $ENGAGEMENT_REPORT_CONFIG may leak into a run.
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)


@pytest.fixture
def clean(write_inputs) -> Path:
    return write_inputs(queries=CLEAN_QUERIES)


@pytest.fixture
def one_bad_date(write_inputs) -> Path:
    return write_inputs(queries=CLEAN_QUERIES + BAD_DATE)


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def toml_config(folder: Path, inputs: list[str], output: str, extra: str = "") -> Path:
    """Write ``folder/engagement-report.toml`` (TOML basic strings are JSON strings)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "engagement-report.toml"
    path.write_text(
        f"inputs = {json.dumps(inputs)}\noutput = {json.dumps(output)}\n{extra}", encoding="utf-8"
    )
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (charts/ included), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def summary_value(folder: Path, dataset: str, metric: str) -> str:
    import csv

    with (folder / "summary.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["dataset"], row["metric"], row["dimension"]) == (dataset, metric, "total"):
                return row["value"]
    raise AssertionError(f"{dataset}.{metric} not in {folder / 'summary.csv'}")


def last_month() -> str:
    return parse_period("last-month", timezone="Asia/Almaty").label


def recent_queries(label: str, count: int = 3) -> str:
    """``count`` answered queries received in the month ``label`` (YYYY-MM)."""
    first = date.fromisoformat(f"{label}-01")
    lines = ["query_id,received_at,answered_at,status,topic,channel,district"]
    for i in range(count):
        received = first + timedelta(days=i)
        answered = received + timedelta(days=2)
        lines.append(
            f"RECENT-{i},{received} 10:00,{answered} 12:00,answered,Roads,Web,Medeu",
        )
    return "\n".join(lines) + "\n"


def bare_env(home: Path, path: str = "/usr/bin:/bin", **extra: str) -> dict[str, str]:
    """An environment as bare as cron's: no virtualenv on PATH, C locale, no terminal."""
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": path, "HOME": str(home), "LANG": "C", **extra}


def run_job(
    args: list[str], *, cwd: Path, env: dict[str, str], **kwargs
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        start_new_session=True,  # no controlling terminal, like cron
        **kwargs,
    )


# --- relative periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "today", "label", "start", "end"),
    [
        ("last-month", "2021-02-01", "2021-01", "2021-01-01", "2021-01-31"),
        ("last-quarter", "2021-02-01", "2020-Q4", "2020-10-01", "2020-12-31"),
        ("ytd", "2021-02-15", "2021-01-01..2021-02-15", "2021-01-01", "2021-02-15"),
        # Not over yet: counted up to today, in the month's own folder.
        ("this-month", "2021-02-10", "2021-02", "2021-02-01", "2021-02-10"),
    ],
)
def test_relative_period_with_today_writes_that_periods_folder(
    period: str, today: str, label: str, start: str, end: str, sample_data: Path
) -> None:
    cwd = Path.cwd()
    toml_config(cwd, [f"{sample_data.resolve()}/*.csv"], "out")
    result = invoke("build", "--period", period, "--today", today)
    assert result.exit_code == 0, result.stderr
    folder = cwd / "out" / label
    assert {p.name for p in folder.iterdir()} >= REPORT_FILES
    assert sorted(p.name for p in (cwd / "out").iterdir()) == [label]
    assert not (cwd / "reports").exists()
    first = (folder / "summary.csv").read_text(encoding="utf-8").splitlines()[1]
    assert first.startswith(f"{start},{end},queries,received,total,,")
    if period == "last-month":
        assert summary_value(folder, "press_events", "publications") == "24525"


# --- config discovery -------------------------------------------------------------------


def test_config_discovery_order(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each config names a different output folder, relative to itself.
    option = toml_config(tmp_path / "by-option", [str(clean)], "out", 'formats = ["csv"]\n')
    env = toml_config(tmp_path / "by-env", [str(clean)], "out", 'formats = ["csv"]\n')
    cwd = Path.cwd()
    toml_config(cwd, [str(clean)], "out", 'formats = ["csv"]\n')
    monkeypatch.setenv("ENGAGEMENT_REPORT_CONFIG", str(env))

    def built_into(*extra: str | Path) -> set[Path]:
        before = set(tmp_path.rglob("summary.csv"))
        result = invoke("build", "--period", "2021-03", *extra)
        assert result.exit_code == 0, result.stderr
        return {p.parent for p in set(tmp_path.rglob("summary.csv")) - before}

    assert built_into("--config", option) == {tmp_path / "by-option" / "out" / "2021-03"}
    assert built_into() == {tmp_path / "by-env" / "out" / "2021-03"}
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG")
    assert built_into() == {cwd / "out" / "2021-03"}
    (cwd / "engagement-report.toml").unlink()
    # Built-in defaults: reports/<period>/ below the working folder, all formats.
    assert built_into(clean) == {cwd / "reports" / "2021-03"}
    assert {p.name for p in (cwd / "reports" / "2021-03").iterdir()} >= REPORT_FILES


def test_config_option_beats_environment_for_lang(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    option = toml_config(tmp_path / "a", [str(clean)], "out", 'lang = "ru"\nformats = ["md"]\n')
    env = toml_config(tmp_path / "b", [str(clean)], "out", 'lang = "kk"\nformats = ["md"]\n')
    monkeypatch.setenv("ENGAGEMENT_REPORT_CONFIG", str(env))

    def report(*args: str | Path) -> str:
        out = tmp_path / "report"
        result = invoke("build", "--period", "2021-03", "--out", out, *args)
        assert result.exit_code == 0, result.stderr
        return (out / "report.md").read_text(encoding="utf-8")

    by_option, by_env = report("--config", option), report()
    assert by_option == report("--lang", "ru")
    assert by_env == report("--lang", "kk")
    assert by_option != by_env


# --- the monthly job, as cron and systemd start it ---------------------------------------


@pytest.fixture
def job(sample_data: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A job folder with a config whose inputs are the sample data plus three queries
    received last month, and whose output is ``out`` (relative to the config)."""
    folder = tmp_path / "job"
    label = last_month()
    incoming = folder / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "queries-recent.csv").write_text(recent_queries(label), encoding="utf-8")
    toml_config(folder, [f"{sample_data.resolve()}/*.csv", "incoming/*.csv"], "out")
    yield folder, label


def check_job_output(proc: subprocess.CompletedProcess[str], root: Path, label: str) -> Path:
    """The job exited 0, said nothing on stdout, no colour on stderr, and wrote last
    month's report (with the three recent queries) into ``root/<YYYY-MM>/``."""
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert ESCAPE not in proc.stderr
    assert "Traceback" not in proc.stderr
    if label != last_month():  # the month turned while the job ran
        pytest.skip("the month changed during the run")
    folder = root / label
    assert sorted(p.name for p in root.iterdir()) == [label]
    assert {p.name for p in folder.iterdir()} >= REPORT_FILES, proc.stderr
    assert summary_value(folder, "queries", "received") == "3"
    return folder


def test_crontab_line_in_a_bare_environment(job: tuple[Path, str], tmp_path: Path) -> None:
    folder, label = job
    config = folder / "engagement-report.toml"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = bare_env(
        tmp_path / "home",
        path=f"{SCRIPT.parent}:/usr/bin:/bin",
        ENGAGEMENT_REPORT_CONFIG=str(config),
    )
    proc = run_job(
        ["/bin/sh", "-c", "engagement-report build --period last-month"], cwd=elsewhere, env=env
    )
    written = check_job_output(proc, folder / "out", label)
    assert str(written) in proc.stderr  # says where the report went
    assert list(elsewhere.iterdir()) == []  # nothing lands in the working folder


def test_systemd_style_run_finds_the_config_in_its_working_directory(
    job: tuple[Path, str], tmp_path: Path
) -> None:
    folder, label = job
    env = bare_env(tmp_path / "home")  # no ENGAGEMENT_REPORT_CONFIG, no venv on PATH
    proc = run_job([str(SCRIPT), "build", "--period", "last-month"], cwd=folder, env=env)
    check_job_output(proc, folder / "out", label)


# --- the README's jobs, run as documented ------------------------------------------------


def readme_section(title: str) -> str:
    """The text of README section ``## title`` (``##`` lines inside code blocks ignored)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    inside, fenced, taken = False, False, []
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if inside:
                break
            inside = line == f"## {title}"
            continue
        if inside:
            taken.append(line)
    assert taken, f"README has no section {title!r}"
    return "\n".join(taken)


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def unit_keys(block: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a systemd unit (a key may repeat)."""
    keys: dict[str, list[str]] = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


@pytest.fixture
def documented(sample_data: Path, tmp_path: Path):
    """The README's config, cron line and systemd units, with /srv moved under tmp_path,
    and the sample data plus last month's queries in the config's inputs."""
    section = readme_section("Running it every month")
    label = last_month()
    srv = tmp_path / "srv"
    job_folder, reports = srv / "engagement", srv / "reports"

    def local(text: str) -> str:
        text = text.replace("/srv/engagement/.venv/bin/engagement-report", str(SCRIPT))
        return text.replace("/srv/engagement", str(job_folder)).replace(
            "/srv/reports", str(reports)
        )

    [config_text] = code_blocks(section, "toml")
    job_folder.mkdir(parents=True)
    (job_folder / "engagement-report.toml").write_text(local(config_text), encoding="utf-8")
    config = load_config(job_folder / "engagement-report.toml")
    assert config.inputs and config.output, "the documented config names inputs and output"
    for name in config.inputs:  # the documented inputs: fill them with the sample data
        folder = job_folder / name
        folder.mkdir(parents=True, exist_ok=True)
        for csv_file in sample_data.glob("*.csv"):
            shutil.copy(csv_file, folder)
        (folder / "queries-recent.csv").write_text(recent_queries(label), encoding="utf-8")
    [cron] = code_blocks(section, "cron")
    [cron_line] = [line for line in cron.splitlines() if line and not line.startswith("#")]
    units = [unit_keys(block) for block in code_blocks(section, "ini")]
    [service] = [u for u in units if "ExecStart" in u]
    [timer] = [u for u in units if "OnCalendar" in u]
    return {
        "cron": local(cron_line),
        "service": {k: [local(v) for v in vs] for k, vs in service.items()},
        "timer": timer,
        "reports": reports,
        "home": tmp_path / "home",
        "label": label,
    }


def test_readme_crontab_line_runs_in_crons_environment(documented) -> None:
    fields = documented["cron"].split(None, 5)
    assert fields[:5] == ["0", "6", "1", "*", "*"]  # 06:00 on the 1st of every month
    command = fields[5]
    assert "build --period last-month" in command
    env = bare_env(documented["home"], SHELL="/bin/sh", LOGNAME="engagement")
    proc = run_job(["/bin/sh", "-c", command], cwd=documented["home"], env=env)
    check_job_output(proc, documented["reports"], documented["label"])
    assert proc.stderr == ""  # --quiet: a good run says nothing, so cron mails nothing


def test_readme_systemd_units_run_as_documented(documented) -> None:
    service, timer = documented["service"], documented["timer"]
    assert service["Type"] == ["oneshot"]
    assert timer["OnCalendar"] == ["*-*-01 06:00"]
    assert timer["Persistent"] == ["true"]
    [exec_start] = service["ExecStart"]
    [working_directory] = service["WorkingDirectory"]
    extra = dict(e.split("=", 1) for e in service.get("Environment", []))
    assert "ENGAGEMENT_REPORT_CONFIG" in extra
    env = bare_env(documented["home"], **extra)
    proc = run_job(shlex.split(exec_start), cwd=Path(working_directory), env=env)
    check_job_output(proc, documented["reports"], documented["label"])
    assert proc.stderr == ""


# --- reruns -----------------------------------------------------------------------------


def test_reruns_are_byte_identical(sample_data: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        result = invoke("build", sample_data, "--period", "2021-01", "--out", out)
        assert result.exit_code == 0, result.stderr
    a, b = snapshot(first), snapshot(second)
    # manifest.json, when written, is documented as the one file that carries a time.
    for files in (a, b):
        files.pop("manifest.json", None)
        files.pop(output.LEGACY_LOCK_NAME, None)
    assert set(a) >= REPORT_FILES
    assert any(name.startswith("charts/") and name.endswith(".svg") for name in a)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs"
    today = date.today()
    stamps = [today.isoformat(), today.strftime("%d.%m.%Y"), str(first), str(second)]
    for name, body in a.items():
        text = body.decode("utf-8")
        for stamp in stamps:
            assert stamp not in text, f"{name} holds {stamp!r}"
        assert not re.search(r"\b\d{2}:\d{2}:\d{2}\b", text), f"{name} holds a time of day"


# --- atomic writes ----------------------------------------------------------------------


def test_a_run_that_fails_while_rendering_leaves_the_previous_report(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    result = invoke("build", clean, "--period", "2021-03", "--out", out)
    assert result.exit_code == 0, result.stderr
    before = snapshot(out)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(pipeline.building, "render_reports", broken)
    result = invoke("build", clean, "--period", "2021-03", "--out", out, "--lang", "ru")
    assert result.exit_code == ExitCode.BUG
    assert "renderer broke" in result.stderr
    assert snapshot(out) == before
    assert temporary_files(out) == []


def test_a_run_that_fails_while_writing_leaves_the_previous_report(
    clean: Path, tmp_path: Path
) -> None:
    # A file-size limit makes writing report.html fail (EFBIG) as a full disk would,
    # after report.md has been written: nothing of the second run may show.
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "ENGAGEMENT_REPORT_CONFIG"}
    args = [str(SCRIPT), "build", str(clean), "--period", "2021-03", "--out", str(out)]
    proc = run_job(args, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    before = snapshot(out)
    # The Russian report.md (written first) fits under the limit, report.html does not.
    assert len(before["report.md"]) < 45_000 < len(before["report.html"])

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (45_000, 45_000))

    proc = run_job([*args, "--lang", "ru"], cwd=tmp_path, env=env, preexec_fn=limit)
    assert proc.returncode == ExitCode.OUTPUT_FAILED, proc.stderr
    # One error line; the same limit may also stop a cache entry being written (the
    # rendered reports are larger than the limit), which is said once as a warning,
    # before or after the error (the entry is written on a thread of its own).
    lines = proc.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    others = [line for line in lines if not line.startswith("error: ")]
    assert len(errors) == 1 and "report.html" in errors[0], proc.stderr
    assert all(line.startswith("warning: cannot write the cache") for line in others), others
    assert len(others) <= 1, proc.stderr
    # The new folder is staged beside the old one and swapped in whole (README, "Running
    # it every month"): every file, the manifest too, is the previous run's, byte for byte.
    assert snapshot(out) == before
    assert temporary_files(out) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_unwritable_output_folder_exits_3_with_one_line(clean: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes through chmod; a path below a file fails for anyone
        blocker = tmp_path / "file.txt"
        blocker.write_text("not a folder\n", encoding="utf-8")
        out = blocker / "sub"
    else:
        locked = tmp_path / "read-only"
        locked.mkdir()
        locked.chmod(0o500)
        out = locked / "sub"
    try:
        env = {k: v for k, v in os.environ.items() if k != "ENGAGEMENT_REPORT_CONFIG"}
        proc = run_job(
            [str(SCRIPT), "build", str(clean), "--period", "2021-03", "--out", str(out)],
            cwd=tmp_path,
            env=env,
        )
    finally:
        if os.geteuid() != 0:
            (tmp_path / "read-only").chmod(0o700)
    assert proc.returncode == ExitCode.OUTPUT_FAILED
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert str(out) in lines[0]
    assert proc.stdout == ""


# --- the output-folder lock -------------------------------------------------------------

LOCKED_BUILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from engagement_report import pipeline
    from engagement_report.config import Config
    from engagement_report.errors import OutputError
    try:
        pipeline.build([sys.argv[1]], Config(), period="2021-03", out=Path(sys.argv[2]), lock_timeout=1)
    except OutputError as exc:
        print(f"OutputError: {exc}")
        sys.exit(3)
    print("built")
    """
)


def test_a_second_run_on_a_locked_folder_gives_up_then_succeeds_once_released(
    clean: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-c", LOCKED_BUILD, str(clean), str(out)]
    with output.folder_lock(out, timeout=1):
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OutputError: ")
    assert LOCKED in proc.stdout
    assert str(out) in proc.stdout
    assert not (out / "report.md").exists()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "built\n"
    assert {p.name for p in out.iterdir()} >= REPORT_FILES


def test_locked_folder_through_the_cli_exits_3(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI waits the default five minutes; shorten it to see the exit code.
    # flock locks belong to an open file description, so this process conflicts with itself.
    monkeypatch.setitem(pipeline.build.__kwdefaults__, "lock_timeout", 0.5)
    out = tmp_path / "out"
    with output.folder_lock(out, timeout=1):
        result = invoke("build", clean, "--period", "2021-03", "--out", out)
    assert result.exit_code == ExitCode.OUTPUT_FAILED
    assert len(result.stderr.splitlines()) == 1 and LOCKED in result.stderr


# --- --fail-on and --strict -------------------------------------------------------------


def test_fail_on_rejected_exits_1_after_writing_the_report(
    one_bad_date: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(
        "build", one_bad_date, "--period", "2021-03", "--out", out, "--fail-on", "rejected>0"
    )
    assert result.exit_code == ExitCode.DATA_PROBLEMS, result.stderr
    assert {p.name for p in out.iterdir()} >= REPORT_FILES | {"rejected.csv"}
    assert "not a date" in (out / "rejected.csv").read_text(encoding="utf-8")
    assert "--fail-on rejected>0: measured 1" in result.stderr
    # The report is written first, then the failed check is reported.
    assert result.stderr.index("Wrote ") < result.stderr.index("--fail-on rejected>0")


def test_fail_on_coverage_exits_1_when_a_month_has_no_data(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # Data only in March: January and February of 2021-Q1 hold none.
    result = invoke(
        "build", clean, "--period", "2021-Q1", "--out", out, "--fail-on", "coverage<100%"
    )
    assert result.exit_code == ExitCode.DATA_PROBLEMS, result.stderr
    assert "--fail-on coverage<100%" in result.stderr
    assert {p.name for p in out.iterdir()} >= REPORT_FILES


def test_passing_checks_exit_0(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    checks = ["--fail-on", "rejected>0", "--fail-on", "coverage<100%"]
    result = invoke("build", clean, "--period", "2021-03", "--out", out, *checks)
    assert result.exit_code == 0, result.stderr
    assert "--fail-on" not in result.stderr


@pytest.mark.parametrize("check", ["foo>1", "rejected>>0", "rejected", "coverage<lots"])
def test_malformed_check_exits_2_naming_the_checks(check: str, clean: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = invoke("build", clean, "--period", "2021-03", "--out", out, "--fail-on", check)
    assert result.exit_code == ExitCode.BAD_INPUT
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert check in lines[0]
    for name in CHECK_NAMES:
        assert name in lines[0]
    assert not out.exists()


def test_strict_with_rejected_rows_exits_1_and_writes_nothing(
    one_bad_date: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke("build", one_bad_date, "--period", "2021-03", "--out", out, "--strict")
    assert result.exit_code == ExitCode.DATA_PROBLEMS
    assert "--strict" in result.stderr
    assert not out.exists()


# --- exit codes, quiet, verbose, colour --------------------------------------------------


def test_exit_code_table_in_readme_matches_exit_code() -> None:
    table = {}
    for line in readme_section("Exit codes").splitlines():
        if match := re.match(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|$", line):
            table[int(match[1])] = match[2]
    assert set(table) == {int(code) for code in ExitCode}
    assert "bug" in table[ExitCode.BUG]
    assert "--fail-on" in table[ExitCode.DATA_PROBLEMS]
    assert "--strict" in table[ExitCode.DATA_PROBLEMS]
    assert "written" in table[ExitCode.OUTPUT_FAILED]
    assert "locked" in table[ExitCode.OUTPUT_FAILED]


def test_quiet_clean_run_says_nothing(clean: Path, tmp_path: Path) -> None:
    result = invoke("build", clean, "--period", "2021-03", "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ""


def test_verbose_lists_column_mappings(write_inputs, tmp_path: Path) -> None:
    folder = write_inputs(
        queries=CLEAN_QUERIES.replace("received_at", "Created Date").replace(
            "district\n", "district,Text\n", 1
        )
    )
    result = invoke("build", folder, "--period", "2021-03", "--out", tmp_path / "out", "--verbose")
    assert result.exit_code == 0, result.stderr
    assert "queries.csv: read as queries (header on row 1)" in result.stderr
    assert "received_at ← 'Created Date'" in result.stderr
    assert "ignored columns: Text" in result.stderr


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (as when a person runs it); its exit code and stderr."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7])[0-9;]*m")  # an SGR code setting a colour


@pytest.fixture
def terminal_run(clean: Path, tmp_path: Path):
    """Run a failing build (bad --period) with stderr on a terminal; ``NO_COLOR`` as given."""
    args = [str(SCRIPT), "build", str(clean), "--period", "someday", "--out", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "ENGAGEMENT_REPORT_CONFIG")}
    env["TERM"] = "xterm-256color"

    def run(no_color: bool) -> str:
        code, stderr = run_on_a_terminal(args, {**env, "NO_COLOR": "1"} if no_color else env)
        assert code == ExitCode.BAD_INPUT
        assert "cannot read period 'someday'" in stderr
        return stderr

    return run


def test_no_color_drops_colour_even_on_a_terminal(terminal_run) -> None:
    assert COLOUR.search(terminal_run(no_color=False))  # the control: a terminal gets colour
    assert not COLOUR.search(terminal_run(no_color=True))


def test_no_color_drops_every_escape_code_on_a_terminal(terminal_run) -> None:
    assert ESCAPE not in terminal_run(no_color=True)
