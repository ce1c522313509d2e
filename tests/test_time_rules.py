"""Time rules (issue 18): durations are elapsed time, a bare date counts in calendar days,
an answer before receipt is left out, a deadline with a time is a moment, and the order of
slashed dates is the config's to decide.

Expected values are written out by hand or recounted with DuckDB from the raw files in
tests/data/real (see SOURCES.md), never taken from the tool.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from engagement_report import pipeline
from engagement_report.analysis import deadline_rules
from engagement_report.config import Config, DatesConfig, load_config
from engagement_report.deadlines import classes_at, deadline_inputs

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(__file__).parent / "data" / "real"
SF_CLOCKS = REAL / "sf311_2019_clock_changes.csv"
MINSK = REAL / "minsk115bel_2022_october.csv"
LA = REAL / "la311_2017_midnight_closures.csv"
NYC = REAL / "nyc311_sample_2014-2019.csv"
TODAY = date(2030, 1, 1)
MINSK_CONFIG = Config(
    timezone="Europe/Minsk",
    statuses={
        "answered": ("Заявка закрыта",),
        "in_progress": ("Новая заявка", "Проведено обследование", "Назначен исполнитель"),
    },
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def totals(path: Path, config: Config, period: str) -> dict[str, float | None]:
    """The query totals of ``period`` as of 2030 (every answer in the files is known)."""
    records = pipeline.summarize([path], config, period, TODAY, as_of=TODAY)
    return {r.metric: r.value for r in records if r.dataset == "queries" and r.dimension == "total"}


def one(sql: str) -> tuple:
    [row] = duckdb.sql(sql).fetchall()
    return row


# --- elapsed time across clock changes ------------------------------------------------------


def test_response_times_are_elapsed_time_across_clock_changes(tmp_path: Path) -> None:
    # 12:00 on Saturday 13 March 2021 to 12:00 on Monday 15 March in Los Angeles: the
    # clocks went forward on the Sunday, so 47 hours passed, not 48.
    path = write(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n"
        "13.03.2021 12:00,15.03.2021 12:00,answered\n"
        "06.11.2021 12:00,08.11.2021 12:00,answered\n",  # back an hour on 7 November: 49 h
    )
    config = Config(timezone="America/Los_Angeles")
    data = pipeline.load_and_validate([path], config)
    assert data.queries["response_days"].tolist() == pytest.approx([47 / 24, 49 / 24])
    figures = totals(path, config, "2021")
    assert figures["median_response_days"] == pytest.approx(2.0)  # (47 + 49) / 2 hours


def test_sf_clock_change_extract_matches_an_independent_count() -> None:
    # 40 closed SF cases whose time open spans a clock change, and 20 that do not; the
    # times are UTC, so the elapsed time is the difference of the UTC stamps.
    elapsed = """
        select median(d), quantile_cont(d, 0.9), count(*) from (
          select (epoch(cast(replace(closed_date, ' UTC', '') as timestamp))
                - epoch(cast(replace(created_date, ' UTC', '') as timestamp))) / 86400 as d
          from read_csv('{path}', all_varchar = true)
          where status = 'Closed' and closed_date <> '' and closed_date >= created_date)
    """
    median, p90, count = one(elapsed.format(path=SF_CLOCKS))
    # the local clock times, subtracted as they read, are an hour off for the 40
    local = """
        select median(d) from (
          select (epoch(timezone('America/Los_Angeles',
                    cast(replace(closed_date, ' UTC', '') || '+00' as timestamptz)))
                - epoch(timezone('America/Los_Angeles',
                    cast(replace(created_date, ' UTC', '') || '+00' as timestamptz)))) / 86400
                 as d
          from read_csv('{path}', all_varchar = true)
          where status = 'Closed' and closed_date <> '' and closed_date >= created_date)
    """
    (local_median,) = one(local.format(path=SF_CLOCKS))
    assert count == 60
    assert abs(local_median - median) > 0.02  # half of an hour (0.0417 days): 60 cases
    figures = totals(
        SF_CLOCKS, load_config(ROOT / "examples" / "sf311.toml"), "2008-01-01..2019-12-31"
    )
    assert figures["answered"] == 60
    assert figures["median_response_days"] == pytest.approx(median, abs=1e-6)
    assert figures["p90_response_days"] == pytest.approx(p90, abs=1e-6)


# --- bare dates --------------------------------------------------------------------------------


def test_a_bare_answer_date_counts_calendar_days(tmp_path: Path) -> None:
    path = write(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n"
        "05.01.2021 18:00,05.01.2021,answered\n"  # the same day: 0 days
        "05.01.2021 18:00,06.01.2021,answered\n"  # the next day: 1 day, not 0.25
        "05.01.2021 18:00,08.01.2021,answered\n"  # 3 days
        "05.01.2021 18:00,04.01.2021,answered\n",  # before receipt: left out, warned
    )
    data = pipeline.load_and_validate([path], Config())
    assert data.queries["response_days"].tolist()[:3] == [0.0, 1.0, 3.0]
    warned = [(p.code, p.row) for p in data.report.problems]
    assert warned == [("answered_before_received", 5)]
    figures = totals(path, Config(), "2021-01")
    assert figures["median_response_days"] == 1.0
    assert figures["answered"] == 4


def test_a_written_midnight_is_a_time_but_an_excel_date_cell_is_a_date(tmp_path: Path) -> None:
    path = write(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n"
        "05.01.2021 18:00,06.01.2021 00:00,answered\n"  # a written clock: 6 hours
        "05.01.2021 18:00,2021-01-06 00:00:00,answered\n"  # how a date cell reads: 1 day
        "05.01.2021 18:00,06.01.2021 12:00,answered\n",
    )
    data = pipeline.load_and_validate([path], Config())
    assert data.queries["response_days"].tolist() == [0.25, 1.0, 0.75]


def test_minsk_115bel_bare_answer_dates_give_whole_days() -> None:
    # 115.бел stamps a request with its time and its answer with a date ("Выполнено
    # 11.10.2022"): the response time is the calendar days between the two dates.
    (median, count) = one(
        f"""
        select median(date_diff('day',
                 cast(strptime("Дата регистрации", '%d.%m.%Y %H:%M') as date),
                 cast(strptime("Дата ответа", '%d.%m.%Y') as date))), count(*)
        from read_csv('{MINSK}', all_varchar = true)
        where "Статус" = 'Заявка закрыта' and "Дата ответа" <> ''
        """
    )
    assert (median, count) == (3.0, 281)
    figures = totals(MINSK, MINSK_CONFIG, "2022-10")
    assert figures["received"] == 328
    assert figures["answered"] == 281
    assert figures["median_response_days"] == 3.0  # not 2.54, as midnight answers gave


def test_la_answers_stamped_midnight_before_their_receipt_are_left_out() -> None:
    # LA's export closes some requests at "12:00:00 AM" on the day they were created: a
    # written time, so the answer is before receipt, warned about and never timed as 0.
    rows = duckdb.sql(
        f"""
        select row_number from (
          select row_number() over () + 1 as row_number,
                 strptime(CreatedDate, '%m/%d/%Y %I:%M:%S %p') as created,
                 strptime(nullif(ClosedDate, ''), '%m/%d/%Y %I:%M:%S %p') as closed
          from read_csv('{LA}', all_varchar = true))
        where closed < created order by row_number
        """
    ).fetchall()
    expected = [row for (row,) in rows]
    data = pipeline.load_and_validate([LA], load_config(ROOT / "examples" / "la311.toml"))
    warned = [p.row for p in data.report.problems if p.code == "answered_before_received"]
    assert warned == expected
    assert len(expected) == 12
    kept = data.queries.set_index("_row").loc[expected]
    assert not kept["response_ok"].any()
    assert kept["response_days"].isna().all()


# --- deadlines with a time -------------------------------------------------------------------


def test_a_deadline_with_a_time_is_a_moment(tmp_path: Path) -> None:
    path = write(
        tmp_path / "queries.csv",
        "received_at,answered_at,status,deadline\n"
        "04.01.2021 09:00,10.01.2021 15:00,answered,10.01.2021 12:00\n"  # 3 h late
        "04.01.2021 09:00,10.01.2021 11:00,answered,10.01.2021 12:00\n"  # on time
        "04.01.2021 09:00,10.01.2021,answered,10.01.2021 12:00\n"  # a bare date: that day
        "04.01.2021 09:00,10.01.2021 23:00,answered,10.01.2021\n"  # the day's end
        "04.01.2021 09:00,11.01.2021 00:30,answered,10.01.2021\n"  # the next day: late
        "04.01.2021 09:00,,in progress,31.01.2021 10:00\n"  # passed by the cut-off's end
        "04.01.2021 09:00,,in progress,31.01.2021\n",  # due at the end of the cut-off day
    )
    data = pipeline.load_and_validate([path], Config())
    rules, calendar = deadline_rules(Config())
    classes = classes_at(*deadline_inputs(data.queries, rules, calendar), date(2021, 1, 31))
    assert classes.tolist() == [
        "late",
        "on_time",
        "on_time",
        "on_time",
        "late",
        "open_overdue",
        "open_not_due",
    ]


def test_nyc_due_dates_are_compared_as_moments() -> None:
    config = load_config(ROOT / "examples" / "nyc311.toml")
    data = pipeline.load_and_validate([NYC], config)
    rules, calendar = deadline_rules(config)
    classes = classes_at(*deadline_inputs(data.queries, rules, calendar), TODAY)
    due = data.queries["deadline"].notna().to_numpy()
    counted = classes[due].value_counts().to_dict()
    fmt = "%m/%d/%Y %I:%M:%S %p"
    on_time, late = one(
        f"""
        select count(*) filter (where closed <= due), count(*) filter (where closed > due)
        from (select strptime(nullif("Closed Date", ''), '{fmt}') as closed,
                     strptime(nullif("Due Date", ''), '{fmt}') as due, "Status" as status
              from read_csv('{NYC}', all_varchar = true))
        where due is not null and closed is not null and status = 'Closed'
        """
    )
    day_late = one(
        f"""
        select count(*) from (select strptime(nullif("Closed Date", ''), '{fmt}') as closed,
                     strptime(nullif("Due Date", ''), '{fmt}') as due, "Status" as status
              from read_csv('{NYC}', all_varchar = true))
        where status = 'Closed' and closed > due and cast(closed as date) = cast(due as date)
        """
    )[0]
    assert day_late > 0  # answered hours after the due time, on the due day: late
    assert (counted["on_time"], counted["late"]) == (on_time, late)


# --- month-first dates -----------------------------------------------------------------------


def test_the_config_decides_the_order_of_slashed_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n01/02/2021 10:00,01/03/2021 10:00,answered\n",
    )
    us = Config(dates=DatesConfig(order="MDY"))
    data = pipeline.load_and_validate([path], us)
    assert str(data.queries["received_at"][0]) == "2021-01-02 10:00:00"
    assert str(data.queries["answered_at"][0]) == "2021-01-03 10:00:00"
    assert data.report.problems == ()
    # per column: the answer column alone is month-first
    mixed = Config(dates=DatesConfig(columns={"answered_at": "MDY"}))
    data = pipeline.load_and_validate([path], mixed)
    assert str(data.queries["received_at"][0]) == "2021-02-01 10:00:00"
    assert str(data.queries["answered_at"][0]) == "2021-01-03 10:00:00"


def test_ambiguous_slashed_dates_are_said_once_per_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n"
        "01/02/2021 10:00,01/03/2021 10:00,answered\n"
        "02/02/2021 10:00,03/03/2021 10:00,answered\n",
    )
    data = pipeline.load_and_validate([path], Config())
    assert str(data.queries["received_at"][0]) == "2021-02-01 10:00:00"  # day-first
    said = [(p.code, p.severity, p.row, p.column) for p in data.report.problems]
    assert said == [("ambiguous_date_order", "warning", 2, "received_at")]
    assert 'order = "MDY" under [dates]' in data.report.problems[0].message
    # a value that reads one way only settles it: no warning
    clear = write(
        tmp_path / "queries-clear.csv",
        "received_at,status\n01/02/2021 10:00,open\n25/02/2021 10:00,open\n",
    )
    assert pipeline.load_and_validate([clear], Config()).report.problems == ()
