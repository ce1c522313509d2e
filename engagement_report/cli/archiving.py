"""``archive``: the checked rows of the inputs into a month-partitioned archive."""

from __future__ import annotations

from typing import Annotated

import typer

from engagement_report import console
from engagement_report.cli.application import app
from engagement_report.cli.messages import _describe
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


@app.command("archive")
def archive_command(
    inputs: InputsArg = None,
    to: Annotated[
        str,  # text: a URL given here is refused by name, not folded into a path
        typer.Option(
            "--to",
            help="The archive folder (created if need be): DIR/queries/month=2021-03/… "
            "and its manifest DIR/archive.json. A folder, not a URL (an archive is read "
            "at a URL, written to a folder).",
        ),
    ] = ...,  # type: ignore[assignment]
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="How the inputs were checked, on stdout: text or json."
        ),
    ] = ReportFormat.text,
    config_path: ConfigOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the inputs as build does and import their clean rows into an archive.

    Each month the inputs hold rows of is replaced; a query id they hold leaves every other
    month. How the inputs were checked goes to stdout as validate writes it. Exit 0, or 1
    when rows were rejected or a file skipped (the other rows are archived).
    """

    def action() -> int:
        config = _setup(config_path, quiet, verbose)
        from engagement_report import pipeline

        with console.status("Importing into the archive…"):
            done = pipeline.archive(
                _inputs(inputs, config), config, to, cache=not no_cache, today=_today(today)
            )
        _describe(done.report)
        _emit([pipeline.validation_text(done.report, fmt.value)])
        for change in done.result.changes:
            if change.rows_after == 0:
                what = f"removed ({change.rows_before:,} rows, every one now in another month)"
            elif change.rows_before == 0:
                what = f"new, {change.rows_after:,} rows"
            else:
                what = f"replaced, {change.rows_before:,} → {change.rows_after:,} rows"
            if change.moved_out:
                what += f"; {change.moved_out:,} moved to another month"
            # A new month is the usual case; a month replaced or emptied is worth a look.
            say = console.detail if change.rows_before == 0 else console.info
            say(f"{change.dataset} {change.month}: {what}")
        rows = sum(c.rows_after for c in done.result.changes)
        console.info(f"Archived into {to} ({len(done.result.changes)} partitions, {rows:,} rows)")
        problems = done.report.rejected or done.report.skipped_files
        return int(ExitCode.DATA_PROBLEMS if problems else ExitCode.OK)

    raise typer.Exit(_run(debug, action))
