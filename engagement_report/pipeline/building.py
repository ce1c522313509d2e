"""The ``build`` command: a period's reports, summaries, open data and manifest, written
all or nothing into one folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engagement_report import console
from engagement_report.analysis import (
    Analysis,
    Coverage,
    analyse,
    coverage,
    figure_rules,
    partial_requests,
)
from engagement_report.cache import cache_key, in_background, wait
from engagement_report.checks import CheckResult, evaluate, parse_check
from engagement_report.config import Config
from engagement_report.deadlines.calendar import load_country
from engagement_report.errors import DataQualityError
from engagement_report.export import csv_text, json_text, summary_records
from engagement_report.figures_cache import figures_extra, load_analysis, store_analysis
from engagement_report.loading import early
from engagement_report.manifest import MANIFEST_NAME
from engagement_report.models import CleanData
from engagement_report.output import folder_lock, replace_folder
from engagement_report.periods import Period, Window
from engagement_report.pipeline.archive_months import archive_months
from engagement_report.pipeline.checking import Checked, check
from engagement_report.pipeline.engine import Engine, resolve_engine
from engagement_report.pipeline.period import (
    pinned_today,
    plausible,
    require_rows,
    resolve_period,
    run_today,
    window,
)
from engagement_report.pipeline.reporting import (
    SUMMARY_FILES,
    made_on,
    open_data_text,
    rejected_csv,
    render_reports,
    report_context,
    run_manifest,
)
from engagement_report.pipeline.summaries import DatabaseWrite, to_database
from engagement_report.publish.datapackage import PACKAGE_NAME
from engagement_report.publish.pdf import PDF_NAME, pdf_bytes
from engagement_report.publish.pdf import check_available as check_pdf
from engagement_report.render.charts import CHART_FILES, attach_charts, chart_files
from engagement_report.render.context import ReportContext
from engagement_report.render.environment import compile_templates
from engagement_report.results import Figures

if TYPE_CHECKING:
    from engagement_report.engines.dask import Cluster


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` produced: the figures, the data report and the files written."""

    figures: Figures
    data: CleanData
    context: ReportContext
    files: dict[str, Path]
    failed_checks: tuple[CheckResult, ...] = ()
    database: DatabaseWrite | None = None


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
    today = pinned_today(config, today)
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
        days, found = engine_used.record_days(
            checked.months, config.earliest_year, run_today(config, today, as_of)
        )
        data = plausible(checked.data, config, today, as_of, found)
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
        texts: dict[str, str | bytes] = dict(
            render_reports(context, templates, checked=checked, config=config)
        )
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
