"""``datapackage.json``: the summary as a Frictionless Data Package, for open-data portals.

The package describes ``summary.csv`` as it is written (the summary contract): each
column with its type, the allowed datasets, breakdowns and metrics, and every metric's
definition from :data:`engagement_report.figures.METRICS`, so CKAN and other portals
import the figures with their meaning. Licence and source come from the config's
``[open_data]``. Nothing here is dated: a rerun on the same inputs writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from engagement_report.config import OpenDataConfig
from engagement_report.export import SUMMARY_COLUMNS, SummaryRecord
from engagement_report.figures import METRICS

PACKAGE_NAME = "datapackage.json"

# Where the common open licences are published (a portal links to them).
LICENSE_PATHS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}
DATASETS = ("queries", "broadcasts", "press_events")
DIMENSIONS = (
    "total",
    "topic",
    "channel",
    "district",
    "body",
    "program",
    "response_days",
    "age_working_days",
    "year_to_date",
    "query_id",
    "outlet",
    "speaker",
)

_COLUMN_WORDS = {
    "period_start": "first day of the period (ISO date)",
    "period_end": "last day of the period (ISO date)",
    "dataset": "queries, broadcasts or press_events",
    "dimension": (
        "total, or the breakdown: topic, channel, district, body (queries), program (broadcasts), "
        "response_days (response-time bins), age_working_days (ages of open queries), "
        "year_to_date (category this_year or last_year: the same part of the year before); "
        "query_id lists the queries whose own overdue mark disagrees with their deadline class; "
        "outlet, speaker, topic (press events: the question log's questions)"
    ),
    "category": "the breakdown's category; empty for totals",
    "value": (
        "the figure: a plain number, shares as fractions (0.94, not 94), at most 6 decimals; "
        "empty where undefined (nothing to divide by) or where the dataset had no input"
    ),
}


def _metric_field(records: Sequence[SummaryRecord]) -> dict[str, object]:
    """The ``metric`` column: its names (those of METRICS and any the records hold) with
    each definition, as ``dataset.metric: definition`` lines and as categories."""
    definitions: dict[str, list[str]] = {}
    for metric in METRICS:
        definitions.setdefault(metric.name, []).append(
            f"{metric.dataset}.{metric.name}: {metric.definition}"
        )
    names = list(dict.fromkeys([m.name for m in METRICS] + [r.metric for r in records]))
    lines = [line for name in names for line in definitions.get(name, [])]
    return {
        "name": "metric",
        "type": "string",
        "description": "which figure; by dataset:\n" + "\n".join(lines),
        "constraints": {"required": True, "enum": names},
        "categories": [
            {"value": name, "label": " | ".join(definitions.get(name, [name]))} for name in names
        ],
    }


def datapackage(
    records: Sequence[SummaryRecord],
    csv_text: str,
    *,
    name: str,
    title: str,
    open_data: OpenDataConfig,
    tool_version: str,
    csv_path: str = "summary.csv",
) -> dict[str, object]:
    """The package as a JSON-ready mapping; ``csv_text`` is ``summary.csv`` as written
    (its SHA-256 and size go in, so a portal can tell the file is the one described)."""
    data = csv_text.encode("utf-8")
    fields: list[dict[str, object]] = []
    for column in SUMMARY_COLUMNS:
        if column == "metric":
            fields.append(_metric_field(records))
            continue
        field: dict[str, object] = {
            "name": column,
            "type": {"period_start": "date", "period_end": "date", "value": "number"}.get(
                column, "string"
            ),
            "description": _COLUMN_WORDS[column],
        }
        if column in ("period_start", "period_end", "dataset", "dimension"):
            field["constraints"] = {"required": True}
        if column == "dataset":
            field["constraints"] = {"required": True, "enum": list(DATASETS)}
        if column == "dimension":
            field["constraints"] = {"required": True, "enum": list(DIMENSIONS)}
        fields.append(field)
    package: dict[str, object] = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": (
            "Every figure of a city public-engagement office's report (queries, live "
            "broadcasts, press events), one row per figure, made by engagement-report "
            f"{tool_version}. Definitions: the metric field."
        ),
        "keywords": ["public engagement", "citizens' queries", "e-government"],
    }
    if open_data.license:
        license_entry = {"name": open_data.license}
        if open_data.license in LICENSE_PATHS:
            license_entry["path"] = LICENSE_PATHS[open_data.license]
        package["licenses"] = [license_entry]
    if open_data.source or open_data.source_url:
        source = {"title": open_data.source or open_data.source_url or ""}
        if open_data.source_url:
            source["path"] = open_data.source_url
        package["sources"] = [source]
    package["resources"] = [
        {
            "name": "summary",
            "path": csv_path,
            "profile": "tabular-data-resource",
            "title": "Summary figures (the summary contract, long form)",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": {"fields": fields, "missingValues": [""]},
        }
    ]
    return package


def datapackage_text(package: dict[str, object]) -> str:
    """The package as JSON: 2-space indent, UTF-8 text as is, LF at the end."""
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"
