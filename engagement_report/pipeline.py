"""The library's entry points: one function per command, load → validate → compute → render.

Everything the command line does can be done from Python::

    from engagement_report import pipeline
    result = pipeline.build(["sample_data"], period="2021-01", out="reports/2021-01")
    print(result.figures.queries.answered_share)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pandas as pd

from engagement_report import __version__, console
from engagement_report import analysis as _analysis_stage
from engagement_report.analysis import Analysis, analyse, complete, coverage
from engagement_report.cache import Store, cache_key, in_background, wait
from engagement_report.checks import CheckResult, evaluate, parse_check
from engagement_report.config import Config
from engagement_report.errors import DataQualityError, InputError, OutputError, UsageError
from engagement_report.export import (
    SummaryRecord,
    csv_text,
    json_text,
    summary_chunks,
    summary_records,
)
from engagement_report.figures import METRICS, in_period
from engagement_report.figures_cache import figures_extra, load_analysis, store_analysis
from engagement_report.hashing import SeenFile, changed_error, seen
from engagement_report.loading import discover_inputs, load_inputs
from engagement_report.manifest import MANIFEST_NAME, build_manifest, manifest_text
from engagement_report.models import CleanData, ValidationReport
from engagement_report.output import folder_lock, replace_folder, write_files
from engagement_report.periods import (
    Period,
    PeriodError,
    Window,
    parse_period,
    period_for_span,
    today_in,
    window_for,
)
from engagement_report.publish.datapackage import PACKAGE_NAME, datapackage, datapackage_text
from engagement_report.publish.pdf import PDF_NAME, pdf_bytes
from engagement_report.publish.pdf import check_available as check_pdf
from engagement_report.render.charts import CHART_FILES, attach_charts, chart_files
from engagement_report.render.context import DeadlinePolicy, ReportContext
from engagement_report.render.environment import render, template_dirs
from engagement_report.results import Figures
from engagement_report.run_diff import diff_dict, diff_runs, diff_text
from engagement_report.safe_text import spreadsheet_cell
from engagement_report.validation import validate
from engagement_report.validation.cache import load_checked, store_checked
from engagement_report.validation.dates import two_digit_pivot
from engagement_report.validation.plausible import flag_implausible_dates, plausible_window
from engagement_report.validation.report import report_as_dict, report_as_text

DEFAULT_TITLE = "Public engagement report"


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` produced: the figures, the data report and the files written."""

    figures: Figures
    data: CleanData
    context: ReportContext
    files: dict[str, Path]
    failed_checks: tuple[CheckResult, ...] = ()
    database: DatabaseWrite | None = None


@dataclass(frozen=True)
class _Checked:
    """Checked data, the inputs as they were read (hashed), and the cache it went through
    (None with ``cache=False``)."""

    data: CleanData
    inputs: tuple[SeenFile, ...]
    store: Store | None = None
    templates: tuple[Path, ...] = ()


def _seen_inputs(inputs: Sequence[str | Path]) -> tuple[SeenFile, ...]:
    """The input files, found once and each hashed before it is read."""
    files = discover_inputs(inputs)
    if not files:
        raise InputError("no input files found (give files or folders holding csv/xlsx files)")
    return tuple(seen(path) for path in files)


def _unchanged(inputs: Sequence[SeenFile]) -> None:
    """Refuse inputs that changed since they were hashed: the figures, the manifest and
    the cache must all speak of the content that was read."""
    for file in inputs:
        if not file.unchanged():
            raise changed_error(file.path)


def _check(
    inputs: Sequence[str | Path], config: Config, cache: bool, templates: Path | None = None
) -> _Checked:
    """Read and check the inputs, through the checked-data cache when ``cache``."""
    files = _seen_inputs(inputs)
    store = Store() if cache else None
    folders = tuple(template_dirs(templates))
    name = None
    if store is not None:
        # How a two-digit year reads moves with the calendar year (values.two_digit_pivot).
        pivot = f"two-digit years up to {two_digit_pivot()}"
        name = cache_key("checked", config=config, templates=folders, inputs=files, extra=pivot)
        data = load_checked(store, name)
        if data is not None:
            console.note("Inputs unchanged since they were last checked: using that check")
            _unchanged(files)
            return _Checked(data, files, store, folders)
    loaded = load_inputs(inputs, config, files=[file.path for file in files])
    console.note("Checking rows…")
    data = validate(loaded, config)
    _unchanged(files)
    if store is not None and name is not None:
        in_background(store_checked, store, name, data, files, name="checked-store")
    return _Checked(data, files, store, folders)


