"""What offices are held to account for, as partial aggregates of any piece of a
period's rows: the ratings and outcomes of answered queries (per category and in total),
the export's overdue marks against the deadline classes as of the export's date, the
months that hold query records, and the values per unit (per broadcast, per press event)
the headline verdicts test.

A piece's :class:`AccountablePart` adds up with another's (``+``) exactly: counts,
tallies of whole-number ratings and of per-unit values, and the marks' disagreements in
the order of the rows. The pandas engine works one out on a period's rows as one piece,
the Dask engine on each month (:func:`engagement_report.aggregates.partial` holds it);
:mod:`engagement_report.accountability` finishes the figures from the sum, for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from engagement_report.dated import distinct_days, months_of
from engagement_report.deadlines import DeadlineInputs, MarkPart, mark_part
from engagement_report.figures import category_codes
from engagement_report.tally import Tally

#: The columns behind each group of figures (a column no input has gives no figures).
RATING, OUTCOME = "rating", "outcome"
RESOLVED = ("resolved", "resolved_on_the_spot")


class _Addable(Protocol):
    def __add__(self, other: Any, /) -> Any: ...


_Adds = TypeVar("_Adds", bound=_Addable)


@dataclass(frozen=True)
class Answers:
    """What was recorded of the answered queries (at the cut-off) of one category, or of
    all: each rating given and how often, and the outcomes."""

    ratings: Tally = field(default_factory=Tally)
    outcome_recorded: int = 0
    resolved: int = 0
    resolved_on_the_spot: int = 0

    def __add__(self, other: Answers) -> Answers:
        return Answers(
            self.ratings + other.ratings,
            self.outcome_recorded + other.outcome_recorded,
            self.resolved + other.resolved,
            self.resolved_on_the_spot + other.resolved_on_the_spot,
        )


def rating_mean(ratings: Tally) -> float | None:
    """The mean rating: the exact sum over the count, rounded once. Ratings are whole
    numbers (validation reads any other value as no rating), so the sum NumPy takes of
    the values is exact too and ``numpy.mean`` of them is this very float, whatever the
    pieces the tally was added up from."""
    if not ratings.size:
        return None
    total = sum(
        (Fraction(float(v)) * int(c) for v, c in zip(ratings.values, ratings.counts, strict=True)),
        Fraction(0),
    )
    return float(total / ratings.size)


@dataclass(frozen=True)
class AccountablePart:
    """The partial aggregates of this module of one piece of a period's rows."""

    rating_column: bool = False  # the piece's queries have a rating column
    outcome_column: bool = False  # ... and an outcome column
    total: Answers = field(default_factory=Answers)
    # Per dimension (topic, channel, district, body): each category's answers.
    categories: Mapping[str, Mapping[str, Answers]] = field(default_factory=dict)
    marks: MarkPart = field(default_factory=MarkPart)
    query_months: frozenset[str] = frozenset()  # "2021-03": months holding a query received
    per_broadcast: Tally = field(default_factory=Tally)  # questions answered on air
    per_event: Tally = field(default_factory=Tally)  # publications, of events recording them

    def __add__(self, other: AccountablePart) -> AccountablePart:
        return AccountablePart(
            self.rating_column or other.rating_column,
            self.outcome_column or other.outcome_column,
            self.total + other.total,
            {
                d: _merge(self.categories.get(d, {}), other.categories.get(d, {}))
                for d in {**self.categories, **other.categories}
            },
            self.marks + other.marks,
            self.query_months | other.query_months,
            self.per_broadcast + other.per_broadcast,
            self.per_event + other.per_event,
        )


def _merge(a: Mapping[str, _Adds], b: Mapping[str, _Adds]) -> dict[str, _Adds]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out[key] + value if key in out else value
    return out


