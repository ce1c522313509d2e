"""What the commands say on stderr about a run: how each sheet was read, what was
written to a database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report import console

if TYPE_CHECKING:
    from engagement_report import pipeline
    from engagement_report.models import ValidationReport


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
