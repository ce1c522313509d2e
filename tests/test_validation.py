"""Validation of values and rows: dates, numbers, statuses, errors vs warnings, duplicates,
configuration, the ``validate`` command and its golden JSON output.

Every workbook is built here with openpyxl; row numbers are the ones Excel shows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner
from workbooks import Rows, write_xlsx

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config, load_config
from engagement_report.errors import ConfigError, InputError
from engagement_report.models import CleanData, SourceAccount
from engagement_report.validation.problems import PROBLEMS_LISTED_PER_SOURCE

GOLDEN = Path(__file__).parent / "golden" / "validate.json"


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load(*paths: Path, config: Config | None = None) -> CleanData:
    return pipeline.load_and_validate(list(paths), config or Config())


def only_source(data: CleanData) -> SourceAccount:
    [account] = data.report.sources
    return account


def accounting(s: SourceAccount) -> tuple[int, int, int, int, int, int]:
    return (s.rows_read, s.used, s.duplicate, s.blank, s.total_rows, s.rejected)


def problems(data: CleanData) -> list[tuple[str, str, int | None, str | None]]:
    return [(p.code, p.severity, p.row, p.value) for p in data.report.problems]


def query_totals(paths: list[Path], period: str, config: Config | None = None) -> dict[str, float]:
    """The period's query figures from the summary contract, metric → value."""
    records = pipeline.summarize(paths, config or Config(), period, dt.date(2030, 1, 1))
    return {r.metric: r.value for r in records if r.dataset == "queries" and r.dimension == "total"}


def listed(series: pd.Series) -> list[object]:
    """The values with missing ones as None."""
    return [None if pd.isna(v) else v for v in series]


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- statuses -----------------------------------------------------------------------------


STATUS_CASES = [
    ("Отвечено", "answered"),
    ("ИСПОЛНЕНО", "answered"),
    ("рассмотрено", "answered"),
    ("Жауап берілді", "answered"),
    ("Closed", "answered"),
    ("resolved", "answered"),
    ("Done", "answered"),
    ("В работе", "in_progress"),
    ("на  рассмотрении", "in_progress"),
    ("Қаралуда", "in_progress"),
    ("Open", "in_progress"),
    ("in_progress", "in_progress"),
    ("In Progress", "in_progress"),
    ("Pending", "in_progress"),
    ("Отказано", "rejected"),
    ("Қабылданбады", "rejected"),
    ("REJECTED", "rejected"),
    ("Перенаправлено", "redirected"),
    ("Направлено по компетенции", "redirected"),
    (" redirected ", "redirected"),
]


def test_status_spellings_map_to_four_classes(tmp_path: Path) -> None:
    rows: Rows = [["Дата поступления", "Статус"]]
    rows += [["05.01.2021", spelling] for spelling, _ in STATUS_CASES]
    data = load(write_xlsx(tmp_path / "book.xlsx", {"Обращения": rows}))
    assert data.queries["status"].tolist() == [cls for _, cls in STATUS_CASES]
    assert data.report.problems == ()


def test_unknown_status_is_a_warning_and_not_answered(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "received_at,status\n05.01.2021,Отвечено\n06.01.2021,Выполнено частично\n07.01.2021,\n",
    )
    data = load(path)
    assert accounting(only_source(data)) == (3, 3, 0, 0, 0, 0)
    assert problems(data) == [
        ("unknown_status", "warning", 3, "Выполнено частично"),
        ("missing_status", "warning", 4, None),
    ]
    assert "add the spelling under [statuses]" in data.report.problems[0].message
    assert listed(data.queries["status"]) == ["answered", "other", None]
    totals = query_totals([path], "2021-01")
    assert (totals["received"], totals["answered"], totals["other_status"]) == (3, 1, 2)


def test_blank_status_with_answer_date_counts_as_answered(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n05.01.2021,06.01.2021,\n",
    )
    data = load(path)
    assert data.queries["status"].tolist() == ["answered"]
    assert data.report.problems == ()


# --- dates --------------------------------------------------------------------------------


