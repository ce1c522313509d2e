"""The Typer application: its name, help and ``--version``."""

from __future__ import annotations

from typing import Annotated

import typer

from engagement_report import __version__

app = typer.Typer(
    name="engagement-report",
    help="Reports on how a city office listens to citizens: queries, live broadcasts, press events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: drawing Rich panels costs half of --help's 0.25 s budget.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"engagement-report {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Reports on how a city office listens to citizens: queries, live broadcasts, press events."""
