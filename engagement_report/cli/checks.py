"""``validate``: how each input was read, row accounting and every problem."""

from __future__ import annotations

from typing import Annotated

import typer

from engagement_report import console
from engagement_report.cli.application import app
from engagement_report.cli.options import (
    ConfigOpt,
    DebugOpt,
    InputsArg,
    NoCacheOpt,
    QuietOpt,
    ReportFormat,
    TodayOpt,
    VerboseOpt,
)
from engagement_report.cli.running import _inputs, _run, _setup, _today
from engagement_report.cli.streams import _emit
from engagement_report.errors import ExitCode


@app.command("validate")
def validate_command(
    inputs: InputsArg = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ReportFormat.text,
    config_path: ConfigOpt = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            help="For an archive: check only the partitions a build of this period reads "
            "(as --period of build); default: every partition. Files are checked whole.",
        ),
    ] = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the inputs: how each sheet was read, row accounting and every problem.

    Exit 0 when no row is rejected and every file was read, 1 when rows were rejected or a
    file was skipped, 2 when an input cannot be read.
    """

    def action() -> int:
        config = _setup(config_path, quiet, verbose)
        from engagement_report import pipeline

        with console.status("Reading the inputs…"):
            report = pipeline.check_inputs(
                _inputs(inputs, config),
                config,
                cache=not no_cache,
                today=_today(today),
                period=period,
            )
        _emit([pipeline.validation_text(report, fmt.value)])
        problems = report.rejected or report.skipped_files
        return int(ExitCode.DATA_PROBLEMS if problems else ExitCode.OK)

    code = _run(debug, action)
    raise typer.Exit(code)
