"""Repeat appeals: which queries repeat an answered one, and their counts per piece.

A query is a repeat when an earlier query with the same applicant key or address and
the same topic was answered within ``[repeats] window_days`` before it arrived
(:func:`repeat_flags`, the one definition). The earlier query may have been received in
any earlier month, so a piece of a period's rows (an archive's month, on a Dask worker)
cannot decide its flags alone; but it needs little more. A query's flag depends only on
the answers given in the ``window_days`` before its arrival (bare dates at the end of
their day), and, for an answer given at the very moment it arrived, on which of the two
queries arrived first. So the flags of a month's queries are :func:`repeat_flags` on
those queries with, before them, every earlier query answered from
:func:`answers_from` the month's first day to its end: exactly the flags the whole data
gives them. Arrival order agrees too: an archive's months are months of receipt, so
queries received at one moment are in one month, in the order its partition holds them
(the order an archive is read in, month after month), and every query of an earlier
month arrived before every query of this one.

:func:`window_repeats` counts the repeats of a window's queries, in total and per
category (:class:`RepeatCounts`, which add up across pieces). The pandas engine runs it
on all the rows it read, the Dask engine on each month with its earlier answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from engagement_report.figures import category_codes, in_period
from engagement_report.moments import LAST_MOMENT
from engagement_report.periods import Window

#: The columns behind the repeats (a column no input has gives no figures).
APPLICANT, ADDRESS = "applicant", "address"
#: What the rule reads of a query.
COLUMNS = ("received_at", "answered_at", "answered_timed", "status", "topic", APPLICANT, ADDRESS)


@dataclass(frozen=True)
class RepeatCounts:
    """The repeat appeals of a piece (as of the cut-off): in total and per category
    (per dimension, label → count; a category without a repeat left out)."""

    total: int = 0
    categories: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def __add__(self, other: RepeatCounts) -> RepeatCounts:
        categories: dict[str, dict[str, int]] = {}
        for counts in (self.categories, other.categories):
            for dimension, labels in counts.items():
                merged = categories.setdefault(dimension, {})
                for label, count in labels.items():
                    merged[label] = merged.get(label, 0) + count
        return RepeatCounts(self.total + other.total, categories)

    @classmethod
    def of(
        cls, queries: pd.DataFrame, flags: np.ndarray, dimensions: Iterable[str]
    ) -> RepeatCounts:
        """The counts of ``flags`` (which of ``queries`` are repeats), per category of
        each of ``dimensions`` the queries have."""
        categories = {}
        for dimension in dimensions:
            if dimension in queries:
                codes, labels = category_codes(queries[dimension])
                counts = np.bincount(codes[flags], minlength=len(labels))
                categories[dimension] = {labels[c]: int(counts[c]) for c in np.flatnonzero(counts)}
        return cls(int(flags.sum()), categories)


def answers_from(first: date, window_days: int) -> date:
    """A day on or before the earliest an answer can be dated and still make a query
    received on ``first`` or later a repeat: ``window_days`` before ``first``, an answer
    with a bare date counting at that day's end, and one day more as a margin (a day of
    answers more to read, where one too few would lose a repeat)."""
    return first - timedelta(days=window_days + 1)


def window_repeats(
    queries: pd.DataFrame,
    window: Window,
    window_days: int,
    dimensions: Iterable[str],
    earlier: int = 0,
) -> RepeatCounts:
    """The repeats among the queries received in the window's period, as of its
    cut-off, in total and per category of ``dimensions``.

    ``queries``: those rows and the earlier ones whose answers may make them repeats (all
    the data, or a month's rows after its earlier answers: :func:`with_earlier`), in
    arrival order for queries received at one moment. ``earlier``: how many of the first
    rows are such earlier answers only, counted in another piece (a month's)."""
    inside = in_period(queries["received_at"], window.period).to_numpy(dtype=bool, copy=True)
    inside[:earlier] = False
    if not inside.any():
        return RepeatCounts()
    flags = repeat_flags(queries, window_days, window.cutoff)
    return RepeatCounts.of(queries[inside], flags[inside], dimensions)


def with_earlier(
    earlier: pd.DataFrame, piece: pd.DataFrame, dimensions: Iterable[str]
) -> pd.DataFrame:
    """A month's queries (what the rule and the counts per category of ``dimensions``
    read of them) with the earlier answers placed before them: the order both arrived
    in, one row each (give :func:`window_repeats` ``earlier=len(earlier)``)."""
    columns = [c for c in dict.fromkeys((*COLUMNS, *dimensions)) if c in piece]
    if earlier.empty:
        return piece[columns].reset_index(drop=True)
    return pd.concat([earlier.reindex(columns=columns), piece[columns]], ignore_index=True)


def repeat_flags(queries: pd.DataFrame, window_days: int, cutoff: date | None = None) -> np.ndarray:
    """Which queries are repeats: an earlier query with the same applicant key, or the same
    address, and the same topic was answered within the ``window_days`` days before this
    one arrived (on or before the cut-off, when given).

    Earlier means received before it (at the same moment: higher up in the data). An
    answer with a bare date (no time of day) counts as given at the end of that day, the
    latest it can have been, so a query that arrived earlier that day is no repeat of it.
    An answer dated before its own receipt, or without a date, is not taken as an earlier
    answer. The keys are the salted hashes validation made; blank keys match nothing;
    a blank topic is the topic '(not stated)'.
    """
    n = len(queries)
    flags = np.zeros(n, dtype=bool)
    keys = [key for key in (APPLICANT, ADDRESS) if key in queries]
    if not n or not keys:
        return flags
    received = queries["received_at"].to_numpy(dtype="datetime64[ns]")
    answered_at = queries["answered_at"].to_numpy(dtype="datetime64[ns]")
    answered = queries["status"].eq("answered").fillna(False).to_numpy(dtype=bool, copy=True)
    answered &= ~np.isnat(answered_at) & ~np.isnat(received)
    if cutoff is not None:
        end = np.datetime64(pd.Timestamp(cutoff) + pd.Timedelta(days=1), "ns")
        answered &= answered_at < end
    if "answered_timed" in queries:
        bare = ~queries["answered_timed"].to_numpy(dtype=bool)
        day_end = answered_at.astype("datetime64[D]").astype("datetime64[ns]") + LAST_MOMENT
        answered_at = np.where(bare, day_end, answered_at)
    with np.errstate(invalid="ignore"):
        answered &= answered_at >= received
    if "topic" in queries:
        topics, labels = category_codes(queries["topic"])
        topic_count = len(labels) + 1
    else:
        topics, topic_count = np.zeros(n, dtype=np.int64), 1
    # The order queries arrived in: by date received, then as they stand in the data.
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), received))] = np.arange(n)
    window = np.timedelta64(window_days, "D")
    for key in keys:
        codes, _ = pd.factorize(queries[key].astype("string"))
        usable = (codes >= 0) & ~np.isnat(received)
        group = codes.astype(np.int64) * topic_count + topics
        flags |= _repeats(group, usable, received, answered_at, answered & usable, rank, window)
    return flags


