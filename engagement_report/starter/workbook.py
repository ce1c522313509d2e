"""One empty data-entry workbook of the kit: data sheet, instructions, hidden lists.

The data sheet is named after its dataset and its headers are aliases of
:mod:`engagement_report.schema`; the instructions sheet and the hidden ``lists`` sheet
the dropdowns point at are neither named after a dataset nor have a header row that
names one, so the loader skips them. No clock reaches the bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from engagement_report.config import Config
from engagement_report.errors import UsageError
from engagement_report.loading.headers import match_headers
from engagement_report.render.translations import STARTER_DOMAIN, catalogue_path
from engagement_report.safe_text import put_text
from engagement_report.schema import COLUMNS, Column
from engagement_report.spellings import dataset_for_name
from engagement_report.starter.lists import LIST_COLUMNS, choices, status_labels
from engagement_report.starter.words import (
    HEADERS,
    INSTRUCTIONS_SHEET,
    ITEMS,
    LIST_HEADERS,
    SHEET_NAMES,
    TEXT,
    Words,
)

LAST_ROW = 10_000  # validations and formats cover rows 2..LAST_ROW
LISTS_SHEET = "lists"
FIXED_TIME = datetime(2024, 1, 1)  # workbook properties: no clock in the files
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_EARLIEST, _LATEST = date(2000, 1, 1), date(2099, 12, 31)  # the date validations' range
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
_DATETIME_COLUMNS = frozenset({"received_at", "answered_at"})
_REQUIRED_FILL = "1F4E78"  # dark blue, white text
_OPTIONAL_FILL = "DDEBF7"  # light blue, dark text
_WIDTHS = {"id": 16, "date": 14, "count": 14, "status": 18, "category": 26, "text": 40}


def _number_format(column: Column) -> str | None:
    if column.kind != "date":
        return None
    return DATETIME_FORMAT if column.name in _DATETIME_COLUMNS else DATE_FORMAT


def _hint(column: Column, words: Words, has_list: bool) -> str:
    if column.kind == "date":
        hint = TEXT["hint_datetime"] if column.name in _DATETIME_COLUMNS else TEXT["hint_date"]
        return words(hint)
    if column.kind == "count":
        return words(TEXT["hint_count"])
    if column.kind == "status":
        return words(TEXT["hint_status"]).format(values=", ".join(status_labels(words)))
    if has_list:
        return words(TEXT["hint_list"])
    return words(TEXT["hint_id"] if column.kind == "id" else TEXT["hint_text"])


def kit_columns(dataset: str) -> tuple[Column, ...]:
    """The columns of ``dataset``'s workbook: those kept by hand. A system's own columns
    (a citizen's rating, the outcome, the applicant key and address) are left out."""
    return tuple(c for c in COLUMNS[dataset] if c.name in HEADERS[dataset])


def _check_headers(dataset: str, headers: Sequence[str], config: Config, lang: str) -> None:
    """The loader must map every header back to its column under ``config``."""
    expected = {c.name: i for i, c in enumerate(kit_columns(dataset))}
    for settings in (Config(), config):
        mapping = match_headers(headers, dataset, settings).mapping
        wrong = [
            h
            for c, h in zip(kit_columns(dataset), headers, strict=True)
            if mapping.get(c.name) != expected[c.name]
        ]
        if not wrong:
            continue
        if settings is not config:  # wrong even without a config: the package's own words are
            source = "starter/words.py" if lang == "en" else catalogue_path(lang, STARTER_DOMAIN)
            raise RuntimeError(
                f"{source}: schema.py does not accept the start kit's {dataset} header(s) "
                f"{', '.join(repr(w) for w in wrong)} for their columns"
            )
        raise UsageError(
            f"the config's [columns.{dataset}] claims the header(s) "
            f"{', '.join(repr(w) for w in wrong)} for other columns; the start kit's "
            f"{dataset} workbook would not be read back correctly"
        )


def workbook_bytes(dataset: str, lang: str, config: Config) -> bytes:
    """The empty data-entry workbook of ``dataset`` as xlsx bytes (no clock in them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    words = Words(lang)
    columns = kit_columns(dataset)
    headers = [words(HEADERS[dataset][c.name]) for c in columns]
    _check_headers(dataset, headers, config, lang)
    sheet_name = words(SHEET_NAMES[dataset])
    assert dataset_for_name(sheet_name) == dataset

    book = Workbook()
    book.properties.creator = "engagement-report"
    book.properties.title = sheet_name
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    sheet = book.active
    sheet.title = sheet_name
    instructions = book.create_sheet(words(INSTRUCTIONS_SHEET))
    listed = [c for c in columns if c.name in LIST_COLUMNS]
    lists = book.create_sheet(LISTS_SHEET) if listed else None

    thin = Side(style="thin", color="8EA9C1")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def style_header(cell: Any, required: bool) -> None:
        cell.font = Font(bold=True, color="FFFFFF" if required else "1F1F1F")
        cell.fill = PatternFill("solid", fgColor=_REQUIRED_FILL if required else _OPTIONAL_FILL)
        cell.border = border
        cell.alignment = wrap

    # Lists first: the data sheet's dropdowns point at their ranges.
    ranges: dict[str, str] = {}
    if lists is not None:
        lists.sheet_state = "hidden"
        for position, column in enumerate(listed, start=1):
            letter = get_column_letter(position)
            values = choices(column.name, words, config)
            head = lists.cell(1, position, words(LIST_HEADERS[column.name]))
            head.font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                put_text(lists.cell(row, position), value)  # a label from the config
            width = max((len(v) for v in values), default=10)
            lists.column_dimensions[letter].width = min(max(width + 3, 14), 50)
            ranges[column.name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"

    earliest, latest = (str(int(to_excel(d))) for d in (_EARLIEST, _LATEST))
    for position, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
        letter = get_column_letter(position)
        style_header(sheet.cell(1, position, header), column.required)
        dimension = sheet.column_dimensions[letter]
        width = _WIDTHS[column.kind]
        if column.name in _DATETIME_COLUMNS:
            width = 18
        if column.name in ranges:
            longest = max((len(v) for v in choices(column.name, words, config)), default=0)
            width = max(width, min(longest + 4, 40))
        dimension.width = max(width, min(len(header) + 3, 24))
        number_format = _number_format(column)
        if number_format:
            dimension.number_format = number_format
        cells = f"{letter}2:{letter}{LAST_ROW}"
        validation = None
        if column.kind == "date":
            validation = DataValidation(
                type="date",
                operator="between",
                formula1=earliest,
                formula2=latest,
                error=words(TEXT["error_date"]),
            )
        elif column.kind == "count":
            validation = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                error=words(TEXT["error_count"]),
            )
        elif column.name in ranges:
            is_status = column.kind == "status"
            validation = DataValidation(
                type="list",
                formula1=ranges[column.name],
                errorStyle="stop" if is_status else "warning",
                error=words(TEXT["error_status"] if is_status else TEXT["error_list"]),
            )
        if validation is not None:
            validation.allow_blank = True
            validation.showErrorMessage = True
            validation.errorTitle = words(TEXT["error_title"])[:32]
            validation.showInputMessage = True
            validation.promptTitle = header[:32]
            validation.prompt = words.meaning(dataset, column)[:255]
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"

    _fill_instructions(instructions, dataset, words, headers, bool(listed), style_header)

    buffer = io.BytesIO()
    from openpyxl.writer.excel import ExcelWriter

    # ExcelWriter rather than Workbook.save: save() stamps the current time as "modified".
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _stable_zip(buffer.getvalue())


def _fill_instructions(
    sheet: Any, dataset: str, words: Words, headers: Sequence[str], has_lists: bool, style: Any
) -> None:
    from openpyxl.styles import Alignment, Font

    t = {key: words(text) for key, text in TEXT.items()}
    sheet.cell(1, 1, t["title"].format(sheet=words(SHEET_NAMES[dataset]))).font = Font(
        bold=True, size=14
    )
    notes = [t["one_row"].format(item=words(ITEMS[dataset])), t["headers"], t["required"]]
    notes += [t["values"], *([t["lists"]] if has_lists else []), t["check"]]
    row = 2
    for note in notes:
        sheet.cell(row, 1, note)
        row += 1
    row += 1
    for position, text in enumerate((t["column"], t["is_required"], t["meaning"], t["how"]), 1):
        style(sheet.cell(row, position, text), False)
    listed = set(LIST_COLUMNS)
    top = Alignment(wrap_text=True, vertical="top")
    for column, header in zip(kit_columns(dataset), headers, strict=True):
        row += 1
        values = (
            header,
            t["yes"] if column.required else t["no"],
            words.meaning(dataset, column),
            _hint(column, words, column.name in listed),
        )
        for position, value in enumerate(values, 1):
            cell = sheet.cell(row, position, value)
            cell.alignment = top
            if position == 1:
                cell.font = Font(bold=column.required)
    for letter, width in zip("ABCD", (26, 14, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width


def _stable_zip(data: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
