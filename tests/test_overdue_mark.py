"""A date after a word (``[dates.words]``) and the export's own overdue mark (issue 14).

115.бел writes the answer date after a word ("Выполнено 11.10.2022") and, while a request
is open past its term, only "Просрочено" in the same cells: the first is read by a config
rule, the second is the system's own overdue mark, compared with the deadline classes the
tool computes. Expectations are worked out by hand on tiny files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from engagement_report import pipeline
from engagement_report.config import Config, parse_config
from engagement_report.errors import ConfigError

MAPPING = {
    "query_id": "number",
    "received_at": "regdate",
    "answered_at": "status_date",
    "status": "status",
    "overdue_mark": "status_date",
}
WORDS = {"answered_at": ["Выполнено", "Просрочено"]}
STATUSES = {"answered": ["Заявка закрыта"], "in_progress": ["Новая заявка"]}


def config(**extra: object) -> Config:
    raw: dict[str, object] = {
        "timezone": "Europe/Minsk",
        "columns": {"queries": MAPPING},
        "dates": {"words": WORDS},
        "statuses": STATUSES,
        "deadlines": {"kind": "calendar", "answer_working_days": 15, "law": "BY"},
        "calendar": {"country": "BY"},
        "overdue_mark": {"overdue": ["Просрочено"], "not_overdue": []},
    }
    raw.update(extra)
    return parse_config(raw)


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "requests.csv"
    path.write_text("number,regdate,status,status_date\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def plain(marks: pd.Series) -> list[bool | None]:
    return [None if pd.isna(mark) else bool(mark) for mark in marks]


# --- a date after a word ----------------------------------------------------------------------


def test_a_date_after_a_listed_word_is_read_and_the_word_alone_is_no_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "1,03.10.2022 10:00,Заявка закрыта,Выполнено 11.10.2022",
            "2,03.10.2022 10:00,Новая заявка,Просрочено",
            "3,03.10.2022 10:00,Заявка закрыта,выполнено  12.10.2022",  # case, two spaces
            "4,03.10.2022 10:00,Заявка закрыта,Выполнено 32.10.2022",  # a mistyped date
            "5,03.10.2022 10:00,Заявка закрыта,Сделано 13.10.2022",  # no listed word
            "6,03.10.2022 10:00,Заявка закрыта,14.10.2022",  # a bare date still reads
        ],
    )
    data = pipeline.load_and_validate([path], config(), cache=False)
    answered = data.queries.set_index("query_id")["answered_at"].dt.strftime("%Y-%m-%d")
    assert answered.fillna("NaT").to_dict() == {
        "1": "2022-10-11",
        "2": "NaT",
        "3": "2022-10-12",
        "4": "NaT",
        "5": "NaT",
        "6": "2022-10-14",
    }
    warned = [(p.code, p.row, p.value) for p in data.report.problems]
    assert warned == [
        ("invalid_date", 5, "Выполнено 32.10.2022"),  # the cell as written
        ("invalid_date", 6, "Сделано 13.10.2022"),
        # closed, and so without a date in no deadline class but closed_undated
        ("closed_without_answer_date", 5, "answered"),
        ("closed_without_answer_date", 6, "answered"),
    ]


def test_without_the_rule_the_worded_cells_are_not_dates(tmp_path: Path) -> None:
    path = write(tmp_path, ["1,03.10.2022 10:00,Заявка закрыта,Выполнено 11.10.2022"])
    data = pipeline.load_and_validate([path], config(dates={}), cache=False)
    assert data.queries["answered_at"].isna().all()
    assert [p.code for p in data.report.problems] == ["invalid_date", "closed_without_answer_date"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"dates": {"words": {"topic": ["x"]}}}, "unknown key 'dates.words.topic'"),
        ({"dates": {"words": {"answered_at": [" "]}}}, "dates.words.answered_at: a word is empty"),
        ({"dates": {"words": {"answered_at": 5}}}, "must be a string or a list of strings"),
        ({"overdue_mark": {"late": ["x"]}}, "unknown key 'overdue_mark.late'"),
        (
            {"overdue_mark": {"overdue": ["Да"], "not_overdue": ["да"]}},
            "overdue_mark: 'да' is both overdue and not overdue",
        ),
        (
            {"columns": {"queries": {"received_at": "date", "answered_at": "Date"}}},
            "header 'Date' is listed under both columns.queries.received_at and "
            "columns.queries.answered_at",
        ),
    ],
)
def test_the_new_keys_are_checked(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_the_new_keys_reach_the_cache_key() -> None:
    from engagement_report.cache.key import cache_key

    def key(settings: Config) -> str:
        return cache_key("checked", config=settings, templates=(), inputs=())

    keys = {
        key(config()),
        key(config(dates={"words": {"answered_at": ["Выполнено"]}})),
        key(config(overdue_mark={"overdue": ["Да"]})),
    }
    assert len(keys) == 3


# --- the mark read ----------------------------------------------------------------------------


def test_the_mark_shares_the_answer_dates_header(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "1,03.10.2022 10:00,Заявка закрыта,Выполнено 11.10.2022",
            "2,03.10.2022 10:00,Новая заявка,Просрочено",
            "3,03.10.2022 10:00,Новая заявка,",
        ],
    )
    data = pipeline.load_and_validate([path], config(), cache=False)
    [account] = data.report.sources
    assert account.mapping["overdue_mark"] == account.mapping["answered_at"] == "status_date"
    assert plain(data.queries["overdue_mark"]) == [None, True, None]


def test_a_yes_no_column_is_read_with_the_default_words(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_text(
        "Дата поступления,Статус,Просрочено\n"
        "05.01.2021,отвечено,да\n05.01.2021,отвечено,Нет\n05.01.2021,в работе,\n"
        "05.01.2021,в работе,может быть\n",
        encoding="utf-8",
    )
    data = pipeline.load_and_validate([path], Config(), cache=False)
    assert plain(data.queries["overdue_mark"]) == [True, False, None, None]


def test_no_mark_column_is_all_unknown(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_text("Дата поступления,Статус\n05.01.2021,отвечено\n", encoding="utf-8")
    data = pipeline.load_and_validate([path], Config(), cache=False)
    assert data.queries["overdue_mark"].isna().all()
    assert isinstance(data.queries["overdue_mark"].dtype, pd.BooleanDtype)


# --- the mark against the computed classes ----------------------------------------------------


def mark_figures(tmp_path: Path, rows: list[str], as_of: date) -> dict[str, object]:
    path = write(tmp_path, rows)
    records = pipeline.summarize(
        [path], config(), "2022-10", date(2030, 1, 1), as_of=as_of, cache=False
    )
    totals = {r.metric: r.value for r in records if r.dimension == "total"}
    listed = [r.category for r in records if r.dimension == "query_id"]
    return {**totals, "listed": listed}


def test_disagreements_both_ways_are_counted_and_listed_by_id(tmp_path: Path) -> None:
    # Registered 3 October: due 18 October (15 calendar days). The export's latest date
    # is 25 October (request 5's answer), so the marks are compared as of 25 October.
    rows = [
        "1,03.10.2022 10:00,Новая заявка,Просрочено",  # open, overdue on 25 Oct: agrees
        "2,20.10.2022 10:00,Новая заявка,Просрочено",  # due 4 Nov: marked, not due
        "3,03.10.2022 10:00,Заявка закрыта,Выполнено 10.10.2022",  # no mark: not compared
        "4,03.10.2022 10:00,Новая заявка,Нет",  # not overdue by the system, overdue by law
        "5,03.10.2022 10:00,Заявка закрыта,Выполнено 25.10.2022",  # late, no mark
    ]
    path = write(tmp_path, rows)
    cfg = config(overdue_mark={"overdue": ["Просрочено"], "not_overdue": ["Нет"]})
    records = pipeline.summarize(
        [path], cfg, "2022-10", date(2030, 1, 1), as_of=date(2022, 10, 31), cache=False
    )
    totals = {r.metric: r.value for r in records if r.dimension == "total"}
    listed = [(r.metric, r.category, r.value) for r in records if r.dimension == "query_id"]
    assert totals["overdue_marked"] == 2
    assert totals["overdue_mark_disagreements"] == 2
    assert listed == [
        ("overdue_mark_disagreements", "2", 1),
        ("overdue_mark_disagreements", "4", 1),
    ]


def test_the_comparison_is_made_as_of_the_exports_date_not_the_cut_off(tmp_path: Path) -> None:
    # Request 1 is marked overdue; due 18 October. A report of October as of 10 October
    # would call it "not yet due", but the export (its latest date: 25 October) says
    # overdue as of then, and so does the term: no disagreement.
    rows = [
        "1,03.10.2022 10:00,Новая заявка,Просрочено",
        "2,04.10.2022 10:00,Заявка закрыта,Выполнено 25.10.2022",
    ]
    figures = mark_figures(tmp_path, rows, date(2022, 10, 10))
    assert (figures["overdue_marked"], figures["overdue_mark_disagreements"]) == (1, 0)
    assert figures["listed"] == []


def test_without_any_mark_there_are_no_mark_figures(tmp_path: Path) -> None:
    rows = ["1,03.10.2022 10:00,Заявка закрыта,Выполнено 10.10.2022"]
    figures = mark_figures(tmp_path, rows, date(2022, 10, 31))
    assert "overdue_marked" not in figures
    assert "overdue_mark_disagreements" not in figures
