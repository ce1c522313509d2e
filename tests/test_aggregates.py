"""Figures as partial aggregates: any split of a period's rows into pieces gives the
figures of the whole, to the last bit (the Dask engine's pieces are an archive's months)."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report import aggregates
from engagement_report.analysis import accountable_figures, deadline_rules, restrict
from engagement_report.analysis.period import repeat_counts
from engagement_report.config import load_config
from engagement_report.periods import parse_period
from engagement_report.pipeline import compute, load_and_validate, window
from engagement_report.tally import Tally

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)

# Response times at the precision data has: whole days, minutes, or any float.
values = st.lists(
    st.one_of(
        st.integers(0, 400).map(float),
        st.integers(0, 400 * 1440).map(lambda m: m / 1440),
        st.floats(0, 1e4, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
)


@given(values, st.lists(st.integers(0, 60), max_size=5))
@settings(max_examples=200, deadline=None)
def test_a_tally_split_anyhow_gives_numpys_quantiles_and_median(
    numbers: list[float], cuts: list[int]
) -> None:
    bounds = sorted({0, len(numbers), *(c for c in cuts if c < len(numbers))})
    pieces = [Tally.of(numbers[a:b]) for a, b in itertools.pairwise(bounds)]
    tally = sum(pieces[1:], pieces[0])
    series = pd.Series(numbers, dtype=float)
    assert tally.quantile(0.5) == series.quantile(0.5)
    assert tally.quantile(0.9) == series.quantile(0.9)
    assert tally.median() == series.median()
    groups = pd.Series(numbers).groupby(np.zeros(len(numbers), dtype=int)).median()
    assert tally.median() == groups.iloc[0]


def test_an_empty_tally_has_no_quantile() -> None:
    assert Tally.of([]).quantile(0.5) is None
    assert Tally.of([float("nan")]).median() is None
    assert Tally.of([1.0, 3.0]).median() == 2.0
    assert Tally.of([1.0, 2.0, 3.0, 4.0]).quantile(0.9) == pytest.approx(3.7)


@pytest.mark.parametrize("text", ["2021-01", "2020", "2020-Q2", "2021-02-01..2021-02-11"])
def test_figures_from_monthly_pieces_equal_the_figures_of_the_whole(text: str) -> None:
    config = load_config(None)
    data = load_and_validate([SAMPLE], config, cache=False, today=TODAY)
    period = parse_period(text)
    expected = compute(data, period, config, TODAY)
    report_window = window(period, config, TODAY)
    inside = restrict(data, report_window.period)
    rules, calendar = deadline_rules(config)
    parts = []
    for month in period.months():
        piece = restrict(inside, month)
        parts.append(
            aggregates.partial(
                piece.queries,
                piece.broadcasts,
                piece.press_events,
                report_window.cutoff,
                aggregates.Rules(rules, calendar, config.min_category_size),
                export_date=expected.export_date,
            )[0]
        )
    mapped = frozenset(c for s in data.report.sources if s.dataset == "queries" for c in s.mapping)
    whole = aggregates.combine(parts[::-1])  # in any order
    got = aggregates.finish(
        whole,
        report_window,
        aggregates.Rules(rules, calendar, config.min_category_size),
        datasets=data.present,
        mapped=mapped,
    )
    # Ratings, outcomes and repeats per category are added as compute adds them.
    repeats = repeat_counts(data, report_window, config)
    got = dataclasses.replace(
        got, **accountable_figures(data, whole, got, config, expected.export_date, repeats)
    )
    # The longest-open list, the export's date and what counts queries whenever received
    # (history_figures) are no aggregates of the period.
    skip = {"open_queries", "export_date", "backlog", "open_ages", "year_to_date"}
    for field in dataclasses.fields(expected):
        if field.name not in skip:
            assert getattr(got, field.name) == getattr(expected, field.name), field.name
