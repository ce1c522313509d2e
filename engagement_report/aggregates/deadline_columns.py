"""Each query's deadline inputs, worked out once for a report and carried in columns of
its frame, so every window's rows take theirs along."""

from __future__ import annotations

import pandas as pd

from engagement_report.aggregates.model import Rules
from engagement_report.deadlines import DeadlineInputs, deadline_inputs

#: The columns a frame of queries carries its rows' deadline inputs in
#: (:func:`with_deadline_inputs`).
DEADLINE_COLUMNS = ("_deadline_status", "_deadline_due", "_deadline_answered")


def with_deadline_inputs(queries: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """``queries`` carrying each row's deadline inputs under ``rules``
    (:func:`~engagement_report.deadlines.deadline_inputs`). A query's deadline does not
    depend on the window or the cut-off, so a report works them out once for all its
    rows, and every window's rows (the period's, each trend month's, the year-earlier
    period's) take theirs along instead of working them out again."""
    inputs = deadline_inputs(queries, rules.deadlines, rules.calendar)
    return queries.assign(**dict(zip(DEADLINE_COLUMNS, inputs, strict=True)))


def queries_deadline_inputs(queries: pd.DataFrame, rules: Rules) -> DeadlineInputs:
    """The deadline inputs of ``queries`` under ``rules``: those the rows carry (worked
    out under the same rules, :func:`with_deadline_inputs`), else worked out here."""
    if not all(column in queries for column in DEADLINE_COLUMNS):
        return deadline_inputs(queries, rules.deadlines, rules.calendar)
    status, due, answered = (queries[column] for column in DEADLINE_COLUMNS)
    return status.rename("status"), due.rename("deadline"), answered.rename(None)
