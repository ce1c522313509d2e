"""The README stays true: every figure is documented, every command and option exists."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from engagement_report.cli import app
from engagement_report.figures import METRICS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_figure_is_defined_in_the_readme() -> None:
    missing = [f"{m.dataset}.{m.name}" for m in METRICS if m.name not in README]
    assert not missing


def test_every_documented_command_exists() -> None:
    commands = set(re.findall(r"`engagement-report (\w+)", README))
    assert {"build", "summary", "validate", "diff", "init"} <= commands
    for command in commands:
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0, command


def test_every_documented_option_is_in_help() -> None:
    # Options named in the README's option tables, checked against each command's --help.
    helps = {
        c: CliRunner().invoke(app, [c, "--help"], terminal_width=200).output
        for c in ("build", "summary", "validate", "diff", "init")
    }
    documented = set(re.findall(r"`(?:build |summary )?(--[a-z][a-z-]+)", README))
    undocumented = [o for o in documented if not any(o in text for text in helps.values())]
    assert not undocumented
