"""Checking one column of each kind: dates (``dated``), counts (``counted``), statuses and
categories (``labelled``), and the rules that read two columns of a query together, a
blank status and an answer before receipt (``answers``).

Each check takes the table's :class:`~engagement_report.validation.cells.Cells`, returns
the typed column and hands its findings to the source's problem collector as masks.
"""

from engagement_report.validation.columns.answers import query_rules, response_days
from engagement_report.validation.columns.counted import MAX_COUNT, count_column
from engagement_report.validation.columns.dated import (
    DateColumn,
    ParsedDates,
    ambiguous_order,
    date_column,
    naive_local,
)
from engagement_report.validation.columns.labelled import (
    NOT_STATED,
    OTHER_STATUS,
    STATUS_CATEGORIES,
    category_column,
    status_column,
    status_lookup,
)
from engagement_report.validation.columns.shared import missing_text, raw_cells

__all__ = [
    "MAX_COUNT",
    "NOT_STATED",
    "OTHER_STATUS",
    "STATUS_CATEGORIES",
    "DateColumn",
    "ParsedDates",
    "ambiguous_order",
    "category_column",
    "count_column",
    "date_column",
    "missing_text",
    "naive_local",
    "query_rules",
    "raw_cells",
    "response_days",
    "status_column",
    "status_lookup",
]