def _repeats(
    group: np.ndarray,
    usable: np.ndarray,
    received: np.ndarray,
    answered_at: np.ndarray,
    answered: np.ndarray,
    rank: np.ndarray,
    window: np.timedelta64,
) -> np.ndarray:
    """Within each group: whether an earlier query's answer lies in the window before
    each query's receipt.

    Groups and moments become one sortable integer (group × distinct moments + the
    moment's rank), so both searches are binary searches over NumPy arrays: a million
    queries take a fraction of a second, where joining frames took seconds.
    """
    flags = np.zeros(len(group), dtype=bool)
    if not answered.any() or not usable.any():
        return flags
    asks = np.flatnonzero(usable)
    done = np.flatnonzero(answered)
    moments, codes = np.unique(
        np.concatenate([received[asks], answered_at[done]]).astype(np.int64), return_inverse=True
    )
    span = np.int64(len(moments))
    ask_keys = group[asks] * span + codes[: len(asks)]
    answer_keys = group[done] * span + codes[len(asks) :]
    # Each answer key once, with the rank of the earliest query answered at it.
    order = np.argsort(answer_keys, kind="stable")
    keys, first = np.unique(answer_keys[order], return_index=True)
    earliest = np.minimum.reduceat(rank[done][order], first)
    # The queries in key order: the binary searches then walk the keys in one direction.
    by_key = np.argsort(ask_keys, kind="stable")
    asks, ask_keys = asks[by_key], ask_keys[by_key]
    at = np.searchsorted(keys, ask_keys, side="left")
    # The latest answer strictly before the query arrived, in its group: its own answer
    # never is (answers before receipt aside), and neither is a later query's.
    found = at > 0
    latest = keys[np.where(found, at - 1, 0)]
    found &= latest // span == group[asks]
    when = moments[latest % span].view("datetime64[ns]")
    flags[asks[found & (when >= received[asks] - window)]] = True
    # An answer at the very moment the query arrived counts when it answered a query
    # that arrived before this one.
    inside = at < len(keys)
    same = inside & (keys[np.where(inside, at, 0)] == ask_keys)
    tie = same & (earliest[np.where(inside, at, 0)] < rank[asks])
    flags[asks[tie]] = True
    return flags