def test_dates_in_every_accepted_form_from_xlsx(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Обращения"
    sheet.append(["№", "Дата поступления", "Статус"])
    values: list[object] = [
        dt.datetime(2021, 1, 5, 10, 30),  # a real date-time cell
        dt.date(2021, 1, 6),  # a real date cell
        44203,  # an Excel serial typed as a plain number: 2021-01-07
        44204.75,  # a serial with a time: 2021-01-08 18:00
        "09.01.2021",
        "10.01.2021 14:05",
        "2021-01-11",
        "2021-01-12 08:00:00",
        "2021-01-13T09:15",
        "2021-01-13 20:00:00 UTC",  # Asia/Almaty is UTC+6: 14 January, 02:00
        "01/15/2021 10:58:54 PM",  # US export, AM/PM: always month-first
        " 16.01.2021 ",
    ]
    for number, value in enumerate(values, start=1):
        sheet.append([number, value, "в работе"])
    serial_cell = sheet.cell(len(values) + 2, 2, 44211)  # a serial in a date-formatted cell
    serial_cell.number_format = "DD.MM.YYYY"
    sheet.cell(len(values) + 2, 1, len(values) + 1)
    sheet.cell(len(values) + 2, 3, "в работе")
    workbook.save(tmp_path / "book.xlsx")

    data = load(tmp_path / "book.xlsx")
    assert data.report.problems == ()
    assert data.queries["received_at"].tolist() == [
        ts("2021-01-05 10:30"),
        ts("2021-01-06"),
        ts("2021-01-07"),
        ts("2021-01-08 18:00"),
        ts("2021-01-09"),
        ts("2021-01-10 14:05"),
        ts("2021-01-11"),
        ts("2021-01-12 08:00"),
        ts("2021-01-13 09:15"),
        ts("2021-01-14 02:00"),
        ts("2021-01-15 22:58:54"),
        ts("2021-01-16"),
        ts("2021-01-15"),
    ]


def test_invalid_and_missing_dates_reject_the_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "query_id,received_at,status\n"
        "1,05.01.2021,open\n"
        "2,31.02.2021,open\n"  # no such day
        "3,вчера,open\n"
        "4,,open\n"  # missing
        "5,44201,5\n",  # a serial; an unknown status is only a warning
    )
    data = load(path)
    assert accounting(only_source(data)) == (5, 2, 0, 0, 0, 3)
    assert problems(data) == [
        ("invalid_date", "error", 3, "31.02.2021"),
        ("invalid_date", "error", 4, "вчера"),
        ("missing_date", "error", 5, None),
        ("unknown_status", "warning", 6, "5"),
    ]
    assert data.queries["query_id"].tolist() == ["1", "5"]
    assert data.queries["received_at"].tolist() == [ts("2021-01-05"), ts("2021-01-05")]
    rejected = data.rejected_rows
    assert rejected["row"].tolist() == [3, 4, 5]
    assert rejected["column"].tolist() == ["received_at"] * 3


def test_invalid_optional_date_is_a_warning_and_read_as_empty(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "received_at,answered_at,status\n05.01.2021,скоро,open\n",
    )
    data = load(path)
    assert accounting(only_source(data)) == (1, 1, 0, 0, 0, 0)
    assert problems(data) == [("invalid_date", "warning", 2, "скоро")]
    assert data.queries["answered_at"].isna().all()


def test_us_dates_read_month_first_when_the_column_says_so(tmp_path: Path) -> None:
    # 01/13/2021 can only be month-first, so the whole column is read month-first.
    us = write_csv(
        tmp_path / "queries-us.csv",
        "received_at,status\n01/05/2021,open\n01/13/2021,open\n02/01/2021,open\n",
    )
    assert load(us).queries["received_at"].tolist() == [
        ts("2021-01-05"),
        ts("2021-01-13"),
        ts("2021-02-01"),
    ]
    # 13/01/2021 can only be day-first: the column stays day-first.
    local = write_csv(
        tmp_path / "queries-local.csv",
        "received_at,status\n05/01/2021,open\n13/01/2021,open\n",
    )
    assert load(local).queries["received_at"].tolist() == [ts("2021-01-05"), ts("2021-01-13")]
    # Nothing decides: day-first, the local default.
    unclear = write_csv(tmp_path / "queries-unclear.csv", "received_at,status\n05/01/2021,open\n")
    assert load(unclear).queries["received_at"].tolist() == [ts("2021-01-05")]


