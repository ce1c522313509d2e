"""The commands that write figures: ``build``, ``summary`` and ``publish``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from engagement_report import console
from engagement_report.checks import CHECK_NAMES
from engagement_report.cli.application import app
from engagement_report.cli.messages import _describe, _said_database
from engagement_report.cli.options import (
    AllowEmptyOpt,
    AsOfOpt,
    BuildFormat,
    ConfigOpt,
    DebugOpt,
    EngineOpt,
    Granularity,
    InputsArg,
    Language,
    NoCacheOpt,
    PeriodOpt,
    QuietOpt,
    SchedulerOpt,
    SummaryFormat,
    TodayOpt,
    VerboseOpt,
)
from engagement_report.cli.running import _date, _inputs, _run, _setup, _today
from engagement_report.cli.streams import _emit
from engagement_report.errors import ExitCode, UsageError


@app.command()
def build(
    inputs: InputsArg = None,
    period: PeriodOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder; default reports/<period>/.")
    ] = None,
    config_path: ConfigOpt = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 without writing a report when any row is rejected."),
    ] = False,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Report language; default from config, else en."),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", help="Folder of templates that replace built-in ones by name."),
    ] = None,
    today: TodayOpt = None,
    as_of: AsOfOpt = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 after writing the report when a check 'NAME OP NUMBER[%]' holds, "
            f"NAME one of {', '.join(CHECK_NAMES)}; e.g. 'rejected>0', 'coverage<100%'. "
            "Repeatable.",
        ),
    ] = None,
    formats: Annotated[
        list[BuildFormat] | None,
        typer.Option(
            "--format",
            "-f",
            help="Write these formats instead of the config's formats (default md, html, "
            "csv, json); pdf writes report.pdf. Repeatable.",
        ),
    ] = None,
    no_cache: NoCacheOpt = False,
    allow_empty: AllowEmptyOpt = False,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Read, check and compute; write report.md, report.html, summary.csv and summary.json."""

    def action() -> int:
        config = _setup(config_path, quiet, verbose)
        from engagement_report.loading import early

        # Large workbooks start being read while pandas and the pipeline are imported.
        early.start(_inputs(inputs, config), cache=not no_cache)
        from engagement_report import pipeline

        if templates is not None and not templates.is_dir():
            raise UsageError(f"--templates {templates}: no such folder")
        with console.status("Building the report…"):
            result = pipeline.build(
                _inputs(inputs, config),
                config,
                period=period,
                out=out,
                strict=strict,
                lang=lang.value if lang else None,
                templates=templates,
                today=_today(today),
                as_of=_date("--as-of", as_of),
                fail_on=fail_on or (),
                command=["engagement-report", *sys.argv[1:]],
                cache=not no_cache,
                allow_empty=allow_empty,
                formats=[f.value for f in formats] if formats else None,
                engine=engine.value if engine else None,
                scheduler=scheduler,
            )
        _describe(result.data.report)
        if not result.files:  # formats = [] in the config, and no row rejected
            console.warning("nothing written: the config's formats list is empty")
        else:
            folder = next(iter(result.files.values())).parent
            console.info(f"Wrote {', '.join(sorted(result.files))} to {folder}")
        if result.database is not None:
            _said_database(result.database)
        for failed in result.failed_checks:
            measured = "no value" if failed.value is None else f"{failed.value:g}"
            console.error(f"--fail-on {failed.check.text}: measured {measured}")
        return int(ExitCode.DATA_PROBLEMS if result.failed_checks else ExitCode.OK)

    raise typer.Exit(_run(debug, action))


@app.command()
def summary(
    inputs: InputsArg = None,
    period: PeriodOpt = None,
    fmt: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="csv, json or jsonl.")
    ] = SummaryFormat.csv,
    no_header: Annotated[
        bool, typer.Option("--no-header", help="CSV without the header row, to append to a file.")
    ] = False,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            help="One row per period, one column per figure (queries.answered_share, ...).",
        ),
    ] = False,
    by: Annotated[
        Granularity | None,
        typer.Option("--by", help="One block of rows per month, quarter or year of the period."),
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel", help="CSV for Russian-locale Excel: BOM, ';' separator, decimal comma."
        ),
    ] = False,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Write the records to table engagement_summary of this database "
            "(sqlite:///path.db or postgresql://user@host/dbname) instead of stdout, "
            "replacing the period's rows.",
        ),
    ] = None,
    config_path: ConfigOpt = None,
    today: TodayOpt = None,
    as_of: AsOfOpt = None,
    no_cache: NoCacheOpt = False,
    allow_empty: AllowEmptyOpt = False,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Write every figure of the period to stdout (the summary contract), for pipes."""

    def action() -> None:
        config = _setup(config_path, quiet)
        from engagement_report import pipeline

        if to is not None:
            written = pipeline.summary_to_database(
                _inputs(inputs, config),
                config,
                to,
                period,
                today=_today(today),
                as_of=_date("--as-of", as_of),
                by=by.value if by else None,
                cache=not no_cache,
                allow_empty=allow_empty,
                engine=engine.value if engine else None,
                scheduler=scheduler,
            )
            _said_database(written)
            return
        _emit(
            pipeline.summary(
                _inputs(inputs, config),
                config,
                period,
                fmt=fmt.value,
                wide=wide,
                header=not no_header,
                excel=excel,
                today=_today(today),
                as_of=_date("--as-of", as_of),
                by=by.value if by else None,
                cache=not no_cache,
                allow_empty=allow_empty,
                engine=engine.value if engine else None,
                scheduler=scheduler,
            )
        )

    _run(debug, action)


@app.command("publish")
def publish_command(
    inputs: InputsArg = None,
    to: Annotated[
        Path,
        typer.Option(
            "--to", help="Folder of the site (index.html, periods/, data/); default ./site."
        ),
    ] = Path("site"),
    by: Annotated[
        Granularity,
        typer.Option("--by", help="One page per month (default), quarter or year."),
    ] = Granularity.month,
    langs: Annotated[
        list[Language] | None,
        typer.Option(
            "--lang",
            help="A language of the site; repeat for several (the first is index.html's); "
            "default from config, else en.",
        ),
    ] = None,
    config_path: ConfigOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Publish every period of the data as a static site: an index, each period's report,
    and data/summary.csv of all periods. Unchanged periods are not rebuilt."""

    def action() -> None:
        config = _setup(config_path, quiet)
        from engagement_report import pipeline

        with console.status("Publishing every period…"):
            result = pipeline.publish(
                _inputs(inputs, config),
                config,
                to,
                by=by.value,
                langs=[lang.value for lang in langs or ()],
                today=_today(today),
                cache=not no_cache,
                command=["engagement-report", *sys.argv[1:]],
            )
        built = (
            f"{len(result.rebuilt)} built, {len(result.periods) - len(result.rebuilt)} unchanged"
        )
        console.info(f"Published {len(result.periods)} periods to {result.folder} ({built})")

    _run(debug, action)
