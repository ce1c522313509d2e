"""The press question log checked against the press-events sheet, day by day.

A day both list is counted from the sheet (see ``engagement_report.questions``); when the
sheet's journalists' questions of that day, all recorded, are not the number of questions
the log holds for it, one of the two is wrong and nothing here can tell which: a
``press_log_mismatch`` warning on the sheet's first row of that day names both counts.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from engagement_report.models import Problem, ValidationReport
from engagement_report.problem_types import problem_type
from engagement_report.validation.problems import PROBLEMS_LISTED_PER_SOURCE

CODE = "press_log_mismatch"


def mismatched_days(events: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Days both list whose sheet count (all recorded) differs from the log's: the day,
    the sheet's first row of it (``file``, ``sheet``, ``row``), its count (``counted``)
    and the log's (``logged``)."""
    columns = ["day", "file", "sheet", "row", "counted", "logged"]
    if events.empty or questions.empty:
        return pd.DataFrame(columns=columns)
    day = events["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    logged = pd.Series(
        questions["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    ).value_counts()
    sheet = pd.DataFrame(
        {
            "day": day,
            "file": events["_file"].astype(str).to_numpy(),
            "sheet": events["_sheet"].astype(str).to_numpy(),
            "row": events["_row"].to_numpy(),
            "count": events["journalist_questions"].astype("Int64").array,
        }
    )
    sheet = sheet[np.isin(day, logged.index.to_numpy())]
    if sheet.empty:
        return pd.DataFrame(columns=columns)
    days = sheet.groupby("day", sort=True).agg(
        file=("file", "first"),
        sheet=("sheet", "first"),
        row=("row", "first"),
        counted=("count", lambda counts: counts.sum() if counts.notna().all() else pd.NA),
    )
    days["logged"] = days.index.map(logged).astype(int)
    recorded = days[days["counted"].notna()]
    differ = recorded[recorded["counted"].astype(int) != recorded["logged"]]
    return differ.reset_index()[columns]


def check_question_counts(
    report: ValidationReport, events: pd.DataFrame, questions: pd.DataFrame
) -> ValidationReport:
    """``report`` with a ``press_log_mismatch`` warning for each day whose counts differ,
    counted on the press-events source of the sheet's first row of that day."""
    found = mismatched_days(events, questions)
    if found.empty:
        return report
    problem_type(CODE)
    accounts = list(report.sources)
    problems = list(report.problems)
    listed: dict[tuple[str, str], int] = {}
    for p in problems:
        listed[(p.file, p.sheet or "")] = listed.get((p.file, p.sheet or ""), 0) + 1
    for hit in found.itertuples(index=False):
        key = (str(hit.file), str(hit.sheet))
        index = next(
            i
            for i, s in enumerate(accounts)
            if s.dataset == "press_events" and (s.file, s.sheet or "") == key
        )
        account = accounts[index]
        day = str(hit.day)[:10]
        header = account.mapping.get("journalist_questions", "journalist_questions")
        room = listed.get(key, 0) < PROBLEMS_LISTED_PER_SOURCE
        if room:
            problems.append(
                Problem(
                    code=CODE,
                    severity="warning",
                    file=account.file,
                    sheet=account.sheet,
                    row=int(hit.row),
                    column=header,
                    value=str(int(hit.counted)),
                    message=(
                        f"the press events of {day} count {int(hit.counted)} journalists' "
                        f"questions ({header}), the question log holds {int(hit.logged)} for that "
                        "day: the press-events sheet's count is used; correct the one that "
                        "is wrong"
                    ),
                )
            )
            listed[key] = listed.get(key, 0) + 1
        counts = dict(account.problem_counts)
        counts[CODE] = counts.get(CODE, 0) + 1
        accounts[index] = replace(
            account,
            warnings=account.warnings + 1,
            problem_counts=counts,
            problems_not_listed=account.problems_not_listed + (0 if room else 1),
        )
    return replace(report, sources=tuple(accounts), problems=tuple(problems))