def accountable_part(
    queries: pd.DataFrame,
    stood: pd.DataFrame,
    dimensions: Iterable[str],
    inputs: DeadlineInputs,
    export_date: date | None,
) -> AccountablePart:
    """The part of a piece's queries (``queries`` as exported, ``stood`` as at the
    cut-off; ``inputs``: their deadline inputs): the answers per category of each of
    ``dimensions`` and in total, the months holding a query, and the overdue marks
    against the classes as of ``export_date`` (none without one)."""
    answered = stood["status"].eq("answered").fillna(False).to_numpy(dtype=bool)
    scores = rated = recorded = resolved = on_the_spot = None
    if RATING in stood:
        rating = stood[RATING].to_numpy(dtype=float, na_value=np.nan)
        # A rating of a query not answered at the cut-off did not exist then.
        rated = answered & ~np.isnan(rating)
        scores = np.unique(rating[rated], return_inverse=True)  # the few distinct ratings
    if OUTCOME in stood:
        outcome = stood[OUTCOME]
        if not isinstance(outcome.dtype, pd.CategoricalDtype):  # categories compare as text
            outcome = outcome.astype("string")
        recorded = answered & outcome.notna().to_numpy(dtype=bool)
        resolved = answered & outcome.isin(RESOLVED).fillna(False).to_numpy(dtype=bool)
        on_the_spot = answered & outcome.eq("resolved_on_the_spot").fillna(False).to_numpy(
            dtype=bool
        )
    flags = (recorded, resolved, on_the_spot)
    counts = [0 if f is None else int(f.sum()) for f in flags]
    ratings = Tally() if scores is None else Tally(scores[0], np.bincount(scores[1]))
    total = Answers(ratings, *counts)
    categories = {
        d: _category_answers(stood[d], answered, scores, rated, flags)
        for d in dimensions
        if d in stood
    }
    # The months of the distinct days (a few hundred), not of a million dates.
    months = frozenset(months_of(distinct_days(stood["received_at"])))
    marks = MarkPart() if export_date is None else mark_part(queries, *inputs, export_date)
    return AccountablePart(
        rating_column=RATING in stood,
        outcome_column=OUTCOME in stood,
        total=total,
        categories=categories,
        marks=marks,
        query_months=months,
    )


def _category_answers(
    labels: pd.Series,
    answered: np.ndarray,
    scores: tuple[np.ndarray, np.ndarray] | None,
    rated: np.ndarray | None,
    flags: tuple[np.ndarray | None, ...],
) -> dict[str, Answers]:
    """Each category's answers (of the categories with a query answered); ``scores``: the
    distinct ratings given and, for each rated query, which it is."""
    if not len(labels):
        return {}
    codes, names = category_codes(labels)
    width = len(names)
    counts = [
        np.zeros(width, dtype=np.int64) if f is None else np.bincount(codes[f], minlength=width)
        for f in flags
    ]
    given = np.empty(0, dtype=float)
    by_score = np.zeros((width, 0), dtype=np.int64)
    if scores is not None and rated is not None:
        # Few distinct ratings: one count per category and rating, in one pass.
        given, which = scores
        cells = codes[rated] * len(given) + which.reshape(-1)
        by_score = np.bincount(cells, minlength=width * len(given)).reshape(width, len(given))
    out = {}
    for code in np.flatnonzero(np.bincount(codes[answered], minlength=width)):
        some = by_score[code] > 0
        out[names[code]] = Answers(
            Tally(given[some], by_score[code][some].astype(np.int64)),
            *(int(c[code]) for c in counts),
        )
    return out


def unit_part(questions: pd.Series, publications: pd.Series) -> AccountablePart:
    """The values per unit of a piece: each broadcast's questions answered on air, and
    each press event's publications where it records them (whether an event did not is
    the press totals' ``press_missing``)."""
    return AccountablePart(
        per_broadcast=Tally.of(questions.to_numpy(dtype=float, na_value=np.nan)),
        per_event=Tally.of(publications.to_numpy(dtype=float, na_value=np.nan)),
    )
