"""One report, one truth: every part of a report is worked out under one value of the
deadline rules and working-day calendar, and each query's deadline is worked out once
for the classes and the export's own overdue marks alike."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from engagement_report import aggregates, pipeline
from engagement_report.analysis import analyse
from engagement_report.analysis import period as period_stage
from engagement_report.config import load_config
from engagement_report.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
MINSK = ROOT / "tests" / "data" / "real" / "minsk115bel_2022_october.json"
MINSK_CONFIG = ROOT / "examples" / "minsk115.toml"


def test_a_report_resolves_its_rules_once_and_each_deadline_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = load_config(MINSK_CONFIG)
    data = pipeline.load_and_validate([MINSK], config, cache=False, today=date(2022, 11, 30))
    assert "overdue_mark" in data.queries  # the marks are compared with the classes
    report_window = pipeline.window(parse_period("2022-10"), config, date(2022, 11, 30))
    calls: Counter[str] = Counter()
    rules_of = period_stage.deadline_rules

    def counted_rules(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["rules"] += 1
        return rules_of(*args, **kwargs)

    inputs_of = aggregates.deadline_inputs

    def counted_inputs(frame, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls[f"deadlines of {len(frame)} rows"] += 1
        return inputs_of(frame, *args, **kwargs)

    monkeypatch.setattr(period_stage, "deadline_rules", counted_rules)
    for module in (aggregates, period_stage):
        monkeypatch.setattr(module, "deadline_inputs", counted_inputs)
    figures = pipeline.compute(data, parse_period("2022-10"), config, date(2022, 11, 30))
    assert figures.overdue_marks is not None
    # The period's rows: their deadlines once, for the classes and the marks.
    assert calls == {"rules": 1, f"deadlines of {len(data.queries)} rows": 1}
    calls.clear()
    analyse(data, report_window, config)
    assert calls["rules"] == 1  # figures, trend, comparisons, ages, year to date
