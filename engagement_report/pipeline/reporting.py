"""What a period's folder holds besides the figures, as text: the report's context and
its Markdown and HTML, the open-data package, the rejected rows and the manifest. One
assembly for ``build`` (:mod:`.building`) and ``publish`` (:mod:`.publishing`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from engagement_report import __version__
from engagement_report.accountability import absent_metrics
from engagement_report.analysis import Analysis, complete
from engagement_report.cache import cache_key, in_background
from engagement_report.config import Config
from engagement_report.export import SummaryRecord
from engagement_report.figures import MARK_METRICS, METRICS
from engagement_report.hashing import SeenFile
from engagement_report.manifest import build_manifest, manifest_text
from engagement_report.models import CleanData
from engagement_report.periods import Period, Window
from engagement_report.pipeline.checking import Checked
from engagement_report.pipeline.period import window
from engagement_report.publish.datapackage import datapackage, datapackage_text
from engagement_report.render.context import DeadlinePolicy, ReportContext, SourceFile
from engagement_report.render.environment import render
from engagement_report.render.kept import context_digest, load_reports, store_reports
from engagement_report.render.labels import labels_for, shown_agenda, shown_figures, shown_shifts
from engagement_report.results import Figures
from engagement_report.safe_text import spreadsheet_cell

DEFAULT_TITLE = "Public engagement report"
SUMMARY_FILES = {"csv": "summary.csv", "json": "summary.json"}


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


def made_on(generated_at: datetime, config: Config) -> date:
    """The day a run made its report: the date (not the time) of ``generated_at`` in the
    config's time zone, so two runs on one day write the same report."""
    return generated_at.astimezone(ZoneInfo(config.timezone)).date()


def render_reports(
    context: ReportContext,
    templates: Path | None = None,
    *,
    checked: Checked | None = None,
    config: Config | None = None,
) -> dict[str, str]:
    """Markdown and HTML text of the report.

    With the ``checked`` inputs' cache (and the ``config`` they were checked under), the
    texts rendered from this very context by an earlier run are used again
    (:mod:`~engagement_report.render.kept`), and texts rendered here are kept.
    """
    store = checked.store if checked is not None else None
    digest = context_digest(context) if store is not None else None
    if store is None or checked is None or config is None or digest is None:
        return _render_reports(context, templates)
    name = cache_key(
        "reports",
        config=config,
        templates=checked.templates,
        inputs=checked.inputs,
        extra=digest,
    )
    if (kept := load_reports(store, name)) is not None:
        return kept
    texts = _render_reports(context, templates)
    in_background(store_reports, store, name, texts, name="reports-store")
    return texts


def _render_reports(context: ReportContext, templates: Path | None) -> dict[str, str]:
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
