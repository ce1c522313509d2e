"""Export: summary records (CSV / JSON) built from :class:`Figures`, never from reports.

The summary CSV is a contract other tools rely on (README, "Summary contract"):
header ``period_start,period_end,dataset,metric,dimension,category,value``,
ISO dates, ``.`` decimals, shares as fractions, at most 6 decimals, empty
value where undefined, stable row order, LF line endings, UTF-8 without BOM, and
category labels a spreadsheet would run as a formula prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from engagement_report.figures import RESPONSE_BINS, bin_label
from engagement_report.results import Figures
from engagement_report.safe_text import spreadsheet_cell
from engagement_report.views import AGE_BINS

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
# From the press question log, when there is one.
LOG_TOTALS = ("outlets",)
QUESTION_METRICS = ("journalist_questions", "share_of_questions", "press_events")
DEADLINE_TOTALS = (
    "on_time",
    "late",
    "open_not_due",
    "open_overdue",
    "closed_undated",
    "on_time_share",
    "on_time_share_of_due",
    "extended",
    "median_response_working_days",
    "redirected_on_time",
    "redirected_late",
    "redirected_open",
)

# Per group of accountability figures: its totals, shown when the data has the column.
RATING_TOTALS = ("rated", "rated_share", "rating_mean", "satisfied_share")
OUTCOME_TOTALS = ("outcome_recorded", "resolved", "resolved_share", "resolved_on_the_spot")
REPEAT_TOTALS = ("repeats", "repeat_share")
RATING_CATEGORY = ("rated", "rated_share", "rating_mean", "satisfied_share")
OUTCOME_CATEGORY = ("resolved", "resolved_share", "resolved_on_the_spot")

Value = int | float | None


def accountability_metrics(figures: Figures) -> tuple[str, ...]:
    """The accountability totals the data has columns for, in the contract's order."""
    totals = figures.accountability
    if totals is None:
        return ()
    names: tuple[str, ...] = ()
    if totals.rated is not None:
        names += RATING_TOTALS
    if totals.resolved is not None:
        names += OUTCOME_TOTALS
    if totals.repeats is not None:
        names += REPEAT_TOTALS
    return names


def category_extras(figures: Figures, dimension: str) -> tuple[str, ...]:
    """The metrics a breakdown adds to :data:`CATEGORY_METRICS` beyond on_time_share:
    open_overdue (body, with deadlines), ratings and outcomes (topic and body), repeats (topic
    and body), queries per 10,000 residents (district, with ``[population]``)."""
    names: tuple[str, ...] = ()
    if figures.deadlines is not None and dimension == "body":
        names += ("open_overdue",)
    totals = figures.accountability
    if totals is not None and dimension in ("topic", "body"):
        if totals.rated is not None:
            names += RATING_CATEGORY
        if totals.resolved is not None:
            names += OUTCOME_CATEGORY
        if totals.repeats is not None:
            names += REPEAT_TOTALS
    rows = figures.breakdown(dimension)
    if dimension == "district" and any(row.residents is not None for row in rows):
        names += ("received_per_10k",)
    return names


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
    if math.isnan(value) or math.isinf(value):
        return ""
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
        # A dataset with no input file at all is unknown, not zero.
        known = not figures.datasets or dataset in figures.datasets
        return SummaryRecord(
            start, end, dataset, metric, dimension, category, _rounded(value) if known else None
        )

    records = [record("queries", m, getattr(figures.queries, m)) for m in QUERY_TOTALS]
    if figures.deadlines is not None:
        records += [record("queries", m, getattr(figures.deadlines, m)) for m in DEADLINE_TOTALS]
    extra = accountability_metrics(figures)
    records += [record("queries", m, getattr(figures.accountability, m)) for m in extra]
    for dimension in ("topic", "channel", "district", "body"):
        for row in figures.breakdown(dimension):
            metrics = CATEGORY_METRICS + (("on_time_share",) if figures.deadlines else ())
            metrics += category_extras(figures, dimension)
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
    return (
        records
        + _view_records(figures, record)
        + _mark_records(figures, record)
        + _question_records(figures, record)
    )


def _mark_records(figures: Figures, record: Callable[..., SummaryRecord]) -> list[SummaryRecord]:
    """The export's own overdue marks, where it carries them: the two totals, then one row
    per disagreeing query by its id (after every earlier row, so their order holds)."""
    marks = figures.overdue_marks
    if marks is None:
        return []
    return [
        record("queries", "overdue_marked", marks.marked),
        record("queries", "overdue_mark_disagreements", marks.disagreeing),
        *(
            record("queries", "overdue_mark_disagreements", 1, "query_id", item.query_id)
            for item in marks.disagreements
        ),
    ]


