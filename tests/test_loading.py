"""Reading spreadsheets as offices export them: sheet recognition, header search, CSV dialects.

Every workbook is built here with openpyxl; row numbers in the assertions are the ones
Excel shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from workbooks import Rows, write_xlsx

from engagement_report import pipeline
from engagement_report.config import Config
from engagement_report.errors import InputError
from engagement_report.loading import discover_inputs, read_file
from engagement_report.loading.headers import find_header_row
from engagement_report.models import CleanData, SourceAccount
from engagement_report.schema import header_key
from engagement_report.spellings import dataset_for_name
from engagement_report.validation.report import report_as_text


def load(*paths: Path, config: Config | None = None) -> CleanData:
    return pipeline.load_and_validate(list(paths), config or Config())


def source(data: CleanData, sheet: str | None = None, dataset: str | None = None) -> SourceAccount:
    found = [
        s
        for s in data.report.sources
        if (sheet is None or s.sheet == sheet) and (dataset is None or s.dataset == dataset)
    ]
    assert len(found) == 1, data.report.sources
    return found[0]


def accounting(s: SourceAccount) -> tuple[int, int, int, int, int, int]:
    return (s.rows_read, s.used, s.duplicate, s.blank, s.total_rows, s.rejected)


QUERY_HEADER = ["№", "Дата поступления", "Дата ответа", "Статус", "Тема", "Район"]


# --- a whole office workbook ---------------------------------------------------------------


@pytest.fixture
def office_workbook(tmp_path: Path) -> Path:
    queries: Rows = [
        ["Отчёт по обращениям граждан"],  # row 1, merged A1:F1
        ["Период: январь 2021 года"],  # row 2
        [],  # row 3
        QUERY_HEADER,  # row 4
        [1, dt.datetime(2021, 1, 5, 10, 0), dt.date(2021, 1, 6), "Отвечено", "Дороги", 7],
        [2, "06.01.2021", None, "В работе", "Отопление", "Алмалинский"],
        [],  # row 7
        [3, "07.01.2021 09:15", "08.01.2021", "Отказано", "Дороги", 7],
        ["Итого:", 3],  # row 9
    ]
    broadcasts: Rows = [
        ["Дата", "Программа", "Количество вопросов", "Телесюжеты"],
        [dt.date(2021, 1, 5), "Акимат отвечает", 12, 2],
        ["12.01.2021", "Акимат отвечает", "1 234", 1],
        ["Всего", None, 1246, 3],
    ]
    press: Rows = [
        ["Дата", "Мероприятие", "Тема", "Количество спикеров", "Вопросы журналистов", "Публикации"],
        ["15.01.2021", "Брифинг", "Снег", 3, "7", "12"],
    ]
    instructions: Rows = [
        ["Как заполнять"],
        ["1. Дата — в формате ДД.ММ.ГГГГ"],
        ["2. Статус — из списка"],
    ]
    return write_xlsx(
        tmp_path / "отчёт.xlsx",
        {
            "Обращения": queries,
            "Эфиры": broadcasts,
            "Пресс-мероприятия": press,
            "Инструкция": instructions,
        },
        merge={"Обращения": "A1:F1"},
    )


def test_office_workbook_sheets_read_by_name(office_workbook: Path) -> None:
    data = load(office_workbook)
    by_sheet = {s.sheet: (s.dataset, s.recognised_by) for s in data.report.sources}
    assert by_sheet == {
        "Обращения": ("queries", "name"),
        "Эфиры": ("broadcasts", "name"),
        "Пресс-мероприятия": ("press_events", "name"),
    }
    assert [(k.file.name, k.sheet) for k in data.report.skipped] == [("отчёт.xlsx", "Инструкция")]
    assert "does not clearly match" in data.report.skipped[0].reason
    assert "отчёт.xlsx [Инструкция]: skipped" in report_as_text(data.report)


def test_header_below_merged_title_and_blank_row(office_workbook: Path) -> None:
    data = load(office_workbook)
    queries = source(data, "Обращения")
    assert queries.header_row == 4
    # rows 5..9 read: 5, 6, 8 used; 7 blank; 9 is the total row
    assert accounting(queries) == (5, 3, 0, 1, 1, 0)
    assert data.queries["_row"].tolist() == [5, 6, 8]
    assert data.queries["query_id"].tolist() == ["1", "2", "3"]
    assert data.queries["received_at"].tolist() == [
        pd.Timestamp("2021-01-05 10:00"),
        pd.Timestamp("2021-01-06"),
        pd.Timestamp("2021-01-07 09:15"),
    ]
    assert data.queries["status"].tolist() == ["answered", "in_progress", "rejected"]
    assert data.queries["district"].tolist() == ["7", "Алмалинский", "7"]
    assert queries.mapping == {
        "query_id": "№",
        "received_at": "Дата поступления",
        "answered_at": "Дата ответа",
        "status": "Статус",
        "topic": "Тема",
        "district": "Район",
    }


def test_office_workbook_broadcasts_and_press(office_workbook: Path) -> None:
    data = load(office_workbook)
    assert accounting(source(data, "Эфиры")) == (3, 2, 0, 0, 1, 0)
    assert data.broadcasts["questions_answered"].tolist() == [12, 1234]
    assert data.broadcasts["tv_segments"].tolist() == [2, 1]
    assert data.broadcasts["_row"].tolist() == [2, 3]
    assert accounting(source(data, "Пресс-мероприятия")) == (1, 1, 0, 0, 0, 0)
    press = data.press_events.iloc[0]
    assert (press["speakers"], press["journalist_questions"], press["publications"]) == (3, 7, 12)
    assert press["title"] == "Брифинг"
    assert press["date"] == pd.Timestamp("2021-01-15")


# --- dataset names in three languages --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "dataset"),
    [
        ("queries", "queries"),
        ("Queries", "queries"),
        ("Обращения", "queries"),
        ("  ОБРАЩЕНИЯ ", "queries"),
        ("Өтініштер", "queries"),
        ("broadcasts", "broadcasts"),
        ("Эфиры", "broadcasts"),
        ("Прямые  эфиры", "broadcasts"),
        ("Эфирлер", "broadcasts"),
        ("press_events", "press_events"),
        ("Press Events", "press_events"),
        ("Пресс-мероприятия", "press_events"),
        ("Баспасөз іс-шаралары", "press_events"),
        ("обращения 2021", "queries"),
        ("Лист1", None),
        ("Инструкция", None),
        ("Обращения граждан по районам", "queries"),
    ],
)
def test_dataset_for_name(name: str, dataset: str | None) -> None:
    assert dataset_for_name(name) == dataset


@pytest.mark.parametrize(
    ("sheet", "dataset"),
    [
        (" ОБРАЩЕНИЯ ", "queries"),
        ("Өтініштер", "queries"),
        ("Прямые эфиры", "broadcasts"),
        ("эфирлер", "broadcasts"),
        ("Press Events", "press_events"),
        ("баспасөз іс-шаралары", "press_events"),
    ],
)
def test_sheet_recognised_by_name(tmp_path: Path, sheet: str, dataset: str) -> None:
    headers = {
        "queries": ["received_at", "status"],
        "broadcasts": ["date", "questions_answered"],
        "press_events": ["date", "speakers", "journalist_questions", "publications"],
    }[dataset]
    row = (
        ["05.01.2021", "closed"]
        if dataset == "queries"
        else ["05.01.2021", 1, 2, 3][: len(headers)]
    )
    path = write_xlsx(tmp_path / "book.xlsx", {sheet: [headers, row]})
    data = load(path)
    account = source(data)
    assert (account.sheet, account.dataset, account.recognised_by) == (sheet, dataset, "name")
    assert account.used == 1


@pytest.mark.parametrize(
    ("file_name", "dataset"),
    [
        ("Обращения.csv", "queries"),
        ("эфиры 2021.csv", "broadcasts"),
        ("press-events.csv", "press_events"),
    ],
)
def test_csv_recognised_by_file_name(tmp_path: Path, file_name: str, dataset: str) -> None:
    # The header alone is ambiguous ("date" only), so the file name decides.
    text = {
        "queries": "date received,status\n05.01.2021,open\n",
        "broadcasts": "date,questions\n05.01.2021,4\n",
        "press_events": "date,speakers,questions from journalists,materials\n05.01.2021,1,2,3\n",
    }[dataset]
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    account = source(load(path))
    assert (account.dataset, account.recognised_by, account.used) == (dataset, "name", 1)


def test_kazakh_headers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "kk.xlsx",
        {
            "Өтініштер": [
                [
                    "Өтініш нөмірі",
                    "Түскен күні",
                    "Жауап берілген күні",
                    "Мәртебесі",
                    "Тақырып",
                    "Арна",
                    "Аудан",
                ],
                ["Ө-1", "05.01.2021", "07.01.2021", "Жауап берілді", "Жол", "Instagram", "Медеу"],
                ["Ө-2", "06.01.2021", None, "Қаралуда", "Жылу", "109", "Алатау"],
                ["Ө-3", "06.01.2021", "06.01.2021", "Қабылданбады", "Жол", "109", "Медеу"],
                ["Барлығы", 3],
                ["Жиыны:", 3],
            ],
            "Эфирлер": [
                ["Күні", "Бағдарлама", "Сұрақтар саны", "Сюжеттер"],
                ["05.01.2021", "Әкім жауап береді", 9, 1],
            ],
            "Баспасөз іс-шаралары": [
                [
                    "Күні",
                    "Іс-шара",
                    "Тақырып",
                    "Спикерлер саны",
                    "Журналистердің сұрақтары",
                    "Жарияланымдар",
                ],
                ["08.01.2021", "Брифинг", "Қар", 2, 5, 11],
            ],
        },
    )
    data = load(path)
    queries = source(data, "Өтініштер")
    assert set(queries.mapping) == {
        "query_id",
        "received_at",
        "answered_at",
        "status",
        "topic",
        "channel",
        "district",
    }
    assert accounting(queries) == (5, 3, 0, 0, 2, 0)
    assert data.queries["status"].tolist() == ["answered", "in_progress", "rejected"]
    assert data.queries["channel"].tolist() == ["Instagram", "109", "109"]
    assert source(data, "Эфирлер").mapping == {
        "date": "Күні",
        "program": "Бағдарлама",
        "questions_answered": "Сұрақтар саны",
        "tv_segments": "Сюжеттер",
    }
    assert data.broadcasts["questions_answered"].tolist() == [9]
    assert data.press_events[["speakers", "journalist_questions", "publications"]].iloc[
        0
    ].tolist() == [2, 5, 11]


# --- sheets recognised by their header, or skipped ------------------------------------------


def test_unrelated_sheet_name_recognised_by_header(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Лист1": [
                ["Сводка за неделю"],
                [],
                ["Дата эфира", "Передача", "Спикер", "Отвечено вопросов"],
                ["05.01.2021", "Утро", "Аким", 8],
                ["06.01.2021", "Утро", "Заместитель", 5],
            ]
        },
    )
    data = load(path)
    account = source(data, "Лист1")
    assert (account.dataset, account.recognised_by, account.header_row) == (
        "broadcasts",
        "header",
        3,
    )
    assert data.broadcasts["_row"].tolist() == [4, 5]
    assert data.broadcasts["questions_answered"].sum() == 13


def test_ambiguous_sheets_are_skipped(tmp_path: Path) -> None:
    both = [
        "Дата",
        "Тема",
        "Программа",
        "Спикер",
        "Количество вопросов",
        "Сюжеты",
        "Мероприятие",
        "Количество спикеров",
        "Вопросы журналистов",
        "Публикации",
    ]
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            # names broadcasts and press events equally well (six columns each)
            "Лист1": [both, ["05.01.2021", "Снег", "Утро", "Аким", 3, 1, "Брифинг", 2, 4, 6]],
            # a date and a topic: no dataset's required columns
            "Лист2": [["Дата", "Тема"], ["05.01.2021", "Снег"]],
            "Эфиры": [["Дата", "Вопросов"], ["05.01.2021", 3]],
        },
    )
    data = load(path)
    assert [s.sheet for s in data.report.sources] == ["Эфиры"]
    assert [k.sheet for k in data.report.skipped] == ["Лист1", "Лист2"]
    for skipped in data.report.skipped:
        assert "does not clearly match one (queries, broadcasts, press_events)" in skipped.reason


def test_find_header_row_prefers_unambiguous_dataset() -> None:
    rows: list[list[object]] = [
        ["Справка"],
        [None, None],
        ["Номер", "Дата регистрации", "Состояние", "Категория"],
    ]
    found = find_header_row(rows, Config())
    assert found is not None
    index, match = found
    assert (index, match.dataset) == (2, "queries")
    assert match.mapping == {"query_id": 0, "received_at": 1, "status": 2, "topic": 3}
    assert find_header_row([["Дата", "Тема"]], Config()) is None


def test_header_searched_in_the_first_30_rows(tmp_path: Path) -> None:
    notes: Rows = [[f"примечание {n}"] for n in range(1, 30)]  # rows 1..29
    ok = write_xlsx(
        tmp_path / "ok.xlsx",
        {"Эфиры": [*notes, ["Дата", "Вопросов"], ["05.01.2021", 4]]},  # header on row 30
    )
    data = load(ok)
    assert source(data).header_row == 30
    assert data.broadcasts["_row"].tolist() == [31]

    late = write_xlsx(
        tmp_path / "late.xlsx",
        {"Эфиры": [*notes, ["ещё примечание"], ["Дата", "Вопросов"], ["05.01.2021", 4]]},
    )
    with pytest.raises(InputError, match=r"not found in the first 30 rows"):
        load(late)


def test_empty_named_sheet_in_a_workbook_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {"Эфиры": [["Дата", "Вопросов"], ["05.01.2021", 4]], "Обращения": []},
    )
    data = load(path)
    assert [s.sheet for s in data.report.sources] == ["Эфиры"]
    assert [(k.sheet, k.reason) for k in data.report.skipped] == [("Обращения", "empty sheet")]


# --- header spelling ----------------------------------------------------------------------


def test_headers_match_ignoring_case_spaces_and_yo(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_text(
        "  НОМЕР ОБРАЩЕНИЯ ;дата   поступления;Дата\u00a0ответа;сТаТуС;Срок продлён до\n"
        "А-1;05.01.2021;06.01.2021;отвечено;20.01.2021\n",
        encoding="utf-8",
    )
    data = load(path)
    assert source(data).mapping == {
        "query_id": "НОМЕР ОБРАЩЕНИЯ",
        "received_at": "дата   поступления",
        "answered_at": "Дата\u00a0ответа",
        "status": "сТаТуС",
        "extended_until": "Срок продлён до",
    }
    assert data.queries["extended_until"].tolist() == [pd.Timestamp("2021-01-20")]


def test_header_key_folding() -> None:
    assert header_key("  Дата  Ответа ") == "дата ответа"
    assert header_key("Срок продлён до") == header_key("СРОК ПРОДЛЕН ДО")
    assert header_key("received_at") == "received at"


def test_unmatched_headers_are_listed_as_ignored(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_text(
        "received_at,status,Примечание,status\n05.01.2021,open,Иванов,closed\n", encoding="utf-8"
    )
    data = load(path)
    account = source(data)
    assert account.ignored_columns == ("Примечание", "status")
    assert data.queries["status"].tolist() == ["in_progress"]  # the first status column wins


# --- blank and total rows -----------------------------------------------------------------


@pytest.mark.parametrize(
    "total",
    [
        "Итого",
        "ИТОГО:",
        "Всего",
        "всего:",
        "Барлығы",
        "БАРЛЫҒЫ:",
        "Жиыны",
        "Total",
        "TOTAL:",
        " Итого : ",
    ],
)
def test_total_row_words(tmp_path: Path, total: str) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Эфиры": [
                ["Программа", "Дата", "Вопросов"],
                ["Утро", "05.01.2021", 4],
                [None, total, 4],  # the first filled cell is in column B
            ]
        },
    )
    data = load(path)
    assert accounting(source(data)) == (2, 1, 0, 0, 1, 0)
    assert data.broadcasts["questions_answered"].tolist() == [4]


def test_total_word_inside_text_is_not_a_total_row(tmp_path: Path) -> None:
    path = tmp_path / "эфиры.csv"
    path.write_text(
        "Программа,Дата,Вопросов\nИтого за неделю,05.01.2021,4\nTotal,06.01.2021,5\n",
        encoding="utf-8",
    )
    data = load(path)
    assert accounting(source(data)) == (2, 1, 0, 0, 1, 0)
    assert data.broadcasts["program"].tolist() == ["Итого за неделю"]


def test_blank_rows_counted_in_csv_and_xlsx(tmp_path: Path) -> None:
    csv_path = tmp_path / "эфиры.csv"
    csv_path.write_text(
        "Дата,Вопросов\n05.01.2021,4\n\n,\n \t, \n06.01.2021,5\n\u00a0,\n", encoding="utf-8"
    )
    data = load(csv_path)
    # rows 3 (empty line), 4 (delimiters only), 5 (whitespace), 7 (no-break space) are blank
    assert accounting(source(data)) == (6, 2, 0, 4, 0, 0)
    assert data.broadcasts["_row"].tolist() == [2, 6]

    xlsx_path = write_xlsx(
        tmp_path / "book.xlsx",
        {"Эфиры": [["Дата", "Вопросов"], ["05.01.2021", 4], [], ["  ", None], ["06.01.2021", 5]]},
    )
    data = load(xlsx_path)
    assert accounting(source(data)) == (4, 2, 0, 2, 0, 0)
    assert data.broadcasts["_row"].tolist() == [2, 5]


# --- CSV dialects -------------------------------------------------------------------------


def test_csv_windows_1251_semicolons_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "эфиры.csv"
    text = (
        "Отчёт по прямым эфирам, январь 2021\n"
        "\n"
        "Дата;Программа;Количество вопросов;Телесюжеты\n"  # row 3
        "05.01.2021;Акимат, утро;12;2,0\n"
        "06.01.2021;Ёлка в городе;1 234,0;1\n"
        "07.01.2021;Акимат, утро;2,5;1\n"  # row 6: a fractional count is rejected
        ";;;\n"
        "Итого;;1 248,5;4\n"
    )
    path.write_bytes(text.encode("cp1251"))
    data = load(path)
    account = source(data)
    assert account.header_row == 3
    assert accounting(account) == (5, 2, 0, 1, 1, 1)
    assert data.broadcasts["program"].tolist() == ["Акимат, утро", "Ёлка в городе"]
    assert data.broadcasts["questions_answered"].tolist() == [12, 1234]
    assert data.broadcasts["tv_segments"].tolist() == [2, 1]
    [problem] = data.report.problems
    assert (problem.code, problem.row, problem.value) == ("fractional_count", 6, "2,5")


@pytest.mark.parametrize("bom", [True, False])
def test_csv_utf8_with_and_without_bom(tmp_path: Path, bom: bool) -> None:
    path = tmp_path / "обращения.csv"
    text = "№,Дата поступления,Статус,Тема\r\nА-1,05.01.2021,Отвечено,Жильё\r\nА-2,06.01.2021,в работе,Дороги\r\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    data = load(path)
    account = source(data)
    # the BOM does not stick to the first header
    assert account.mapping["query_id"] == "№"
    assert accounting(account) == (2, 2, 0, 0, 0, 0)
    assert data.queries["query_id"].tolist() == ["А-1", "А-2"]
    assert data.queries["topic"].tolist() == ["Жильё", "Дороги"]


@pytest.mark.parametrize("suffix", [".tsv", ".txt", ".csv"])
def test_tab_delimited(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"эфиры{suffix}"
    path.write_text(
        "Дата\tПрограмма\tКоличество вопросов\n"
        "05.01.2021\tУтро, день; вечер\t1\u00a0234\n"
        "06.01.2021\tВечер\t5\n",
        encoding="utf-8",
    )
    data = load(path)
    assert accounting(source(data)) == (2, 2, 0, 0, 0, 0)
    assert data.broadcasts["program"].tolist() == ["Утро, день; вечер", "Вечер"]
    assert data.broadcasts["questions_answered"].tolist() == [1234, 5]


def test_csv_quoted_fields_with_line_breaks_keep_row_numbers_of_records(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_text(
        'received_at,status,topic\n05.01.2021,open,"two\nlines"\n06.01.2021,open,roads\n',
        encoding="utf-8",
    )
    data = load(path)
    assert data.queries["topic"].tolist() == ["two lines", "roads"]
    assert data.queries["_row"].tolist() == [2, 3]


# --- finding the input files --------------------------------------------------------------


def test_discover_inputs_skips_lock_hidden_and_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ["b.csv", "a.xlsx", "~$a.xlsx", ".hidden.csv", "notes.pdf", "c.TSV"]:
        (folder / name).write_text("x", encoding="utf-8")
    assert [p.name for p in discover_inputs([folder])] == ["a.xlsx", "b.csv", "c.TSV"]
    assert [p.name for p in discover_inputs([str(folder / "*.csv")])] == ["b.csv"]
    # the same file named twice is read once
    assert len(discover_inputs([folder / "b.csv", folder / "b.csv"])) == 1
    with pytest.raises(InputError, match="no file matches this pattern"):
        discover_inputs([str(folder / "*.ods")])
    with pytest.raises(InputError, match="no such file or folder"):
        discover_inputs([tmp_path / "missing.csv"])


def test_read_file_reports_skipped_sheets_without_raising(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "notes.xlsx", {"Заметки": [["просто текст"]]})
    tables, skipped = read_file(path, Config())
    assert tables == []
    assert [(s.file, s.sheet) for s in skipped] == [(path, "Заметки")]
