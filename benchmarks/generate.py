"""Seeded benchmark inputs: a city office's registry of queries at 100k, 1M and 10M rows.

The shape is that of a real Russian-language registry kept in Excel: a title row, a blank
row and Russian headers above the table; statuses, topics, channels and districts in
Russian (now and then in another letter case or with a stray space); query numbers that
are sometimes entered twice; a daily ``Итого:`` row; about 1% blank or total rows; a few
dates typed as text and a few impossible ones. Broadcasts and press events are small
sheets beside it. Dates are real Excel date cells in xlsx, ``dd.mm.yyyy hh:mm`` text in
CSV (UTF-8 with BOM, ``;``, as Excel's "CSV UTF-8" writes it) and typed timestamps in
Parquet. The same seed gives the same rows in every format, so xlsx, CSV and Parquet of
one size must give identical figures.

Usage::

    python benchmarks/generate.py                     # 100k and 1M in every format, 10M Parquet
    python benchmarks/generate.py --sizes 100k --formats csv,xlsx
    python benchmarks/generate.py --out /tmp/data --sizes 20000

Files go to ``benchmarks/data/<size>/{xlsx,csv,parquet}/`` and are reused while their
stamp (generator version, seed, size) matches, since the 1M-row workbook takes a while.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 311
VERSION = 4  # bump when the shape of the data changes: cached files are made again
FORMAT_VERSIONS = {"xlsx": 0, "csv": 1, "parquet": 1}  # bump one format's files alone
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
FORMATS = ("xlsx", "csv", "parquet")
DEFAULT_PLAN = {"100k": FORMATS, "1m": FORMATS, "10m": ("parquet",)}
START, END = np.datetime64("2019-01-01", "m"), np.datetime64("2021-01-01", "m")
TITLE = "Реестр обращений граждан за 2019–2020 годы"
QUERY_HEADERS = (
    "Номер обращения",
    "Дата поступления",
    "Дата ответа",
    "Статус",
    "Тема",
    "Канал",
    "Район",
    "Срок исполнения",
    "Продлено до",
    "Исполнитель",
)
DATE_COLUMNS = (1, 2, 7, 8)
TOPICS = {
    "Общественный транспорт": 16,
    "Качество строительства": 13,
    "Дороги и тротуары": 11.5,
    "Общественная безопасность": 10,
    "Инженерные сети": 8,
    "Коммунальные услуги и отопление": 5,
    "Благоустройство и парки": 5.5,
    "Экология и качество воздуха": 4,
    "Здравоохранение": 4.5,
    "Образование": 3.5,
    "Социальная поддержка": 3.5,
    "Жилищные вопросы": 3.5,
    "Торговля и услуги": 3,
    "Земельные отношения": 2.5,
    "Безнадзорные животные": 2.5,
    "Прочее": 3.5,
}
DEPARTMENTS = (
    "Управление пассажирского транспорта",
    "Управление контроля качества строительства",
    "Управление городской мобильности",
    "Департамент полиции",
    "Управление энергетики и коммунального хозяйства",
    "Управление природных ресурсов",
    "Управление здравоохранения",
    "Управление образования",
)
CHANNELS = {
    "Колл-центр 109": 35,
    "Сайт акимата": 20,
    "Instagram": 18,
    "Telegram": 10,
    "Facebook": 9,
    "eOtinish": 8,
}
DISTRICTS = {
    "Алатауский": 14,
    "Алмалинский": 12,
    "Ауэзовский": 18,
    "Бостандыкский": 17,
    "Медеуский": 11,
    "Наурызбайский": 7,
    "Турксибский": 12,
    "Жетысуский": 9,
}
# spelling -> share in %; the odd spellings stand for what people really type
STATUSES = {
    "Исполнено": 70,
    "Рассмотрено": 12.9,
    "исполнено": 1,
    "В работе": 4,
    "На рассмотрении": 2,
    "Отказано": 4,
    "Направлено по компетенции": 3,
    "Перенаправлено": 1,
    "": 2,  # blank: answered when an answer date is there
    "Закрыто": 0.1,  # unknown: a warning, counted as received
}
ANSWERED = {"Исполнено", "Рассмотрено", "исполнено", "Отказано", "Направлено по компетенции"}
ANSWERED |= {"Перенаправлено", ""}
HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 14, 20, 22, 22, 18, 20, 21, 20, 18, 14, 11, 9, 7, 5, 3, 2], float
)
PROGRAMS = ("Акимат LIVE", "Прямой эфир с акимом района", "Алматы ТВ: Открытый диалог")
SPEAKERS = ("Аким города", "Заместитель акима", "Руководитель управления", "Аким района")
BROADCAST_HEADERS = ("Дата", "Программа", "Спикер", "Тема", "Отвечено вопросов", "Телесюжеты")
PRESS_HEADERS = (
    "Дата",
    "Мероприятие",
    "Тема",
    "Количество спикеров",
    "Вопросы журналистов",
    "Публикации",
)


@dataclass
class Queries:
    """The queries table: one entry per output row (data, blank or total rows)."""

    kind: np.ndarray  # 0 data, 1 blank, 2 total row
    query_id: np.ndarray  # object: str
    received: np.ndarray  # datetime64[m], NaT when blank
    received_text: np.ndarray  # object: text typed instead of a date cell, or None
    answered: np.ndarray  # datetime64[m]
    status: np.ndarray  # object
    topic: np.ndarray
    channel: np.ndarray
    district: np.ndarray
    deadline: np.ndarray  # datetime64[D]
    extended: np.ndarray  # datetime64[D]
    department: np.ndarray
    total: np.ndarray  # int: the day's count on a total row

    def __len__(self) -> int:
        return len(self.kind)


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    names = np.array(list(table), dtype=object)
    weights = np.array(list(table.values()), float)
    return names[rng.choice(len(names), n, p=weights / weights.sum())]


def make_queries(rows: int, seed: int = SEED) -> Queries:
    """``rows`` queries over 2019–2020 plus daily total rows and ~0.8% blank rows."""
    rng = np.random.default_rng(seed)
    days = (END - START).astype("timedelta64[D]").astype(int)
    day = rng.integers(0, days, rows)
    weekday = (day + 1) % 7  # 2019-01-01 was a Tuesday (Monday = 0)
    # Fewer queries at the weekend: redraw most weekend days once.
    weekend = weekday >= 5
    redo = weekend & (rng.random(rows) < 0.6)
    day[redo] = rng.integers(0, days, int(redo.sum()))
    minute = rng.choice(24, rows, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum()) * 60 + rng.integers(
        0, 60, rows
    )
    received = np.sort(START + day.astype("timedelta64[D]") + minute.astype("timedelta64[m]"))
    status = _pick(rng, STATUSES, rows)
    answered_mask = np.isin(status, list(ANSWERED)) & ~((status == "") & (rng.random(rows) < 0.3))
    # Response times: a few hours to a few weeks, log-normal; bare dates now and then.
    delay = np.exp(rng.normal(np.log(5 * 1440), 0.9, rows)).astype("int64")
    answered = received + delay.astype("timedelta64[m]")
    bare = rng.random(rows) < 0.05
    answered[bare] = answered[bare].astype("datetime64[D]").astype("datetime64[m]")
    answered[~answered_mask] = np.datetime64("NaT")
    answered[answered > np.datetime64("2021-01-10T18:00")] = np.datetime64("NaT")
    deadline = np.full(rows, np.datetime64("NaT"), "datetime64[D]")
    explicit = rng.random(rows) < 0.02
    deadline[explicit] = received[explicit].astype("datetime64[D]") + 20
    extended = np.full(rows, np.datetime64("NaT"), "datetime64[D]")
    ext = rng.random(rows) < 0.01
    extended[ext] = received[ext].astype("datetime64[D]") + 45
    topic = _pick(rng, TOPICS, rows)
    topic[rng.random(rows) < 0.01] = ""  # blank topic: a warning
    odd = rng.random(rows) < 0.002
    topic[odd] = np.array([t.lower() + " " for t in topic[odd]], dtype=object)
    channel = _pick(rng, CHANNELS, rows)
    district = _pick(rng, DISTRICTS, rows)
    department = np.array(DEPARTMENTS, dtype=object)[rng.integers(0, len(DEPARTMENTS), rows)]
    year = received.astype("datetime64[Y]").astype(int) + 1970
    ids = np.array(
        [f"ОБ-{y}-{i:07d}" for y, i in zip(year, range(1, rows + 1), strict=True)], object
    )
    again = np.flatnonzero(rng.random(rows) < 0.001)  # entered twice: the later row wins
    again = again[again > 0]
    ids[again] = ids[again - 1]
    received_text = np.full(rows, None, dtype=object)
    typed = np.flatnonzero(rng.random(rows) < 0.003)  # a date typed as text in an xlsx cell
    received_text[typed] = [
        str(np.datetime_as_string(v, unit="D"))[8:10]
        + "."
        + str(np.datetime_as_string(v, unit="D"))[5:7]
        + "."
        + str(np.datetime_as_string(v, unit="D"))[:4]
        for v in received[typed]
    ]
    broken = np.flatnonzero(rng.random(rows) < 0.0002)  # rejected rows
    received_text[broken] = np.where(rng.random(len(broken)) < 0.5, "31.02.2020", "нет даты")
    received[broken] = np.datetime64("NaT")

    # Output order: each day's rows, then that day's "Итого:" row; blank rows scattered.
    day_of = received.astype("datetime64[D]")
    day_of = np.where(np.isnat(day_of), np.roll(day_of, 1), day_of)  # broken rows: keep place
    change = np.flatnonzero(day_of[1:] != day_of[:-1]) + 1
    bounds = np.concatenate([[0], change, [rows]])
    counts = np.diff(bounds)
    # Where each total row goes (after its day's rows) and where blank rows go.
    blanks = np.sort(rng.choice(rows, max(int(rows * 0.008), 1), replace=False))
    kinds = [
        np.zeros(rows, np.int8),
        np.full(len(counts), 2, np.int8),
        np.ones(len(blanks), np.int8),
    ]
    # Sort keys: data row i → 2i+0.5; total after day block ending at b → 2b; blank before i → 2i.
    keys = np.concatenate([2 * np.arange(rows) + 1, 2 * bounds[1:], 2 * blanks])
    order = np.argsort(keys, kind="stable")
    kind = np.concatenate(kinds)[order]
    source = np.concatenate([np.arange(rows), np.full(len(counts), -1), np.full(len(blanks), -1)])[
        order
    ]
    total = np.concatenate([np.zeros(rows, int), counts, np.zeros(len(blanks), int)])[order]

    def spread(values: np.ndarray, empty: object) -> np.ndarray:
        out = np.full(len(kind), empty, dtype=values.dtype)
        out[kind == 0] = values[source[kind == 0]]
        return out

    return Queries(
        kind=kind,
        query_id=spread(ids, None),
        received=spread(received, np.datetime64("NaT")),
        received_text=spread(received_text, None),
        answered=spread(answered, np.datetime64("NaT")),
        status=spread(status, None),
        topic=spread(topic, None),
        channel=spread(channel, None),
        district=spread(district, None),
        deadline=spread(deadline, np.datetime64("NaT")),
        extended=spread(extended, np.datetime64("NaT")),
        department=spread(department, None),
        total=total,
    )


def make_broadcasts(seed: int = SEED) -> list[list[object]]:
    """About two broadcasts a week over 2019–2020."""
    rng = np.random.default_rng(seed + 1)
    days = np.sort(rng.choice(730, 200, replace=False))
    topics = list(TOPICS)[:13]
    rows: list[list[object]] = []
    for d in days:
        rows.append(
            [
                (START + np.timedelta64(int(d), "D")).astype("datetime64[D]"),
                PROGRAMS[int(rng.integers(0, 3))],
                SPEAKERS[int(rng.integers(0, 4))],
                topics[int(rng.integers(0, len(topics)))],
                int(rng.integers(10, 40)),
                int(rng.integers(5, 60)),
            ]
        )
    return rows


def make_press(seed: int = SEED) -> list[list[object]]:
    """About six press events a week over 2019–2020."""
    rng = np.random.default_rng(seed + 2)
    days = np.sort(rng.integers(0, 730, 600))
    topics = list(TOPICS)
    rows: list[list[object]] = []
    for d in days:
        topic = topics[int(rng.integers(0, len(topics)))]
        rows.append(
            [
                (START + np.timedelta64(int(d), "D")).astype("datetime64[D]"),
                f"Брифинг: {topic.lower()}",
                topic,
                int(rng.integers(1, 6)),
                int(rng.integers(2, 25)),
                int(rng.integers(100, 900)),
            ]
        )
    return rows


# --- text forms --------------------------------------------------------------------------


def _dmy(values: np.ndarray, with_time: bool) -> np.ndarray:
    """``dd.mm.yyyy[ hh:mm]`` text of datetime64 values; None for NaT. A value at midnight
    is a bare date, written without a time (as the workbook's date cells hold it)."""
    iso = np.datetime_as_string(values, unit="m")
    out = np.full(len(values), None, dtype=object)
    ok = ~np.isnat(values)
    for i in np.flatnonzero(ok):
        s = iso[i]
        timed = with_time and s[11:16] != "00:00"
        out[i] = f"{s[8:10]}.{s[5:7]}.{s[:4]}" + (f" {s[11:16]}" if timed else "")
    return out


def query_text_rows(q: Queries) -> Iterator[list[str]]:
    """The queries sheet as CSV text rows: title, blank, header, body."""
    width = len(QUERY_HEADERS)
    yield [TITLE] + [""] * (width - 1)
    yield [""] * width
    yield list(QUERY_HEADERS)
    received = _dmy(q.received, True)
    answered = _dmy(q.answered, True)
    deadline = _dmy(q.deadline.astype("datetime64[m]"), False)
    extended = _dmy(q.extended.astype("datetime64[m]"), False)
    for i in range(len(q)):
        kind = q.kind[i]
        if kind == 1:
            yield [""] * width
        elif kind == 2:
            yield ["Итого:"] + [""] * (width - 2) + [str(q.total[i])]
        else:
            yield [
                q.query_id[i],
                q.received_text[i] or received[i] or "",
                answered[i] or "",
                q.status[i],
                q.topic[i],
                q.channel[i],
                q.district[i],
                deadline[i] or "",
                extended[i] or "",
                q.department[i],
            ]


def write_csv(path: Path, rows: Iterable[list[object]]) -> None:
    """Excel's "CSV UTF-8": BOM, ``;``, CRLF, quotes only where needed."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        for row in rows:
            writer.writerow(["" if v is None else _csv_value(v) for v in row])


def _csv_value(value: object) -> str:
    if isinstance(value, np.datetime64):
        s = str(value.astype("datetime64[D]"))
        return f"{s[8:10]}.{s[5:7]}.{s[:4]}"
    return str(value)


# --- xlsx, written directly: openpyxl needs minutes for ten million cells ----------------

_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00", "m")
_COLUMN_LETTERS = [chr(ord("A") + i) for i in range(26)]
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
# Style 1: date and time (dd.mm.yyyy hh:mm), style 2: date (dd.mm.yyyy), as Russian Excel shows them.
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd\\.mm\\.yyyy\\ hh:mm"/><numFmt numFmtId="165" formatCode="dd\\.mm\\.yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


class _Strings:
    """The shared-strings table, as Excel writes one."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def cell(self, ref: str, text: str) -> str:
        self.count += 1
        number = self.index.setdefault(text, len(self.index))
        return f'<c r="{ref}" t="s"><v>{number}</v></c>'

    def xml(self) -> Iterator[str]:
        yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        yield f'<sst {_NS} count="{self.count}" uniqueCount="{len(self.index)}">'
        for text in self.index:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            yield f"<si><t{space}>{escape(text)}</t></si>"
        yield "</sst>"


def _serials(values: np.ndarray) -> np.ndarray:
    """Excel serial day numbers (as text) of datetime64[m] values; None for NaT."""
    minutes = (values - _EXCEL_EPOCH).astype("timedelta64[m]").astype("int64")
    out = np.full(len(values), None, dtype=object)
    ok = ~np.isnat(values)
    whole = ok & (minutes % 1440 == 0)
    out[whole] = [str(int(m) // 1440) for m in minutes[whole]]
    part = ok & ~whole
    out[part] = [repr(int(m) / 1440) for m in minutes[part]]
    return out


def _sheet_rows(
    rows: Iterable[list[object]], strings: _Strings, first_row: int = 1
) -> Iterator[str]:
    """``<row>`` elements of generic rows (str, int, numpy dates, None)."""
    for number, row in enumerate(rows, first_row):
        cells = []
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{_COLUMN_LETTERS[col]}{number}"
            if isinstance(value, str):
                cells.append(strings.cell(ref, value))
            elif isinstance(value, np.datetime64):
                serial = _serials(np.array([value.astype("datetime64[m]")]))[0]
                cells.append(f'<c r="{ref}" s="2"><v>{serial}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        if cells:
            yield f'<row r="{number}">{"".join(cells)}</row>'


def _query_sheet_rows(q: Queries, strings: _Strings) -> Iterator[str]:
    width = len(QUERY_HEADERS)
    head: list[list[object]] = [[TITLE] + [None] * (width - 1), [None] * width, list(QUERY_HEADERS)]
    yield from _sheet_rows(head, strings)
    received = _serials(q.received)
    answered = _serials(q.answered)
    deadline = _serials(q.deadline.astype("datetime64[m]"))
    extended = _serials(q.extended.astype("datetime64[m]"))
    cell = strings.cell
    for i in range(len(q)):
        r = i + 4
        kind = q.kind[i]
        if kind == 1:
            continue  # a blank row is no <row> element at all, as in Excel
        if kind == 2:
            yield f'<row r="{r}">{cell(f"A{r}", "Итого:")}<c r="J{r}"><v>{q.total[i]}</v></c></row>'
            continue
        parts = [f'<row r="{r}">', cell(f"A{r}", q.query_id[i])]
        if q.received_text[i] is not None:
            parts.append(cell(f"B{r}", q.received_text[i]))
        elif received[i] is not None:
            parts.append(f'<c r="B{r}" s="1"><v>{received[i]}</v></c>')
        if answered[i] is not None:
            parts.append(f'<c r="C{r}" s="1"><v>{answered[i]}</v></c>')
        if q.status[i]:
            parts.append(cell(f"D{r}", q.status[i]))
        if q.topic[i]:
            parts.append(cell(f"E{r}", q.topic[i]))
        parts.append(cell(f"F{r}", q.channel[i]))
        parts.append(cell(f"G{r}", q.district[i]))
        if deadline[i] is not None:
            parts.append(f'<c r="H{r}" s="2"><v>{deadline[i]}</v></c>')
        if extended[i] is not None:
            parts.append(f'<c r="I{r}" s="2"><v>{extended[i]}</v></c>')
        parts.append(cell(f"J{r}", q.department[i]))
        parts.append("</row>")
        yield "".join(parts)


def write_xlsx(
    path: Path, sheets: list[tuple[str, Iterator[str], int, int]], strings: _Strings
) -> None:
    """A workbook of ``(name, row elements, width, height)`` sheets sharing ``strings``."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for number, (_, rows, width, height) in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as raw:
                head = (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
                    f'<dimension ref="A1:{_COLUMN_LETTERS[width - 1]}{height}"/><sheetData>'
                )
                raw.write(head.encode())
                batch: list[str] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 20_000:
                        raw.write("".join(batch).encode())
                        batch.clear()
                raw.write(("".join(batch) + "</sheetData></worksheet>").encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
            batch = []
            for piece in strings.xml():
                batch.append(piece)
                if len(batch) >= 20_000:
                    raw.write("".join(batch).encode())
                    batch.clear()
            raw.write("".join(batch).encode())
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, *_) in enumerate(sheets, 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}>'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        k = len(sheets)
        rels += (
            f'<Relationship Id="rId{k + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{k + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        archive.writestr("xl/styles.xml", _STYLES)
    tmp.replace(path)


# --- the three formats -------------------------------------------------------------------


def write_queries_xlsx(folder: Path, q: Queries) -> None:
    """One workbook with the registry (sheet ``Обращения``) and one with broadcasts and press."""
    strings = _Strings()
    write_xlsx(
        folder / "Реестр обращений 2019-2020.xlsx",
        [("Обращения", _query_sheet_rows(q, strings), len(QUERY_HEADERS), len(q) + 3)],
        strings,
    )
    strings = _Strings()
    on_air = [list(BROADCAST_HEADERS), *make_broadcasts()]
    press = [list(PRESS_HEADERS), *make_press()]
    small = [
        ("Эфиры", _sheet_rows(on_air, strings), 6, len(on_air)),
        ("Пресс-мероприятия", _sheet_rows(press, strings), 6, len(press)),
    ]
    write_xlsx(folder / "Эфиры и пресса.xlsx", small, strings)


def write_queries_csv(folder: Path, q: Queries) -> None:
    """``обращения.csv`` plus ``эфиры.csv`` and ``пресс-мероприятия.csv``."""
    write_csv(folder / "обращения.csv", query_text_rows(q))
    write_csv(folder / "эфиры.csv", [list(BROADCAST_HEADERS), *make_broadcasts()])
    write_csv(folder / "пресс-мероприятия.csv", [list(PRESS_HEADERS), *make_press()])


def write_queries_parquet(folder: Path, q: Queries) -> None:
    """A database-style export: the header row as column names, typed dates, no title."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = q.kind != 2  # an export from a database has no total rows (blank ones stay)
    # A date typed as text in the workbook carries no time: the same value here, so that
    # every format of one size gives the same figures (impossible ones are missing).
    typed = np.array([t is not None for t in q.received_text])
    received = np.where(typed, q.received.astype("datetime64[D]"), q.received)
    received = received[data].astype("datetime64[ms]")
    table = pa.table(
        {
            QUERY_HEADERS[0]: pa.array(q.query_id[data], pa.string()),
            QUERY_HEADERS[1]: pa.array(received, pa.timestamp("ms")),
            QUERY_HEADERS[2]: pa.array(
                q.answered[data].astype("datetime64[ms]"), pa.timestamp("ms")
            ),
            QUERY_HEADERS[3]: pa.array(_nulls(q.status[data]), pa.string()),
            QUERY_HEADERS[4]: pa.array(_nulls(q.topic[data]), pa.string()),
            QUERY_HEADERS[5]: pa.array(q.channel[data], pa.string()),
            QUERY_HEADERS[6]: pa.array(q.district[data], pa.string()),
            QUERY_HEADERS[7]: pa.array(q.deadline[data], pa.date32()),
            QUERY_HEADERS[8]: pa.array(q.extended[data], pa.date32()),
            QUERY_HEADERS[9]: pa.array(q.department[data], pa.string()),
        }
    )
    pq.write_table(table, folder / "обращения.parquet", row_group_size=1_000_000)
    for name, headers, rows in (
        ("эфиры.parquet", BROADCAST_HEADERS, make_broadcasts()),
        ("пресс-мероприятия.parquet", PRESS_HEADERS, make_press()),
    ):
        columns = list(zip(*rows, strict=True))
        small = pa.table(
            {
                h: pa.array(np.array(c, "datetime64[D]"), pa.date32())
                if isinstance(c[0], np.datetime64)
                else pa.array(list(c))
                for h, c in zip(headers, columns, strict=True)
            }
        )
        pq.write_table(small, folder / name)


def _nulls(values: np.ndarray) -> list[object]:
    return [v if v else None for v in values]


WRITERS = {"xlsx": write_queries_xlsx, "csv": write_queries_csv, "parquet": write_queries_parquet}


def folder_for(size: str, fmt: str, root: Path = DATA) -> Path:
    """Where a size's files of one format live."""
    return root / size / fmt


def generate(
    size: str, formats: Iterable[str], root: Path = DATA, *, quiet: bool = False
) -> dict[str, Path]:
    """Write (or reuse) the inputs of ``size`` in ``formats``; the folder of each format."""
    rows = SIZES.get(size) or int(size)
    out: dict[str, Path] = {}
    queries: Queries | None = None
    for fmt in formats:
        wanted = {"version": VERSION, "seed": SEED, "rows": rows}
        if FORMAT_VERSIONS[fmt]:
            wanted["format"] = FORMAT_VERSIONS[fmt]
        folder = folder_for(size, fmt, root)
        stamp = folder / ".stamp.json"
        out[fmt] = folder
        if stamp.exists() and json.loads(stamp.read_text()) == wanted:
            continue
        if queries is None:
            started = time.perf_counter()
            queries = make_queries(rows)
            _say(
                quiet,
                f"{size}: {len(queries):,} rows planned in {time.perf_counter() - started:.1f} s",
            )
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        started = time.perf_counter()
        WRITERS[fmt](folder, queries)
        stamp.write_text(json.dumps(wanted))
        _say(quiet, f"{size}: {fmt} written to {folder} in {time.perf_counter() - started:.1f} s")
    return out


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=None, help="comma-separated: 100k, 1m, 10m or a row count"
    )
    parser.add_argument("--formats", default=None, help="comma-separated: xlsx, csv, parquet")
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    sizes = args.sizes.split(",") if args.sizes else list(DEFAULT_PLAN)
    for size in sizes:
        formats = args.formats.split(",") if args.formats else DEFAULT_PLAN.get(size, FORMATS)
        generate(size, formats, args.out)


if __name__ == "__main__":
    main()
