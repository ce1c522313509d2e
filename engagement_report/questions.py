"""The press question log: its questions gathered into press events, and its breakdowns.

A question log has one row per journalist question. A press event of the log is one
date (the day, time ignored) and one event name; a log without event names has one
event per day. Per event: ``journalist_questions`` is its questions, ``speakers`` its
distinct named speakers, ``outlets`` its distinct named outlets (an event where no
question names one has none recorded: unknown, never 0).

The log combines with a press-events sheet day by day (:func:`press_events_with_log`):
a day the sheet lists is counted from the sheet, the log's questions of that day only
adding their outlets and the breakdowns (a count that disagrees is a warning, see
``validation.press_log``); a day only the log covers is counted from the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engagement_report.results import QuestionFigures
from engagement_report.validation.rows import NOT_STATED

#: What :func:`press_events_with_log` gives, per event: what ``aggregates.event_partial`` reads.
EVENT_COLUMNS = ("date", "topic", "speakers", "journalist_questions", "publications", "outlets")
QUESTION_DIMENSIONS = ("outlet", "speaker", "topic")


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's label as an integer code into the returned labels; -1 for a blank."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.codes, dtype=np.int64), [
            str(label) for label in values.cat.categories
        ]
    codes, uniques = pd.factorize(values.astype("string"))
    return codes.astype(np.int64), [str(label) for label in uniques]


def _event_ids(questions: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each question's event number (events in order of day, then event name) and the
    events' day and name."""
    day = questions["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    codes, labels = _codes(questions["event"])  # blank (or no such column): -1
    keys = pd.DataFrame({"day": day, "event": codes})
    grouped = keys.groupby(["day", "event"], sort=True)
    ids = grouped.ngroup().to_numpy(dtype=np.int64)
    events = grouped.size().reset_index()[["day", "event"]]
    names = [labels[code] if code >= 0 else NOT_STATED for code in events["event"]]
    return ids, pd.DataFrame({"date": events["day"].astype("datetime64[ns]"), "title": names})


def _distinct_per_event(ids: np.ndarray, values: pd.Series, events: int) -> pd.Series:
    """Per event, how many distinct named values its questions carry; NA where none."""
    codes, _ = _codes(values)
    named = codes >= 0
    pairs = np.unique(np.stack([ids[named], codes[named]]), axis=1)
    counts = np.bincount(pairs[0], minlength=events) if pairs.size else np.zeros(events, int)
    result = pd.array(counts, dtype="Int64")
    result[counts == 0] = pd.NA
    return pd.Series(result)


def question_events(questions: pd.DataFrame) -> pd.DataFrame:
    """The press events of a question log, one row each: ``date`` (the day), ``title``
    (the event name), ``journalist_questions``, ``speakers`` and ``outlets``."""
    if questions.empty:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[ns]"),
                "title": pd.Series(dtype="string"),
                "journalist_questions": pd.Series(dtype="Int64"),
                "speakers": pd.Series(dtype="Int64"),
                "outlets": pd.Series(dtype="Int64"),
            }
        )
    ids, events = _event_ids(questions)
    count = len(events)
    return events.assign(
        title=events["title"].astype("string"),
        journalist_questions=pd.array(np.bincount(ids, minlength=count), dtype="Int64"),
        speakers=_distinct_per_event(ids, questions["speaker"], count),
        outlets=_distinct_per_event(ids, questions["outlet"], count),
    )


def press_events_with_log(events: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """The press events of the events sheet and of the question log, one row each.

    A day the sheet lists is the sheet's: its events and their counts as recorded, with
    the outlets of the log's events that day (NA when the log has none that day); a day
    only the log covers is the log's events, their publications not recorded.
    """
    sheet = pd.DataFrame(
        {
            "date": events["date"].to_numpy(dtype="datetime64[ns]"),
            "topic": events["topic"].astype("string").to_numpy(),
            "speakers": events["speakers"].astype("Int64").array,
            "journalist_questions": events["journalist_questions"].astype("Int64").array,
            "publications": events["publications"].astype("Int64").array,
        }
    )
    log = question_events(questions)
    sheet_day = sheet["date"].to_numpy().astype("datetime64[D]")
    log_day = log["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    shared = np.isin(log_day, sheet_day)
    # The outlets of a day the sheet lists: the log's events of that day, summed (unknown
    # when one of them names no outlet), put on the day's first sheet row so that every
    # sum over days is the log's; the day's other rows add 0.
    by_day = (
        pd.DataFrame({"day": log_day[shared], "outlets": log["outlets"].array[shared]})
        .groupby("day")["outlets"]
        .sum(min_count=1, skipna=False)
    )
    day_total = pd.Series(sheet_day).map(by_day).astype("Int64")
    has_log = np.isin(sheet_day, by_day.index.to_numpy())
    first = ~pd.Series(sheet_day).duplicated().to_numpy()
    outlets = day_total.where(first | ~has_log, 0).where(has_log, pd.NA).array
    own = log[~shared]
    added = pd.DataFrame(
        {
            "date": own["date"].to_numpy(dtype="datetime64[ns]"),
            "topic": pd.array([pd.NA] * len(own), dtype="string"),
            "speakers": own["speakers"].array,
            "journalist_questions": own["journalist_questions"].array,
            "publications": pd.array([pd.NA] * len(own), dtype="Int64"),
            "outlets": own["outlets"].array,
        }
    )
    combined = pd.concat([sheet.assign(outlets=outlets), added], ignore_index=True)
    return combined[list(EVENT_COLUMNS)]


@dataclass(frozen=True)
class Asked:
    """One outlet's, speaker's or topic's part of a piece of the log: its questions and
    the events they were asked at (an event lies in one day, so pieces of whole days add
    up)."""

    questions: int = 0
    events: int = 0

    def __add__(self, other: Asked) -> Asked:
        return Asked(self.questions + other.questions, self.events + other.events)


def asked_parts(questions: pd.DataFrame) -> dict[str, dict[str, Asked]]:
    """Per dimension the log has a column of (outlet, speaker, topic): each value's
    questions and events; a blank is '(not stated)'."""
    if questions.empty:
        return {}
    ids, _ = _event_ids(questions)
    parts = {}
    for dimension in QUESTION_DIMENSIONS:
        if dimension not in questions:
            continue
        codes, labels = _codes(questions[dimension])
        if (codes < 0).any():
            if NOT_STATED in labels:
                codes = np.where(codes < 0, labels.index(NOT_STATED), codes)
            else:
                codes = np.where(codes < 0, len(labels), codes)
                labels.append(NOT_STATED)
        sizes = np.bincount(codes, minlength=len(labels))
        pairs = np.unique(np.stack([codes, ids]), axis=1)
        events = np.bincount(pairs[0], minlength=len(labels))
        parts[dimension] = {
            labels[code]: Asked(int(sizes[code]), int(events[code]))
            for code in np.flatnonzero(sizes)
        }
    return parts


def asked_rows(parts: Mapping[str, Asked], total: int) -> tuple[QuestionFigures, ...]:
    """A breakdown of ``total`` questions from its values' parts, most questions first
    (ties by name)."""
    order = sorted(parts, key=lambda label: (-parts[label].questions, label))
    return tuple(
        QuestionFigures(
            category=label,
            journalist_questions=parts[label].questions,
            share_of_questions=parts[label].questions / total if total else None,
            press_events=parts[label].events,
        )
        for label in order
    )


def reported_datasets(present: frozenset[str]) -> frozenset[str]:
    """The datasets figures are reported for, from those with an input: a question log
    gives press events."""
    return present | {"press_events"} if "press_questions" in present else present
