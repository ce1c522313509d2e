"""The longest-open queries of a period as a partial aggregate: each piece's own list,
and a ``+`` that keeps the longest of two.

A query's age is whole days from the day it was received to the cut-off, so the queries
listed from the whole period are among those each piece lists of its own: the list of
all the pieces together is the first :data:`LIMIT` of their lists put one after the other
(in the pieces' order: ties go by id, then as the rows came,
:func:`~engagement_report.deadlines.classes.rank_open`). A piece without query ids lists
its rows by position; ``+`` counts the later piece's positions on from the earlier's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from engagement_report.deadlines.classes import longest_open, rank_open
from engagement_report.results import OpenQuery

#: How many of the longest-open queries a report lists.
LIMIT = 10

_COLUMNS = ["query_id", "received_at", "age_days", "deadline_class"]

#: A listed query: its id (None when blank; its position without ids), when it was
#: received, its age in days and its deadline class.
Listed = tuple[object, pd.Timestamp, int, str]


@dataclass(frozen=True)
class OpenList:
    """The longest-open queries of a piece of a period's rows, at the period's cut-off."""

    listed: tuple[Listed, ...] = ()
    rows: int = 0  # the piece's queries
    positional: bool = False  # no query ids: the rows are listed by position

    @classmethod
    def of(cls, queries: pd.DataFrame, classes: pd.Series, cutoff: date) -> OpenList:
        """The list of ``queries`` (a piece of a period's) with their deadline
        ``classes`` at ``cutoff``."""
        positional = "query_id" not in queries
        if queries.empty:
            return cls((), 0, positional)
        table = longest_open(
            queries.reset_index(drop=True), classes.reset_index(drop=True), cutoff, LIMIT
        )
        return cls(_listed(table), len(queries), positional)

    def __add__(self, other: OpenList) -> OpenList:
        if not other.rows:
            return self
        if not self.rows:
            return other
        theirs = other.listed
        if other.positional:  # their positions come after this piece's rows
            theirs = tuple((int(q) + self.rows, *rest) for q, *rest in theirs)  # type: ignore[call-overload]
        table = pd.DataFrame(list(self.listed + theirs), columns=_COLUMNS)
        return OpenList(_listed(rank_open(table, LIMIT)), self.rows + other.rows, self.positional)

    def shown(self) -> tuple[OpenQuery, ...]:
        """The list as a report shows it: ids and ages, never a query's text."""
        return tuple(
            OpenQuery(
                query_id="" if query_id is None else str(query_id),
                received_on=received.date().isoformat(),
                age_days=age,
                deadline_class=deadline_class,
            )
            for query_id, received, age, deadline_class in self.listed
        )


def _listed(table: pd.DataFrame) -> tuple[Listed, ...]:
    return tuple(
        (
            None if pd.isna(row.query_id) else row.query_id,
            pd.Timestamp(row.received_at),
            int(row.age_days),
            str(row.deadline_class),
        )
        for row in table.itertuples(index=False)
    )
