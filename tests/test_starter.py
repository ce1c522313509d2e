"""The start kit: the config and empty workbooks `init` writes are read back by the loader.

Each workbook is checked as a person would use it: the empty kit validates clean, then
rows typed in with values from the dropdown lists give exact figures.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from engagement_report import pipeline
from engagement_report.config import DEFAULT_CONFIG_NAME, Config, load_config
from engagement_report.errors import UsageError
from engagement_report.models import ValidationReport
from engagement_report.schema import DATASETS, STATUS_CLASSES, header_key
from engagement_report.spellings import dataset_for_name
from engagement_report.starter import LAST_ROW, write_start_kit
from engagement_report.starter.workbook import kit_columns
from engagement_report.validation.rows import status_lookup

LANGS = ("en", "ru", "kk")
SHEETS = {
    "en": {
        "queries": "queries",
        "broadcasts": "broadcasts",
        "press_events": "press_events",
        "press_questions": "press_questions",
    },
    "ru": {
        "queries": "Обращения",
        "broadcasts": "Эфиры",
        "press_events": "Пресс-мероприятия",
        "press_questions": "Вопросы журналистов",
    },
    "kk": {
        "queries": "Өтініштер",
        "broadcasts": "Эфирлер",
        "press_events": "Баспасөз іс-шаралары",
        "press_questions": "Журналистердің сұрақтары",
    },
}
INSTRUCTIONS = {"en": "Instructions", "ru": "Инструкция", "kk": "Нұсқаулық"}
DISTRICTS = {
    "en": ["Alatau", "Almaly", "Auezov", "Bostandyk", "Medeu", "Nauryzbay", "Turksib", "Zhetysu"],
    "ru": [
        "Алатауский",
        "Алмалинский",
        "Ауэзовский",
        "Бостандыкский",
        "Медеуский",
        "Наурызбайский",
        "Турксибский",
        "Жетысуский",
    ],
    "kk": ["Алатау", "Алмалы", "Әуезов", "Бостандық", "Медеу", "Наурызбай", "Түрксіб", "Жетісу"],
}
DATETIME_COLUMNS = {"received_at", "answered_at"}
TODAY = dt.date(2021, 3, 1)


def kit(folder: Path, lang: str, config: Config | None = None) -> tuple[Path, Config]:
    write_start_kit(folder, lang, config)
    return folder / "data", load_config(folder / DEFAULT_CONFIG_NAME)


def workbook(folder: Path, dataset: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(folder / "data" / f"{dataset}.xlsx")


def headers_of(sheet: Any) -> list[str]:
    return [cell.value for cell in sheet[1]]


def validations(sheet: Any) -> dict[str, Any]:
    """Column letter → its one data validation (each covers one column)."""
    found: dict[str, Any] = {}
    for dv in sheet.data_validations.dataValidation:
        ranges = str(dv.sqref).split()
        assert len(ranges) == 1, ranges
        letter = re.match(r"([A-Z]+)2:\1(\d+)$", ranges[0])
        assert letter and int(letter.group(2)) == LAST_ROW, ranges[0]
        assert letter.group(1) not in found
        found[letter.group(1)] = dv
    return found


def list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a list validation's range formula points at."""
    match = re.fullmatch(r"'?(\w+)'?!\$([A-Z]+)\$(\d+):\$\2\$(\d+)", formula)
    assert match, formula
    sheet = book[match.group(1)]
    column, first, last = match.group(2), int(match.group(3)), int(match.group(4))
    values = [sheet[f"{column}{row}"].value for row in range(first, last + 1)]
    assert sheet[f"{column}{last + 1}"].value is None  # the range covers the whole list
    return values


def dropdowns(folder: Path, dataset: str, lang: str) -> dict[str, list[str]]:
    """Canonical column → the values of its dropdown list."""
    book = workbook(folder, dataset)
    sheet = book[SHEETS[lang][dataset]]
    letters = {
        openpyxl.utils.get_column_letter(i): c.name for i, c in enumerate(kit_columns(dataset), 1)
    }
    return {
        letters[letter]: list_values(book, dv.formula1)
        for letter, dv in validations(sheet).items()
        if dv.type == "list"
    }


