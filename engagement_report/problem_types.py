"""The catalogue of problems a row can have: one entry per problem code.

Data, not logic (as frictionless-py keeps its error catalogue): every problem that
validation records names one of these codes, and the README's table of problem codes
is generated from this catalogue, so a code cannot be used without being documented.
Each problem also carries its own message, which names the column and the value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its code, what it does to the row and how to fix it."""

    code: str
    severity: str  # "error" (the row is rejected), "warning" (kept) or "error or warning"
    description: str


PROBLEM_TYPES: dict[str, ProblemType] = {
    problem.code: problem
    for problem in (
        ProblemType(
            "missing_date",
            "error",
            "a required date (date received, broadcast, event or question date) is empty: the row "
            "cannot be placed in a period",
        ),
        ProblemType(
            "invalid_date",
            "error or warning",
            "a date cell is not a date; an error in a required date column, a warning (read "
            "as empty) in an optional one",
        ),
        ProblemType(
            "invalid_number",
            "error",
            "a count cell is not a number",
        ),
        ProblemType(
            "negative_count",
            "error",
            "a count is negative",
        ),
        ProblemType(
            "fractional_count",
            "error",
            "a count is not a whole number",
        ),
        ProblemType(
            "implausible_count",
            "error",
            "a count above 1 000 000 in one row: no broadcast or press event comes near it, "
            "and such a figure (a typo, a number from another column) would swamp or "
            "overflow every sum",
        ),
        ProblemType(
            "missing_count",
            "error",
            "a broadcast's questions answered is empty (write 0 when there were none); a press "
            "event's counts may be left blank: not recorded, never read as 0",
        ),
        ProblemType(
            "unknown_status",
            "warning",
            "a status spelling that is in no status class: the query counts as received, not "
            "as answered; add the spelling under `[statuses]` in the config",
        ),
        ProblemType(
            "missing_status",
            "warning",
            "no status and no answer date: the query counts as received, not as answered",
        ),
        ProblemType(
            "blank_category",
            "warning",
            "a topic, channel, district, programme, or a question's event, outlet or speaker "
            "is empty: counted under '(not stated)'",
        ),
        ProblemType(
            "extra_cells",
            "warning",
            "a CSV row has cells past the last header (a delimiter inside an unquoted value "
            "makes one and shifts the cells after it): they are not read; check the row",
        ),
        ProblemType(
            "not_a_record",
            "error",
            "an element of a JSON file's array of records is not a record (an object of "
            "named fields) but a number, a string, null or a nested array: the element is "
            "rejected, named by its record number",
        ),
        ProblemType(
            "duplicate_column",
            "warning",
            "two headers name the same column and their values differ: only the first (or "
            "the one the config names) is read; the warning names both, on the header row",
        ),
        ProblemType(
            "duplicate_sheet",
            "warning",
            "every row of a sheet or file is identical to another's of the same dataset (a "
            "copy): both are counted; remove one",
        ),
        ProblemType(
            "lookalike_label",
            "warning",
            "a topic, channel, district or programme reads like a more used one but is "
            "spelled with another alphabet's letters (Cyrillic 'с' for Latin 'c'): counted "
            "apart from it; the warning is on its first row",
        ),
        ProblemType(
            "answered_before_received",
            "warning",
            "the answer is before its receipt (moments where both carry a time, else dates): "
            "the query is kept but left out of response times",
        ),
        ProblemType(
            "open_with_answer_date",
            "warning",
            "queries whose status says in progress carry an answer date (a last update, such "
            "as Open311's updated_datetime, or a status not brought up to date): the status "
            "wins, they count as open and the date is no answer in any figure. Said once per "
            "file, on the first such row, with how many there are",
        ),
        ProblemType(
            "closed_without_answer_date",
            "warning",
            "the status closes the query (answered, rejected, redirected) but there is no "
            "answer date (an empty cell, or one that is no date): it counts as answered (or rejected, redirected) and in deadline "
            "class `closed_undated`, neither on time, late nor open, and has no response "
            "time; add the date it was answered or forwarded",
        ),
        ProblemType(
            "ambiguous_date_order",
            "warning",
            "slashed dates such as 01/02/2021 read both day-first and month-first and nothing "
            "says which: read day-first; set `[dates] order` in the config. Said once per file",
        ),
        ProblemType(
            "date_in_future",
            "warning",
            "a date received, answered, aired or held after the run's today (`--today`, else "
            "the date in the config's time zone; `--as-of` when later): the row is kept, but "
            "the default period leaves it out, so one date typed as 2201 does not stretch the "
            "report to the year 2201",
        ),
        ProblemType(
            "invalid_rating",
            "warning",
            "a citizen's rating off the scale (6 or 'abc' on the 1-5 scale, a word neither yes "
            "nor no on the yes/no scale): read as no rating",
        ),
        ProblemType(
            "unknown_outcome",
            "warning",
            "an outcome spelling that is in no outcome class: counted as 'other', not as "
            "resolved; add the spelling under `[outcomes]` in the config",
        ),
        ProblemType(
            "press_log_mismatch",
            "warning",
            "the press-events sheet counts a day's journalists' questions differently from "
            "the question log: the sheet's count is used and the log gives the breakdowns; "
            "said on the sheet's first row of that day, with both counts",
        ),
        ProblemType(
            "date_before_floor",
            "warning",
            "a date before 1 January of `earliest_year` (config, default 2000; an empty Excel "
            "date reads as 1899-12-30): the row is kept, the default period leaves it out",
        ),
    )
}


def problem_type(code: str) -> ProblemType:
    """The catalogue entry of ``code``; an unlisted code is a bug in this tool."""
    try:
        return PROBLEM_TYPES[code]
    except KeyError:
        raise KeyError(
            f"problem code {code!r} is not in the catalogue: add it to "
            "engagement_report/problem_types.py (the README's table is generated from it)"
        ) from None
