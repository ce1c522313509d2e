"""The earlier answers a month of an archive needs for its repeat appeals.

A query of a month is a repeat by an answer given in the ``[repeats] window_days``
before it arrived (:mod:`engagement_report.repeats`), to a query received in that month
or in any earlier one. So a month's repeats need, of the earlier months, only the
queries answered from :func:`~engagement_report.repeats.answers_from` the month's first
day to its end, with the few columns the rule reads; and only of the months that can
hold such an answer: those from the month of that first day on, and before them those
whose manifest counts (:mod:`.history`) say a query of theirs closed on a day in that
span (an answer is its query's closing moment). A month whose inputs had neither an
applicant nor an address column holds no key, so no answer of it can count.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from engagement_report.archive.history import usable
from engagement_report.archive.layout import Manifest, Partition
from engagement_report.archive.partitions import as_frame, check_digest, damaged
from engagement_report.hashing import seen
from engagement_report.repeats import ADDRESS, APPLICANT, COLUMNS, answers_from


def keyed(partition: Partition) -> bool:
    """Whether the month's inputs had a column a repeat is found by."""
    return APPLICANT in partition.mapped or ADDRESS in partition.mapped


def may_answer(partition: Partition, start: date, end: date | None) -> bool:
    """Whether a month of queries can hold a query answered on a day from ``start`` to
    before ``end`` (None: any day from ``start`` on): a month from ``start``'s on can
    (its answers within itself are in no count), an earlier one when its counts say a
    query of it closed on such a day (or it has no usable counts)."""
    if partition.month >= start.strftime("%Y-%m") or not usable(partition.history):
        return True
    assert partition.history is not None
    return any(
        start <= day and (end is None or day < end)
        for day in (date.fromisoformat(text) for text, _ in partition.history.closed_on)
    )


def month_span(month: str) -> tuple[date, date]:
    """The first day of ``month`` (``YYYY-MM``) and the first day after it."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year + number // 12, number % 12 + 1, 1)


def answer_months(manifest: Manifest, month: str, window_days: int) -> list[Partition]:
    """The earlier months of queries whose answers a repeat of ``month``'s queries can
    be found by (none when ``month``'s own queries have no key)."""
    queries = manifest.of("queries")
    own = next((p for p in queries if p.month == month), None)
    if own is None or not keyed(own):
        return []
    first, after = month_span(month)
    start = answers_from(first, window_days)
    return [p for p in queries if p.month < month and keyed(p) and may_answer(p, start, after)]


def earlier_answers(root: Path, manifest: Manifest, month: str, window_days: int) -> pd.DataFrame:
    """The queries of earlier months answered from ``answers_from`` ``month``'s first day
    to its end (what the repeat rule reads of them), in the order the archive holds them;
    each partition file read checked against the manifest first."""
    first, after = month_span(month)
    start = answers_from(first, window_days)
    dtypes = manifest.dtypes.get("queries", {})
    columns = [c for c in COLUMNS if c in dtypes]
    window = (
        ds.field("answered_at") >= pa.scalar(datetime.combine(start, datetime.min.time()))
    ) & (ds.field("answered_at") < pa.scalar(datetime.combine(after, datetime.min.time())))
    tables = []
    for partition in answer_months(manifest, month, window_days):
        path = root / partition.key / partition.file
        check_digest(seen(path), partition)
        try:
            fragment = ds.dataset(path, format="parquet")
            present = [c for c in columns if c in fragment.schema.names]
            tables.append(fragment.to_table(columns=present, filter=window))
        except (OSError, pa.ArrowException) as exc:
            raise damaged(path, exc) from None
    return as_frame(tables, {c: dtypes[c] for c in columns}, set(), None)