# --- the empty kit ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_empty_kit_is_read_as_empty_datasets(tmp_path: Path, lang: str) -> None:
    data, config = kit(tmp_path, lang)
    assert config.lang == lang
    assert config.inputs == ("data/*.xlsx",)
    assert config.output == "reports"

    report = pipeline.check_inputs([data], config)

    assert report.rejected == 0 and report.warnings == 0 and not report.problems
    assert sorted(s.dataset for s in report.sources) == sorted(DATASETS)
    for source in report.sources:
        dataset = source.dataset
        assert Path(source.file).name == f"{dataset}.xlsx"
        assert source.sheet == SHEETS[lang][dataset]
        assert source.recognised_by == "name" and source.header_row == 1
        assert (source.rows_read, source.used, source.rejected) == (0, 0, 0)
        assert source.ignored_columns == ()
        # every canonical column mapped, each from its own header in the sheet
        headers = headers_of(workbook(tmp_path, dataset)[source.sheet])
        assert source.mapping == {
            c.name: h for c, h in zip(kit_columns(dataset), headers, strict=True)
        }
    assert_extra_sheets_skipped(report, lang)


def assert_extra_sheets_skipped(report: ValidationReport, lang: str) -> None:
    skipped = sorted((s.file.name, s.sheet) for s in report.skipped)
    assert skipped == sorted(
        (f"{d}.xlsx", sheet) for d in DATASETS for sheet in (INSTRUCTIONS[lang], "lists")
    )
    for item in report.skipped:
        assert "not named after a dataset" in item.reason


@pytest.mark.parametrize("lang", LANGS)
def test_headers_are_aliases_of_their_columns(tmp_path: Path, lang: str) -> None:
    write_start_kit(tmp_path, lang)
    for dataset in DATASETS:
        book = workbook(tmp_path, dataset)
        assert book.sheetnames == [SHEETS[lang][dataset], INSTRUCTIONS[lang], "lists"]
        assert dataset_for_name(book.sheetnames[0]) == dataset
        assert dataset_for_name(book.sheetnames[1]) is None
        assert dataset_for_name(book.sheetnames[2]) is None
        headers = headers_of(book[SHEETS[lang][dataset]])
        assert len(headers) == len(kit_columns(dataset))
        for column, header in zip(kit_columns(dataset), headers, strict=True):
            accepted = {header_key(a) for a in (column.name, *column.aliases)}
            assert header_key(header) in accepted, (dataset, column.name, header)
            if lang != "en":  # a Russian or Kazakh alias, not the English name
                assert re.search("[а-яәғқңөұүһі]", header.casefold()), header


@pytest.mark.parametrize("lang", LANGS)
def test_sheet_layout_and_validations(tmp_path: Path, lang: str) -> None:
    write_start_kit(tmp_path, lang)
    for dataset in DATASETS:
        book = workbook(tmp_path, dataset)
        sheet = book[SHEETS[lang][dataset]]
        assert sheet.freeze_panes == "A2"
        assert book["lists"].sheet_state == "hidden"
        assert sheet.sheet_state == "visible" and book.active.title == sheet.title
        assert book.properties.created == book.properties.modified == dt.datetime(2024, 1, 1)
        found = validations(sheet)
        for position, column in enumerate(kit_columns(dataset), start=1):
            letter = openpyxl.utils.get_column_letter(position)
            header = sheet.cell(1, position)
            assert header.font.bold and header.alignment.wrap_text
            assert header.fill.fill_type == "solid" and header.border.bottom.style == "thin"
            dimension = sheet.column_dimensions[letter]
            assert dimension.width >= 12
            dv = found.get(letter)
            if column.kind == "date":
                assert dv is not None and dv.type == "date" and dv.operator == "between"
                expected = "DD.MM.YYYY HH:MM" if column.name in DATETIME_COLUMNS else "DD.MM.YYYY"
                assert dimension.number_format == expected
            elif column.kind == "count":
                assert dv is not None and dv.type == "whole"
                assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
            elif column.name in ("status", "topic", "channel", "district"):
                assert dv is not None and dv.type == "list"
                assert dv.errorStyle == ("stop" if column.name == "status" else "warning")
            else:
                assert dv is None, column.name
            if dv is not None:
                assert dv.allow_blank and dv.showErrorMessage and dv.error
        # required columns stand out
        fills = {
            c.required: sheet.cell(1, i).fill.fgColor.rgb
            for i, c in enumerate(kit_columns(dataset), 1)
        }
        assert fills[True] != fills[False]


