"""Repeat appeals as partial aggregates: a month's queries with the earlier answers it
reads of other months give exactly the flags :func:`repeat_flags` gives on all the data,
whichever engine: the export itself, the pandas engine on an archive (whose months long
before the period are read light) and an archive's month tasks (the Dask engine's)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report import pipeline
from engagement_report.aggregates import Detail, combine
from engagement_report.analysis import figure_rules
from engagement_report.archive import read_manifest
from engagement_report.archive.answers import answer_months
from engagement_report.config import load_config
from engagement_report.engines.dask import month_partials
from engagement_report.periods import Window, parse_period, period_for_span
from engagement_report.repeats import (
    RepeatCounts,
    answers_from,
    repeat_flags,
    window_repeats,
    with_earlier,
)
from engagement_report.standing import Ask

TODAY = date(2026, 1, 1)
HEADER = "query_id,received_at,answered_at,status,topic,applicant\n"
# March 2021's queries and the earlier ones they may repeat ([repeats] window_days = 30).
ROWS = """\
O1,2019-05-10 09:00,2021-02-25 14:00,answered,Roads,+7 701 000 00 01
O2,2019-06-03 09:00,2019-06-20 10:00,answered,Roads,+7 701 000 00 10
E1,2021-01-20 09:00,2021-02-01 10:00,answered,Roads,+7 701 000 00 03
E2,2021-01-21 09:00,2021-02-01 09:59,answered,Roads,+7 701 000 00 04
D3,2021-01-25 09:00,2021-01-30,answered,Roads,+7 701 000 00 08
B1,2021-02-20 10:00,2021-02-27 12:00,answered,Parks,+7 701 000 00 02
D2,2021-02-25 09:00,2021-02-28,answered,Roads,+7 701 000 00 07
R9,2021-03-01 00:00,,in progress,Roads,+7 701 000 00 08
R8,2021-03-01 00:30,,in progress,Roads,8 701 000 00 07
R2,2021-03-02 10:00,,in progress,Parks,8 (701) 000-00-02
R1,2021-03-03 09:00,,in progress,Roads,+77010000001
R3,2021-03-03 10:00,,in progress,Roads,+7 701 000 00 03
R4,2021-03-03 10:00,,in progress,Roads,+7 701 000 00 04
T0,2021-03-10 09:00,,in progress,Roads,+7 701 000 00 05
T1,2021-03-10 09:00,2021-03-10 09:00,answered,Roads,+7 701 000 00 05
T2,2021-03-10 09:00,,in progress,Roads,+7 701 000 00 05
D1,2021-03-14 09:00,2021-03-15,answered,Roads,+7 701 000 00 06
R6,2021-03-15 10:00,,in progress,Roads,+7 701 000 00 06
R7,2021-03-16 08:00,,in progress,Roads,+7 701 000 00 06
R10,2021-03-20 09:00,,in progress,Roads,+7 701 000 00 10
"""
# By hand: R1 repeats O1 (received two years before, answered six days before R1);
# R2 repeats B1 (answered in February); R3 repeats E1 (answered 30 days to the minute
# before it, the window's edge), not R4 (30 days and a minute); T2 repeats T1 (answered
# at the moment both arrived, T1 higher up), T0 none (it is higher up than T1); R6
# arrived at 10:00 on the day D1 was answered with no time of day (perhaps before the
# answer), R7 the morning after; R8 repeats D2 (answered 28 February, no time: its
# end), R9 repeats D3 (answered 30 January, no time: 23:59 is within 30 days of 1 March
# 00:00); R10's earlier query O2 was answered in 2019. So 7 repeats, 6 of them Roads.
REPEATS = {"total": 7, "Roads": 6, "Parks": 1}


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(None)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "queries.csv").write_text(HEADER + ROWS, encoding="utf-8")
    return folder / "queries.csv"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, export: Path, config) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("archive") / "archive"
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    return root


def _repeats(inputs: Path, config, **kw) -> dict[str, object]:  # type: ignore[no-untyped-def]
    records = pipeline.summarize([inputs], config, "2021-03", TODAY, cache=False, **kw)
    return {
        (r.category if r.dimension == "topic" else r.dimension): r.value
        for r in records
        if r.metric == "repeats" and r.dimension in ("total", "topic") and r.value
    }


def test_the_export_gives_the_repeats_by_hand(export: Path, config) -> None:  # type: ignore[no-untyped-def]
    assert _repeats(export, config) == REPEATS


def test_the_pandas_engine_on_an_archive_finds_answers_to_queries_received_long_before(
    archive: Path, config
) -> None:  # type: ignore[no-untyped-def]
    # May 2019 is read light (before January of the year before the period), and taken
    # from its counts, unopened, for the backlog: R1's repeat of O1 was lost so.
    assert _repeats(archive, config) == REPEATS


def test_a_months_task_reads_only_the_months_that_can_hold_its_answers(archive: Path) -> None:
    manifest = read_manifest(archive)
    # O2's month closed its query within itself: nothing of it is answered near March.
    assert [p.month for p in answer_months(manifest, "2021-03", 30)] == [
        "2019-05",
        "2021-01",
        "2021-02",
    ]
    # With a window of 5 days, January's answers are too early; May 2019's closed on
    # 25 February, 4 days before March.
    assert [p.month for p in answer_months(manifest, "2021-03", 5)] == ["2019-05", "2021-02"]


def test_the_month_tasks_give_the_repeats_by_hand(archive: Path, config) -> None:  # type: ignore[no-untyped-def]
    manifest = read_manifest(archive)
    rules = figure_rules(config)
    march = pipeline.window(parse_period("2021-03"), config, TODAY)
    parts, _, _ = month_partials(
        str(archive),
        manifest,
        "2021-03",
        [(march, Detail.FULL)],
        rules,
        Ask.of([(march, Detail.FULL)]),
    )
    counts = combine(parts).repeats
    assert counts.total == REPEATS["total"]
    assert counts.categories["topic"] == {"Roads": 6, "Parks": 1}


def test_the_dask_engine_gives_the_repeats_by_hand(archive: Path, config) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    cluster = Cluster(workers=2, processes=False)
    assert _repeats(archive, config, engine="dask", cluster=cluster) == REPEATS


def test_an_answer_after_the_cutoff_makes_no_repeat() -> None:
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2021-03-05 09:00", "2021-03-13 09:00"]),
            "answered_at": pd.to_datetime(["2021-03-12 09:00", None]),
            "answered_timed": [True, False],
            "status": ["answered", "in_progress"],
            "topic": ["Roads", "Roads"],
            "applicant": pd.array(["a", "a"], dtype="string"),
        }
    )
    assert repeat_flags(frame, 30).tolist() == [False, True]
    assert repeat_flags(frame, 30, date(2021, 3, 12)).tolist() == [False, True]
    # As of the 11th the answer was not given yet.
    assert repeat_flags(frame, 30, date(2021, 3, 11)).tolist() == [False, False]


def test_repeat_counts_add_up() -> None:
    a = RepeatCounts(2, {"topic": {"Roads": 2}})
    b = RepeatCounts(3, {"topic": {"Roads": 1, "Parks": 2}, "body": {"X": 3}})
    assert a + b == RepeatCounts(5, {"topic": {"Roads": 3, "Parks": 2}, "body": {"X": 3}})
    assert RepeatCounts() + a == a


# --- any data cut into month pieces --------------------------------------------------------


def _month_pieces(
    frame: pd.DataFrame, window: Window, window_days: int, dimensions: tuple[str, ...]
) -> RepeatCounts:
    """The repeats as the archive's month tasks find them: each month of receipt (rows
    in the order they stand) after the earlier months' rows answered from
    ``answers_from`` its first day to its end (the archive read's filter)."""
    months = frame["received_at"].dt.to_period("M")
    total = RepeatCounts()
    for month in sorted(months.unique()):
        piece = frame[months == month]
        first = month.start_time
        start = pd.Timestamp(answers_from(first.date(), window_days))
        after = (month + 1).start_time
        answered = frame["answered_at"]
        earlier = frame[(months < month) & (answered >= start) & (answered < after)]
        rows = with_earlier(earlier, piece, dimensions)
        total = total + window_repeats(rows, window, window_days, dimensions, len(earlier))
    return total


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    window_days=st.integers(1, 45),
    unit=st.sampled_from(["D", "h", "min"]),
    cut=st.integers(0, 120),
)
@settings(max_examples=150, deadline=None)
def test_month_pieces_give_the_repeats_of_the_whole(
    seed: int, n: int, window_days: int, unit: str, cut: int
) -> None:
    rng = np.random.default_rng(seed)
    # Four months of arrivals at coarse moments (many at one moment, across month ends),
    # answers from before receipt (not taken) to two months after, some with no time.
    step = {"D": 1, "h": 24, "min": 24 * 60}[unit]
    received = pd.Timestamp("2021-01-01") + pd.to_timedelta(
        rng.integers(0, 120 * step, n) // max(1, step // 6) * max(1, step // 6), unit=unit
    )
    answered = received + pd.to_timedelta(rng.integers(-2 * step, 60 * step, n), unit=unit)
    timed = rng.random(n) < 0.5
    answered = answered.where(timed, answered.normalize())
    frame = pd.DataFrame(
        {
            "received_at": received,
            "answered_at": answered.where(rng.random(n) < 0.85),
            "answered_timed": timed,
            "status": pd.Categorical(
                rng.choice(["answered", "in_progress", "rejected"], n, p=[0.7, 0.2, 0.1])
            ),
            "topic": pd.Categorical(rng.choice(["Roads", "Parks", None], n, p=[0.5, 0.4, 0.1])),
            "body": rng.choice(["Akimat", "Police"], n),
            "applicant": pd.array(
                [None if x == 0 else f"a{x}" for x in rng.integers(0, 6, n)], dtype="string"
            ),
            "address": pd.array(
                [None if x == 0 else f"h{x}" for x in rng.integers(0, 4, n)], dtype="string"
            ),
        }
    )
    # An archive holds each month's rows together, in the order they stood.
    months = frame["received_at"].dt.to_period("M").to_numpy()
    frame = frame.iloc[np.argsort(months, kind="stable")].reset_index(drop=True)
    dimensions = ("topic", "body")
    march = parse_period("2021-03")
    day = date(2021, 3, 1 + cut % 31)
    span = period_for_span(date(2021, 1, 1) + timedelta(days=cut // 2), date(2021, 4, 10))
    windows = [Window(p, p, p.end) for p in (parse_period("2021-02"), parse_period("2021-Q1"))] + [
        # Part of a month as of a day within it; a span across months as of later.
        Window(march, period_for_span(march.start, day), day),
        Window(span, span, span.end + timedelta(days=cut % 9)),
    ]
    for window in windows:
        whole = window_repeats(frame, window, window_days, dimensions)
        assert _month_pieces(frame, window, window_days, dimensions) == whole, window
        expected = repeat_flags(frame, window_days, window.cutoff)
        inside = (
            frame["received_at"]
            .between(
                pd.Timestamp(window.period.start),
                pd.Timestamp(window.period.end + timedelta(1)),
                inclusive="left",
            )
            .to_numpy()
        )
        assert whole.total == int(expected[inside].sum())
