"""Dates no register can hold: after the run's today, or before the config's floor year.

A date typed as 2201 instead of 2021 is a real date to every parser, and it would make
the default period run to the year 2201; an Excel serial of 0 is 1899-12-30. Such rows
are kept (they may be right, and a person must look) with a warning naming the cell,
and the default period leaves them out (:func:`plausible_window`).

This runs after the checked-data cache: the ceiling is the run's today, which changes
while the inputs do not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
#: Every date column checked, by dataset, and the columns that say where a row came from.
PLAUSIBLE_DATES = {d: (*events, *_OTHER_DATES.get(d, ())) for d, events in _EVENT_DATES.items()}
PROVENANCE = ("_file", "_sheet", "_row")


def plausible_window(floor_year: int, today: date) -> tuple[date, date]:
    """First and last date an event in the inputs can plausibly have."""
    return date(floor_year, 1, 1), today


#: The columns of a hit (:func:`implausible_hits`): where the date is (the row's own
#: file, sheet and row as read, its dataset and, in an archive, its partition
#: ``month=YYYY-MM``) and what is wrong with it.
HIT_COLUMNS = ("file", "sheet", "row", "dataset", "part", "code", "column", "day")


def implausible_hits(
    frames: Mapping[str, pd.DataFrame],
    floor_year: int,
    today: date,
    partitioned_by: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every date of ``frames`` (dataset → clean rows) before ``floor_year`` or (for the
    dates of events) after ``today``, one hit per date (:data:`HIT_COLUMNS`), in the order
    :func:`flag_implausible_dates` lists them. ``partitioned_by``: for rows read from an
    archive, the column whose month names each dataset's partition (``part``)."""
    first, last = plausible_window(floor_year, today)
    floor = np.datetime64(first, "ns")
    ceiling = np.datetime64(last, "D") + np.timedelta64(1, "D")  # the whole of today
    parts: list[pd.DataFrame] = []
    for dataset in _EVENT_DATES:
        frame = frames.get(dataset)
        if frame is None or not len(frame):
            continue
        for column in PLAUSIBLE_DATES[dataset]:
            if column not in frame:
                continue
            values = frame[column].to_numpy(dtype="datetime64[ns]")
            checks = [("date_before_floor", values < floor)]
            if column in _EVENT_DATES[dataset]:
                checks.append(("date_in_future", values >= ceiling))
            for code, mask in checks:
                if mask.any():
                    parts.append(_hits(frame, mask, dataset, code, column, values, partitioned_by))
    if not parts:
        return _no_hits()
    return pd.concat(parts, ignore_index=True)


def _no_hits() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in HIT_COLUMNS})


def _hits(
    frame: pd.DataFrame,
    mask: np.ndarray,
    dataset: str,
    code: str,
    column: str,
    values: np.ndarray,
    partitioned_by: Mapping[str, str] | None,
) -> pd.DataFrame:
    part: object = ""
    if partitioned_by is not None and dataset in partitioned_by:
        months = frame[partitioned_by[dataset]].to_numpy(dtype="datetime64[ns]")[mask]
        part = np.char.add("month=", np.datetime_as_string(months.astype("datetime64[M]")))
    return pd.DataFrame(
        {
            "file": frame["_file"].to_numpy()[mask].astype(str),
            "sheet": frame["_sheet"].to_numpy()[mask].astype(str),
            "row": frame["_row"].to_numpy()[mask],
            "dataset": dataset,
            "part": part,
            "code": code,
            "column": column,
            "day": values[mask].astype("datetime64[D]"),
        }
    )


def in_listing_order(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The hits of several reads of rows (an archive's months, in the order the months'
    rows follow each other in the data) as :func:`implausible_hits` finds them in all
    the rows at once: by dataset, column and problem, each in the rows' order."""
    found = [part for part in parts if len(part)]
    if not found:
        return _no_hits()
    hits = pd.concat(found, ignore_index=True)
    datasets = {d: i for i, d in enumerate(PLAUSIBLE_DATES)}
    columns = {
        c: i for i, c in enumerate(dict.fromkeys(c for v in PLAUSIBLE_DATES.values() for c in v))
    }
    codes = {"date_before_floor": 0, "date_in_future": 1}
    rank = (
        hits["dataset"].map(datasets) * 10_000
        + hits["column"].map(columns) * 10
        + hits["code"].map(codes)
    )
    return hits.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)


