"""``analyse`` on its two threads: what the second works out for the first (the year to
date) is what the first would work out alone, and its errors are the analysis's."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from engagement_report.config import load_config
from engagement_report.periods import parse_period
from engagement_report.pipeline import load_and_validate, window

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)


def test_the_year_to_date_worked_out_beside_the_figures_is_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``analyse`` works the year to date out on its second thread: the same as the
    figures work out alone, once, and an error in it is the analysis's error."""
    import engagement_report.analysis as analysis

    config = load_config(None)
    data = load_and_validate([SAMPLE], config, cache=False, today=TODAY)
    report = window(parse_period("2020-11"), config, TODAY)
    alone = analysis.compute(data, report, config).year_to_date
    assert alone is not None and alone.rows
    real = analysis.data_year_to_date
    calls = []

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(threading.current_thread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "data_year_to_date", counted)
    assert analysis.analyse(data, report, config).figures.year_to_date == alone
    assert len(calls) == 1 and calls[0] is not threading.main_thread()

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("the year to date failed")

    monkeypatch.setattr(analysis, "data_year_to_date", broken)
    with pytest.raises(ValueError, match="the year to date failed"):
        analysis.analyse(data, report, config)
