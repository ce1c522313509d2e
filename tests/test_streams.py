"""Closed and full standard streams, and cells that try to drive the terminal.

Each run is the console script in its own process, started with a standard stream
closed (not redirected: closed, as ``>&-`` does), so what is checked is what a shell
or a job runner would see.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from engagement_report.cli import app
from engagement_report.safe_text import terminal_text

SCRIPT = Path(sys.executable).parent / "engagement-report"
QUERIES = """\
    query_id,received_at,status,topic
    1,05.01.2021,answered,Roads
    2,06.01.2021,answered,Parks
"""


def script(*args: str | Path, close: int | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ENGAGEMENT_REPORT_CONFIG"}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=(lambda: os.close(close)) if close is not None else None,
    )


def test_stdout_closed_is_exit_3_with_one_line(write_inputs: Callable[..., Path]) -> None:
    inputs = write_inputs(queries=QUERIES)
    for command in ("summary", "validate"):
        proc = script(command, inputs, close=1)
        stderr = proc.stderr.decode()
        assert proc.returncode == 3, stderr
        assert stderr == "error: stdout is closed: there is nowhere to write the data to\n"


def test_a_build_with_stdout_closed_writes_its_report(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    proc = script("build", write_inputs(queries=QUERIES), "-o", tmp_path / "out", close=1)
    assert proc.returncode == 0, proc.stderr.decode()
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_stderr_closed_still_writes_the_report(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    out = tmp_path / "out"
    proc = script("build", write_inputs(queries=QUERIES), "-o", out, "-v", close=2)
    assert proc.returncode == 0
    assert proc.stdout == b""
    assert (out / "manifest.json").is_file()
    # The messages did not end up in a file that took descriptor 2's place.
    for path in out.rglob("*"):
        if path.is_file():
            assert b"Wrote " not in path.read_bytes(), path


def test_stderr_closed_exit_code_still_says_what_failed(tmp_path: Path) -> None:
    proc = script("validate", tmp_path / "missing.csv", close=2)
    assert proc.returncode == 2
    assert proc.stdout == b""


def test_stdout_on_a_full_device_is_exit_3(write_inputs: Callable[..., Path]) -> None:
    inputs = write_inputs(queries=QUERIES)
    with Path("/dev/full").open("wb") as full:
        proc = subprocess.run(
            [str(SCRIPT), "summary", str(inputs)], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert proc.returncode == 3
    assert proc.stderr.decode() == "error: cannot write to stdout: No space left on device\n"


def test_terminal_text_escapes_controls_and_bidi() -> None:
    assert terminal_text("Roads") == "Roads"
    assert terminal_text("Дороги и парки") == "Дороги и парки"
    assert terminal_text("\x1b[2J\x1b]0;pwned\x07") == "\\x1b[2J\\x1b]0;pwned\\x07"
    assert terminal_text("abc\u202edcba") == "abc\\u202edcba"
    assert terminal_text("a\u2066b\u2069\u200bc") == "a\\u2066b\\u2069\\u200bc"
    assert terminal_text("line\nbreak\r") == "line\\x0abreak\\x0d"


def test_validate_text_shows_control_characters_escaped(
    write_inputs: Callable[..., Path],
) -> None:
    inputs = write_inputs(
        queries="""\
        query_id,received_at,status,topic
        1,"\x1b[31m05.01.2021\u202e",answered,Roads
        2,05.01.2021,"\x1b]0;title\x07done\u2067",Parks
        """
    )
    result = CliRunner().invoke(app, ["validate", str(inputs), "--no-cache"])
    assert result.exit_code == 1, result.stderr
    text = result.stdout
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "'\\x1b[31m05.01.2021\\u202e' in received_at" in text
    assert "\\x1b]0;title\\x07done\\u2067" in text
