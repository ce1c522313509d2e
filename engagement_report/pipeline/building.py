"""The ``build`` command: a period's reports, summaries, open data and manifest, written
all or nothing into one folder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engagement_report import __version__, console
from engagement_report.accountability import absent_metrics
from engagement_report.analysis import (
    Analysis,
    Coverage,
    analyse,
    complete,
    coverage,
    figure_rules,
    partial_requests,
)
from engagement_report.cache import cache_key, in_background, wait
from engagement_report.checks import CheckResult, evaluate, parse_check
from engagement_report.config import Config
from engagement_report.deadlines.calendar import load_country
from engagement_report.errors import DataQualityError
from engagement_report.export import (
    SummaryRecord,
    csv_text,
    json_text,
    summary_records,
)
from engagement_report.figures import MARK_METRICS, METRICS
from engagement_report.figures_cache import figures_extra, load_analysis, store_analysis
from engagement_report.hashing import SeenFile
from engagement_report.loading import early
from engagement_report.manifest import MANIFEST_NAME, build_manifest, manifest_text
from engagement_report.models import CleanData
from engagement_report.output import folder_lock, replace_folder
from engagement_report.periods import (
    Period,
    Window,
)
from engagement_report.pipeline.archive_months import archive_months
from engagement_report.pipeline.checking import Checked, check
from engagement_report.pipeline.engine import Engine, resolve_engine
from engagement_report.pipeline.period import plausible, require_rows, resolve_period, window
from engagement_report.pipeline.summaries import DatabaseWrite, to_database
from engagement_report.publish.datapackage import PACKAGE_NAME, datapackage, datapackage_text
from engagement_report.publish.pdf import PDF_NAME, pdf_bytes
from engagement_report.publish.pdf import check_available as check_pdf
from engagement_report.render.charts import CHART_FILES, attach_charts, chart_files
from engagement_report.render.context import DeadlinePolicy, ReportContext, SourceFile
from engagement_report.render.environment import compile_templates, render
from engagement_report.render.labels import labels_for, shown_agenda, shown_figures, shown_shifts
from engagement_report.results import Figures
from engagement_report.safe_text import spreadsheet_cell

if TYPE_CHECKING:
    from engagement_report.engines.dask import Cluster

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
    made_on: date | None = None,
    inputs: Sequence[SeenFile] = (),
    summaries: Sequence[str] = (),
) -> ReportContext:
    """The context every report template receives.

    ``analysis``: the period's trend, coverage, comparisons and agenda when already
    worked out (:func:`analyse`, or the figures cache), else they are worked out here.
    ``report_window``: the window the figures were computed for (else the window of
    their period, cut at ``today``). ``made_on`` (the run's day), ``inputs`` (the files
    read, as hashed) and ``summaries`` (the summary files written beside the report) fill
    the "about this report" block; they are never part of what the figures cache keeps.
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
    lang = lang or config.lang
    # [topics.ru] and the like: the report of that language shows its own labels.
    labels = labels_for(config.shown_labels, lang)
    return ReportContext(
        title=config.report.title_in(lang) or title,
        office=config.report.office_in(lang),
        contact=config.report.contact_in(lang),
        made_on=made_on,
        source_files=tuple(SourceFile(seen.path.name, seen.sha256) for seen in inputs),
        summary_files=tuple(summaries),
        period=period,
        figures=shown_figures(figures, labels),
        sources=data.report.sources,
        skipped=data.report.skipped,
        rejected_rows=data.report.rejected,
        warnings=data.report.warnings,
        problems_by_code=dict(sorted(counts.items())),
        # A dataset with no input at all: no coverage lines and no definitions for it.
        coverage={d: c for d, c in analysis.covered.items() if not present or d in present},
        metrics=tuple(
            m
            for m in METRICS
            if (not present or m.needs in present)
            and not (m.dataset == "queries" and m.name in absent_metrics(figures))
            # the export's own mark is defined where the export carries one
            and (figures.overdue_marks is not None or m.name not in MARK_METRICS)
        ),
        tool_version=__version__,
        window=report_window,
        lang=lang,
        min_category_size=config.min_category_size,
        min_count=config.report.min_count,
        trend=analysis.months,
        open_queries=figures.open_queries,
        headlines=analysis.headlines,
        agenda=shown_agenda(analysis.agenda, labels),
        topic_shifts=shown_shifts(analysis.topic_shifts, labels),
        deadline_policy=DeadlinePolicy(
            config.deadlines.kind,
            config.deadlines.answer_working_days,
            config.deadlines.redirect_working_days,
            config.calendar.name,
            "-".join(t.strftime("%H:%M") for t in config.calendar.working_hours),
            config.deadlines.law,
        ),
    )


SUMMARY_FILES = {"csv": "summary.csv", "json": "summary.json"}


def made_on(generated_at: datetime, config: Config) -> date:
    """The day a run made its report: the date (not the time) of ``generated_at`` in the
    config's time zone, so two runs on one day write the same report."""
    return generated_at.astimezone(ZoneInfo(config.timezone)).date()


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


def check_values(
    data: CleanData, figures: Figures, covered: Coverage | None = None
) -> dict[str, float | None]:
    """The measures ``--fail-on`` checks read (``covered``: the period's coverage, when
    the analysis has it)."""
    covered = coverage(data, figures.period) if covered is None else covered
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
        "on_time_share_of_due": deadlines.on_time_share_of_due if deadlines else None,
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


