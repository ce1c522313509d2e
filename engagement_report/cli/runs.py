"""``diff``: why two runs differ, from their manifests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engagement_report.cli.application import app
from engagement_report.cli.options import (
    DebugOpt,
    ReportFormat,
)
from engagement_report.cli.running import _run
from engagement_report.cli.streams import _emit


@app.command()
def diff(
    old_dir: Annotated[
        Path,
        typer.Argument(
            help="Report folder of the earlier run (holds manifest.json).", show_default=False
        ),
    ],
    new_dir: Annotated[
        Path, typer.Argument(help="Report folder of the later run.", show_default=False)
    ],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ReportFormat.text,
    debug: DebugOpt = False,
) -> None:
    """Explain why two runs differ: changed input files, rows counted, then figures.

    Reads each folder's manifest.json (written by build). Exit 0, or 2 without a readable manifest.
    """

    def action() -> None:
        from engagement_report import pipeline

        _emit([pipeline.diff(old_dir, new_dir, fmt.value)])

    _run(debug, action)
