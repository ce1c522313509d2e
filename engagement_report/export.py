"""Export: summary records (CSV / JSON) built from :class:`Figures`, never from reports.

The summary CSV is a contract other tools rely on (README, "Summary contract"):
header ``period_start,period_end,dataset,metric,dimension,category,value``,
ISO dates, ``.`` decimals, shares as fractions, at most 6 decimals, empty
value where undefined, stable row order, LF line endings, UTF-8 without BOM.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from engagement_report.results import Figures

SUMMARY_COLUMNS = (
    "period_start",
    "period_end",
    "dataset",
    "metric",
    "dimension",
    "category",
    "value",
)

QUERY_TOTALS = (
    "received",
    "answered",
    "in_progress",
    "rejected",
    "redirected",
    "other_status",
    "answered_share",
    "median_response_days",
    "p90_response_days",
)
CATEGORY_METRICS = ("received", "answered", "answered_share", "median_response_days")
BROADCAST_TOTALS = ("broadcasts", "questions_answered", "questions_per_broadcast", "tv_segments")
PRESS_TOTALS = (
    "press_events",
    "speakers",
    "journalist_questions",
    "publications",
    "publications_per_event",
    "questions_per_event",
)
DEADLINE_TOTALS = (
    "on_time",
    "late",
    "open_not_due",
    "open_overdue",
    "on_time_share",
    "extended",
    "median_response_working_days",
    "redirected_on_time",
    "redirected_late",
    "redirected_open",
)

Value = int | float | None


@dataclass(frozen=True)
class SummaryRecord:
    """One figure: which period, dataset, metric, breakdown and category."""

    period_start: str
    period_end: str
    dataset: str
    metric: str
    dimension: str
    category: str
    value: Value

    def as_dict(self) -> dict[str, object]:
        """The record as a JSON-ready mapping (value as a number or null)."""
        return {name: getattr(self, name) for name in SUMMARY_COLUMNS}


def format_value(value: Value) -> str:
    """A plain number: ``.`` decimal mark, no thousands separator, ≤ 6 decimals, '' if undefined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    text = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rounded(value: Value) -> Value:
    if isinstance(value, float):
        return round(value, 6)
    return value


def summary_records(figures: Figures) -> list[SummaryRecord]:
    """Every figure of ``figures`` as records, in the contract's stable order."""
    start, end = figures.period.start.isoformat(), figures.period.end.isoformat()

    def record(
        dataset: str, metric: str, value: Value, dimension: str = "total", category: str = ""
    ) -> SummaryRecord:
        return SummaryRecord(start, end, dataset, metric, dimension, category, _rounded(value))

    records = [record("queries", m, getattr(figures.queries, m)) for m in QUERY_TOTALS]
    if figures.deadlines is not None:
        records += [record("queries", m, getattr(figures.deadlines, m)) for m in DEADLINE_TOTALS]
    for dimension in ("topic", "channel", "district"):
        for row in figures.breakdown(dimension):
            metrics = CATEGORY_METRICS + (("on_time_share",) if figures.deadlines else ())
            records += [
                record("queries", m, getattr(row, m), dimension, row.category) for m in metrics
            ]
    records += [record("broadcasts", m, getattr(figures.broadcasts, m)) for m in BROADCAST_TOTALS]
    for program in figures.by_program:
        records.append(
            record("broadcasts", "broadcasts", program.broadcasts, "program", program.program)
        )
        records.append(
            record(
                "broadcasts",
                "questions_answered",
                program.questions_answered,
                "program",
                program.program,
            )
        )
    records += [record("press_events", m, getattr(figures.press, m)) for m in PRESS_TOTALS]
    return records


def write_csv(
    records: Iterable[SummaryRecord],
    out: io.TextIOBase | io.StringIO,
    *,
    header: bool = True,
    delimiter: str = ",",
) -> None:
    """Write records as contract CSV (LF line endings)."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(SUMMARY_COLUMNS)
    for r in records:
        writer.writerow(
            [
                r.period_start,
                r.period_end,
                r.dataset,
                r.metric,
                r.dimension,
                r.category,
                format_value(r.value),
            ]
        )


def csv_text(records: Iterable[SummaryRecord], *, header: bool = True) -> str:
    """The contract CSV as a string."""
    buffer = io.StringIO()
    write_csv(records, buffer, header=header)
    return buffer.getvalue()


def json_text(records: Iterable[SummaryRecord]) -> str:
    """The same records as a JSON array (numbers as numbers, undefined as null)."""
    return json.dumps([r.as_dict() for r in records], ensure_ascii=False, indent=2) + "\n"


def jsonl_lines(records: Iterable[SummaryRecord]) -> Iterator[str]:
    """One JSON object per line."""
    for r in records:
        yield json.dumps(r.as_dict(), ensure_ascii=False) + "\n"
