"""A multiset of numbers that adds up across pieces of the data and gives the exact
quantiles of all of them together (see :mod:`engagement_report.aggregates`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Tally:
    """A multiset of numbers: its distinct values, ascending, and how often each occurs."""

    values: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=float))
    counts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @classmethod
    def of(cls, values: Iterable[float] | np.ndarray) -> Tally:
        """The tally of ``values`` (missing values left out)."""
        array = np.asarray(values, dtype=float)
        array = array[~np.isnan(array)]
        distinct, counts = np.unique(array, return_counts=True)
        return cls(distinct, counts.astype(np.int64))

    def __add__(self, other: Tally) -> Tally:
        if not len(other.values):
            return self
        if not len(self.values):
            return other
        values = np.concatenate([self.values, other.values])
        distinct, where = np.unique(values, return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate([self.counts, other.counts]))
        return Tally(distinct, counts.astype(np.int64))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Tally)
            and np.array_equal(self.values, other.values)
            and np.array_equal(self.counts, other.counts)
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def size(self) -> int:
        """How many values the tally holds."""
        return int(self.counts.sum())

    def _at(self, rank: int) -> float:
        """The value at ``rank`` (0-based) of the values sorted."""
        return float(self.values[np.searchsorted(np.cumsum(self.counts), rank, side="right")])

    def quantile(self, q: float) -> float | None:
        """The ``q`` quantile with linear interpolation, as ``numpy.quantile`` (and pandas'
        ``Series.quantile``) gives it on the values themselves; None when empty."""
        n = self.size
        if not n:
            return None
        virtual = np.float64(n - 1) * np.float64(q)
        below = int(np.floor(virtual))
        pair = np.array([self._at(below), self._at(min(below + 1, n - 1))])
        # numpy.quantile on the two neighbours at the same weight is NumPy's own lerp.
        return float(np.quantile(pair, virtual - below))

    def median(self) -> float | None:
        """The median as ``numpy.median`` (and pandas' ``median``) gives it: the middle
        value, or the mean of the two middle values; None when empty."""
        n = self.size
        if not n:
            return None
        if n % 2:
            return self._at(n // 2)
        return float(np.mean(np.array([self._at(n // 2 - 1), self._at(n // 2)])))

    def sorted_values(self) -> np.ndarray:
        """Every value as often as it occurs, ascending (a sample the same whatever the
        order of the pieces it was added up from)."""
        return np.repeat(self.values, self.counts)