@pytest.mark.parametrize("lang", LANGS)
def test_dropdowns_offer_the_language_s_values(tmp_path: Path, lang: str) -> None:
    _, config = kit(tmp_path, lang)
    lists = dropdowns(tmp_path, "queries", lang)
    assert set(lists) == {"status", "topic", "channel", "district"}
    assert lists["district"] == DISTRICTS[lang]
    assert len(lists["topic"]) >= 10 and len(lists["channel"]) >= 5
    # longer than an inline list may be: the reason for the lists sheet
    assert len(",".join(lists["topic"])) > 255
    # one status per class, recognised under the kit's config
    lookup = status_lookup(config)
    assert [lookup[header_key(s)] for s in lists["status"]] == list(STATUS_CLASSES)
    for dataset in ("broadcasts", "press_events", "press_questions"):
        assert dropdowns(tmp_path, dataset, lang) == {"topic": lists["topic"]}


def test_built_in_status_spellings_cover_en_and_ru(tmp_path: Path) -> None:
    """Without the kit's config, en and ru statuses are still known (kk needs [statuses])."""
    lookup = status_lookup(Config())
    for lang in ("en", "ru"):
        write_start_kit(tmp_path / lang, lang)
        statuses = dropdowns(tmp_path / lang, "queries", lang)["status"]
        assert [lookup.get(header_key(s)) for s in statuses] == list(STATUS_CLASSES)


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_explain_every_column(tmp_path: Path, lang: str) -> None:
    write_start_kit(tmp_path, lang)
    for dataset in DATASETS:
        book = workbook(tmp_path, dataset)
        headers = headers_of(book[SHEETS[lang][dataset]])
        rows = [
            [c for c in row if c is not None]
            for row in book[INSTRUCTIONS[lang]].iter_rows(values_only=True)
        ]
        by_header = {row[0]: row for row in rows if row and row[0] in headers}
        assert set(by_header) == set(headers)
        yes, no = {"en": ("yes", "no"), "ru": ("да", "нет"), "kk": ("иә", "жоқ")}[lang]
        for column, header in zip(kit_columns(dataset), headers, strict=True):
            row = by_header[header]
            assert len(row) == 4 and all(str(v).strip() for v in row)
            assert row[1] == (yes if column.required else no)
            if lang == "en":
                assert row[2] == column.meaning
            else:  # translated: no English meaning left
                assert row[2] != column.meaning
                assert re.search("[а-яәғқңөұүһі]", row[2])


# --- filled in -------------------------------------------------------------------------


def fill(folder: Path, dataset: str, lang: str, rows: list[dict[str, object]]) -> None:
    """Type rows into the data sheet as Excel would store them (dates in the column format)."""
    path = folder / "data" / f"{dataset}.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[SHEETS[lang][dataset]]
    position = {c.name: i for i, c in enumerate(kit_columns(dataset), start=1)}
    for r, row in enumerate(rows, start=2):
        for name, value in row.items():
            cell = sheet.cell(r, position[name], value)
            letter = openpyxl.utils.get_column_letter(position[name])
            if isinstance(value, dt.date):
                cell.number_format = sheet.column_dimensions[letter].number_format
    book.save(path)