def flag_implausible_dates(
    data: CleanData,
    floor_year: int,
    today: date,
    partitioned_by: Mapping[str, str] | None = None,
    found: pd.DataFrame | None = None,
) -> CleanData:
    """``data`` with a warning for each date before ``floor_year`` or (for the dates of
    events) after ``today``; rows and figures are unchanged. ``partitioned_by``: as
    :func:`implausible_hits` takes it (a hit whose file and sheet no source of ``data``
    is named after is counted in its partition's source). ``found``: the hits of rows
    not in ``data`` (the Dask engine's, found where its rows were read), listed after
    those of ``data``'s own rows as if they had been among them."""
    frames = {dataset: data.frame(dataset) for dataset in _EVENT_DATES}
    hits = implausible_hits(frames, floor_year, today, partitioned_by)
    if found is not None and len(found):
        hits = pd.concat([hits, found], ignore_index=True) if len(hits) else found
    if not len(hits):
        return data
    first, last = plausible_window(floor_year, today)
    hits = hits.sort_values(["row", "column"], kind="stable")
    return replace(data, report=_with_warnings(data.report, hits, first, last))


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
    """``report`` with the warnings of ``found`` added to each source's counts and list.

    A hit is counted in the source named after its file and sheet, else (rows read from
    an archive keep the file and row they were imported from) in the source of its
    dataset named after its partition.
    """
    accounts = list(report.sources)
    problems = list(report.problems)
    listed: dict[tuple[str, str], int] = {}
    for p in problems:
        key = (p.file, p.sheet or "")
        listed[key] = listed.get(key, 0) + 1
    named: dict[tuple[str, str], int] = {}
    partitions: dict[tuple[str, str], int] = {}
    for i, s in enumerate(accounts):
        named.setdefault((s.file, s.sheet or ""), i)
        if s.recognised_by == "archive":
            partitions.setdefault((s.dataset, s.sheet or ""), i)
    for (file, sheet), hits in found.groupby(["file", "sheet"], sort=False):
        if (file, sheet) in named:
            targets = [(named[file, sheet], hits, False)]
        else:
            # An archive's rows keep the file and row they were imported from; they are
            # counted in their partition's source.
            targets = [
                (partitions[dataset, part], of_part, True)
                for (dataset, part), of_part in hits.groupby(["dataset", "part"], sort=False)
                if (dataset, part) in partitions
            ]
        for index, of_source, archived in targets:
            account = accounts[index]
            key = (account.file, account.sheet or "")
            room = max(PROBLEMS_LISTED_PER_SOURCE - listed.get(key, 0), 0)
            for hit in of_source.head(room).itertuples(index=False):
                header = account.mapping.get(hit.column, hit.column)
                day = str(hit.day)[:10]
                problems.append(
                    Problem(
                        code=hit.code,
                        severity="warning",
                        file=file if archived else account.file,
                        sheet=(sheet or None) if archived else account.sheet,
                        row=int(hit.row),
                        column=header,
                        value=day,
                        message=_message(hit.code, header, day, first, last),
                    )
                )
            listed[key] = listed.get(key, 0) + min(room, len(of_source))
            counts = dict(account.problem_counts)
            for code, count in of_source["code"].value_counts(sort=False).items():
                counts[str(code)] = counts.get(str(code), 0) + int(count)
            accounts[index] = replace(
                account,
                warnings=account.warnings + len(of_source),
                problem_counts=counts,
                problems_not_listed=account.problems_not_listed + max(len(of_source) - room, 0),
            )
    return replace(report, sources=tuple(accounts), problems=tuple(problems))