def test_us_am_pm_times(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "Created Date,Closed Date,Status\n"
        "06/26/2018 10:58:54 AM,06/26/2018 12:50:01 PM,Closed\n"
        "12/31/2017 11:59:58 PM,01/01/2018 12:00:00 AM,Closed\n",
    )
    data = load(path)
    assert data.queries["received_at"].tolist() == [
        ts("2018-06-26 10:58:54"),
        ts("2017-12-31 23:59:58"),
    ]
    assert data.queries["answered_at"].tolist() == [
        ts("2018-06-26 12:50:01"),
        ts("2018-01-01 00:00:00"),
    ]


def test_utc_times_cross_midnight_into_the_next_local_month(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "query_id,received_at,status\n"
        "1,2021-01-31 17:59:00 UTC,open\n"  # 23:59 in Almaty: January
        "2,2021-01-31 18:00:00 UTC,open\n"  # 00:00 on 1 February
        "3,2021-01-31T20:30:00Z,open\n"  # 02:30 on 1 February
        "4,2021-01-31T23:00:00+06:00,open\n"  # already local: January
        "5,2021-02-28 19:00:00 UTC,open\n"  # 01:00 on 1 March
        "6,2021-01-31T12:00:00-08:00,open\n",  # 20:00 UTC: 02:00 on 1 February
    )
    data = load(path)
    assert data.queries["received_at"].tolist() == [
        ts("2021-01-31 23:59"),
        ts("2021-02-01 00:00"),
        ts("2021-02-01 02:30"),
        ts("2021-01-31 23:00"),
        ts("2021-03-01 01:00"),
        ts("2021-02-01 02:00"),
    ]
    assert query_totals([path], "2021-01")["received"] == 2
    assert query_totals([path], "2021-02")["received"] == 3
    assert query_totals([path], "2021-03")["received"] == 1
    assert query_totals([path], "2021-Q1")["received"] == 6


def test_utc_times_converted_to_the_configured_zone(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "received_at,status\n2019-10-01 05:00:00 UTC,open\n2019-10-01 07:00:00 UTC,open\n",
    )
    config = Config(timezone="America/Los_Angeles")  # UTC-7 in October
    data = load(path, config=config)
    assert data.queries["received_at"].tolist() == [ts("2019-09-30 22:00"), ts("2019-10-01 00:00")]
    assert query_totals([path], "2019-09", config)["received"] == 1
    assert query_totals([path], "2019-10", config)["received"] == 1


# --- numbers and labels -------------------------------------------------------------------


def test_numbers_written_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Эфиры": [
                ["Дата", "Количество вопросов", "Телесюжеты"],
                ["05.01.2021", "1 234", "2"],  # space as thousands separator
                ["06.01.2021", "12\u00a0345", " 3 "],  # no-break space
                ["07.01.2021", "1 000,0", "1,0"],  # decimal comma
                ["08.01.2021", 17, 0],  # real numbers
                ["09.01.2021", "−2", 1],  # typographic minus: negative, rejected
                ["10.01.2021", "много", 1],  # not a number, rejected
                ["11.01.2021", "3,5", 1],  # fractional, rejected
                ["12.01.2021", None, 1],  # a required count missing, rejected
                ["13.01.2021", 4, -1],  # an optional count negative, rejected
            ]
        },
    )
    data = load(path)
    assert accounting(only_source(data)) == (9, 4, 0, 0, 0, 5)
    assert data.broadcasts["questions_answered"].tolist() == [1234, 12345, 1000, 17]
    assert data.broadcasts["tv_segments"].tolist() == [2, 3, 1, 0]
    assert problems(data) == [
        # questions_answered checks first, then tv_segments
        ("invalid_number", "error", 7, "много"),
        ("negative_count", "error", 6, "−2"),
        ("fractional_count", "error", 8, "3,5"),
        ("missing_count", "error", 9, None),
        ("negative_count", "error", 10, "-1"),
    ]
    assert sorted(data.rejected_rows["row"].tolist()) == [6, 7, 8, 9, 10]


