"""The library's entry points: one function per command, load → validate → compute → render.

Everything the command line does can be done from Python::

    from engagement_report import pipeline
    result = pipeline.build(["sample_data"], config, period="2021-01", out=Path("reports/2021-01"))
    print(result.figures.queries.answered_share)

One module per job: :mod:`.archiving` imports checked rows into an archive,
:mod:`.checking` reads and checks the inputs (of an archive, the months
:mod:`.archive_months` says), :mod:`.period` resolves the period and its report window,
:mod:`.building` writes a period's report folder (its texts made by
:mod:`.reporting`), :mod:`.summaries` serves ``summary``, ``validate``, ``init``,
``diff`` and the database, :mod:`.publishing` the static site. The CLI calls only the names below.
"""

from __future__ import annotations

from engagement_report.pipeline.archiving import ArchiveImport, archive
from engagement_report.pipeline.building import BuildResult, build, check_values, output_folder
from engagement_report.pipeline.checking import check_inputs, load_and_validate
from engagement_report.pipeline.period import (
    compute,
    data_span,
    require_rows,
    resolve_period,
    window,
)
from engagement_report.pipeline.publishing import PublishResult, current_folder, publish
from engagement_report.pipeline.reporting import (
    DEFAULT_TITLE,
    open_data_text,
    rejected_csv,
    render_reports,
    report_context,
)
from engagement_report.pipeline.summaries import (
    DatabaseWrite,
    diff,
    start_kit,
    summarize,
    summary,
    summary_to_database,
    to_database,
    validation_text,
)

__all__ = [
    "DEFAULT_TITLE",
    "ArchiveImport",
    "BuildResult",
    "DatabaseWrite",
    "PublishResult",
    "archive",
    "build",
    "check_inputs",
    "check_values",
    "compute",
    "current_folder",
    "data_span",
    "diff",
    "load_and_validate",
    "open_data_text",
    "output_folder",
    "publish",
    "rejected_csv",
    "render_reports",
    "report_context",
    "require_rows",
    "resolve_period",
    "start_kit",
    "summarize",
    "summary",
    "summary_to_database",
    "to_database",
    "validation_text",
    "window",
]
