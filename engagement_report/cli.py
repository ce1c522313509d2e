"""The command line: options → one library call → output → exit code.

The only module that imports Typer. Heavy modules (pandas, the readers,
Jinja, Babel) are imported inside the commands, so ``--help`` and
``--version`` stay fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from engagement_report import __version__, console
from engagement_report.checks import CHECK_NAMES
from engagement_report.config import Config, find_config, load_config
from engagement_report.errors import EngagementReportError, ExitCode, UsageError

if TYPE_CHECKING:
    from engagement_report import pipeline
    from engagement_report.models import ValidationReport

app = typer.Typer(
    name="engagement-report",
    help="Reports on how a city office listens to citizens: queries, live broadcasts, press events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: drawing Rich panels costs half of --help's 0.25 s budget.
    rich_markup_mode=None,
)

T = TypeVar("T")


class SummaryFormat(StrEnum):
    """Formats of ``summary``."""

    csv = "csv"
    json = "json"
    jsonl = "jsonl"


class BuildFormat(StrEnum):
    """Formats of ``build``."""

    md = "md"
    html = "html"
    csv = "csv"
    json = "json"
    pdf = "pdf"


class ReportFormat(StrEnum):
    """Formats of ``validate``."""

    text = "text"
    json = "json"


class Granularity(StrEnum):
    """Sub-periods of ``summary --by``."""

    month = "month"
    quarter = "quarter"
    year = "year"


class Language(StrEnum):
    """Report languages."""

    en = "en"
    ru = "ru"
    kk = "kk"


InputsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files (csv, xlsx) or folders holding them; default: the config's inputs.",
        show_default=False,
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="2021 (year), 2021-Q1, 2021-01 (month), 2021-01-01..2021-02-28 (inclusive range), "
        "last-month, last-quarter, last-year, this-month, this-quarter, this-year or ytd; "
        "default: the whole span of the data.",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="TOML config; default $ENGAGEMENT_REPORT_CONFIG, else ./engagement-report.toml.",
    ),
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today",
        help="Pin 'today' (YYYY-MM-DD) for relative periods, the cut-off and which dates "
        "are in the future, for reruns and tests.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Cut-off (YYYY-MM-DD) every figure is as of; default the period's last day, or today for a period not yet over (then counted up to today).",
    ),
]
AllowEmptyOpt = Annotated[
    bool,
    typer.Option(
        "--allow-empty",
        help="Report a period that holds no rows of any dataset (otherwise exit 1).",
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read and check every input afresh: neither use nor fill the caches of "
        "checked inputs and figures "
        "(~/.cache/engagement-report or $ENGAGEMENT_REPORT_CACHE_DIR).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Say more: column mappings, ignored columns, skipped sheets."
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")]


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


@contextmanager
def _outcome(debug: bool) -> Iterator[None]:
    """Map library exceptions to one clear stderr line and the documented exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except EngagementReportError as exc:
        if debug:
            raise
        console.error(str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        console.error("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        console.error(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug: rerun with --debug and report it"
        )
        raise typer.Exit(ExitCode.BUG) from None


def _setup(config_path: Path | None, quiet: bool = False, verbose: bool = False) -> Config:
    console.configure(quiet=quiet, verbose=verbose)
    return load_config(find_config(config_path))


def _inputs(given: list[Path] | None, config: Config) -> list[str]:
    if given:
        return [str(p) for p in given]
    if config.inputs:
        base = config.source.parent if config.source else Path.cwd()
        return [i if Path(i).expanduser().is_absolute() else str(base / i) for i in config.inputs]
    raise UsageError(
        "no inputs: give files or folders, or name them with inputs = [...] in the config"
    )


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected a date as YYYY-MM-DD") from None


def _today(text: str | None) -> date | None:
    return _date("--today", text)


def _run(debug: bool, action: Callable[[], T]) -> T:
    with _outcome(debug):
        return action()
    raise AssertionError("unreachable")  # pragma: no cover


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


@app.command("validate")
def validate_command(
    inputs: InputsArg = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ReportFormat.text,
    config_path: ConfigOpt = None,
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
                _inputs(inputs, config), config, cache=not no_cache, today=_today(today)
            )
        _emit([pipeline.validation_text(report, fmt.value)])
        problems = report.rejected or report.skipped_files
        return int(ExitCode.DATA_PROBLEMS if problems else ExitCode.OK)

    code = _run(debug, action)
    raise typer.Exit(code)


@app.command()
def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder for engagement-report.toml and data/; default: the current folder.",
            show_default=False,
        ),
    ] = Path(),
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of sheets, headers, lists and comments; default from --config, else en.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the kit's files where they exist.")
    ] = False,
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Take settings and the topic, channel and district lists from this config.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Start a folder: a commented engagement-report.toml and empty workbooks in data/."""

    def action() -> None:
        console.configure(quiet=quiet)
        # Only an explicit --config: a new kit must not inherit whatever config is lying around.
        config = load_config(config_path)
        from engagement_report import pipeline

        written = pipeline.start_kit(
            folder, lang.value if lang else config.lang, config, overwrite=force
        )
        console.info(
            f"Wrote {', '.join(p.relative_to(folder).as_posix() for p in written)} to {folder}"
        )
        console.info(
            f"Fill in the workbooks in {folder / 'data'}, then run 'engagement-report validate' "
            f"and 'engagement-report build' in {folder}"
        )

    _run(debug, action)


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


def _describe(report: ValidationReport) -> None:
    for source in report.sources:
        where = f"{Path(source.file).name}" + (f" [{source.sheet}]" if source.sheet else "")
        console.detail(
            f"{where}: read as {source.dataset} (header on row {source.header_row}); "
            f"{source.used} of {source.rows_read} rows used"
        )
        if source.mapping:
            mapped = ", ".join(
                f"{column} ← {header!r}" for column, header in source.mapping.items()
            )
            console.detail(f"{where}: columns: {mapped}")
        if source.ignored_columns:
            console.detail(f"{where}: ignored columns: {', '.join(source.ignored_columns)}")
    for skipped in report.skipped:
        console.detail(
            f"skipped {skipped.file.name}{f' [{skipped.sheet}]' if skipped.sheet else ''}: {skipped.reason}"
        )
    if report.rejected:
        console.warning(
            f"{report.rejected} row(s) rejected; see rejected.csv and 'engagement-report validate'"
        )


def _said_database(written: pipeline.DatabaseWrite) -> None:
    periods = ", ".join(written.periods)
    console.info(
        f"Wrote {written.rows} figures of {periods} to table engagement_summary in {written.where}"
    )


def _emit(chunks: object) -> None:
    """Write data to stdout, as UTF-8 whatever the locale (the summary contract);
    a reader that closes the pipe early ends the run quietly."""
    from engagement_report.errors import OutputError

    if "stdout" in _CLOSED:
        raise OutputError("stdout is closed: there is nowhere to write the data to")
    try:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        for chunk in chunks:  # type: ignore[attr-defined]
            if out is None:
                sys.stdout.write(chunk)
            else:
                out.write(chunk.encode("utf-8", "surrogateescape"))
        (out or sys.stdout).flush()
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit; point it at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as exc:  # a full disk behind a redirection, /dev/full, a quota
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # what is still buffered cannot fail again
        raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None


_CLOSED: set[str] = set()  # standard streams the process was started without


def _guard_standard_streams() -> None:
    """Give a closed stdin, stdout or stderr a /dev/null of its own.

    A closed descriptor 1 or 2 would otherwise be handed to the next file opened (a
    report file, the lock) and messages written "to stderr" would land inside it. With
    stderr closed the run goes on silently and its exit code tells the outcome; with
    stdout closed a command that has data to print fails with exit 3.
    """
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: fd
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            _CLOSED.add(name)
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115


def main() -> None:
    """Console-script entry point.

    When the command is done (its files written and closed, its cache writers joined),
    the process ends at once: the interpreter would otherwise free a million-row build's
    frames and modules one object at a time on its way out, a fifth of a second for
    nothing.
    """
    _guard_standard_streams()
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _end(code)


def _end(code: object) -> None:
    """Exit with ``code`` as ``sys.exit`` would, without the interpreter's teardown.

    The cache writers are the only threads whose work should finish (the warm-up and
    read-ahead threads are daemons); they are waited for first, a few seconds at most.
    """
    writers = sys.modules.get("engagement_report.cache.background")  # not loaded: none started
    if writers is not None:
        writers.wait()
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