def test_integer_districts_stay_integers(tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "book.xlsx",
        {"Обращения": [["Дата поступления", "Статус", "Район"], ["05.01.2021", "open", 7]]},
    )
    text = write_csv(
        tmp_path / "queries.csv",
        "received_at,status,district\n06.01.2021,open,7.0\n07.01.2021,open, 7\n08.01.2021,open,12\n",
    )
    data = load(book, text)
    assert data.queries["district"].tolist() == ["7", "7", "7", "12"]


def test_category_labels_differing_in_case_and_spaces_are_one(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "received_at,status,topic\n"
        "05.01.2021,open,Дороги\n05.01.2021,open,дороги\n05.01.2021,open,  Дороги \n"
        "05.01.2021,open,Уборка  снега\n05.01.2021,open,\n",
    )
    data = load(path)
    assert listed(data.queries["topic"]) == ["Дороги", "Дороги", "Дороги", "Уборка снега", None]
    assert problems(data) == [("blank_category", "warning", 6, None)]
    assert "counted under '(not stated)'" in data.report.problems[0].message


# --- query rules --------------------------------------------------------------------------


def test_answered_before_received_is_kept_but_not_timed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "query_id,received_at,answered_at,status\n"
        "1,05.01.2021 10:00,04.01.2021 09:00,Отвечено\n"
        "2,05.01.2021 10:00,07.01.2021 10:00,Отвечено\n",
    )
    data = load(path)
    assert accounting(only_source(data)) == (2, 2, 0, 0, 0, 0)
    assert problems(data) == [("answered_before_received", "warning", 2, "2021-01-04 09:00")]
    assert data.queries["response_ok"].tolist() == [False, True]
    totals = query_totals([path], "2021-01")
    assert (totals["received"], totals["answered"]) == (2, 2)
    assert totals["median_response_days"] == pytest.approx(2.0)


def test_duplicate_ids_across_two_files_last_wins(tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "a.csv",
        "query_id,received_at,status\n"
        "Q1,05.01.2021,open\n"
        "Q2,05.01.2021,open\n"
        "Q3,05.01.2021,open\n",  # answered later: see b.csv
    )
    second = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "Обращения": [
                ["query_id", "received_at", "answered_at", "status"],
                ["Q3", "05.01.2021", "08.01.2021", "closed"],
                ["Q4", "06.01.2021", None, "open"],
                ["Q4", "06.01.2021", "09.01.2021", "closed"],  # the same query, updated
                ["Q1", "не знаю", None, "closed"],  # rejected: does not replace Q1
            ]
        },
    )
    data = load(first, second)
    a, b = data.report.sources
    assert accounting(a) == (3, 2, 1, 0, 0, 0)
    assert accounting(b) == (4, 2, 1, 0, 0, 1)
    queries = data.queries.set_index("query_id")
    assert sorted(queries.index) == ["Q1", "Q2", "Q3", "Q4"]
    assert queries.loc["Q3", "status"] == "answered"
    assert queries.loc["Q3", "_file"].endswith("b.xlsx")
    assert queries.loc["Q4", "_row"] == 4
    assert queries.loc["Q1", "_file"].endswith("a.csv")
    # read the other way round, a.csv's open Q3 is the last word
    reverse = load(second, first)
    assert reverse.queries.set_index("query_id").loc["Q3", "status"] == "in_progress"
    assert [accounting(s)[:3] for s in reverse.report.sources] == [(4, 1, 2), (3, 3, 0)]


def test_problems_listed_are_capped_but_counted(tmp_path: Path) -> None:
    lines = ["received_at,status"]
    lines += ["не дата,open"] * 150  # rows 2..151: rejected
    lines += ["05.01.2021,неизвестно"] * 30  # rows 152..181: warnings
    lines += [""] * 2
    lines += ["05.01.2021,open"] * 5
    big = write_csv(tmp_path / "queries-1.csv", "\n".join(lines) + "\n")
    small = write_csv(
        tmp_path / "queries-2.csv", "received_at,status\nне дата,open\nне дата,open\n"
    )
    data = load(big, small)
    first, second = data.report.sources
    assert accounting(first) == (187, 35, 0, 2, 0, 150)
    assert (first.errors, first.warnings) == (150, 30)
    assert first.problems_not_listed == 150 + 30 - PROBLEMS_LISTED_PER_SOURCE
    listed = [p for p in data.report.problems if p.file.endswith("queries-1.csv")]
    assert len(listed) == PROBLEMS_LISTED_PER_SOURCE
    assert [p.row for p in listed[:3]] == [2, 3, 4]
    # the cap is per source: the second file's problems are all listed
    assert (second.rejected, second.problems_not_listed) == (2, 0)
    assert len(data.report.problems) == PROBLEMS_LISTED_PER_SOURCE + 2
    assert data.report.rejected == 152
    assert len(data.rejected_rows) == 152