@pytest.mark.parametrize("lang", LANGS)
def test_filled_kit_gives_exact_figures(tmp_path: Path, lang: str) -> None:
    data, config = kit(tmp_path / "kit", lang)
    lists = dropdowns(tmp_path / "kit", "queries", lang)
    answered, in_progress, rejected, redirected = lists["status"]
    topic, district, channel = lists["topic"][0], lists["district"][2], lists["channel"][1]
    day = dt.datetime
    query_rows: list[dict[str, object]] = [
        {
            "query_id": "Q-1",
            "received_at": day(2021, 1, 11, 9, 0),
            "answered_at": day(2021, 1, 13, 9, 0),
            "status": answered,
            "topic": topic,
            "channel": channel,
            "district": district,
        },
        {
            "query_id": "Q-2",
            "received_at": day(2021, 1, 12, 10, 0),
            "answered_at": day(2021, 1, 15, 22, 0),
            "status": answered,
            "topic": topic,
            "channel": channel,
            "district": lists["district"][0],
        },
        {
            "query_id": "Q-3",
            "received_at": day(2021, 1, 14, 16, 30),
            "status": in_progress,
            "topic": lists["topic"][1],
            "deadline": day(2021, 2, 4),
        },
        {"query_id": "Q-4", "received_at": day(2021, 1, 20), "status": rejected},
        {
            "query_id": "Q-5",
            "received_at": day(2021, 1, 25, 11, 0),
            "answered_at": day(2021, 1, 26, 11, 0),
            "status": redirected,
            "extended_until": day(2021, 2, 26),
        },
    ]
    fill(tmp_path / "kit", "queries", lang, query_rows)
    fill(
        tmp_path / "kit",
        "broadcasts",
        lang,
        [
            {
                "date": day(2021, 1, 15),
                "program": "Open dialogue",
                "speaker": "A",
                "topic": topic,
                "questions_answered": 10,
                "tv_segments": 3,
            },
            {
                "date": day(2021, 1, 29),
                "program": "Open dialogue",
                "questions_answered": 15,
                "tv_segments": 4,
            },
        ],
    )
    fill(
        tmp_path / "kit",
        "press_events",
        lang,
        [
            {
                "date": day(2021, 1, 18),
                "title": "Briefing",
                "topic": topic,
                "speakers": 2,
                "journalist_questions": 7,
                "publications": 20,
            },
            {
                "date": day(2021, 1, 27),
                "speakers": 3,
                "journalist_questions": 8,
                "publications": 30,
            },
        ],
    )

    # an interview only the question log records: two questions, one speaker
    fill(
        tmp_path / "kit",
        "press_questions",
        lang,
        [
            {"date": day(2021, 1, 20), "event": "Interview", "outlet": "A", "speaker": "S"},
            {"date": day(2021, 1, 20), "event": "Interview", "outlet": "B", "speaker": "S"},
        ],
    )

    report = pipeline.check_inputs([data], config)
    assert report.rejected == 0
    # only the categories deliberately left empty are warned about, and Q-4, rejected
    # without an answer date
    assert {p.code for p in report.problems} == {
        "blank_category",
        "closed_without_answer_date",
    }, report.problems
    assert {s.dataset: s.used for s in report.sources} == {
        "queries": 5,
        "broadcasts": 2,
        "press_events": 2,
        "press_questions": 2,
    }
    assert_extra_sheets_skipped(report, lang)

    result = pipeline.build([data], config, period="2021-01", out=tmp_path / "out", today=TODAY)
    q = result.figures.queries
    assert (q.received, q.answered, q.in_progress, q.rejected, q.redirected, q.other_status) == (
        5,
        2,
        1,
        1,
        1,
        0,
    )
    assert q.answered_share == pytest.approx(0.4)
    assert q.median_response_days == pytest.approx(2.75)  # 2.0 and 3.5 days
    by_district = {c.category: c.received for c in result.figures.by_district}
    assert by_district[district] == 1 and by_district[lists["district"][0]] == 1
    by_topic = {c.category: c.received for c in result.figures.by_topic}
    assert by_topic[topic] == 2 and by_topic[lists["topic"][1]] == 1
    assert {c.category: c.received for c in result.figures.by_channel}[channel] == 2
    b = result.figures.broadcasts
    assert (b.broadcasts, b.questions_answered, b.tv_segments) == (2, 25, 7)
    p = result.figures.press
    # the log's interview is an event of its own, without publications
    assert (p.press_events, p.speakers, p.journalist_questions, p.publications) == (
        3,
        5 + 1,
        15 + 2,
        None,
    )
    assert (p.outlets, p.publications_not_recorded) == (None, 1)
    assert {o.category: o.journalist_questions for o in result.figures.by_outlet} == {
        "A": 1,
        "B": 1,
    }
    assert (tmp_path / "out" / "summary.csv").is_file()
    assert not (tmp_path / "out" / "rejected.csv").exists()


def test_dates_keep_their_time(tmp_path: Path) -> None:
    """A date-time typed into received_at keeps its time (the response time needs it)."""
    data, config = kit(tmp_path, "ru")
    fill(
        tmp_path,
        "queries",
        "ru",
        [{"received_at": dt.datetime(2021, 1, 11, 9, 15), "status": "в работе"}],
    )
    clean = pipeline.load_and_validate([data], config)
    assert clean.queries["received_at"].tolist() == [dt.datetime(2021, 1, 11, 9, 15)]


