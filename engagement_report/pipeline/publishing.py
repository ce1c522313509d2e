"""The ``publish`` command: every period of the data as one static site."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pandas as pd

from engagement_report import __version__, console
from engagement_report.config import Config
from engagement_report.errors import DataQualityError, InputError, OutputError
from engagement_report.export import (
    csv_text,
    json_text,
    summary_records,
)
from engagement_report.figures import in_period
from engagement_report.loading import discover_inputs
from engagement_report.manifest import MANIFEST_NAME
from engagement_report.models import CleanData
from engagement_report.output import folder_lock, replace_folder, write_files
from engagement_report.periods import (
    Period,
    parse_period,
    period_for_span,
)
from engagement_report.pipeline.building import period_analysis
from engagement_report.pipeline.checking import check
from engagement_report.pipeline.period import data_span, pinned_today, plausible, window
from engagement_report.pipeline.reporting import (
    DEFAULT_TITLE,
    SUMMARY_FILES,
    made_on,
    open_data_text,
    report_context,
    run_manifest,
)
from engagement_report.publish.datapackage import PACKAGE_NAME
from engagement_report.render.charts import attach_charts
from engagement_report.render.environment import render
from engagement_report.validation.plausible import plausible_window


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
    today = pinned_today(config, today)
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

    checked = check(inputs, config, cache)
    # As build has it: dates after today or before earliest_year are warnings, and the
    # periods published are those of the plausible dates (a year typed as 2201 is no page).
    data = plausible(checked.data, config, today)
    checked = replace(checked, data=data)
    span = data_span(data, plausible_window(config.earliest_year, today))
    if span is None:
        raise DataQualityError(
            f"the inputs hold no dated rows between {config.earliest_year} and today: "
            "there is no period to publish"
        )
    periods = []
    for piece in period_for_span(*span).split(by):
        period = parse_period(_unit_label(piece, by))
        if any(in_period(frame[column], period).any() for frame, column in _dated(data)):
            periods.append(period)
        else:
            console.warning(f"{period.label}: no rows of any dataset; not published")
    labels = [p.label for p in periods]
    generated_at = generated_at or datetime.now(ZoneInfo(config.timezone))
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
            analysis = period_analysis(checked, report_window, config)
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
                        made_on=made_on(generated_at, config),
                        inputs=checked.inputs,
                        summaries=tuple(SUMMARY_FILES.values()),
                    )
                )
                html = render("report.html.j2", "html", context, lang)
                texts[report_name(lang)] = navigation(html, lang, languages, labels, period.label)
            texts["summary.csv"] = csv_text(records)
            texts["summary.json"] = json_text(records)
            texts[PACKAGE_NAME] = open_data_text(
                records, str(texts["summary.csv"]), config, period.label
            )
            texts[MANIFEST_NAME] = run_manifest(
                texts,
                checked,
                period,
                records,
                config,
                ["pipeline.publish"] if command is None else command,
                generated_at,
            )
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
        (data.press_questions, "date"),
    )