def test_rejected_rows_keep_provenance_and_original_cells(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Эфиры": [
                ["Эфиры за январь"],
                ["Дата", "Программа", "Количество вопросов"],
                ["05.01.2021", "Утро", 3],
                ["не помню", "Вечер", 4],
                ["07.01.2021", "Утро", -5],
            ]
        },
    )
    data = load(path)
    text = pipeline.rejected_csv(data)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.columns.tolist() == [
        "file",
        "sheet",
        "row",
        "column",
        "reason",
        "Дата",
        "Программа",
        "Количество вопросов",
    ]
    assert frame["sheet"].tolist() == ["Эфиры", "Эфиры"]
    assert frame["row"].tolist() == ["4", "5"]
    assert frame["column"].tolist() == ["Дата", "Количество вопросов"]
    assert frame["Программа"].tolist() == ["Вечер", "Утро"]
    assert frame["Количество вопросов"].tolist() == ["4", "-5"]  # a number stays a number
    assert "is not a date" in frame["reason"][0]
    assert "cannot be negative" in frame["reason"][1]


# --- unreadable inputs ----------------------------------------------------------------------


def test_missing_required_column_names_headers_and_aliases(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "queries.csv", "id,created,topic\n1,05.01.2021,roads\n")
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: read as queries, but required column(s) status not found")
    assert "Headers present: 'id', 'created', 'topic'." in message
    assert "status: 'status', 'статус', 'состояние', 'мәртебесі', 'мәртебе'" in message
    assert "[columns.queries]" in message


def test_missing_required_column_in_a_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Обращения": [["Дата поступления", "Статус"], ["05.01.2021", "open"]],
            "Эфиры": [["Отчёт"], ["Дата", "Программа", "Спикер"], ["05.01.2021", "Утро", "Аким"]],
        },
    )
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert f"{path} [Эфиры]: read as broadcasts" in message
    assert "questions_answered not found" in message
    assert "Headers present: 'Дата', 'Программа', 'Спикер'." in message
    assert "'количество вопросов'" in message and "'сұрақтар саны'" in message


def test_config_aliases_listed_first_in_missing_column_message(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "queries.csv", "When,Note\n05.01.2021,x\n")
    config = Config(columns={"queries": {"received_at": ("When",), "status": ("Итог", "Result")}})
    with pytest.raises(InputError, match=r"status: 'Итог', 'Result', 'status', 'статус'"):
        load(path, config=config)


# --- configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("timezon = 'Asia/Almaty'\n", "'timezon'"),
        ("[columns.queries]\nrecieved_at = 'When'\n", "'columns.queries.recieved_at'"),
        ("[columns.complaints]\nstatus = 'S'\n", "'columns.complaints'"),
        ("[statuses]\nclosed = ['Done']\n", "'statuses.closed'"),
        ("[deadlines]\nanswer_days = 10\n", "'deadlines.answer_days'"),
        ("[calendar]\nholidays = []\n", "'calendar.holidays'"),
    ],
)
def test_unknown_config_key_names_key_and_file(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "office.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: unknown key {key}")


