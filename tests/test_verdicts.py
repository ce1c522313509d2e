"""Verdicts only beyond noise, provisional periods and the legal on-time share (issue 17).

The tests' p-values are worked out by hand (or with a calculator) from the formulas in
``engagement_report/noise.py``; the fixtures are built so the counts are easy to check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engagement_report import noise, pipeline
from engagement_report.analysis import analyse
from engagement_report.comparisons import HEADLINES
from engagement_report.config import HEADLINE_FIGURES, Config, ReportConfig, parse_config
from engagement_report.errors import ConfigError
from engagement_report.periods import parse_period

TODAY = date(2021, 6, 1)

# --- the tests themselves -------------------------------------------------------------


def test_two_proportions() -> None:
    # 50/100 against 30/100: pooled 0.4, se = √(0.4 · 0.6 · 2/100) = 0.069282,
    # z = 0.2 / 0.069282 = 2.8868, p = 2 · (1 − Φ(2.8868)) = 0.00389.
    assert noise.shares(50, 100, 30, 100) == pytest.approx(0.00389, abs=1e-5)
    # 52/100 against 48/100: z = 0.566, p = 0.5716.
    assert noise.shares(52, 100, 48, 100) == pytest.approx(0.5716, abs=1e-4)
    assert noise.shares(5, 5, 7, 7) == 1.0  # both 100 %
    assert noise.shares(1, 0, 1, 2) is None


def test_two_counts_exactly() -> None:
    # 3 against 6: given 9, 3 is Binomial(9, ½): P(X ≤ 3) = (1 + 9 + 36 + 84) / 512.
    assert noise.counts(3, 6) == pytest.approx(2 * 130 / 512)
    assert noise.counts(0, 4) == pytest.approx(2 / 16)  # 0 against 4: still chance
    assert noise.counts(1, 9) == pytest.approx(2 * 11 / 1024)  # 0.0215: beyond
    assert noise.beyond_noise(noise.counts(1, 9))
    assert not noise.beyond_noise(noise.counts(3, 6))
    assert noise.counts(0, 0) is None
    # Unequal lengths: 28 days against 31 at one rate per day is no change; 4 against 0
    # with a share of 0.6 sums the outcomes no likelier than 4 (0.6^4 + 0.4^4).
    assert noise.counts(2800, 3100, 28 / 59) == pytest.approx(1.0, abs=0.02)
    assert noise.beyond_noise(noise.counts(2800, 3100))  # taken as equal lengths: "beyond"
    assert noise.counts(4, 0, 0.6) == pytest.approx(0.6**4 + 0.4**4)
    assert noise.counts(3, 6, 0.5) == noise.counts(3, 6)
    # Large counts: the normal approximation, z = (a − b) / √(a + b) = 100 / √2100 = 2.1822.
    assert noise.counts(1100, 1000) == pytest.approx(2 * (1 - 0.985452), abs=1e-5)


def test_means_and_medians() -> None:
    first, second = np.array([10.0, 12, 14, 16]), np.array([20.0, 22, 24, 26])
    # Welch: difference −10, variances 6.667 each, se = √(6.667/4 · 2) = 1.8257, z = −5.477.
    assert noise.means(first, second) == pytest.approx(4.3e-8, abs=1e-8)
    # Mood: pooled median 18; above it 0 of 4 and 4 of 4: shares 0 and 1, pooled ½,
    # se = √(¼ · ½) = 0.35355, z = −2.828, p = 0.00468.
    assert noise.medians(first, second) == pytest.approx(0.00468, abs=1e-5)
    assert noise.means(first[:1], second) is None


# --- verdicts in the report's comparisons ---------------------------------------------


def _queries(rows: list[tuple[str, str, str, str]]) -> str:
    text = "query_id,received_at,answered_at,status\n"
    return text + "".join(",".join(row) + "\n" for row in rows)


def _answered(prefix: str, day: str, n: int, answered_on: str) -> list:
    return [(f"{prefix}{i}", f"{day} 10:00", f"{answered_on} 10:00", "answered") for i in range(n)]


def _open(prefix: str, day: str, n: int) -> list:
    return [(f"{prefix}{i}", f"{day} 10:00", "", "in progress") for i in range(n)]


def _cards(
    write_inputs: Callable[..., Path], rows: list, period: str, config: Config | None = None
) -> dict[str, Any]:
    config = config or Config()
    data = pipeline.load_and_validate([write_inputs(queries=_queries(rows))], config)
    window = pipeline.window(parse_period(period), config, TODAY)
    analysis = analyse(data, window, config)
    return {"analysis": analysis, **{h.key: h for h in analysis.headlines}}


# December: 40 queries received on 1 December, all answered the next day. January: 40
# received on 4 January, 20 answered on 5 January and 20 still open on 31 January, their
# 15 working days long past (no query of January is still within its term).
DECEMBER = _answered("d", "2020-12-01", 40, "2020-12-02")
JANUARY = _answered("j", "2021-01-04", 20, "2021-01-05") + _open("o", "2021-01-04", 20)


def test_a_fall_beyond_noise_is_worse(write_inputs: Callable[..., Path]) -> None:
    cards = _cards(write_inputs, DECEMBER + JANUARY, "2021-01")
    share = cards["answered_share"].vs_previous
    # 20/40 against 40/40: pooled 0.75, se = √(0.75 · 0.25 · 2/40) = 0.09682, z = −5.164.
    assert share.absolute == pytest.approx(-0.5)
    assert share.p_value == pytest.approx(2.4e-7, abs=1e-7)
    assert share.verdict == "worse"
    # The legal on-time share over every query due: December 40 of 40 on time; January
    # 20 on time + 20 open past their term = 20 / 40.
    due = cards["on_time_share_of_due"]
    assert due.value == pytest.approx(0.5)
    assert due.vs_previous.base == 1.0 and due.vs_previous.verdict == "worse"
    overdue = cards["open_overdue"]
    assert overdue.value == 20 and overdue.vs_previous.base == 0
    # 20 against 0: p = 2 · ½^20; fewer overdue is better, so more is worse.
    assert overdue.vs_previous.verdict == "worse"
    assert overdue.vs_previous.relative is None  # a base of 0 (and under 20)
    # 40 against 40 received: no change, said so (not "= ±0 (±0.0%)").
    assert cards["received"].vs_previous.verdict == "no_change"
    assert cards["received"].vs_previous.relative == 0.0  # base 40 ≥ 20


def test_the_office_decides_which_way_is_better(write_inputs: Callable[..., Path]) -> None:
    rows = _answered("d", "2020-12-01", 10, "2020-12-02")
    rows += _answered("j", "2021-01-04", 40, "2021-01-05")
    plain = _cards(write_inputs, rows, "2021-01")["received"].vs_previous
    # 40 against 10: exact p = 2 · P(X ≤ 10 | 50, ½) = 0.0000239: beyond noise, but more
    # queries is neither better nor worse by default.
    exact = 2 * sum(math.comb(50, k) for k in range(11)) / 2**50
    assert plain.verdict == "changed" and plain.p_value == pytest.approx(exact)
    assert exact == pytest.approx(2.386e-5, rel=1e-3)
    assert plain.relative is None  # 10 is under the minimum count (20)
    config = Config(report=ReportConfig(better={"received": "lower"}, min_count=10))
    chosen = _cards(write_inputs, rows, "2021-01", config)["received"]
    assert chosen.better == "lower" and chosen.vs_previous.verdict == "worse"
    assert chosen.vs_previous.relative == pytest.approx(3.0)  # +300% on a base of 10


def test_a_provisional_period_gets_no_verdict_on_answers(
    write_inputs: Callable[..., Path],
) -> None:
    # January's 40 arrive on 25 January; 20 answered at once, 20 open at the cut-off
    # (31 January) but still within their 15 working days: the month is provisional.
    rows = DECEMBER
    rows += _answered("j", "2021-01-25", 20, "2021-01-27") + _open("o", "2021-01-25", 20)
    cards = _cards(write_inputs, rows, "2021-01")
    share = cards["answered_share"].vs_previous
    assert share.absolute == pytest.approx(-0.5)  # shown...
    assert share.verdict == "provisional"  # ...but not called worse
    assert cards["median_response_days"].vs_previous.verdict == "provisional"
    # Queries still within their term are not due: on time 20 of 20 due.
    assert cards["on_time_share_of_due"].value == 1.0
    assert cards["open_overdue"].value == 0
    analysis = cards["analysis"]
    assert analysis.figures.deadlines.open_not_due == 20
    january = analysis.months[-1]
    assert january.month.label == "2021-01" and january.still_due == 20
    assert analysis.months[-2].still_due == 0  # December: all answered


def test_february_2021_of_the_sample_is_provisional_not_worse(tmp_path: Path) -> None:
    # Issue 17: "Answered share 72.7%, −23.2 pp, worse" in bold red, only because
    # February's queries had not had time to be answered.
    result = pipeline.build(
        ["sample_data"], Config(), period="2021-02", out=tmp_path, today=date(2021, 3, 1)
    )
    cards = {h.key: h for h in result.context.headlines}
    assert result.figures.queries.answered_share == pytest.approx(1218 / 1675)
    assert result.context.still_due == result.figures.deadlines.open_not_due == 397
    for key in ("answered_share", "median_response_days"):
        assert cards[key].vs_previous.verdict == "provisional", key
        assert cards[key].vs_year_ago.verdict == "provisional", key
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "**Provisional: queries still within their term: 397.**" in md
    # Against all of January as of its last day (69.3%, 1,230 of 1,774), not its first 28.
    assert "Answered share: 72.7% (previous period: +3.4 pp, provisional;" in md
    assert ", worse" not in md.split("## Charts")[0]
    assert "| February 2021 (provisional) |" in md


# --- [report] in the config -----------------------------------------------------------


def test_report_section_is_read() -> None:
    config = parse_config(
        {
            "report": {
                "title": {"en": "Engagement report", "ru": "Отчёт"},
                "office": "Akimat of Almaty",
                "better": {"press_events": "higher", "received": "neutral"},
                "min_count": 30,
            }
        }
    )
    report = config.report
    assert report.title_in("ru") == "Отчёт" and report.title_in("kk") is None  # built-in
    assert parse_config({"report": {"title": "Report"}}).report.title_in("kk") == "Report"
    assert report.office_in("kk") == "Akimat of Almaty"
    assert report.better == {"press_events": "higher", "received": "neutral"}
    assert report.min_count == 30


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"better": {"answered": "higher"}}, "unknown key 'report.better.answered'"),
        ({"better": {"received": "more"}}, "must be 'higher', 'lower' or 'neutral'"),
        ({"title": {"de": "Bericht"}}, "unknown key 'report.title.de'"),
        ({"min_count": 0}, "report.min_count must be a whole number"),
        ({"colour": "red"}, "unknown key 'report.colour'"),
    ],
)
def test_report_section_errors(section: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_config({"report": section})


def test_the_config_knows_every_headline_figure() -> None:
    assert tuple(spec.key for spec in HEADLINES) == HEADLINE_FIGURES