# --- config ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_config_is_commented_and_complete(tmp_path: Path, lang: str) -> None:
    write_start_kit(tmp_path, lang)
    text = (tmp_path / DEFAULT_CONFIG_NAME).read_text(encoding="utf-8")
    for key in (
        "timezone",
        "lang",
        "inputs",
        "output",
        "formats",
        "min_category_size",
        "[columns.queries]",
        "[statuses]",
        "[topics]",
        "[channels]",
        "[districts]",
        "[deadlines]",
        "answer_working_days",
        "redirect_working_days",
        "kind",
        "[calendar]",
        "country",
        "extra_holidays",
        "extra_working_days",
        "working_hours",
    ):
        assert key in text, key
    assert text.count("#") > 20
    config = load_config(tmp_path / DEFAULT_CONFIG_NAME)
    assert config.lang == lang and config.timezone == "Asia/Almaty"
    assert config.deadlines.answer_working_days == 15 and config.calendar.country == "KZ"
    assert set(config.statuses) == set(STATUS_CLASSES)
    assert list(config.districts.values()) == DISTRICTS[lang]


def test_config_relabel_maps_feed_the_dropdowns(tmp_path: Path) -> None:
    given = Config(
        lang="en",
        timezone="Asia/Qostanay",
        min_category_size=3,
        formats=("md", "csv"),
        columns={"queries": {"received_at": ("Created Date",)}},
        statuses={"answered": ("Closed", "Done")},
        topics={"Noise - Residential": "Noise", "Noise - Street": "Noise", 'Odd "key"\\': "Odd"},
        districts={"Алатау р-н": "Алатауский", "Алмалы": "Алмалинский"},
    )
    data, config = kit(tmp_path, "ru", given)
    lists = dropdowns(tmp_path, "queries", "ru")
    assert lists["topic"] == ["Noise", "Odd"]
    assert lists["district"] == ["Алатауский", "Алмалинский"]
    assert lists["channel"][0] == "Call-центр 109"  # no [channels] given: the defaults
    assert config.topics == given.topics and config.districts == given.districts
    assert config.columns == given.columns
    assert config.statuses["answered"] == ("отвечено", "Closed", "Done")
    assert (config.timezone, config.min_category_size, config.formats) == (
        "Asia/Qostanay",
        3,
        ("md", "csv"),
    )
    assert config.lang == "ru"
    report = pipeline.check_inputs([data], config)
    assert {s.dataset for s in report.sources} == set(DATASETS) and not report.problems


def test_a_config_that_steals_a_header_is_refused(tmp_path: Path) -> None:
    config = Config(columns={"queries": {"topic": ("Статус",)}})
    with pytest.raises(UsageError, match="Статус"):
        write_start_kit(tmp_path, "ru", config)
    assert not any(tmp_path.iterdir())


# --- files -----------------------------------------------------------------------------


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    written = write_start_kit(tmp_path, "kk")
    assert written == [
        tmp_path / DEFAULT_CONFIG_NAME,
        *(tmp_path / "data" / f"{d}.xlsx" for d in DATASETS),
    ]
    before = {p: p.read_bytes() for p in written}
    with pytest.raises(UsageError, match=re.escape(str(tmp_path / DEFAULT_CONFIG_NAME))):
        write_start_kit(tmp_path, "en")
    assert {p: p.read_bytes() for p in written} == before
    assert write_start_kit(tmp_path, "en", overwrite=True) == written
    assert load_config(tmp_path / DEFAULT_CONFIG_NAME).lang == "en"


def test_one_existing_file_stops_everything(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    existing = tmp_path / "data" / "broadcasts.xlsx"
    existing.write_bytes(b"office data")
    with pytest.raises(UsageError, match=r"broadcasts\.xlsx"):
        write_start_kit(tmp_path, "ru")
    assert existing.read_bytes() == b"office data"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["broadcasts.xlsx", "data"]


def test_files_are_deterministic(tmp_path: Path) -> None:
    first = write_start_kit(tmp_path / "a", "ru")
    second = write_start_kit(tmp_path / "b", "ru")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="'de'"):
        write_start_kit(tmp_path, "de")


# --- command line ----------------------------------------------------------------------


def test_cli_init(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from engagement_report.cli import app

    runner = CliRunner()
    folder = tmp_path / "office"
    done = runner.invoke(app, ["init", str(folder), "--lang", "ru"])
    assert done.exit_code == 0, done.output
    assert load_config(folder / DEFAULT_CONFIG_NAME).lang == "ru"
    assert workbook(folder, "queries").sheetnames[0] == "Обращения"
    again = runner.invoke(app, ["init", str(folder), "--lang", "kk"])
    assert again.exit_code == 2 and "already exist" in again.output
    forced = runner.invoke(app, ["init", str(folder), "--lang", "kk", "--force"])
    assert forced.exit_code == 0, forced.output
    assert load_config(folder / DEFAULT_CONFIG_NAME).lang == "kk"
