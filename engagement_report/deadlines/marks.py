"""The export's own overdue mark beside the deadline classes the tool computes.

Some systems mark a query overdue themselves: 115.бел writes "Просрочено" where an
answer date would stand. The tool computes its own deadline classes from the dates and
the term; comparing the two, query by query, checks the office's system as well as the
office. A query the system marks overdue that is answered on time or not yet due by the
computed deadline, or one it marks not overdue that is answered late or overdue, is a
disagreement, listed by its id.

The mark is as the export was taken, so the classes it is compared with are computed as
of the export's date (the latest date in the data), not the report's cut-off: an open
query marked overdue in December is not "not yet due" because the report looks at the
end of October.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.deadlines.classes import classes_at

OVERDUE_CLASSES = ("late", "open_overdue")


@dataclass(frozen=True)
class MarkDisagreement:
    """One query whose own mark and computed class differ (its id, never its text)."""

    query_id: str
    marked_overdue: bool  # the system's mark: True overdue, False not overdue
    deadline_class: str  # the class computed as of the export's date


@dataclass(frozen=True)
class OverdueMarks:
    """The system's overdue marks against the computed classes, for one period."""

    marked: int  # queries the export marks overdue
    compared: int  # queries with a mark (overdue or not) and a computed class
    disagreements: tuple[MarkDisagreement, ...]
    as_of: date  # the export's date the classes were computed as of

    @property
    def disagreeing(self) -> int:
        """How many queries disagree (:data:`overdue_mark_disagreements`)."""
        return len(self.disagreements)


@dataclass(frozen=True)
class MarkPart:
    """The marks of a piece of a period's queries against the classes as of the export's
    date: counts, and the queries that disagree in the order of the piece's rows. Pieces
    add up (``+``) in the order of their rows; :func:`marks_of` finishes the sum."""

    carried: bool = False  # some query of the piece carries a mark (overdue or not)
    marked: int = 0
    compared: int = 0
    disagreements: tuple[MarkDisagreement, ...] = ()

    def __add__(self, other: MarkPart) -> MarkPart:
        return MarkPart(
            self.carried or other.carried,
            self.marked + other.marked,
            self.compared + other.compared,
            self.disagreements + other.disagreements,
        )


def mark_part(
    queries: pd.DataFrame,
    status: pd.Series,
    deadline: pd.Series,
    answered: pd.Series,
    export_date: date,
) -> MarkPart:
    """The marks of ``queries`` (column ``overdue_mark``: True, False or NA) against the
    deadline classes as of ``export_date`` (inputs from ``deadline_inputs``), as a piece
    of a period's (each query's class depends on its own row alone)."""
    if "overdue_mark" not in queries:
        return MarkPart()
    marks = queries["overdue_mark"]
    known = marks.notna().to_numpy(dtype=bool)
    if not known.any():
        return MarkPart()
    marked = marks.fillna(False).to_numpy(dtype=bool) & known
    classes = classes_at(status, deadline, answered, export_date)
    # A query closed without an answer date is neither overdue nor not: no mark disagrees.
    classified = (classes.notna() & classes.ne("closed_undated")).to_numpy(dtype=bool)
    overdue = classes.isin(OVERDUE_CLASSES).to_numpy(dtype=bool)
    compared = known & classified
    differ = compared & (marked != overdue)
    ids = _ids(queries)
    return MarkPart(
        carried=True,
        marked=int(marked.sum()),
        compared=int(compared.sum()),
        disagreements=tuple(
            MarkDisagreement(str(ids[i]), bool(marked[i]), str(classes.iloc[i]))
            for i in np.flatnonzero(differ)
        ),
    )


def marks_of(part: MarkPart, export_date: date) -> OverdueMarks | None:
    """The marks compared, from the pieces' :class:`MarkPart` added up; None when no query
    carries a mark. The disagreements are listed by id (a stable sort: pieces added up in
    the order of their rows list ties as one piece of all the rows would)."""
    if not part.carried:
        return None
    return OverdueMarks(
        marked=part.marked,
        compared=part.compared,
        disagreements=tuple(sorted(part.disagreements, key=lambda d: d.query_id)),
        as_of=export_date,
    )


def _ids(queries: pd.DataFrame) -> np.ndarray:
    """Each query's id, or where it has none its place ("file row N")."""
    places = (
        queries["_file"].astype(str).str.rsplit("/", n=1).str[-1]
        + " "
        + queries["_row"].astype(str)
    ).to_numpy(dtype=object)
    if "query_id" not in queries:
        return places
    ids = queries["query_id"].astype("string")
    return ids.fillna(pd.Series(places, index=queries.index)).to_numpy(dtype=object)