def test_unknown_config_key_on_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "office.toml"
    config.write_text("[topics]\nroads = 'Roads'\n[topic]\nx = 'y'\n", encoding="utf-8")
    data = write_csv(tmp_path / "queries.csv", "received_at,status\n05.01.2021,open\n")
    result = CliRunner().invoke(app, ["validate", "--config", str(config), str(data)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {config}: unknown key 'topic'; known keys: calendar, channels, columns, compute, dates, "
        "deadlines, districts, earliest_year, encoding, formats, inputs, lang, "
        "min_category_size, open_data, outcomes, output, overdue_mark, population, ratings, "
        "read_hidden_sheets, repeats, report, statuses, timezone, topics"
    ]
    assert result.stdout == ""


CONFIG_TOML = """\
timezone = "Asia/Almaty"

[columns.queries]
received_at = "Когда пришло"
answered_at = ["Когда ответили", "Ответ дан"]
status = "Итог"
topic = "О чём"
channel = "Откуда"

[statuses]
answered = ["Готово", "Закрыто полностью"]
redirected = ["Передано в ТОО"]

[topics]
"ЖКХ" = "Utilities"
"road_works" = "Roads"

[channels]
"инста" = "Instagram"
"""


def test_config_column_mapping_statuses_and_relabels(tmp_path: Path) -> None:
    config_path = tmp_path / "office.toml"
    config_path.write_text(CONFIG_TOML, encoding="utf-8")
    config = load_config(config_path)
    path = write_csv(
        tmp_path / "журнал.csv",  # not a dataset name: recognised by the mapped headers
        "Когда пришло;Ответ дан;Итог;О чём;Откуда\n"
        "05.01.2021;06.01.2021;Готово;ЖКХ;инста\n"
        "06.01.2021;08.01.2021;ЗАКРЫТО  полностью;жкх;Инста\n"
        "07.01.2021;;передано в ТОО;Road Works;\n"
        "08.01.2021;09.01.2021;Отвечено;road_works;109\n"  # built-in spellings still apply
        "09.01.2021;;Думаем;Снег;109\n",
    )
    data = load(path, config=config)
    account = only_source(data)
    assert (account.dataset, account.recognised_by) == ("queries", "header")
    assert account.mapping == {
        "received_at": "Когда пришло",
        "answered_at": "Ответ дан",
        "status": "Итог",
        "topic": "О чём",
        "channel": "Откуда",
    }
    assert data.queries["status"].tolist() == [
        "answered",
        "answered",
        "redirected",
        "answered",
        "other",
    ]
    assert data.queries["topic"].tolist() == ["Utilities", "Utilities", "Roads", "Roads", "Снег"]
    assert listed(data.queries["channel"]) == ["Instagram", "Instagram", None, "109", "109"]
    assert problems(data) == [
        ("unknown_status", "warning", 6, "Думаем"),
        ("blank_category", "warning", 4, None),
        ("closed_without_answer_date", "warning", 4, "redirected"),  # forwarded, no date
    ]
    # without the config the file is not recognised at all: named, it is an error
    with pytest.raises(InputError, match=r"журнал\.csv: not recognised as any dataset"):
        load(path)


def test_config_mapping_beats_builtin_alias(tmp_path: Path) -> None:
    # "Дата" would be nobody's received date; "Дата поступления" is, unless the config says
    # the office's own "Дата" column is.
    path = write_csv(
        tmp_path / "queries.csv",
        "Дата поступления,Дата,Статус\n01.01.2021,05.01.2021,open\n",
    )
    config = Config(columns={"queries": {"received_at": ("Дата",)}})
    data = load(path, config=config)
    assert only_source(data).mapping["received_at"] == "Дата"
    assert data.queries["received_at"].tolist() == [ts("2021-01-05")]


# --- the validate command -----------------------------------------------------------------


def test_validate_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write_csv(tmp_path / "queries.csv", "received_at,status\n05.01.2021,open\n")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.stderr
    assert "0 row(s) rejected" in result.stdout

    bad = write_csv(tmp_path / "эфиры.csv", "date,questions\n05.01.2021,-1\n06.01.2021,2\n")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert "1 row(s) rejected" in result.stdout

    unreadable = write_csv(tmp_path / "обращения.csv", "date,questions\n05.01.2021,1\n")
    result = runner.invoke(app, ["validate", str(good), str(unreadable)])
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {unreadable}: read as queries, but required column(s)")
    assert "Traceback" not in result.stderr


def test_validate_json_accounting_balances(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "queries.csv",
        "query_id,received_at,status\n1,05.01.2021,open\n1,06.01.2021,closed\n\n"
        "2,x,open\nИтого,2,\n",
    )
    result = CliRunner().invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    [entry] = report["sources"]
    assert entry["rows"] == {
        "read": 5,
        "used": 1,
        "duplicate": 1,
        "blank": 1,
        "total_rows": 1,
        "rejected": 1,
    }
    assert report["rejected"] == 1


def broken_workbook(path: Path) -> Path:
    """A small workbook with one of most things that go wrong."""
    workbook = openpyxl.Workbook()
    queries = workbook.active
    queries.title = "Обращения"
    queries["A1"] = "Обращения граждан, январь 2021"
    queries.merge_cells("A1:E1")
    rows: Rows = [
        ["№", "Дата поступления", "Дата ответа", "Статус", "Тема"],  # row 3
        ["А-1", dt.datetime(2021, 1, 5, 9, 0), dt.datetime(2021, 1, 6, 9, 0), "Отвечено", "Дороги"],
        ["А-2", "32.01.2021", None, "В работе", "Дороги"],  # row 5: invalid date
        ["А-3", None, None, "В работе", "Снег"],  # row 6: missing date
        [],  # row 7
        ["А-4", "07.01.2021", "06.01.2021", "Отвечено", None],  # row 8: early answer, no topic
        ["А-5", "08.01.2021", None, "Ждём ответа", "Снег"],  # row 9: unknown status
        ["А-1", "05.01.2021 09:00", "07.01.2021", "Отвечено", "Дороги"],  # row 10: A-1 again
        ["Итого", 6],  # row 11
    ]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            if value is not None:
                queries.cell(r, c, value)
    broadcasts = workbook.create_sheet("Эфиры")
    for row in [
        ["Дата", "Программа", "Количество вопросов"],
        ["05.01.2021", "Утро", 4],
        ["06.01.2021", "Утро", -4],
        ["07.01.2021", "Вечер", "2,5"],
    ]:
        broadcasts.append(row)
    workbook.create_sheet("Справка")["A1"] = "Заполнять до 5 числа"
    workbook.save(path)
    return path


def test_validate_json_golden(tmp_path: Path) -> None:
    broken_workbook(tmp_path / "broken.xlsx")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ENGAGEMENT_REPORT_CONFIG", None)
    run = subprocess.run(
        [sys.executable, "-m", "engagement_report", "validate", "--format", "json", "broken.xlsx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    for source in report["sources"]:
        counted = source["rows"]
        assert counted["read"] == sum(v for k, v in counted.items() if k != "read")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(run.stdout, encoding="utf-8")
    assert GOLDEN.exists(), "run with UPDATE_GOLDEN=1 to write tests/golden/validate.json"
    assert report == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_bare_answer_date_on_the_day_of_receipt_is_a_same_day_answer(tmp_path: Path) -> None:
    # Received 05.01.2021 15:00, answered "05.01.2021" (no time): not before receipt, 0 days.
    from engagement_report.config import Config
    from engagement_report.pipeline import compute, load_and_validate, resolve_period

    (tmp_path / "queries.csv").write_text(
        "received_at,answered_at,status\n"
        "05.01.2021 15:00,05.01.2021,answered\n"
        "05.01.2021 15:00,04.01.2021,answered\n",
        encoding="utf-8",
    )
    data = load_and_validate([tmp_path / "queries.csv"], Config())
    codes = [p.code for p in data.report.problems]
    assert codes == ["answered_before_received"]  # only the answer dated the day before
    assert data.report.problems[0].row == 3
    figures = compute(
        data, resolve_period("2021-01", data, Config()), Config(), today=date(2021, 3, 1)
    )
    assert figures.queries.responses_measured == 1
    assert figures.queries.median_response_days == 0.0


def test_header_tie_goes_to_the_dataset_with_all_required_columns(tmp_path: Path) -> None:
    # 'Дата' names both broadcasts.date and press_events.date; only broadcasts has its
    # required columns (date + questions) here, so the file is read as broadcasts.
    from engagement_report.config import Config
    from engagement_report.pipeline import load_and_validate

    (tmp_path / "export.csv").write_text(
        "Дата,Программа,Количество вопросов\n12.01.2021,Akimat LIVE,30\n", encoding="utf-8"
    )
    data = load_and_validate([tmp_path / "export.csv"], Config())
    assert [s.dataset for s in data.report.sources] == ["broadcasts"]
    assert int(data.broadcasts["questions_answered"].sum()) == 30
