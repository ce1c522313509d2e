"""The validation report as JSON-ready data and as text for a person."""

from __future__ import annotations

from engagement_report.models import ValidationReport
from engagement_report.safe_text import terminal_text


def report_as_dict(report: ValidationReport) -> dict[str, object]:
    """Sources with their accounting, every listed problem, skipped sheets."""
    return {
        "rejected": report.rejected,
        "warnings": report.warnings,
        "sources": [
            {
                "file": s.file,
                "sheet": s.sheet,
                "dataset": s.dataset,
                "recognised_by": s.recognised_by,
                "header_row": s.header_row,
                "unit": s.unit,
                "mapping": s.mapping,
                "ignored_columns": list(s.ignored_columns),
                "rows": {
                    "read": s.rows_read,
                    "used": s.used,
                    "duplicate": s.duplicate,
                    "blank": s.blank,
                    "total_rows": s.total_rows,
                    "rejected": s.rejected,
                },
                "errors": s.errors,
                "warnings": s.warnings,
                "problems_not_listed": s.problems_not_listed,
                "problem_counts": s.problem_counts,
            }
            for s in report.sources
        ],
        "problems": [p.as_dict() for p in report.problems],
        "skipped": [
            {"file": str(s.file), "sheet": s.sheet, "reason": s.reason} for s in report.skipped
        ],
    }


def report_as_text(report: ValidationReport) -> str:
    """A plain-text report, one block per source, then the problems.

    Each line is made safe for a terminal: cells, headers and sheet names may hold
    escape sequences or bidi controls, which are shown escaped, never obeyed.
    """
    lines: list[str] = []
    for s in report.sources:
        where = s.file + (f" [{s.sheet}]" if s.sheet else "")
        layout = "fields of JSON records" if s.unit == "record" else f"header on row {s.header_row}"
        lines.append(f"{where}: {s.dataset} (recognised by {s.recognised_by}), {layout}")
        mapped = ", ".join(f"{column} ← {header!r}" for column, header in s.mapping.items())
        lines.append(f"  columns: {mapped}")
        if s.ignored_columns:
            lines.append(f"  ignored: {', '.join(repr(c) for c in s.ignored_columns)}")
        lines.append(
            f"  {s.unit}s: {s.rows_read} read = {s.used} used + {s.duplicate} duplicate"
            f" + {s.blank} blank + {s.total_rows} total rows + {s.rejected} rejected"
        )
        lines.append(f"  problems: {s.errors} errors, {s.warnings} warnings")
    for skipped in report.skipped:
        where = str(skipped.file) + (f" [{skipped.sheet}]" if skipped.sheet else "")
        lines.append(f"{where}: skipped: {skipped.reason}")
    if report.problems:
        lines.append("")
    for p in report.problems:
        where = p.file + (f" [{p.sheet}]" if p.sheet else "")
        position = f" {p.position}" if p.position else ""
        lines.append(f"{p.severity}: {where}{position}: {p.message} ({p.code})")
    for s in report.sources:
        if s.problems_not_listed:
            where = s.file + (f" [{s.sheet}]" if s.sheet else "")
            lines.append(f"… and {s.problems_not_listed} more problem(s) in {where}")
    lines.append("")
    lines.append(
        f"{report.rejected} row(s) rejected, {report.warnings} warning(s)"
        if report.sources
        else "no dataset recognised in the inputs"
    )
    if report.skipped_files:
        lines.append(f"{len(report.skipped_files)} file(s) skipped, not read as any dataset")
    return "\n".join(terminal_text(line) for line in lines) + "\n"
