"""A static site of every period: the index, each period's report with its navigation,
and the summary of all periods as open data.

Everything here reads what the pipeline wrote into each period's folder
(``periods/<label>/summary.json`` and the rendered reports); no figure is worked out.
Links are relative and nothing is fetched, so the site works from ``file://`` and from
any static host.

Layout::

    index.html, index.<lang>.html        the index in the first and in the other languages
    periods/<label>/report.<lang>.html   each period's report, with previous/next links
    periods/<label>/summary.csv|.json, datapackage.json, manifest.json
    data/summary.csv, summary.json, datapackage.json   every period's records
    publish.json                          what each period was built from (rebuild or not)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engagement_report import __version__
from engagement_report.comparisons import HEADLINES
from engagement_report.config import OpenDataConfig
from engagement_report.errors import InputError
from engagement_report.export import SummaryRecord, csv_text, json_text
from engagement_report.periods import Period
from engagement_report.publish.datapackage import PACKAGE_NAME, datapackage, datapackage_text
from engagement_report.render.charts import Chart, trend_charts
from engagement_report.render.environment import render
from engagement_report.results import TrendPoint

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
PERIODS_DIR = "periods"
STATE_NAME = "publish.json"


def index_name(lang: str, langs: Sequence[str]) -> str:
    """``index.html`` for the first language, ``index.<lang>.html`` for the others."""
    return "index.html" if lang == langs[0] else f"index.{lang}.html"


def report_name(lang: str) -> str:
    """A period's report in ``lang``."""
    return f"report.{lang}.html"


def period_folder(label: str) -> str:
    """A period's folder, relative to the site."""
    return f"{PERIODS_DIR}/{label}"


@dataclass(frozen=True)
class Link:
    """A link: what it says and where it goes (relative)."""

    label: str
    href: str


@dataclass(frozen=True)
class Language:
    """One language of the language switch."""

    code: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True)
class Navigation:
    """The context of ``_site_nav.html.j2``: the bar on top of a period's report."""

    lang: str
    index_href: str
    previous: Link | None
    next: Link | None
    languages: tuple[Language, ...]


def navigation(
    html: str, lang: str, langs: Sequence[str], labels: Sequence[str], label: str
) -> str:
    """A period's rendered report ``html`` with the site's navigation bar on top:
    every period (the index), the previous and next period, the language switch."""
    at = labels.index(label)
    context = Navigation(
        lang=lang,
        index_href=f"../../{index_name(lang, langs)}",
        previous=Link(labels[at - 1], f"../{labels[at - 1]}/{report_name(lang)}") if at else None,
        next=(
            Link(labels[at + 1], f"../{labels[at + 1]}/{report_name(lang)}")
            if at + 1 < len(labels)
            else None
        ),
        languages=tuple(
            Language(code, LANGUAGE_NAMES[code], report_name(code), code == lang) for code in langs
        ),
    )
    bar = render("_site_nav.html.j2", "html", context, lang)
    head, body, rest = html.partition("<body>")
    if not body:
        raise ValueError("a report without <body>: the site's navigation has nowhere to go")
    return head + body + "\n" + bar + rest


@dataclass(frozen=True)
class Headline:
    """A headline figure of the latest period (label and kind as the reports' cards)."""

    key: str
    label: str
    kind: str
    value: float | None


@dataclass(frozen=True)
class PeriodRow:
    """A row of the index's table: a period, its link and its headline figures."""

    label: str
    href: str
    cells: tuple[tuple[Headline, float | None], ...]


@dataclass(frozen=True)
class SiteIndex:
    """The context of ``site_index.html.j2``."""

    title: str
    lang: str
    languages: tuple[Language, ...]
    first: Period
    latest: Link
    latest_period: Period
    headlines: tuple[Headline, ...]
    charts: tuple[Chart, ...]
    rows: tuple[PeriodRow, ...]
    tool_version: str


def read_records(folder: Path) -> list[SummaryRecord]:
    """The summary records a period's folder holds (its ``summary.json``)."""
    path = folder / "summary.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the period's summary: {exc}") from None
    return [SummaryRecord(**row) for row in rows]


def _totals(records: Sequence[SummaryRecord]) -> dict[tuple[str, str], float | None]:
    return {(r.dataset, r.metric): r.value for r in records if r.dimension == "total"}


def _trend(periods: Sequence[Period], records: dict[str, list[SummaryRecord]]) -> list[TrendPoint]:
    """The figures the trend charts draw, read from each period's totals."""
    points = []
    for period in periods:
        totals = _totals(records[period.label])

        def count(dataset: str, metric: str, totals: dict = totals) -> int:
            value = totals.get((dataset, metric))
            return int(value) if value is not None else 0

        points.append(
            TrendPoint(
                month=period,
                received=count("queries", "received"),
                answered=count("queries", "answered"),
                answered_share=totals.get(("queries", "answered_share")),
                on_time_share=totals.get(("queries", "on_time_share")),
                broadcasts=count("broadcasts", "broadcasts"),
                questions_answered=count("broadcasts", "questions_answered"),
                press_events=count("press_events", "press_events"),
                publications=count("press_events", "publications"),
                backlog=None
                if totals.get(("queries", "backlog")) is None
                else count("queries", "backlog"),
            )
        )
    return points


def site_files(
    root: Path,
    periods: Sequence[Period],
    langs: Sequence[str],
    *,
    title: str,
    open_data: OpenDataConfig,
) -> dict[str, str]:
    """The index pages and ``data/`` files of the site at ``root``, read from the period
    folders already written there (``name → text``, names relative to ``root``)."""
    records = {p.label: read_records(root / period_folder(p.label)) for p in periods}
    everything = [r for p in periods for r in records[p.label]]
    files: dict[str, str] = {}
    summary_csv = csv_text(everything)
    files["data/summary.csv"] = summary_csv
    files["data/summary.json"] = json_text(everything)
    files[f"data/{PACKAGE_NAME}"] = datapackage_text(
        datapackage(
            everything,
            summary_csv,
            name="engagement-summary-every-period",
            title=f"{title}: figures of every period",
            open_data=open_data,
            tool_version=__version__,
        )
    )
    latest = periods[-1]
    latest_totals = _totals(records[latest.label])
    headlines = tuple(
        Headline(s.key, s.label, s.kind, latest_totals.get((s.dataset, s.key))) for s in HEADLINES
    )
    points = _trend(periods, records)
    for lang in langs:
        rows = []
        for period in reversed(periods):
            totals = _totals(records[period.label])
            cells = tuple(
                (h, totals.get((s.dataset, s.key)))
                for h, s in zip(headlines, HEADLINES, strict=True)
            )
            href = f"{period_folder(period.label)}/{report_name(lang)}"
            rows.append(PeriodRow(period.label, href, cells))
        context = SiteIndex(
            title=title,
            lang=lang,
            languages=tuple(
                Language(code, LANGUAGE_NAMES[code], index_name(code, langs), code == lang)
                for code in langs
            ),
            first=periods[0],
            latest=Link(latest.label, f"{period_folder(latest.label)}/{report_name(lang)}"),
            latest_period=latest,
            headlines=headlines,
            charts=tuple(trend_charts(points, lang)),
            rows=tuple(rows),
            tool_version=__version__,
        )
        files[index_name(lang, langs)] = render("site_index.html.j2", "html", context, lang)
    return files
