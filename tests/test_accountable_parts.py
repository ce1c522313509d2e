"""The ratings, outcomes, overdue marks, months with queries and values per unit as
partial aggregates (``accountable_parts``): each piece's part by hand, pieces added up
across a month end equal to the whole, and the figures finished from them."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report import aggregates
from engagement_report.accountability import accountability_figures, with_accountability
from engagement_report.accountable_parts import (
    AccountablePart,
    Answers,
    accountable_part,
    rating_mean,
    unit_part,
)
from engagement_report.analysis.baselines import per_unit
from engagement_report.config import load_config
from engagement_report.deadlines import MarkDisagreement, mark_part, marks_of
from engagement_report.periods import Window, parse_period
from engagement_report.repeats import RepeatCounts
from engagement_report.results import CategoryFigures
from engagement_report.tally import Tally
from engagement_report.views import topic_changes

NA = pd.NA
DIMENSIONS = aggregates.DIMENSIONS
COLUMNS = frozenset({"rating", "outcome", "topic", "district"})


def _queries() -> pd.DataFrame:
    """Five queries across the end of January: q3 is still open (its rating and outcome
    did not exist yet), q5 was answered without a rating or an outcome."""
    return pd.DataFrame(
        {
            "query_id": ["q1", "q2", "q3", "q4", "q5"],
            "received_at": pd.to_datetime(
                [
                    "2021-01-05 00:00",
                    "2021-01-20 00:00",
                    "2021-01-31 23:00",
                    "2021-02-01 00:30",
                    "2021-02-10 00:00",
                ]
            ),
            "status": ["answered", "answered", "in_progress", "answered", "answered"],
            "topic": ["A", "A", "B", "B", "A"],
            "district": ["X", "Y", "X", "X", None],
            "rating": [5.0, 2.0, 4.0, 4.0, np.nan],
            "outcome": pd.array(
                ["resolved", "explained", "resolved", "resolved_on_the_spot", NA], dtype="string"
            ),
        }
    )


def _inputs(queries: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    none = pd.Series(pd.NaT, index=queries.index, dtype="datetime64[ns]")
    return queries["status"], none, none


def _part(queries: pd.DataFrame) -> AccountablePart:
    return accountable_part(queries, queries, DIMENSIONS, _inputs(queries), None)


def test_a_pieces_answers_by_hand() -> None:
    part = _part(_queries())
    assert part.rating_column and part.outcome_column
    # Answered: q1, q2, q4, q5; rated 5, 2, 4; outcomes recorded of q1, q2, q4.
    assert part.total == Answers(Tally.of([2.0, 4.0, 5.0]), 3, 2, 1)
    assert part.categories["topic"] == {
        "A": Answers(Tally.of([5.0, 2.0]), 2, 1, 0),
        "B": Answers(Tally.of([4.0]), 1, 1, 1),
    }
    assert part.categories["district"] == {
        "X": Answers(Tally.of([5.0, 4.0]), 2, 2, 1),
        "Y": Answers(Tally.of([2.0]), 1, 0, 0),
        "(not stated)": Answers(Tally(), 0, 0, 0),
    }
    assert "channel" not in part.categories  # no such column
    assert part.query_months == frozenset({"2021-01", "2021-02"})


def test_pieces_split_at_the_month_end_add_up_to_the_whole() -> None:
    queries = _queries()
    january = queries[queries["received_at"] < "2021-02-01"]
    february = queries[queries["received_at"] >= "2021-02-01"]
    assert _part(january) + _part(february) == _part(queries)
    assert _part(february) + _part(january) == _part(queries)  # in any order
    assert AccountablePart() + _part(queries) == _part(queries)


def test_figures_finished_from_the_parts() -> None:
    config = load_config(None)
    part = _part(_queries())
    totals = aggregates.query_result(aggregates.Partial(received=5, statuses=(4, 1, 0, 0)))
    figures = accountability_figures(part, totals, COLUMNS, config)
    assert (figures.rated, figures.rated_share) == (3, 3 / 4)
    assert figures.rating_mean == 11 / 3
    assert figures.satisfied_share == 2 / 3  # 4 and 5 of 5, 2, 4
    assert (figures.outcome_recorded, figures.resolved, figures.resolved_share) == (3, 2, 2 / 4)
    assert figures.resolved_on_the_spot == 1
    assert figures.repeats is None  # no repeat counts given
    # No rating column among the inputs: no ratings' figures, whatever the frame holds.
    assert accountability_figures(part, totals, frozenset({"outcome"}), config).rated is None
    rows = (
        CategoryFigures("A", 3, 3, 1.0, 0.6, None, True),
        CategoryFigures("B", 2, 1, 0.5, 0.4, None, True),
        CategoryFigures("C", 1, 0, 0.0, 0.2, None, True),  # nothing answered: no part
    )
    repeats = RepeatCounts(1, {"topic": {"B": 1}})
    a, b, c = with_accountability(rows, part, "topic", COLUMNS, config, repeats)
    assert (a.rated, a.rated_share, a.rating_mean, a.satisfied_share) == (2, 2 / 3, 3.5, 0.5)
    assert (a.resolved, a.resolved_share, a.resolved_on_the_spot) == (1, 1 / 3, 0)
    assert (a.repeats, a.repeat_share, b.repeats, b.repeat_share) == (0, 0.0, 1, 0.5)
    assert (b.rated, b.rating_mean, b.resolved_on_the_spot) == (1, 4.0, 1)
    assert (c.rated, c.rated_share, c.rating_mean, c.resolved) == (0, None, None, 0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=3000),
    st.lists(st.integers(min_value=0, max_value=3000), max_size=6),
)
def test_the_mean_rating_of_pieces_is_numpys_mean_to_the_last_bit(
    ratings: list[int], cuts: list[int]
) -> None:
    values = np.array(ratings, dtype=float)
    bounds = [0, *sorted(min(c, len(values)) for c in cuts), len(values)]
    pieces = [Tally.of(values[a:b]) for a, b in itertools.pairwise(bounds)]
    total = sum(pieces, Tally())
    assert rating_mean(total) == float(values.mean())
    assert rating_mean(Tally()) is None


def _marked() -> tuple[pd.DataFrame, tuple[pd.Series, pd.Series, pd.Series]]:
    """m1 marked overdue but answered on time; m2 marked not overdue but open past its
    deadline at the export's date; m3 marked overdue and late; m4 without a mark; m5
    marked not overdue, closed without an answer date (neither overdue nor not)."""
    queries = pd.DataFrame(
        {
            "query_id": ["m2", "m1", "m3", "m4", "m5"],
            "overdue_mark": pd.array([False, True, True, NA, False], dtype="boolean"),
            "_file": "q.csv",
            "_row": [2, 3, 4, 5, 6],
        }
    )
    status = pd.Series(["in_progress", "answered", "answered", "answered", "answered"])
    deadline = pd.Series(pd.to_datetime(["2021-02-10"] * 5))
    answered = pd.Series(
        pd.to_datetime([None, "2021-02-01", "2021-02-15", "2021-02-01", None]),
        dtype="datetime64[ns]",
    )
    return queries, (status, deadline, answered)


def test_the_marks_compared_by_hand_and_in_pieces() -> None:
    queries, (status, deadline, answered) = _marked()
    export = date(2021, 3, 1)
    whole = mark_part(queries, status, deadline, answered, export)
    assert (whole.carried, whole.marked, whole.compared) == (True, 2, 3)
    found = marks_of(whole, export)
    assert found is not None and found.as_of == export
    assert found.disagreements == (
        MarkDisagreement("m1", True, "on_time"),
        MarkDisagreement("m2", False, "open_overdue"),
    )
    first = mark_part(queries[:1], status[:1], deadline[:1], answered[:1], export)
    rest = mark_part(queries[1:], status[1:], deadline[1:], answered[1:], export)
    assert first + rest == whole
    assert marks_of(rest + first, export) == found  # listed by id whatever the order
    # No mark at all, or no mark column: nothing compared (not zeros).
    bare = queries.drop(columns="overdue_mark")
    assert marks_of(mark_part(bare, status, deadline, answered, export), export) is None
    unmarked = queries.assign(overdue_mark=pd.array([NA] * 5, dtype="boolean"))
    assert marks_of(mark_part(unmarked, status, deadline, answered, export), export) is None


def test_the_values_per_unit_are_the_same_from_any_pieces() -> None:
    questions = pd.Series([3, 0, 7, 3], dtype="Int64")
    publications = pd.Series([2, NA, 5], dtype="Int64")
    whole = unit_part(questions, publications)
    pieces = unit_part(questions[2:], publications[2:]) + unit_part(questions[:2], publications[:2])
    assert pieces == whole
    part = aggregates.Partial(
        days=Tally.of([4.5, 1.0, 4.5]),
        press_missing=(0, 0, 0, 0),
        accountable=whole,
    )
    samples = per_unit(part)
    assert samples["median_response_days"].tolist() == [1.0, 4.5, 4.5]
    assert samples["questions_per_broadcast"].tolist() == [0.0, 3.0, 3.0, 7.0]
    assert samples["publications_per_event"].tolist() == [2.0, 5.0]
    # An event of the period without its publications recorded: no sample to test.
    unrecorded = aggregates.Partial(press_missing=(0, 0, 1, 0), accountable=whole)
    assert per_unit(unrecorded)["publications_per_event"] is None


def test_topic_shifts_from_the_three_periods_parts() -> None:
    window = Window(parse_period("2021-03"), parse_period("2021-03"), date(2021, 3, 31))

    def part(counts: dict[str, int], months: set[str]) -> aggregates.Partial:
        return aggregates.Partial(
            categories={
                "topic": {t: aggregates.CategoryPart(received=n) for t, n in counts.items()}
            },
            accountable=AccountablePart(query_months=frozenset(months)),
        )

    now = part({"A": 40, "(not stated)": 100}, {"2021-03"})
    previous = part({"A": 10}, {"2021-02"})
    year_ago = part({"A": 40}, set())  # no query records in March 2020: not comparable
    against_previous, against_year_ago = topic_changes(window, (now, previous, year_ago), 5)
    assert against_previous.comparable and against_previous.tested == 1
    assert [(c.topic, c.now, c.then) for c in against_previous.rose] == [("A", 40, 10)]
    assert not against_year_ago.comparable
