"""The months before a report's: read light, only for their queries still open after
them (a backlog or the ages of open queries at a later moment count of them), or taken
from the counts the manifest keeps of them (:mod:`.history`), and for their queries
answered in time to make a query of the period a repeat (:mod:`.answers`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from engagement_report.archive.answers import keyed, may_answer
from engagement_report.archive.history import usable
from engagement_report.archive.layout import Manifest, Partition
from engagement_report.archive.partitions import read_columns
from engagement_report.repeats import COLUMNS as REPEAT_COLUMNS
from engagement_report.views import closing_moments

#: What a month read light keeps of its queries: when each was received and closed, and
#: where it came from.
_LIGHT = ("received_at", "answered_at", "status", "_file", "_sheet", "_row")


@dataclass(frozen=True)
class Light:
    """How :func:`~.reader.read_archive` reads a month before the others: its queries still open
    at ``since`` or later, and (``answers_from``: the repeats') those answered from then
    on when the month can hold such an answer before ``end``."""

    since: date
    answers_from: date | None = None
    end: date | None = None


def light_read(
    months: Collection[str] | None, light: Collection[str], answers_from: date | None
) -> Light | None:
    """How :func:`~.reader.read_archive` reads the ``light`` months of a read of ``months`` (None:
    no month is read light)."""
    since = light_since(light)
    if since is None:
        return None
    end = month_after(max({*(months or ()), *light}))
    return Light(since, answers_from, end)


def light_since(light: Collection[str]) -> date | None:
    """The first moment a figure of the months after the ``light`` ones can count a query
    open at: the first day after them (None: no month is read light)."""
    return month_after(max(light)) if light else None


def month_after(month: str) -> date:
    """The first day of the month after ``month`` (``YYYY-MM``)."""
    year, number = (int(part) for part in month.split("-"))
    return date(year + number // 12, number % 12 + 1, 1)


def months_opened(
    manifest: Manifest,
    months: Collection[str],
    light: Collection[str],
    counted: bool,
    answers_from: date | None = None,
) -> set[str]:
    """The months of ``months`` whose partition files :func:`~.reader.read_archive` opens with the
    same ``light``, ``counted`` and ``answers_from``: all but the light ones whose
    queries it counts."""
    queries = {p.month: p for p in manifest.of("queries")}
    end = month_after(max(months)) if months else None
    return {
        month
        for month in months
        if month not in light
        or (month in queries and not from_counts(queries[month], counted, answers_from, end))
    }


def may_hold_answers(partition: Partition, answers_from: date | None, end: date | None) -> bool:
    """Whether a month's queries can hold an answer dated from ``answers_from`` to before
    ``end`` that makes a query a repeat (:mod:`.answers`)."""
    return (
        answers_from is not None
        and partition.dataset == "queries"
        and keyed(partition)
        and may_answer(partition, answers_from, end)
    )


def from_counts(
    partition: Partition, counted: bool, answers_from: date | None, end: date | None
) -> bool:
    """Whether a light month is taken from its counts, unopened."""
    return (
        counted and usable(partition.history) and not may_hold_answers(partition, answers_from, end)
    )


def read_light(
    path: Path, partition: Partition, dtypes: Mapping[str, str], read: Light, skipped: set[str]
) -> pa.Table:
    """A light month's queries (:class:`Light`), with the columns that say when they
    were open (and what the repeat rule reads of them, when they can answer)."""
    answering = may_hold_answers(partition, read.answers_from, read.end)
    kept = {*_LIGHT, *REPEAT_COLUMNS} if answering else set(_LIGHT)
    heavy = {c for c in dtypes if c not in kept}
    after = read.since
    if answering and read.answers_from is not None:
        after = min(read.since, read.answers_from)
    return _still_open(read_columns(path, skipped | heavy), after)


def _still_open(table: pa.Table, since: date | None) -> pa.Table:
    """The queries of a month read light that a figure counting open queries at ``since``
    or later can see: those not closed before ``since`` (views.closing_moments), and the
    month's first received (closed or not), so that the registry is known to have begun
    (a query closed before ``since`` is in no later backlog: received and closed before)."""
    if since is None or not table.num_rows:
        return table
    received, closed = closing_moments(table.to_pandas())
    keep = closed >= np.datetime64(since.isoformat(), "ns").view(np.int64)
    keep[int(np.argmin(received))] = True
    return table.filter(pa.array(keep))
