"""The README's reference tables, generated from the code's own definitions.

The README runs these through cog (https://nedbatchelder.com/code/cog/) between
``<!-- [[[cog ... ]]] -->`` and ``<!-- [[[end]]] -->`` markers; ``tests/test_readme.py``
fails when the README and the code disagree. To refresh after changing a definition::

    python -m cogapp -r -I docs README.md
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import cog  # type: ignore[import-not-found]  # provided by cogapp while it runs


def _cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    cog.outl("| " + " | ".join(header) + " |")
    cog.outl("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        cog.outl("| " + " | ".join(_cell(value) for value in row) + " |")


def _code(text: str) -> str:
    return f"`{text}`"


def exit_codes() -> None:
    """Exit codes: ``errors.ExitCode`` and ``errors.EXIT_MEANINGS``."""
    from engagement_report.errors import EXIT_MEANINGS, ExitCode

    _table(["code", "meaning"], ((int(code), EXIT_MEANINGS[code]) for code in ExitCode))


def data_dictionary() -> None:
    """Every dataset's columns: ``schema.COLUMNS``."""
    from engagement_report.schema import COLUMNS

    rows = []
    for dataset, columns in COLUMNS.items():
        for column in columns:
            aliases = ", ".join(_code(alias) for alias in column.aliases)
            required = "yes" if column.required else "no"
            rows.append((dataset, _code(column.name), column.meaning, required, aliases))
    _table(["dataset", "column", "meaning", "required", "also accepted as header"], rows)


def figures() -> None:
    """Every figure's definition: ``figures.METRICS``."""
    from engagement_report.figures import METRICS

    _table(
        ["figure", "definition"],
        ((_code(f"{metric.dataset}.{metric.name}"), metric.definition) for metric in METRICS),
    )


def problem_codes() -> None:
    """Every problem code: ``problem_types.PROBLEM_TYPES``."""
    from engagement_report.problem_types import PROBLEM_TYPES

    _table(
        ["code", "severity", "what it means"],
        ((_code(p.code), p.severity, p.description) for p in PROBLEM_TYPES.values()),
    )


def options() -> None:
    """Every command-line option with the commands that take it, from the CLI's own help."""
    import typer.main

    from engagement_report.cli import app

    group: Any = typer.main.get_command(app)  # a Click group (Typer may vendor Click)
    # One row per option and meaning: '--format' means other things to other commands.
    seen: dict[tuple[tuple[str, ...], str], list[str]] = {}
    for name, command in group.commands.items():
        for param in command.params:
            if param.param_type_name == "option":
                names = tuple(param.opts + param.secondary_opts)
                seen.setdefault((names, param.help or ""), []).append(name)
    everything = len(group.commands)
    rows = []
    for (names, help_text), commands in seen.items():
        where = "all" if len(commands) == everything else ", ".join(commands)
        rows.append((", ".join(_code(n) for n in names), where, help_text))
    _table(["option", "commands", "meaning"], rows)


def template_blocks() -> None:
    """The blocks a user template can override: those of the built-in report templates
    (Markdown and HTML name the same blocks, in the same order)."""
    from jinja2 import Environment, nodes

    from engagement_report.render.environment import builtin_templates_dir

    folder = builtin_templates_dir()
    names = []
    for kind in ("md", "html"):
        tree = Environment().parse((folder / f"report.{kind}.j2").read_text(encoding="utf-8"))
        names.append([block.name for block in tree.find_all(nodes.Block)])
    if names[0] != names[1]:
        raise ValueError(f"report.md.j2 and report.html.j2 name other blocks: {names}")
    cog.outl("Blocks: " + ", ".join(_code(name) for name in names[0]) + ".")