def run_manifest(
    files: dict[str, str | bytes],
    checked: Checked,
    period: Period,
    records: list[SummaryRecord],
    config: Config,
    command: Sequence[str],
    generated_at: datetime | None = None,
) -> str:
    """``manifest.json``'s text for a period's folder holding ``files``: one assembly for
    ``build`` and ``publish``, so both record the inputs, the row accounting (of the
    checked data with its plausibility warnings) and the figures alike."""
    manifest = build_manifest(
        command=list(command),
        period=period,
        inputs=checked.inputs,
        report=checked.data.report,
        records=records,
        files=files,
        generated_at=generated_at or datetime.now(ZoneInfo(config.timezone)),
    )
    return manifest_text(manifest)


def period_analysis(
    checked: Checked, report_window: Window, config: Config, engine: Engine | None = None
) -> Analysis:
    """The window's analysis: from the figures cache when it holds it, else worked out
    (and kept there for the next run), its partial aggregates by ``engine`` (default
    pandas, on the rows read). Both engines give the same analysis, so they share the
    cache."""
    engine = engine or Engine()

    def worked_out() -> Analysis:
        console.note("Computing figures…")
        requests = partial_requests(report_window, report=True)
        combined = engine.combined(requests, config, checked.months)
        return analyse(checked.data, report_window, config, combined)

    store = checked.store
    if store is None:
        return worked_out()
    name = cache_key(
        "figures",
        config=config,
        templates=checked.templates,
        inputs=checked.inputs,
        extra=figures_extra(report_window, checked.data),
    )
    if (kept := load_analysis(store, name)) is not None:
        return kept
    analysis = worked_out()
    in_background(store_analysis, store, name, analysis, name="figures-store")
    return analysis


def prepare_while_reading(config: Config, lang: str | None, templates: Path | None) -> None:
    """Work a build does after its inputs are read, done while the command line's
    read-ahead (:mod:`~engagement_report.loading.early`) still reads a large input and
    this thread would only wait for it: the report's templates compiled, the holiday
    calendars loaded. A library call reads nothing ahead, so it does not come here."""
    lang = lang or config.lang
    for kind in ("md", "html"):  # render_reports renders both, whatever the formats
        compile_templates(kind, lang, templates)
    load_country(figure_rules(config).calendar)


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
    engine: str | None = None,
    scheduler: str | None = None,
    cluster: Cluster | None = None,
) -> BuildResult:
    """The ``build`` command: reports, summaries and rejected rows written into ``out``.

    ``fail_on`` checks (``rejected>0``, ``coverage<100%``) are measured after the
    files are written; the failed ones are in ``BuildResult.failed_checks``. A period
    without a single row is refused (:class:`DataQualityError`) unless ``allow_empty``.
    ``formats`` (``--format``) replaces the config's ``formats``. ``engine`` (default the
    config's ``[compute] engine``): ``"dask"`` works out the partial aggregates of an
    archive on the Dask cluster at ``scheduler`` (or ``cluster``; see
    :func:`~engagement_report.pipeline.engine.resolve_engine`).
    """
    checks = [parse_check(text) for text in fail_on]
    engine_used = resolve_engine(inputs, config, engine, scheduler, cluster)
    if formats is not None:
        config = replace(config, formats=tuple(dict.fromkeys(formats)))
    if "pdf" in config.formats:
        check_pdf()  # before any input is read: a missing WeasyPrint is a usage error
    reports = {"md", "html", "pdf"} & set(config.formats)
    if early.reading():
        prepare_while_reading(config, lang, templates)
    with engine_used.session():  # one cluster for the run's rounds of tasks
        months = archive_months(inputs, period, config, today, as_of, report=True)
        checked = check(
            inputs, config, cache, templates, months=months, rows=engine_used.reads_rows
        )
        days = engine_used.record_days(checked.months)
        data = plausible(checked.data, config, today, as_of)
        checked = replace(checked, data=data)
        if strict and data.report.rejected:
            raise DataQualityError(
                f"{data.report.rejected} row(s) rejected and --strict is set; no report written "
                "(run 'engagement-report validate' to see them)"
            )
        resolved = resolve_period(period, data, config, today, as_of, days)
        report_window = window(resolved, config, today, as_of)
        if not allow_empty:
            require_rows(data, report_window.period, days)
        analysis = period_analysis(checked, report_window, config, engine_used)
        figures = analysis.figures
        generated_at = generated_at or datetime.now(ZoneInfo(config.timezone))
        context = report_context(
            data,
            figures,
            config,
            lang,
            analysis=analysis,
            report_window=report_window,
            made_on=made_on(generated_at, config),
            inputs=checked.inputs,
            summaries=[SUMMARY_FILES[f] for f in SUMMARY_FILES if f in config.formats],
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
            texts[MANIFEST_NAME] = run_manifest(
                texts,
                checked,
                resolved,
                records,
                config,
                ["pipeline.build"] if command is None else command,
                generated_at,
            )
        owned = ("rejected.csv", PACKAGE_NAME, *wanted.values(), *CHART_FILES, MANIFEST_NAME)
        with folder_lock(target, lock_timeout):
            # The whole folder is staged and swapped in: the manifest always vouches for the
            # files beside it, and a run that fails or is killed leaves the old folder.
            files = replace_folder(target, texts, owned) if texts or target.exists() else {}
        written = to_database(config.database, records, checked.inputs) if config.database else None
        results = evaluate(checks, check_values(data, figures, analysis.covered)) if checks else []
        failed = tuple(r for r in results if r.failed)
        wait()  # the cache entries are on disk when the call returns (a bounded wait)
        return BuildResult(figures, data, context, files, failed, database=written)