def _view_records(figures: Figures, record: Callable[..., SummaryRecord]) -> list[SummaryRecord]:
    """The bulletin views' figures, after every earlier record (so the order and the
    wide table's columns of earlier versions stay as they were)."""
    q = figures.queries
    records = [
        record("queries", "q1_response_days", q.q1_response_days),
        record("queries", "q3_response_days", q.q3_response_days),
        record("queries", "backlog", figures.backlog),
    ]
    if figures.datasets and "queries" not in figures.datasets:
        return records  # empty values: no breakdown of a dataset with no input
    # No spread at all: figures made without it (not zeros).
    records += [
        record("queries", "responses", count, "response_days", bin_label(*edges))
        for edges, count in zip(RESPONSE_BINS, figures.response_spread, strict=False)
    ]
    if figures.open_ages is not None:
        records += [
            record("queries", "open_queries", count, "age_working_days", bin_label(*edges))
            for edges, count in zip(AGE_BINS, figures.open_ages, strict=True)
        ]
    ytd = figures.year_to_date
    if ytd is not None:
        for row in ytd.rows:
            records.append(record(row.dataset, row.metric, row.now, "year_to_date", "this_year"))
            # Last year's part only where the data covers it (else no record, not empty).
            if row.then is not None:
                records.append(
                    record(row.dataset, row.metric, row.then, "year_to_date", "last_year")
                )
    return records


def _question_records(
    figures: Figures, record: Callable[..., SummaryRecord]
) -> list[SummaryRecord]:
    """The press question log's figures (its outlets, its questions by outlet, speaker and
    topic), after every earlier record."""
    records = []
    if "press_questions" in figures.datasets:
        records += [record("press_events", m, getattr(figures.press, m)) for m in LOG_TOTALS]
    for dimension in ("outlet", "speaker", "topic"):
        for asked in figures.questions_by(dimension):
            records += [
                record("press_events", m, getattr(asked, m), dimension, asked.category)
                for m in QUESTION_METRICS
            ]
    return records


def _cell(value: Value, decimal: str) -> str:
    text = format_value(value)
    return text.replace(".", decimal) if decimal != "." else text


def write_csv(
    records: Iterable[SummaryRecord],
    out: io.TextIOBase | io.StringIO,
    *,
    header: bool = True,
    delimiter: str = ",",
    decimal: str = ".",
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
                spreadsheet_cell(r.category),
                _cell(r.value, decimal),
            ]
        )


def csv_text(records: Iterable[SummaryRecord], *, header: bool = True, excel: bool = False) -> str:
    """The contract CSV as a string; ``excel`` gives BOM, ``;`` and decimal commas for Russian-locale Excel."""
    buffer = io.StringIO()
    if excel:
        if header:  # the BOM marks the start of a file; rows to append (--no-header) go without
            buffer.write("\ufeff")
        write_csv(records, buffer, header=header, delimiter=";", decimal=",")
    else:
        write_csv(records, buffer, header=header)
    return buffer.getvalue()


def wide_column(record: SummaryRecord) -> str:
    """``queries.answered_share`` for totals, ``queries.received.topic.Public transport`` for breakdowns."""
    name = f"{record.dataset}.{record.metric}"
    return name if record.dimension == "total" else f"{name}.{record.dimension}.{record.category}"


def wide_table(records: Sequence[SummaryRecord]) -> tuple[list[str], list[list[Value | str]]]:
    """One row per period, one column per figure (columns in order of first appearance)."""
    columns: dict[str, None] = {}
    periods: dict[tuple[str, str], dict[str, Value]] = {}
    for r in records:
        column = wide_column(r)
        columns.setdefault(column, None)
        periods.setdefault((r.period_start, r.period_end), {})[column] = r.value
    names = ["period_start", "period_end", *columns]
    rows: list[list[Value | str]] = [
        [start, end, *(values.get(c) for c in columns)] for (start, end), values in periods.items()
    ]
    return names, rows


def wide_csv_text(
    records: Sequence[SummaryRecord], *, header: bool = True, excel: bool = False
) -> str:
    """The wide table as CSV, with the same number rules as the long format."""
    names, rows = wide_table(records)
    delimiter, decimal = (";", ",") if excel else (",", ".")
    buffer = io.StringIO()
    if excel and header:  # no BOM in rows meant to be appended to a file (--no-header)
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow([spreadsheet_cell(name) for name in names])
    for row in rows:
        writer.writerow([row[0], row[1], *(_cell(v, decimal) for v in row[2:])])  # type: ignore[arg-type]
    return buffer.getvalue()


def wide_json_text(records: Sequence[SummaryRecord]) -> str:
    """The wide table as a JSON array of objects."""
    names, rows = wide_table(records)
    return (
        json.dumps(
            [dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, indent=2
        )
        + "\n"
    )


def json_text(records: Iterable[SummaryRecord]) -> str:
    """The same records as a JSON array (numbers as numbers, undefined as null)."""
    return json.dumps([r.as_dict() for r in records], ensure_ascii=False, indent=2) + "\n"


def jsonl_lines(records: Iterable[SummaryRecord]) -> Iterator[str]:
    """One JSON object per line."""
    for r in records:
        yield json.dumps(r.as_dict(), ensure_ascii=False) + "\n"


def summary_chunks(
    records: Sequence[SummaryRecord],
    fmt: str = "csv",
    *,
    wide: bool = False,
    header: bool = True,
    excel: bool = False,
) -> list[str]:
    """The summary as ``summary`` writes it: ``fmt`` csv, json or jsonl, long or ``wide``."""
    if fmt == "csv":
        if wide:
            return [wide_csv_text(records, header=header, excel=excel)]
        return [csv_text(records, header=header, excel=excel)]
    if fmt == "json":
        return [wide_json_text(records) if wide else json_text(records)]
    if wide:
        raise ValueError("--wide works with --format csv or json, not jsonl")
    return list(jsonl_lines(records))
