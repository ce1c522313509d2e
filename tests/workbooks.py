"""Building xlsx fixtures in tests (no committed binaries): one helper for every test file."""

from __future__ import annotations

from pathlib import Path

import openpyxl

Rows = list[list[object]]


def write_xlsx(path: Path, sheets: dict[str, Rows], merge: dict[str, str] | None = None) -> Path:
    """A workbook with one sheet per item; ``None`` cells stay empty, rows are 1-based."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
        if merge and name in merge:
            sheet.merge_cells(merge[name])
    workbook.save(path)
    return path


# --- workbooks written as XML by hand ------------------------------------------------------
# For what openpyxl cannot produce: self-closing rows, rows without ``r``, hidden sheets,
# chartsheets, parts as Excel, LibreOffice or Google Sheets write them.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def inline(ref: str | None, text: str) -> str:
    """A cell holding ``text`` as an inline string (``ref`` None: no ``r`` attribute)."""
    where = f' r="{ref}"' if ref else ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c{where} t="inlineStr"><is><t>{escaped}</t></is></c>'


def xml_row(number: int | None, *cells: str, attrs: str = "") -> str:
    """A ``<row>`` element; without cells it is written self-closing, as Excel does."""
    where = f' r="{number}"' if number is not None else ""
    if not cells:
        return f"<row{where}{attrs}/>"
    return f"<row{where}{attrs}>{''.join(cells)}</row>"


def text_row(number: int, *texts: str | None, first_column: str = "A") -> str:
    """A row of inline-string cells from ``first_column`` on (None: no cell)."""
    cells = [
        inline(f"{chr(ord(first_column) + i)}{number}", text)
        for i, text in enumerate(texts)
        if text is not None
    ]
    return xml_row(number, *cells)


def write_raw_xlsx(
    path: Path,
    sheets: list[tuple[str, str]],
    *,
    dimension: str = "A1",
    states: dict[str, str] | None = None,
    chartsheets: tuple[str, ...] = (),
) -> Path:
    """A workbook whose sheets' ``<sheetData>`` is the given XML, written as is.

    ``states`` maps a sheet name to ``hidden`` or ``veryHidden``; ``chartsheets`` adds
    chartsheets (as Excel writes a chart moved to a sheet of its own) after the worksheets.
    """
    import zipfile

    states = states or {}
    entries = [(name, "worksheet", data) for name, data in sheets]
    entries += [(name, "chartsheet", "") for name in chartsheets]
    overrides = [
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    ]
    sheet_elements, relationships, parts = [], [], {}
    for number, (name, kind, data) in enumerate(entries, start=1):
        folder = "worksheets" if kind == "worksheet" else "chartsheets"
        part = f"xl/{folder}/sheet{number}.xml"
        overrides.append(
            f'<Override PartName="/{part}" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.{kind}+xml"/>'
        )
        state = f' state="{states[name]}"' if name in states else ""
        sheet_elements.append(
            f'<sheet name="{name}" sheetId="{number}"{state} r:id="rId{number}"/>'
        )
        relationships.append(
            f'<Relationship Id="rId{number}" Type="{_REL}/{kind}" '
            f'Target="{folder}/sheet{number}.xml"/>'
        )
        if kind == "worksheet":
            parts[part] = (
                f'<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/>'
                f"<sheetData>{data}</sheetData></worksheet>"
            )
        else:
            parts[part] = f'<chartsheet xmlns="{_MAIN}"><sheetViews/></chartsheet>'
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(sheet_elements)
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}">' + "".join(relationships) + "</Relationships>",
        )
        for part, text in parts.items():
            archive.writestr(part, text)
    return path


def write_raw_ods(path: Path, name: str, table_rows: str) -> Path:
    """An OpenDocument spreadsheet with one table whose rows are the given XML."""
    import zipfile

    office = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        f'<office:document-content xmlns:office="{office}:office:1.0" '
        f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{table_rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<manifest:manifest xmlns:manifest="{office}:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path
