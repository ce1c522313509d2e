"""The choices and options the commands share."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


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
    # Text, not paths: an archive may be named by URL (s3://bucket/archive), which a Path
    # would fold to "s3:/bucket/archive".
    list[str] | None,
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


class Engine(StrEnum):
    """Where ``build`` and ``summary`` compute the figures."""

    pandas = "pandas"
    dask = "dask"


EngineOpt = Annotated[
    Engine | None,
    typer.Option(
        "--engine",
        help="pandas (here), or dask: an archive's months on a Dask cluster (needs "
        "engagement-report[dask]); default from the config's [compute], else pandas.",
    ),
]


SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="The Dask scheduler (tcp://host:8786) for --engine dask; default the config's "
        "[compute] scheduler, else $DASK_SCHEDULER_ADDRESS, else a LocalCluster on this machine.",
    ),
]
