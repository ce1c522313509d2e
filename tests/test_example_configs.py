"""The example configs fit their cities (issue 18): their own holidays, their own deadline
rule or the export's due dates, and a methodology that says whose law and whose calendar.

Expected counts are recounted with DuckDB from the raw extracts in tests/data/real.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from helpers import is_working_day

from engagement_report import pipeline
from engagement_report.analysis import deadline_rules
from engagement_report.config import Config, load_config, parse_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
REAL = Path(__file__).parent / "data" / "real"
NYC = REAL / "nyc311_sample_2014-2019.csv"
LA = REAL / "la311_2017_subset.csv"
SF = REAL / "sf311_2019_bigquery_sample.csv"
TODAY = date(2030, 1, 1)


def totals(path: Path, config: Config, period: str) -> dict[str, float | None]:
    records = pipeline.summarize([path], config, period, TODAY, as_of=TODAY)
    return {r.metric: r.value for r in records if r.dataset == "queries" and r.dimension == "total"}


@pytest.mark.parametrize(
    ("name", "subdivision", "holiday"),
    [
        ("nyc311.toml", "NY", date(2018, 2, 12)),  # Lincoln's Birthday, a New York holiday
        ("la311.toml", "CA", date(2021, 3, 31)),  # César Chávez Day, a Wednesday
        ("sf311.toml", "CA", date(2021, 3, 31)),
    ],
)
def test_each_example_uses_its_own_calendar(name: str, subdivision: str, holiday: date) -> None:
    config = load_config(EXAMPLES / name)
    assert (config.calendar.country, config.calendar.subdivision) == ("US", subdivision)
    assert config.deadlines.law == "US"
    _, calendar = deadline_rules(config)
    assert not is_working_day(calendar, date(2018, 7, 4))  # Independence Day
    assert not is_working_day(calendar, holiday)
    assert is_working_day(calendar, date(2018, 3, 22))  # Nauryz in Kazakhstan: a working day
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert "[deadlines]" in text and "kind = " in text  # the rule is chosen, with its source


def test_nyc_deadlines_are_the_exports_due_dates() -> None:
    fmt = "%m/%d/%Y %I:%M:%S %p"
    on_time, late, open_ = duckdb.sql(
        f"""
        select count(*) filter (where status = 'Closed' and closed <= due),
               count(*) filter (where status = 'Closed' and closed > due),
               count(*) filter (where status <> 'Closed')
        from (select strptime(nullif("Closed Date", ''), '{fmt}') as closed,
                     strptime(nullif("Due Date", ''), '{fmt}') as due, "Status" as status
              from read_csv('{NYC}', all_varchar = true))
        where due is not null
        """
    ).fetchall()[0]
    figures = totals(NYC, load_config(EXAMPLES / "nyc311.toml"), "2014-01-01..2019-12-31")
    assert (figures["on_time"], figures["late"]) == (on_time, late) == (131, 14)
    assert figures["open_not_due"] + figures["open_overdue"] == open_  # type: ignore[operator]


@pytest.mark.parametrize(("name", "path"), [("la311.toml", LA), ("sf311.toml", SF)])
def test_without_a_due_date_or_a_rule_there_are_no_deadline_figures(name: str, path: Path) -> None:
    records = pipeline.summarize(
        [path], load_config(EXAMPLES / name), "2000-01-01..2019-12-31", TODAY, as_of=TODAY
    )
    metrics = {r.metric for r in records if r.dimension == "total"}
    assert "received" in metrics
    assert not metrics & {
        "on_time",
        "late",
        "open_not_due",
        "open_overdue",
        "on_time_share",
        "on_time_share_of_due",
    }


def test_the_methodology_says_whose_law_and_whose_calendar(tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text("received_at,answered_at,status\n05.01.2021,06.01.2021,answered\n")
    # Kazakhstan's terms on New York's calendar: said, not hidden
    mixed = parse_config({"calendar": {"country": "US", "subdivision": "NY"}})
    result = pipeline.build([queries], mixed, out=tmp_path / "mixed", today=TODAY)
    text = " ".join(result.files["report.md"].read_text(encoding="utf-8").split())
    # Countries by name, never by code, in prose.
    assert "public holidays of United States (NY)" in text
    assert (
        "The terms are those of Kazakhstan's law, while the working days and public holidays "
        "are those of United States (NY)." in text
    )
    assert "Kazakhstan's Administrative Procedural Code" in text
    # the NYC example: due dates from the export, no Kazakh law anywhere
    nyc = load_config(EXAMPLES / "nyc311.toml")
    result = pipeline.build([NYC], nyc, out=tmp_path / "nyc", today=TODAY)
    text = " ".join(result.files["report.md"].read_text(encoding="utf-8").split())
    assert "Deadlines: as given in the data's deadline column" in text
    assert "KZ" not in text and "Kazakhstan" not in text