def _run_today(config: Config, today: date | None, as_of: date | None = None) -> date:
    """The last day an event in the inputs can have happened: the run's today (``--today``,
    else the date in the config's time zone), or ``--as-of`` when that is later."""
    day = today or today_in(config.timezone)
    return max(day, as_of) if as_of is not None else day


def _plausible(
    data: CleanData, config: Config, today: date | None, as_of: date | None = None
) -> CleanData:
    """``data`` with warnings for dates after the run's today or before ``earliest_year``."""
    return flag_implausible_dates(data, config.earliest_year, _run_today(config, today, as_of))


def load_and_validate(
    inputs: Sequence[str | Path],
    config: Config,
    *,
    cache: bool = True,
    today: date | None = None,
) -> CleanData:
    """Read and check every input; the clean frames plus the validation report.

    With ``cache`` (the default), inputs checked before under the same configuration are
    loaded from the checked-data cache, and what is checked now is added to it (see
    :mod:`engagement_report.validation.cache`); ``cache=False`` reads and checks every
    input afresh, neither using nor filling the cache.
    Dates after ``today`` (default: the date now in the config's time zone) or before
    the config's ``earliest_year`` are warnings.
    """
    data = _check(inputs, config, cache).data
    wait()  # the entry is on disk when the call returns (a bounded wait)
    return _plausible(data, config, today)


def check_inputs(
    inputs: Sequence[str | Path], config: Config, *, cache: bool = True, today: date | None = None
) -> ValidationReport:
    """The ``validate`` command: the validation report alone."""
    return load_and_validate(inputs, config, cache=cache, today=today).report


def data_span(data: CleanData, window: tuple[date, date] | None = None) -> tuple[date, date] | None:
    """First and last date found in any dataset, or None when there are no rows.

    ``window``: only dates inside it count (the plausible dates: a year typed as 2201
    must not stretch the default period to the year 2201).
    """
    dates = [
        data.queries["received_at"],
        data.broadcasts["date"],
        data.press_events["date"],
    ]
    values = (
        pd.concat([d.dropna() for d in dates if len(d)], ignore_index=True)
        if any(len(d) for d in dates)
        else pd.Series([], dtype="datetime64[ns]")
    )
    values = values.dropna()
    if window is not None:
        first, last = (pd.Timestamp(day) for day in window)
        values = values[(values >= first) & (values < last + pd.Timedelta(days=1))]
    if values.empty:
        return None
    return values.min().date(), values.max().date()


def resolve_period(
    text: str | None,
    data: CleanData,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
) -> Period:
    """``--period`` read, or the whole span of the data's plausible dates when it is not
    given (between the config's ``earliest_year`` and the run's today)."""
    if text:
        try:
            return parse_period(text, today=today, timezone=config.timezone)
        except PeriodError as exc:
            raise UsageError(str(exc)) from None
    span = data_span(data, plausible_window(config.earliest_year, _run_today(config, today, as_of)))
    if span is None:
        raise UsageError(
            "the inputs hold no dated rows between "
            f"{config.earliest_year} and today, so there is no period to report; give --period"
        )
    return period_for_span(*span)


def require_rows(data: CleanData, period: Period) -> None:
    """Refuse a period that holds no row of any dataset: an unattended monthly job would
    otherwise publish a report of zeros (``--allow-empty`` writes one on purpose)."""
    frames = (
        (data.queries, "received_at"),
        (data.broadcasts, "date"),
        (data.press_events, "date"),
    )
    if any(in_period(frame[column], period).any() for frame, column in frames):
        return
    span = data_span(data)
    held = f"the data runs from {span[0]} to {span[1]}" if span else "the inputs hold no rows"
    raise DataQualityError(
        f"the period {period.label} holds no rows of any dataset ({held}); nothing written. "
        "Check --period and the inputs, or give --allow-empty to report an empty period"
    )


