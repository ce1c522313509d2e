"""One report, one truth, as properties: hypothesis writes messy query exports (statuses
in three languages, blank and unknown ones, answers before receipt, after the cut-off or
missing, blank categories, repeated ids) and the figures must agree with each other.

- the statuses at the cut-off add up to the queries received;
- every breakdown's rows add up to the totals (received, answered, on time, late,
  overdue), its shares of received to 1;
- the four deadline classes add up to the queries received (every query has a term under
  the Kazakh rule), the closed ones to those closed with a date by the cut-off;
- every share lies in [0, 1], the quartiles are in order, the response-time bins hold
  every measured response;
- the ages of the queries open at the cut-off add up to the backlog then;
- the trend's months add up to the period's figures;
- the summary names each figure once.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement_report import pipeline
from engagement_report.analysis import figure_rules
from engagement_report.analysis.months import trend
from engagement_report.config import Config
from engagement_report.export import summary_records
from engagement_report.periods import parse_period

TODAY = dt.date(2021, 6, 1)
STATUSES = ["answered", "Отвечено", "in progress", "в работе", "rejected", "redirected", "", "??"]
TOPICS = ["Roads", "roads", "Дороги", "Parks", ""]
CHANNELS = ["Web", "Phone", ""]
DISTRICTS = ["Medeu", "Almaly", "7", ""]
BODIES = ["Akimat", "Roads Dept", ""]
HEADER = "query_id,received_at,answered_at,status,topic,channel,district,performer\n"


@st.composite
def query_rows(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 40))
    lines = []
    for number in range(count):
        day = draw(st.dates(dt.date(2020, 12, 20), dt.date(2021, 4, 10)))
        at = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))
        bare = draw(st.booleans())
        received = day.isoformat() if bare else at.strftime("%Y-%m-%d %H:%M")
        answer = ""
        if draw(st.integers(0, 3)):  # mostly with an answer date, before or after receipt
            moment = at + dt.timedelta(hours=draw(st.integers(-30, 1500)))
            answer = (
                moment.date().isoformat()
                if draw(st.booleans())
                else moment.strftime("%Y-%m-%d %H:%M")
            )
        # now and then an id used again: the last row wins
        query_id = (
            f"Q{draw(st.integers(0, number))}" if draw(st.integers(0, 9)) == 0 else f"N{number}"
        )
        cells = [
            query_id,
            received,
            answer,
            draw(st.sampled_from(STATUSES)),
            draw(st.sampled_from(TOPICS)),
            draw(st.sampled_from(CHANNELS)),
            draw(st.sampled_from(DISTRICTS)),
            draw(st.sampled_from(BODIES)),
        ]
        lines.append(",".join(cells) + "\n")
    return HEADER + "".join(lines)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    query_rows(),
    st.sampled_from(["2021-02", "2021-Q1", "2021-01-10..2021-02-20"]),
    st.sampled_from([None, dt.date(2021, 2, 15), dt.date(2021, 5, 1)]),
)
def test_the_figures_agree_with_each_other(text: str, label: str, as_of: dt.date | None) -> None:
    config = Config()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "queries.csv"
        path.write_text(text, encoding="utf-8")
        data = pipeline.load_and_validate([path], config, cache=False, today=TODAY)
    period = parse_period(label)
    if as_of is not None and as_of < period.start:
        as_of = None
    figures = pipeline.compute(data, period, config, TODAY, as_of)
    q, d = figures.queries, figures.deadlines
    assert d is not None

    # Statuses at the cut-off add up to the received.
    assert min(q.answered, q.in_progress, q.rejected, q.redirected, q.other_status) >= 0
    assert q.answered + q.in_progress + q.rejected + q.redirected + q.other_status == q.received

    # Breakdowns add up to the totals.
    for dimension in ("topic", "channel", "district", "body"):
        rows = figures.breakdown(dimension)
        if not q.received:
            continue
        assert len({row.category for row in rows}) == len(rows), dimension
        assert sum(row.received for row in rows) == q.received, dimension
        assert sum(row.answered for row in rows) == q.answered, dimension
        assert sum(row.on_time for row in rows) == d.on_time, dimension
        assert sum(row.late for row in rows) == d.late, dimension
        overdue = [row.open_overdue for row in rows]
        assert None not in overdue and sum(overdue) == d.open_overdue, dimension  # type: ignore[arg-type]
        assert abs(sum(row.share_of_received or 0 for row in rows) - 1) < 1e-9, dimension
        for row in rows:
            assert 0 <= row.answered <= row.received
            for value in (row.answered_share, row.on_time_share, row.share_of_received):
                assert value is None or 0 <= value <= 1

    # Deadline classes: every query has a term, so they add up to the received; the
    # closed ones are those answered, rejected or forwarded by the cut-off (with a date:
    # on time or late; without one: closed_undated), the open ones the statuses' open.
    assert d.on_time + d.late + d.open_not_due + d.open_overdue + d.closed_undated == q.received
    assert d.closed_undated == q.closed_undated
    assert d.on_time + d.late + d.closed_undated == q.answered + q.rejected + q.redirected
    assert d.open_not_due + d.open_overdue == q.in_progress + q.other_status
    assert d.redirected_on_time <= d.on_time and d.redirected_late <= d.late

    # Shares, quantiles, bins.
    for value in (q.answered_share, d.on_time_share, d.on_time_share_of_due):
        assert value is None or 0 <= value <= 1
    assert q.responses_measured <= q.answered
    assert sum(figures.response_spread) == q.responses_measured
    if q.responses_measured:
        assert q.q1_response_days is not None and q.q3_response_days is not None
        assert q.median_response_days is not None and q.p90_response_days is not None
        assert q.q1_response_days <= q.median_response_days <= q.q3_response_days
        assert q.median_response_days <= q.p90_response_days
        assert q.q1_response_days >= 0  # an answer before receipt is never measured

    # The ages of the queries open at the cut-off are the backlog then.
    if figures.cutoff == figures.period.end and figures.backlog is not None:
        assert figures.open_ages is not None
        assert sum(figures.open_ages) == figures.backlog

    # The trend's months (as of the same cut-off) add up to the period's figures.
    window = pipeline.window(period, config, TODAY, as_of)
    months = [
        m for m in trend(data, window, config, figure_rules(config)) if m.received is not None
    ]
    inside = [m for m in months if window.period.start <= m.month.start <= window.period.end]
    if len(window.period.months()) == len(inside):
        assert sum(m.received or 0 for m in inside) == q.received
        assert sum(m.answered or 0 for m in inside) == q.answered

    # Each figure once in the summary.
    keys = [(r.dataset, r.metric, r.dimension, r.category) for r in summary_records(figures)]
    assert len(keys) == len(set(keys))
