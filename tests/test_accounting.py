"""Every row read is accounted for exactly once: used, duplicate, blank, total row or rejected.

A property test: hypothesis writes messy sheets (title rows above the header, blank rows,
total rows, bad or missing dates, negative counts, repeated query ids) as xlsx or csv in
several encodings and delimiters, and the counts ``load_and_validate`` reports must be the
ones the generator put in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement_report import pipeline
from engagement_report.config import Config

TITLES = ["Отчёт о работе с обращениями", "Период: 2021 год", "Исполнитель: отдел, сектор 2"]
TOTAL_WORDS = ["Итого", "ИТОГО:", "Всего", "всего:", "Барлығы", "Жиыны:", "Total", "TOTAL"]
BAD_DATES = ["31.02.2021", "вчера", "2021-13-45", "н/д", "??", "5 мартобря 2021"]
TOPICS = ["Дороги", "Отопление", "Уборка снега", "Жол"]
STATUSES = ["Отвечено", "в работе", "Closed", "Қаралуда", "Отказано"]
HEADERS = {
    "queries": ["№", "Дата поступления", "Статус", "Тема"],
    "broadcasts": ["Дата", "Программа", "Количество вопросов"],
}
KINDS = {
    "queries": ["good", "good", "good", "dup", "blank", "total", "bad_date", "missing_date"],
    "broadcasts": ["good", "good", "good", "blank", "total", "bad_date", "negative"],
}
REJECTED_KINDS = {"bad_date", "missing_date", "negative"}


@dataclass
class Sheet:
    """One generated sheet (or CSV file) and what the generator knows about it."""

    dataset: str
    fmt: str  # "xlsx" or "csv"
    titles: list[list[object]]  # rows above the header (titles and blank rows)
    kinds: list[str]
    rows: list[list[object]] = field(default_factory=list)
    ids: list[str | None] = field(default_factory=list)  # query id key per row, if any
    delimiter: str = ","
    encoding: str = "utf-8"
    extra_sheet: bool = False

    @property
    def header_row(self) -> int:
        return len(self.titles) + 1

    def row_number(self, index: int) -> int:
        return self.header_row + 1 + index


@st.composite
def sheets(draw: st.DrawFn) -> list[Sheet]:
    count = draw(st.integers(1, 3))
    int_ids = draw(st.booleans())  # 7 in xlsx and "7" in csv are one query
    result: list[Sheet] = []
    seen_ids: list[int] = []
    next_id = 1
    for _ in range(count):
        dataset = draw(st.sampled_from(["queries", "broadcasts"]))
        fmt = draw(st.sampled_from(["xlsx", "csv"]))
        titles = draw(
            st.lists(st.one_of(st.sampled_from(TITLES).map(lambda t: [t]), st.just([])), max_size=4)
        )
        kinds = draw(st.lists(st.sampled_from(KINDS[dataset]), min_size=1, max_size=18))
        # The last row holds something: Excel's used range ends at the last filled row.
        if kinds[-1] == "blank":
            kinds.append("good")
        sheet = Sheet(dataset, fmt, titles, kinds)
        if fmt == "csv":
            sheet.delimiter = draw(st.sampled_from([",", ";", "\t"]))
            sheet.encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]))
        else:
            sheet.extra_sheet = draw(st.booleans())
        for kind in kinds:
            query_id: int | None = None
            if dataset == "queries" and kind != "blank" and kind != "total":
                reuse = kind == "dup" or (kind in REJECTED_KINDS and draw(st.booleans()))
                if reuse and seen_ids:
                    query_id = seen_ids[draw(st.integers(0, len(seen_ids) - 1))]
                else:
                    query_id, next_id = next_id, next_id + 1
                if kind in ("good", "dup"):
                    seen_ids.append(query_id)
            row = draw(_row(dataset, fmt, kind, query_id, int_ids))
            sheet.rows.append(row)
            sheet.ids.append(None if query_id is None else _id_text(query_id, int_ids))
        result.append(sheet)
    return result


def _id_text(number: int, int_ids: bool) -> str:
    return str(number) if int_ids else f"ОБ-{number:04d}"


@st.composite
def _row(
    draw: st.DrawFn, dataset: str, fmt: str, kind: str, query_id: int | None, int_ids: bool
) -> list[object]:
    width = len(HEADERS[dataset])
    if kind == "blank":
        filler = draw(st.sampled_from([None, " ", "\u00a0", "  "]))
        return [] if filler is None else [filler] * width
    if kind == "total":
        word = draw(st.sampled_from(TOTAL_WORDS))
        offset = draw(st.integers(0, 1))  # the first filled cell may be in column B
        return [None] * offset + [word, draw(st.integers(0, 500))]
    day = draw(st.dates(dt.date(2020, 1, 1), dt.date(2022, 12, 31)))
    form = draw(st.sampled_from(["dotted", "iso", "dotted_time", "cell"]))
    date: object
    if form == "cell" and fmt == "xlsx":
        date = dt.datetime(day.year, day.month, day.day, draw(st.integers(0, 23)))
    elif form == "iso":
        date = day.isoformat()
    elif form == "dotted_time":
        date = day.strftime("%d.%m.%Y") + f" {draw(st.integers(0, 23)):02d}:30"
    else:
        date = day.strftime("%d.%m.%Y")
    if kind == "bad_date":
        date = draw(st.sampled_from(BAD_DATES))
    elif kind == "missing_date":
        date = None
    if dataset == "queries":
        assert query_id is not None
        key: object = query_id if int_ids and fmt == "xlsx" else _id_text(query_id, int_ids)
        return [
            key,
            date,
            draw(st.sampled_from(STATUSES)),
            draw(st.sampled_from(TOPICS)),
        ]
    count: object = draw(st.integers(0, 3000))
    if kind == "negative":
        count = -draw(st.integers(1, 50))
    if fmt == "csv" and isinstance(count, int) and count >= 1000:
        count = f"{count // 1000} {count % 1000:03d}"  # 1 234 as offices type it
    return [date, draw(st.sampled_from(["Утро", "Вечер"])), count]


def write(sheets_: list[Sheet], folder: Path) -> list[Path]:
    paths = []
    for number, sheet in enumerate(sheets_, start=1):
        rows = [*sheet.titles, HEADERS[sheet.dataset], *sheet.rows]
        if sheet.fmt == "xlsx":
            path = folder / f"book-{number}.xlsx"
            workbook = openpyxl.Workbook()
            ws = workbook.active
            ws.title = "Обращения" if sheet.dataset == "queries" else "Эфиры"
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        ws.cell(r, c, value)
            if sheet.extra_sheet:
                workbook.create_sheet("Инструкция")["A1"] = "Заполняйте по образцу"
            workbook.save(path)
        else:
            stem = "queries" if sheet.dataset == "queries" else "эфиры"
            path = folder / f"{stem}-{number}.csv"
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=sheet.delimiter, lineterminator="\r\n")
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
            text = buffer.getvalue()
            try:
                data = text.encode(sheet.encoding)
            except UnicodeEncodeError:  # Kazakh letters are not in Windows-1251
                sheet.encoding = "utf-8"
                data = text.encode("utf-8")
            path.write_bytes(data)
        paths.append(path)
    return paths


def expected_duplicates(sheets_: list[Sheet]) -> list[set[int]]:
    """Per sheet, the indexes of usable query rows that a later usable row replaces."""
    usable = [
        (number, index, query_id)
        for number, sheet in enumerate(sheets_)
        if sheet.dataset == "queries"
        for index, (kind, query_id) in enumerate(zip(sheet.kinds, sheet.ids, strict=True))
        if kind in ("good", "dup")
    ]
    last: dict[str | None, tuple[int, int]] = {}
    for number, index, query_id in usable:
        last[query_id] = (number, index)
    duplicates: list[set[int]] = [set() for _ in sheets_]
    for number, index, query_id in usable:
        if last[query_id] != (number, index):
            duplicates[number].add(index)
    return duplicates


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(sheets())
def test_every_row_is_accounted_for(generated: list[Sheet]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write(generated, Path(tmp))
        data = pipeline.load_and_validate(paths, Config())

        sources = data.report.sources
        assert len(sources) == len(generated)
        assert [Path(s.file).name for s in sources] == [p.name for p in paths]
        duplicates = expected_duplicates(generated)
        expected_used: set[tuple[str, int]] = set()
        total_rejected = 0
        for sheet, account, path, dups in zip(generated, sources, paths, duplicates, strict=True):
            kinds = sheet.kinds
            rejected = sum(kind in REJECTED_KINDS for kind in kinds)
            good = sum(kind in ("good", "dup") for kind in kinds)
            assert account.dataset == sheet.dataset
            assert account.header_row == sheet.header_row
            assert (
                account.used
                + account.duplicate
                + account.blank
                + account.total_rows
                + account.rejected
                == account.rows_read
            )
            assert (
                account.rows_read,
                account.used,
                account.duplicate,
                account.blank,
                account.total_rows,
                account.rejected,
            ) == (
                len(kinds),
                good - len(dups),
                len(dups),
                kinds.count("blank"),
                kinds.count("total"),
                rejected,
            ), (sheet.kinds, sheet.titles, sheet.fmt, sheet.delimiter, sheet.encoding)
            assert account.errors == rejected  # each rejected row has exactly one error
            total_rejected += rejected
            expected_used |= {
                (path.name, sheet.row_number(index))
                for index, kind in enumerate(kinds)
                if kind in ("good", "dup") and index not in dups
            }
        assert data.report.rejected == total_rejected
        assert len(data.rejected_rows) == total_rejected
        frames = [data.queries, data.broadcasts]
        used_rows = {
            (Path(file).name, int(row))
            for frame in frames
            for file, row in zip(frame["_file"], frame["_row"], strict=True)
        }
        assert used_rows == expected_used
        assert sum(len(frame) for frame in frames) == sum(s.used for s in sources)
        if len(data.queries):
            assert data.queries["query_id"].is_unique