def window(
    period: Period, config: Config, today: date | None = None, as_of: date | None = None
) -> Window:
    """The report window of ``period``: the one place a cut-off is decided.

    The cut-off is ``as_of``, else the period's last day, or today (in the config's time
    zone) for a period not yet over; the period is counted up to the cut-off.
    """
    try:
        return window_for(period, today or today_in(config.timezone), as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def compute(
    data: CleanData,
    period: Period,
    config: Config,
    today: date | None = None,
    as_of: date | None = None,
) -> Figures:
    """Every figure of ``period`` as of its cut-off (see :func:`window`)."""
    return _analysis_stage.compute(data, window(period, config, today, as_of), config)


def report_context(
    data: CleanData,
    figures: Figures,
    config: Config,
    lang: str | None = None,
    title: str = DEFAULT_TITLE,
    today: date | None = None,
    *,
    analysis: Analysis | None = None,
    report_window: Window | None = None,
) -> ReportContext:
    """The context every report template receives.

    ``analysis``: the period's trend, coverage, comparisons and agenda when already
    worked out (:func:`analyse`, or the figures cache), else they are worked out here.
    ``report_window``: the window the figures were computed for (else the window of
    their period, cut at ``today``).
    """
    if report_window is None:
        report_window = window(figures.period, config, today, figures.cutoff)
    if analysis is None:
        analysis = complete(data, figures, report_window, config)
    counts: dict[str, int] = {}
    for source in data.report.sources:
        for code, count in source.problem_counts.items():
            counts[code] = counts.get(code, 0) + count
    period = figures.period
    present = figures.datasets
    return ReportContext(
        title=title,
        period=period,
        figures=figures,
        sources=data.report.sources,
        skipped=data.report.skipped,
        rejected_rows=data.report.rejected,
        warnings=data.report.warnings,
        problems_by_code=dict(sorted(counts.items())),
        # A dataset with no input at all: no coverage lines and no definitions for it.
        coverage={d: c for d, c in analysis.covered.items() if not present or d in present},
        metrics=tuple(m for m in METRICS if not present or m.dataset in present),
        tool_version=__version__,
        window=report_window,
        lang=lang or config.lang,
        min_category_size=config.min_category_size,
        trend=analysis.months,
        open_queries=figures.open_queries,
        headlines=analysis.headlines,
        agenda=analysis.agenda,
        deadline_policy=DeadlinePolicy(
            config.deadlines.kind,
            config.deadlines.answer_working_days,
            config.deadlines.redirect_working_days,
            config.calendar.name,
            "-".join(t.strftime("%H:%M") for t in config.calendar.working_hours),
            config.deadlines.law,
        ),
    )


def render_reports(context: ReportContext, templates: Path | None = None) -> dict[str, str]:
    """Markdown and HTML text of the report."""
    return {
        "report.md": render("report.md.j2", "md", context, context.lang, templates),
        "report.html": render("report.html.j2", "html", context, context.lang, templates),
    }


def open_data_text(
    records: Sequence[SummaryRecord], summary_csv: str, config: Config, label: str
) -> str:
    """``datapackage.json`` describing ``summary_csv`` (the records of the period ``label``)."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", label.lower()).strip("-")
    package = datapackage(
        records,
        summary_csv,
        name=f"engagement-summary-{slug}",
        title=f"{DEFAULT_TITLE}: figures of {label}",
        open_data=config.open_data,
        tool_version=__version__,
    )
    return datapackage_text(package)


def rejected_csv(data: CleanData) -> str:
    """The rejected rows, their reasons and original cells, safe to open in a spreadsheet."""
    frame = data.rejected_rows.copy()
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype).startswith(("string", "str")):
            text = frame[column].astype("string")
            frame[column] = text.map(spreadsheet_cell, na_action="ignore")
    # The header row holds the source file's own headers: as untrusted as its cells.
    frame.columns = [spreadsheet_cell(str(column)) for column in frame.columns]
    return frame.to_csv(index=False, lineterminator="\n")


def summarize(
    inputs: Sequence[str | Path],
    config: Config,
    period: str | None = None,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    *,
    cache: bool = True,
    allow_empty: bool = False,
) -> list[SummaryRecord]:
    """The ``summary`` command: records of every figure of the period, or of each sub-period.

    A period without a single row is refused unless ``allow_empty`` (:func:`require_rows`).
    """
    data = load_and_validate(inputs, config, cache=cache, today=_run_today(config, today, as_of))
    resolved = resolve_period(period, data, config, today, as_of)
    whole = window(resolved, config, today, as_of)
    if not allow_empty:
        require_rows(data, whole.period)
    pieces = resolved.split(by) if by else [resolved]
    records: list[SummaryRecord] = []
    for piece in pieces:
        if piece.start > whole.cutoff:
            break  # not begun by the cut-off: nothing of it is known
        # --as-of applies to the whole range; each piece is otherwise cut at its own end.
        records += summary_records(compute(data, piece, config, today, as_of))
    return records


@dataclass(frozen=True)
class DatabaseWrite:
    """What went to a database: rows, the periods replaced, and where (password hidden)."""

    rows: int
    periods: tuple[str, ...]
    where: str


def to_database(
    url: str, records: Sequence[SummaryRecord], inputs: Sequence[str | Path]
) -> DatabaseWrite:
    """Replace the periods of ``records`` in the database at ``url`` (table
    ``engagement_summary``, with this tool's version and the inputs' hash)."""
    from engagement_report.publish.database import inputs_hash, redact, write_summary

    rows = write_summary(
        url,
        records,
        tool_version=__version__,
        inputs_sha256=inputs_hash(discover_inputs(inputs)),
    )
    periods = tuple(dict.fromkeys(f"{r.period_start}..{r.period_end}" for r in records))
    return DatabaseWrite(rows, periods, redact(url))


def summary_to_database(
    inputs: Sequence[str | Path],
    config: Config,
    url: str,
    period: str | None = None,
    *,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    cache: bool = True,
    allow_empty: bool = False,
) -> DatabaseWrite:
    """The ``summary --to URL`` command: :func:`summarize`'s records written to a database
    (:func:`to_database`)."""
    records = summarize(
        inputs, config, period, today, as_of, by, cache=cache, allow_empty=allow_empty
    )
    return to_database(url, records, inputs)


def summary(
    inputs: Sequence[str | Path],
    config: Config,
    period: str | None = None,
    *,
    fmt: Literal["csv", "json", "jsonl"] = "csv",
    wide: bool = False,
    header: bool = True,
    excel: bool = False,
    today: date | None = None,
    as_of: date | None = None,
    by: Literal["month", "quarter", "year"] | None = None,
    cache: bool = True,
    allow_empty: bool = False,
) -> list[str]:
    """The ``summary`` command's output: :func:`summarize`'s records in ``fmt`` (the summary
    contract), long or ``wide``."""
    if wide and fmt == "jsonl":  # refused before any input is read
        raise UsageError("--wide works with --format csv or json, not jsonl")
    records = summarize(
        inputs, config, period, today, as_of, by, cache=cache, allow_empty=allow_empty
    )
    return summary_chunks(records, fmt, wide=wide, header=header, excel=excel)


def validation_text(report: ValidationReport, fmt: Literal["text", "json"] = "text") -> str:
    """The ``validate`` command's output for ``report`` (:func:`check_inputs`)."""
    if fmt == "json":
        return json.dumps(report_as_dict(report), ensure_ascii=False, indent=2) + "\n"
    return report_as_text(report)


def start_kit(folder: Path, lang: str, config: Config, *, overwrite: bool = False) -> list[Path]:
    """The ``init`` command: a commented config and empty data-entry workbooks in ``folder``."""
    from engagement_report.starter import write_start_kit

    return write_start_kit(folder, lang, config, overwrite=overwrite)


def diff(old_dir: Path, new_dir: Path, fmt: Literal["text", "json"] = "text") -> str:
    """The ``diff`` command: why two runs' figures differ, from their manifests."""
    result = diff_runs(old_dir, new_dir)
    if fmt == "json":
        return json.dumps(diff_dict(result), ensure_ascii=False, indent=2) + "\n"
    return diff_text(result)


def check_values(data: CleanData, figures: Figures) -> dict[str, float | None]:
    """The measures ``--fail-on`` checks read."""
    covered = coverage(data, figures.period)
    months = len(figures.period.months())
    shares = [
        len(have) / months for dataset, (have, _) in covered.items() if dataset in data.present
    ]
    deadlines = figures.deadlines
    return {
        "rejected": data.report.rejected,
        "warnings": data.report.warnings,
        "duplicates": sum(s.duplicate for s in data.report.sources),
        "coverage": min(shares) if shares else None,
        "received": figures.queries.received,
        "answered_share": figures.queries.answered_share,
        "on_time_share": deadlines.on_time_share if deadlines else None,
        "open_overdue": deadlines.open_overdue if deadlines else None,
    }


def output_folder(config: Config, period: Period, out: Path | None) -> Path:
    """``--out``, else the config's ``output`` (relative to the config file), else ``reports``, plus the period."""
    if out is not None:
        return out
    if config.output is None:
        return Path("reports") / period.label
    base = Path(config.output).expanduser()
    if not base.is_absolute() and config.source is not None:
        base = config.source.parent / base
    return base / period.label


def _analysis(checked: _Checked, report_window: Window, config: Config) -> Analysis:
    """The window's analysis: from the figures cache when it holds it, else worked out
    (and kept there for the next run)."""
    store = checked.store
    if store is None:
        console.note("Computing figures…")
        return analyse(checked.data, report_window, config)
    name = cache_key(
        "figures",
        config=config,
        templates=checked.templates,
        inputs=checked.inputs,
        extra=figures_extra(report_window),
    )
    if (kept := load_analysis(store, name)) is not None:
        return kept
    console.note("Computing figures…")
    analysis = analyse(checked.data, report_window, config)
    in_background(store_analysis, store, name, analysis, name="figures-store")
    return analysis


def build(
    inputs: Sequence[str | Path],
    config: Config,
    *,
    period: str | None = None,
    out: Path | None = None,
    strict: bool = False,
    lang: str | None = None,
    templates: Path | None = None,
    today: date | None = None,
    as_of: date | None = None,
    fail_on: Sequence[str] = (),
    lock_timeout: float = 300.0,
    command: Sequence[str] | None = None,
    generated_at: datetime | None = None,
    cache: bool = True,
    allow_empty: bool = False,
    formats: Sequence[str] | None = None,
) -> BuildResult:
    """The ``build`` command: reports, summaries and rejected rows written into ``out``.

    ``fail_on`` checks (``rejected>0``, ``coverage<100%``) are measured after the
    files are written; the failed ones are in ``BuildResult.failed_checks``. A period
    without a single row is refused (:class:`DataQualityError`) unless ``allow_empty``.
    ``formats`` (``--format``) replaces the config's ``formats``.
    """
    checks = [parse_check(text) for text in fail_on]
    if formats is not None:
        config = replace(config, formats=tuple(dict.fromkeys(formats)))
    if "pdf" in config.formats:
        check_pdf()  # before any input is read: a missing WeasyPrint is a usage error
    reports = {"md", "html", "pdf"} & set(config.formats)
    checked = _check(inputs, config, cache, templates)
    data = _plausible(checked.data, config, today, as_of)
    checked = replace(checked, data=data)
    if strict and data.report.rejected:
        raise DataQualityError(
            f"{data.report.rejected} row(s) rejected and --strict is set; no report written "
            "(run 'engagement-report validate' to see them)"
        )
    resolved = resolve_period(period, data, config, today, as_of)
    report_window = window(resolved, config, today, as_of)
    if not allow_empty:
        require_rows(data, report_window.period)
    analysis = _analysis(checked, report_window, config)
    figures = analysis.figures
    context = report_context(
        data, figures, config, lang, analysis=analysis, report_window=report_window
    )
    if reports:
        console.note("Drawing charts…")
        context = attach_charts(context)
    records = summary_records(figures)
    texts: dict[str, str | bytes] = dict(render_reports(context, templates))
    if "md" in config.formats:
        texts.update(chart_files(context))
    if "pdf" in config.formats:
        console.note("Laying out the PDF…")
        texts[PDF_NAME] = pdf_bytes(str(texts["report.html"]))
    texts["summary.csv"] = csv_text(records)
    texts["summary.json"] = json_text(records)
    wanted = {
        "md": "report.md",
        "html": "report.html",
        "csv": "summary.csv",
        "json": "summary.json",
        "pdf": PDF_NAME,
    }
    texts = {
        name: text
        for name, text in texts.items()
        if name not in wanted.values() or any(wanted[f] == name for f in config.formats)
    }
    if "summary.csv" in texts:
        texts[PACKAGE_NAME] = open_data_text(
            records, str(texts["summary.csv"]), config, resolved.label
        )
    if len(data.rejected_rows):
        texts["rejected.csv"] = rejected_csv(data)
    target = output_folder(config, resolved, out)
    if target.is_symlink():  # replace the folder it points to, not the link
        target = target.resolve()
    if texts:  # formats = [] and no row rejected: nothing written, so no manifest
        manifest = build_manifest(
            command=list(command) if command is not None else ["pipeline.build"],
            period=resolved,
            inputs=checked.inputs,
            report=data.report,
            records=records,
            files=texts,
            generated_at=generated_at or datetime.now(ZoneInfo(config.timezone)),
        )
        texts[MANIFEST_NAME] = manifest_text(manifest)
    owned = ("rejected.csv", PACKAGE_NAME, *wanted.values(), *CHART_FILES, MANIFEST_NAME)
    with folder_lock(target, lock_timeout):
        # The whole folder is staged and swapped in: the manifest always vouches for the
        # files beside it, and a run that fails or is killed leaves the old folder.
        files = replace_folder(target, texts, owned) if texts or target.exists() else {}
    written = to_database(config.database, records, inputs) if config.database else None
    results = evaluate(checks, check_values(data, figures)) if checks else []
    failed = tuple(r for r in results if r.failed)
    wait()  # the cache entries are on disk when the call returns (a bounded wait)
    return BuildResult(figures, data, context, files, failed, database=written)


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` did: the site's folder, its periods, and those built this run."""

    folder: Path
    periods: tuple[str, ...]
    rebuilt: tuple[str, ...]
    written: tuple[Path, ...]


def _unit_label(period: Period, by: str) -> str:
    """The label of the whole month, quarter or year ``period`` lies in."""
    start = period.start
    if by == "month":
        return f"{start:%Y-%m}"
    if by == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _period_key(site_key: str, labels: Sequence[str], at: int, today: date) -> str:
    """What a period's pages depend on: the site's inputs and settings, its neighbours
    (the previous/next links) and, for a period not yet over, today."""
    period = parse_period(labels[at])
    parts = [
        site_key,
        labels[at],
        labels[at - 1] if at else "",
        labels[at + 1] if at + 1 < len(labels) else "",
        min(period.end, today).isoformat(),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def publish(
    inputs: Sequence[str | Path],
    config: Config,
    to: Path,
    *,
    by: Literal["month", "quarter", "year"] = "month",
    langs: Sequence[str] = (),
    today: date | None = None,
    cache: bool = True,
    command: Sequence[str] | None = None,
    generated_at: datetime | None = None,
    lock_timeout: float = 300.0,
) -> PublishResult:
    """The ``publish`` command: every period of the data as a static site in ``to``.

    Each month (quarter, year) holding rows becomes ``periods/<label>/`` with its report
    in every language of ``langs`` (default: the config's), its summary, data package and
    manifest; then the index pages and ``data/`` are made from those folders
    (:mod:`engagement_report.publish.site`). A period is built again only when what it
    depends on changed (the inputs' SHA-256, the config, the tool version, the languages,
    its neighbours); with nothing changed nothing is read or written.
    """
    from engagement_report.publish.database import inputs_hash
    from engagement_report.publish.site import (
        STATE_NAME,
        navigation,
        period_folder,
        report_name,
        site_files,
    )

    languages = tuple(dict.fromkeys(langs or (config.lang,)))
    today = today or today_in(config.timezone)
    files = discover_inputs(inputs)
    if not files:
        raise InputError("no input files found (give files or folders holding csv/xlsx files)")
    site_key = hashlib.sha256(
        "\n".join(
            [__version__, repr(replace(config, source=None)), by, *languages, inputs_hash(files)]
        ).encode("utf-8")
    ).hexdigest()
    state_path = to / STATE_NAME
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    done = state.get("periods", {}) if isinstance(state, dict) else {}
    labels = list(done)

    def current(at: int) -> bool:
        return done.get(labels[at]) == _period_key(site_key, labels, at, today) and current_folder(
            to / period_folder(labels[at]), languages
        )

    if state.get("site") == site_key and labels and all(map(current, range(len(labels)))):
        console.info("Nothing changed since the site was last published")
        return PublishResult(to, tuple(labels), (), ())

    checked = _check(inputs, config, cache)
    data = checked.data
    span = data_span(data)
    if span is None:
        raise DataQualityError("the inputs hold no dated rows: there is no period to publish")
    periods = []
    for piece in period_for_span(*span).split(by):
        period = parse_period(_unit_label(piece, by))
        if any(in_period(frame[column], period).any() for frame, column in _dated(data)):
            periods.append(period)
        else:
            console.warning(f"{period.label}: no rows of any dataset; not published")
    labels = [p.label for p in periods]
    written: list[Path] = []
    rebuilt: list[str] = []
    keys: dict[str, str] = {}
    with folder_lock(to, lock_timeout):
        for at, period in enumerate(periods):
            keys[period.label] = _period_key(site_key, labels, at, today)
            if done.get(period.label) == keys[period.label] and current_folder(
                to / period_folder(period.label), languages
            ):
                continue
            console.note(f"Building {period.label}…")
            report_window = window(period, config, today)
            analysis = _analysis(checked, report_window, config)
            records = summary_records(analysis.figures)
            texts: dict[str, str | bytes] = {}
            for lang in languages:
                context = attach_charts(
                    report_context(
                        data,
                        analysis.figures,
                        config,
                        lang,
                        analysis=analysis,
                        report_window=report_window,
                    )
                )
                html = render("report.html.j2", "html", context, lang)
                texts[report_name(lang)] = navigation(html, lang, languages, labels, period.label)
            texts["summary.csv"] = csv_text(records)
            texts["summary.json"] = json_text(records)
            texts[PACKAGE_NAME] = open_data_text(
                records, str(texts["summary.csv"]), config, period.label
            )
            manifest = build_manifest(
                command=list(command) if command is not None else ["pipeline.publish"],
                period=period,
                inputs=checked.inputs,
                report=data.report,
                records=records,
                files=texts,
                generated_at=generated_at or datetime.now(ZoneInfo(config.timezone)),
            )
            texts[MANIFEST_NAME] = manifest_text(manifest)
            folder = to / period_folder(period.label)
            # A period's folder is swapped in whole, as build's is.
            try:
                folder.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"{folder.parent}: cannot write: {exc.strerror or exc}") from None
            written += replace_folder(folder, texts, texts).values()
            rebuilt.append(period.label)
        pages = site_files(to, periods, languages, title=DEFAULT_TITLE, open_data=config.open_data)
        state_text = json.dumps({"site": site_key, "periods": keys}, indent=2) + "\n"
        pages[STATE_NAME] = state_text
        changed = {name: text for name, text in pages.items() if not _same_file(to / name, text)}
        written += write_files(to, changed).values()
    return PublishResult(to, tuple(labels), tuple(rebuilt), tuple(written))


def current_folder(folder: Path, languages: Sequence[str]) -> bool:
    """Whether a period's folder holds its summary and a report in every language."""
    from engagement_report.publish.site import report_name

    names = (*map(report_name, languages), "summary.json", MANIFEST_NAME)
    return all((folder / name).is_file() for name in names)


def _same_file(path: Path, text: str) -> bool:
    """Whether ``path`` already holds exactly ``text`` (then it is left untouched)."""
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def _dated(data: CleanData) -> tuple[tuple[pd.DataFrame, str], ...]:
    return (
        (data.queries, "received_at"),
        (data.broadcasts, "date"),
        (data.press_events, "date"),
    )
