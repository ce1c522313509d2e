"""Dates no register can hold: after the run's today, or before the config's floor year.

A date typed as 2201 instead of 2021 is a real date to every parser, and it would make
the default period run to the year 2201; an Excel serial of 0 is 1899-12-30. Such rows
are kept (they may be right, and a person must look) with a warning naming the cell,
and the default period leaves them out (:func:`plausible_window`).

This runs after the checked-data cache: the ceiling is the run's today, which changes
while the inputs do not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.models import CleanData, Problem, ValidationReport
from engagement_report.validation.problems import PROBLEMS_LISTED_PER_SOURCE

# Columns whose date cannot lie after today: when something happened. A deadline or an
# extension may; every date is checked against the floor.
_EVENT_DATES = {
    "queries": ("received_at", "answered_at"),
    "broadcasts": ("date",),
    "press_events": ("date",),
    "press_questions": ("date",),
}
_OTHER_DATES = {"queries": ("deadline", "extended_until")}


def plausible_window(floor_year: int, today: date) -> tuple[date, date]:
    """First and last date an event in the inputs can plausibly have."""
    return date(floor_year, 1, 1), today


def flag_implausible_dates(data: CleanData, floor_year: int, today: date) -> CleanData:
    """``data`` with a warning for each date before ``floor_year`` or (for the dates of
    events) after ``today``; rows and figures are unchanged."""
    first, last = plausible_window(floor_year, today)
    floor = np.datetime64(first, "ns")
    ceiling = np.datetime64(last, "D") + np.timedelta64(1, "D")  # the whole of today
    parts: list[pd.DataFrame] = []
    for dataset in _EVENT_DATES:
        frame = data.frame(dataset)
        if not len(frame):
            continue
        for column in (*_EVENT_DATES[dataset], *_OTHER_DATES.get(dataset, ())):
            if column not in frame:
                continue
            values = frame[column].to_numpy(dtype="datetime64[ns]")
            checks = [("date_before_floor", values < floor)]
            if column in _EVENT_DATES[dataset]:
                checks.append(("date_in_future", values >= ceiling))
            for code, mask in checks:
                if mask.any():
                    hits = pd.DataFrame(
                        {
                            "file": frame["_file"].to_numpy()[mask].astype(str),
                            "sheet": frame["_sheet"].to_numpy()[mask].astype(str),
                            "row": frame["_row"].to_numpy()[mask],
                        }
                    )
                    parts.append(
                        hits.assign(
                            code=code, column=column, day=values[mask].astype("datetime64[D]")
                        )
                    )
    if not parts:
        return data
    found = pd.concat(parts, ignore_index=True).sort_values(["row", "column"], kind="stable")
    return replace(data, report=_with_warnings(data.report, found, first, last))


def _message(code: str, header: str, day: str, first: date, last: date) -> str:
    if code == "date_in_future":
        return (
            f"{header} is {day}, after today ({last.isoformat()}): probably a typo in the "
            "year; the row is kept but left out of the default period; correct the date"
        )
    return (
        f"{header} is {day}, before {first.year} (earliest_year in the config): probably a "
        "typo or an empty Excel date; the row is kept but left out of the default period"
    )


def _with_warnings(
    report: ValidationReport, found: pd.DataFrame, first: date, last: date
) -> ValidationReport:
    """``report`` with the warnings of ``found`` added to each source's counts and list."""
    accounts = list(report.sources)
    problems = list(report.problems)
    listed: dict[tuple[str, str], int] = {}
    for p in problems:
        key = (p.file, p.sheet or "")
        listed[key] = listed.get(key, 0) + 1
    for (file, sheet), hits in found.groupby(["file", "sheet"], sort=False):
        index = next(
            (i for i, s in enumerate(accounts) if (s.file, s.sheet or "") == (file, sheet)), None
        )
        if index is None:  # every clean row comes from a source; nothing to attach it to
            continue
        account = accounts[index]
        room = max(PROBLEMS_LISTED_PER_SOURCE - listed.get((file, sheet), 0), 0)
        for hit in hits.head(room).itertuples(index=False):
            header = account.mapping.get(hit.column, hit.column)
            day = str(hit.day)[:10]
            problems.append(
                Problem(
                    code=hit.code,
                    severity="warning",
                    file=account.file,
                    sheet=account.sheet,
                    row=int(hit.row),
                    column=header,
                    value=day,
                    message=_message(hit.code, header, day, first, last),
                )
            )
        counts = dict(account.problem_counts)
        for code, count in hits["code"].value_counts(sort=False).items():
            counts[str(code)] = counts.get(str(code), 0) + int(count)
        accounts[index] = replace(
            account,
            warnings=account.warnings + len(hits),
            problem_counts=counts,
            problems_not_listed=account.problems_not_listed + max(len(hits) - room, 0),
        )
    return replace(report, sources=tuple(accounts), problems=tuple(problems))
