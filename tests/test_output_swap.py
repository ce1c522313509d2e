"""The report folder is replaced whole: a run killed at the worst moment (between moving
the old folder aside and moving the new one in) never leaves a mix of two runs' files,
the next run puts things right, and no temporary file or lock is left behind."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from engagement_report import output
from engagement_report.cli import app

SCRIPT = Path(sys.executable).parent / "engagement-report"
QUERIES = """\
    query_id,received_at,status,topic,answered_at
    1,05.01.2021,answered,Roads,06.01.2021
    2,06.01.2021,answered,Parks,08.01.2021
    3,07.01.2021,in progress,Parks,
"""


def build(inputs: Path, out: Path, *args: str) -> None:
    result = CliRunner().invoke(app, ["build", str(inputs), "-o", str(out), "--no-cache", *args])
    assert result.exit_code == 0, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_vouched(folder: Path, *others: str) -> None:
    """Every file the manifest lists is there with its hash, and nothing else is there
    but ``others`` (files that are not the tool's)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {o["name"]: o["sha256"] for o in manifest["outputs"]}
    files = snapshot(folder)
    files.pop("manifest.json")
    for name in others:
        files.pop(name)
    assert {name: hashlib.sha256(body).hexdigest() for name, body in files.items()} == listed


def leftovers(out: Path) -> list[str]:
    """Anything a run left beside or inside the folder that is not the report."""
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]
    inside = [p.name for p in out.rglob(".*")] if out.exists() else []
    return beside + inside


def start_paused(inputs: Path, out: Path, marker: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ENGAGEMENT_REPORT_CONFIG"}
    env[output.TEST_PAUSE_ENV] = str(marker)
    command = [str(SCRIPT), "build", str(inputs), "-o", str(out), "--no-cache", *args]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached the swap"
        time.sleep(0.05)
    return proc


def test_a_run_killed_between_the_renames_leaves_no_mix_and_the_next_run_recovers(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    out = tmp_path / "reports" / "2021-01"
    build(inputs, out)
    (out / "NOTES.txt").write_text("the office's own note\n", encoding="utf-8")
    before = snapshot(out)

    proc = start_paused(inputs, out, tmp_path / "paused", "--lang", "ru")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # Killed with the old folder aside: no folder at all, never half of each run.
    assert not out.exists()
    aside = [p for p in out.parent.iterdir() if p.name.startswith(".2021-01.old-")]
    assert len(aside) == 1 and snapshot(aside[0]) == before

    build(inputs, out, "--lang", "kk")
    assert_vouched(out, "NOTES.txt")
    assert (out / "NOTES.txt").read_text(encoding="utf-8") == "the office's own note\n"
    assert snapshot(out)["report.md"] != before["report.md"]  # the new run's, in Kazakh
    assert leftovers(out) == []


def test_the_old_report_comes_back_when_the_killed_run_is_not_repeated(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    out = tmp_path / "out"
    build(inputs, out)
    before = snapshot(out)
    proc = start_paused(inputs, out, tmp_path / "paused", "--lang", "ru")
    proc.kill()
    proc.wait(timeout=30)
    output.sweep(out)  # what the next run for this folder does first
    assert snapshot(out) == before
    # The killed run's lock file stays (holding no lock) until a run takes it over.
    assert leftovers(out) == [output.lock_path(out).name]


def test_a_run_killed_on_a_first_build_leaves_nothing_the_next_run_keeps(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    out = tmp_path / "out"
    # Killed while the new folder was being staged, and files from older versions.
    staging = tmp_path / ".out.tmp-abc123"
    (staging / "charts").mkdir(parents=True)
    (staging / "report.md").write_text("half", encoding="utf-8")
    build(inputs, out)
    (out / ".report.md.x1y2.tmp").write_text("half", encoding="utf-8")
    (out / "charts" / ".trend.svg.a.tmp").write_text("half", encoding="utf-8")
    (out / output.LEGACY_LOCK_NAME).write_text("", encoding="utf-8")
    build(inputs, out)
    assert leftovers(out) == []
    assert_vouched(out)


def test_no_lock_file_is_left_in_or_beside_the_output_folder(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    out = tmp_path / "out"
    build(write_inputs(queries=QUERIES), out)
    assert not (out / output.LEGACY_LOCK_NAME).exists()
    assert not output.lock_path(out).exists()
    assert leftovers(out) == []


def test_a_report_file_a_run_no_longer_writes_goes_and_the_manifest_matches(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    out = tmp_path / "out"
    inputs = write_inputs(queries=QUERIES + "4,yesterday,answered,Roads,\n")
    build(inputs, out)
    assert (out / "rejected.csv").exists()
    (inputs / "queries.csv").write_text(
        "query_id,received_at,status\n1,05.01.2021,answered\n", encoding="utf-8"
    )
    build(inputs, out)
    assert not (out / "rejected.csv").exists()
    assert_vouched(out)


def test_an_old_folder_keeps_its_permissions(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    out = tmp_path / "out"
    build(write_inputs(queries=QUERIES), out)
    out.chmod(0o750)
    build(write_inputs(queries=QUERIES), out)
    assert out.stat().st_mode & 0o777 == 0o750
