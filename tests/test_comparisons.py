"""Period comparisons and the 12-month trend, with hand-computed figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engagement_report import pipeline
from engagement_report.analysis import comparisons, compute, trend
from engagement_report.comparisons import change
from engagement_report.config import Config
from engagement_report.periods import Window, parse_period

QUERIES = """\
query_id,received_at,answered_at,status
a1,2020-01-10 09:00,2020-01-11 09:00,answered
a2,2020-01-12 09:00,,in_progress
d1,2020-12-01 09:00,2020-12-05 09:00,answered
d2,2020-12-02 09:00,2020-12-06 09:00,answered
j1,2021-01-05 09:00,2021-01-06 09:00,answered
j2,2021-01-06 09:00,2021-01-08 09:00,answered
j3,2021-01-07 09:00,2021-01-10 09:00,answered
j4,2021-01-08 09:00,,in_progress
"""
BROADCASTS = """\
date,program,questions_answered
2020-12-03,Akimat LIVE,5
2020-12-10,Akimat LIVE,5
2021-01-14,Akimat LIVE,10
"""
PRESS = """\
date,title,speakers,journalist_questions,publications
2021-01-20,Briefing,2,6,100
"""
TODAY = date(2021, 3, 1)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> pipeline.CleanData:
    folder: Path = tmp_path_factory.mktemp("inputs")
    (folder / "queries.csv").write_text(QUERIES, encoding="utf-8")
    (folder / "broadcasts.csv").write_text(BROADCASTS, encoding="utf-8")
    (folder / "press_events.csv").write_text(PRESS, encoding="utf-8")
    return pipeline.load_and_validate([folder], Config())


def window(period: str, today: date = TODAY) -> Window:
    return pipeline.window(parse_period(period, today=today), Config(), today)


def cards(data: pipeline.CleanData, period: str, today: date = TODAY) -> dict[str, Any]:
    w = window(period, today)
    figures = compute(data, w, Config())
    return {h.key: h for h in comparisons(data, figures, w, Config())}


def test_january_against_december_and_a_year_earlier(data: pipeline.CleanData) -> None:
    h = cards(data, "2021-01")
    received = h["received"]
    assert received.value == 4
    # 4 vs 2 in December: +2, but on a base under the minimum count (20) no percentage,
    # and 4 against 2 is well within chance: exact binomial p = 2 * 22/64 = 0.6875.
    assert (received.vs_previous.absolute, received.vs_previous.relative) == (2.0, None)
    assert received.vs_previous.direction == "up"
    assert received.vs_previous.verdict == "little_change"
    assert received.vs_previous.p_value == pytest.approx(0.6875)
    assert received.vs_year_ago.base == 2 and received.vs_year_ago.absolute == 2.0

    share = h["answered_share"]
    # 3/4 against 2/2 (December) and 1/2 (January 2020).
    assert share.value == 0.75
    assert share.vs_previous.absolute == pytest.approx(-0.25)
    assert share.vs_year_ago.absolute == pytest.approx(0.25)
    # 4, 2 and 2 queries: fewer than min_category_size (5): too few to judge (the change
    # itself is still shown).
    assert share.vs_previous.direction == "down" and share.vs_previous.verdict == "too_few"
    assert share.vs_year_ago.direction == "up" and share.vs_year_ago.verdict == "too_few"

    median = h["median_response_days"]
    # Answers after 1, 2, 3 days → 2; December 4 and 4 → 4; January 2020: 1. Three and
    # two response times are fewer than 5: no verdict.
    assert median.value == 2.0
    assert median.vs_previous.absolute == -2.0 and median.vs_previous.verdict == "too_few"
    assert median.vs_year_ago.absolute == 1.0 and median.vs_year_ago.verdict == "too_few"

    broadcasts = h["broadcasts"]
    assert broadcasts.value == 1
    # 1 against 2 is not "−50%": no percentage, and p = 1.
    assert broadcasts.vs_previous.absolute == -1.0 and broadcasts.vs_previous.relative is None
    assert broadcasts.vs_previous.verdict == "little_change"
    # No broadcast in January 2020: no data, not "−100%".
    assert broadcasts.vs_year_ago.verdict == "no_data"
    assert h["questions_per_broadcast"].vs_previous.absolute == 5.0  # 10 vs 10/2
    assert h["questions_per_broadcast"].vs_previous.verdict == "too_few"  # 1 and 2 < 20

    press = h["press_events"]
    assert press.value == 1
    assert press.vs_previous.verdict == "no_data"  # no press event in December
    assert h["publications_per_event"].value == 100.0
    # The four lead cards first, then each section's lead lines.
    assert [(c.key, c.section) for c in h.values()][:5] == [
        ("received", "lead"),
        ("on_time_share_of_due", "lead"),
        ("open_overdue", "lead"),
        ("median_response_days", "lead"),
        ("answered_share", "queries"),
    ]


def test_a_share_gets_a_verdict_only_with_enough_queries_on_both_sides(
    data: pipeline.CleanData,
) -> None:
    def share_card(min_size: int) -> Any:
        config = Config(min_category_size=min_size)
        w = window("2021-01")
        cards = comparisons(data, compute(data, w, config), w, config)
        return next(card for card in cards if card.key == "answered_share")

    # December and January 2020 hold 2 queries each, January 2021 4. With 2 allowed, the
    # test runs: 3/4 against 2/2, pooled 5/6, z = −0.25 / √(5/6 · 1/6 · (1/4 + 1/2))
    # = −0.775, p = 0.44: little change.
    assert share_card(2).vs_previous.verdict == "little_change"
    assert share_card(2).vs_previous.p_value == pytest.approx(0.4386, abs=1e-4)
    assert share_card(3).vs_previous.verdict == "too_few"
    assert share_card(3).vs_year_ago.verdict == "too_few"
    assert share_card(3).vs_previous.absolute == pytest.approx(-0.25)  # still shown


def test_a_period_at_the_start_of_the_data_has_nothing_to_compare(
    data: pipeline.CleanData,
) -> None:
    h = cards(data, "2020-01")
    assert h["received"].value == 2
    for card in h.values():
        assert card.vs_previous.verdict == "no_data"  # December 2019: nothing
        assert card.vs_year_ago.verdict == "no_data"  # January 2019: nothing


def test_a_comparison_period_before_the_data_began_is_not_compared(
    data: pipeline.CleanData,
) -> None:
    # December 2020 to January 2021 against December 2019 to January 2020: the queries begin in
    # January 2020, so that period holds one month of two. Comparing 6 with 2 would show
    # +200%; it is no comparison at all.
    h = cards(data, "2020-12-01..2021-01-31")
    assert h["received"].value == 6
    assert h["received"].vs_year_ago.verdict == "no_data"
    assert h["received"].vs_year_ago.base is None
    assert h["answered_share"].vs_year_ago.verdict == "no_data"
    # The previous period (2020-10..2020-11) lies wholly after January 2020: compared
    # (no query in it, so "no data" for the counts, as for any empty period).
    assert h["received"].vs_previous.verdict == "no_data"
    # A period starting in the data's first month is covered: January 2021 against
    # January 2020 is compared (the test above), as is December against November 2020.
    assert cards(data, "2020-12")["received"].vs_previous.verdict == "no_data"  # empty
    assert cards(data, "2021-01")["received"].vs_year_ago.base == 2
    # Broadcasts begin in December 2020: a year earlier is before them, so no data even
    # where the queries compare.
    assert cards(data, "2021-01")["broadcasts"].vs_year_ago.verdict == "no_data"


def test_the_whole_sample_span_has_no_year_ago_comparison(sample_data: Path) -> None:
    # The span 2020-01..2021-02 against 2019-01..2020-02, which holds only Jan-Feb 2020
    # of the sample: once shown as "+573.9%".
    data = pipeline.load_and_validate([sample_data], Config())
    period = pipeline.resolve_period(None, data, Config(), TODAY)
    w = pipeline.window(period, Config(), TODAY)
    for card in comparisons(data, compute(data, w, Config()), w, Config()):
        assert card.vs_year_ago.verdict == "no_data", card.key
        assert card.vs_previous.verdict == "no_data", card.key  # 2018-11..2019-12


def test_the_trend_is_the_twelve_months_up_to_the_period_end(data: pipeline.CleanData) -> None:
    points = trend(data, window("2021-01"), Config())
    assert [p.month.label for p in points] == [
        "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07",
        "2020-08", "2020-09", "2020-10", "2020-11", "2020-12", "2021-01",
    ]  # fmt: skip
    by_month = {p.month.label: p for p in points}
    assert (by_month["2020-12"].received, by_month["2020-12"].answered) == (2, 2)
    assert by_month["2020-12"].questions_answered == 10
    assert (by_month["2021-01"].received, by_month["2021-01"].answered) == (4, 3)
    assert by_month["2021-01"].answered_share == 0.75
    assert by_month["2021-01"].publications == 100
    # A month without a single record holds no data: no figures, not 0 and not 0%.
    assert by_month["2020-06"].coverage("queries") == "none"
    assert by_month["2020-06"].received is None and by_month["2020-06"].answered_share is None
    # January 2020 is the 13th month back: not in the trend.
    assert sum(p.received or 0 for p in points) == 6


def test_the_trend_of_a_quarter_ends_with_its_last_month(data: pipeline.CleanData) -> None:
    points = trend(data, window("2020-Q4"), Config())
    assert points[0].month.label == "2020-01" and points[-1].month.label == "2020-12"
    assert points[0].received == 2


@pytest.mark.parametrize(
    ("value", "base", "better", "expected"),
    [
        (5, 4, "higher", ("up", "better", 1.0, 0.25)),
        (3, 4, "higher", ("down", "worse", -1.0, -0.25)),
        (5, 4, "lower", ("up", "worse", 1.0, 0.25)),  # a longer response time
        (5, 4, "neutral", ("up", "changed", 1.0, 0.25)),  # more queries: neither
        (4, 4, "higher", ("same", "no_change", 0.0, 0.0)),
        (3, 0, "higher", ("up", "better", 3.0, None)),  # from zero: no relative change
        (3, None, "higher", ("no_data", "no_data", None, None)),
    ],
)
def test_change(value: float, base: float | None, better: str, expected: tuple) -> None:
    # The direction alone: headline_figures then keeps better/worse only beyond noise.
    c = change(value, base, better)
    assert (c.direction, c.verdict, c.absolute, c.relative) == expected
