"""Templates are code: a user's templates (``--templates``) render in Jinja's sandbox,
and an error in one is exit 2 naming the template's file and line, never exit 70."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report.cli import app

QUERIES = """\
    query_id,received_at,status,topic
    1,05.01.2021,answered,Roads
    2,06.01.2021,answered,Parks
"""
EXTENDS = '{% extends "default:report.md.j2" %}\n'


def build(inputs: Path, out: Path, *args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["build", str(inputs), "-o", str(out), "--no-cache", *map(str, args)]
    )
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("files", "line", "fragment"),
    [
        (
            {"report.md.j2": EXTENDS + "{% block headline %}\n\n{{ 1 // 0 }}\n{% endblock %}\n"},
            ("report.md.j2", 4),
            "division",
        ),
        (
            {
                "report.md.j2": EXTENDS
                + '{% block headline %}\n{% include "_gone.j2" %}\n{% endblock %}\n'
            },
            ("report.md.j2", 3),
            "no template '_gone.j2'",
        ),
        ({"report.md.j2": "fine\n{% if %}\n"}, ("report.md.j2", 2), "TemplateSyntaxError"),
        (
            {"report.md.j2": 'x\n{% include "_part.j2" %}\n', "_part.j2": "a\nb\n{{ ctx.nope }}\n"},
            ("_part.j2", 3),
            "no attribute 'nope'",
        ),
        (
            {"report.md.j2": "x\n{{ ctx.figures.__class__.__init__.__globals__ }}\n"},
            ("report.md.j2", 2),
            "unsafe",
        ),
        (
            {"report.md.j2": "x\n{{ ctx.period.start.__class__.__subclasses__() }}\n"},
            ("report.md.j2", 2),
            "unsafe",
        ),
    ],
)
def test_a_failing_user_template_is_exit_2_naming_file_and_line(
    tmp_path: Path,
    write_inputs: Callable[..., Path],
    files: dict[str, str],
    line: tuple[str, int],
    fragment: str,
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    code, stderr = build(write_inputs(queries=QUERIES), tmp_path / "out", "--templates", folder)
    assert code == 2, stderr
    assert stderr.count("\n") == 1, stderr
    assert f"{folder / line[0]}, line {line[1]}:" in stderr
    assert fragment in stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_sandboxed_user_templates_render_the_builtins_unchanged(
    tmp_path: Path, write_inputs: Callable[..., Path]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text(EXTENDS, encoding="utf-8")
    assert build(inputs, tmp_path / "plain")[0] == 0
    assert build(inputs, tmp_path / "user", "--templates", folder)[0] == 0
    for name in ("report.md", "report.html"):
        plain = (tmp_path / "plain" / name).read_text(encoding="utf-8")
        assert (tmp_path / "user" / name).read_text(encoding="utf-8") == plain
