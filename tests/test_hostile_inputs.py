"""Hostile input files (issue 19): each refused or read with one clear line, never exit 70.

Zip archives that lie about their sizes or checksums, files that are not files, names
that are not UTF-8. Every file is built here by hand; ``tests/HOSTILE.md`` lists the
classes tried and what each gets.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner
from workbooks import write_xlsx

from engagement_report.cli import app

SHEET_PART = "xl/worksheets/sheet1.xml"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*map(str, args)])
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def refused(*args: str | Path) -> str:
    """The one error line of a command that must end with exit 2."""
    code, stdout, stderr = run(*args)
    assert (code, stdout) == (2, ""), stderr
    [line] = stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def broadcasts_workbook(path: Path, *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A one-sheet broadcasts workbook (12 questions), its parts written with ``compression``."""
    rows = [["Дата", "Программа", "Количество вопросов"], ["05.01.2021", "Утро", 12]]
    source = write_xlsx(path.with_suffix(".base.xlsx"), {"Эфиры": rows})
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    source.unlink()
    return path


def patch_part(path: Path, part: str, data: bytes) -> None:
    """Write ``part`` anew (deflated) with ``data``, the other parts as they were."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def falsify_declared_size(path: Path, part: str, size: int) -> None:
    """Make the local header and the central directory declare ``size`` for ``part``."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(part).header_offset
    struct.pack_into("<I", raw, offset + 22, size)  # local header: uncompressed size
    start = 0
    while (start := raw.find(b"PK\x01\x02", start + 1)) >= 0:
        (name_length,) = struct.unpack_from("<H", raw, start + 28)
        if raw[start + 46 : start + 46 + name_length] == part.encode():
            struct.pack_into("<I", raw, start + 24, size)  # central directory
    path.write_bytes(bytes(raw))


def whitespace_bomb(path: Path) -> tuple[Path, int]:
    """A broadcasts workbook whose sheet part holds 64 MB of whitespace inside
    ``<sheetData>`` (legal XML, packed into about 64 KB) while the archive declares the
    real sheet's size; and that declared size."""
    path = broadcasts_workbook(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET_PART)
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20), 1)
    patch_part(path, SHEET_PART, padded)
    falsify_declared_size(path, SHEET_PART, len(sheet))
    return path, len(sheet)


# --- zip archives that lie ----------------------------------------------------------------


def test_a_bomb_with_falsified_sizes_is_refused_while_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastexcel

    path, declared = whitespace_bomb(tmp_path / "эфиры.xlsx")
    assert path.stat().st_size < 1 << 20

    def must_not_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was given to the parser before it was checked")

    monkeypatch.setattr(fastexcel, "read_excel", must_not_read)
    line = refused("validate", path)
    assert line.startswith(f"error: {path}: the part '{SHEET_PART}' is refused")
    assert f"unpacks to more than the {declared:,} bytes it declares" in line


def test_a_bomb_is_refused_the_same_way_when_the_command_reads_it_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command line's read-ahead runs the inflating check beside calamine's read: the
    # file is refused with the same line, and no figure is made from it.
    from engagement_report.loading import early

    monkeypatch.setattr(early, "EARLY_MIN_BYTES", 0)
    path, _ = whitespace_bomb(tmp_path / "эфиры.xlsx")
    line = refused("build", path, "--out", tmp_path / "out")
    assert line.startswith(f"error: {path}: the part '{SHEET_PART}' is refused")
    assert not (tmp_path / "out").exists()


def test_the_parts_are_checked_from_the_smallest_declared_size_up(tmp_path: Path) -> None:
    # A part that declares little is checked first, whatever its place in the archive: a
    # small part that lies is found before a large honest one has been inflated.
    path = broadcasts_workbook(tmp_path / "эфиры.xlsx", compression=zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        order = [info.filename for info in archive.infolist()]
    later = order[order.index(SHEET_PART) + 1 :]  # written after the sheet
    smaller = next(part for part in later if sizes[part] < sizes[SHEET_PART])
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        for part in (SHEET_PART, smaller):
            info = archive.getinfo(part)
            at = info.header_offset + 30 + len(part) + info.file_size // 2
            raw[at] ^= 0x01  # one byte of each, CRC left as it was
    path.write_bytes(bytes(raw))
    line = refused("validate", path)
    assert line.startswith(f"error: {path}: the part '{smaller}' is damaged")


def test_a_stored_part_altered_without_its_crc_is_refused(tmp_path: Path) -> None:
    path = broadcasts_workbook(tmp_path / "эфиры.xlsx", compression=zipfile.ZIP_STORED)
    raw = path.read_bytes()
    assert raw.count(b"<v>12</v>") == 1
    path.write_bytes(raw.replace(b"<v>12</v>", b"<v>92</v>"))  # 92 questions, CRC left as it was
    line = refused("validate", path)
    assert line.startswith(f"error: {path}: the part '{SHEET_PART}' is damaged")
    assert "fails its checksum" in line


def test_a_damaged_deflate_stream_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = broadcasts_workbook(tmp_path / "эфиры.xlsx")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET_PART)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(SHEET_PART)
    for i in range(start + 10, start + info.compress_size - 4):
        raw[i] ^= 0x5A  # every byte of the stream but its first few
    path.write_bytes(bytes(raw))
    line = refused("build", path, "--out", tmp_path / "out")
    assert line.startswith(f"error: {path}: the part '{SHEET_PART}' is damaged")
    assert not (tmp_path / "out").exists()


def test_an_intact_workbook_passes_the_checks(tmp_path: Path) -> None:
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        path = broadcasts_workbook(tmp_path / f"эфиры-{compression}.xlsx", compression=compression)
        code, stdout, stderr = run("summary", path, "--format", "json")
        assert code == 0, stderr
        assert '"broadcasts.questions_answered"' in stdout or "questions_answered" in stdout


# --- files that are not files -------------------------------------------------------------


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, so a read that hangs fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "engagement_report", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_fifo_is_refused_at_once(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "queries.csv")  # nothing ever writes to it: a read would hang
    done = run_installed(command, "queries.csv", "--no-cache", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: queries.csv: refused: this is a named pipe (FIFO), " + (
        "not a spreadsheet file\n"
    )


def test_a_device_is_refused_at_once(tmp_path: Path) -> None:
    done = run_installed("summary", "/dev/zero", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: /dev/zero: refused: this is a device, not a spreadsheet file\n"


def test_a_symlink_to_a_device_in_a_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "queries.csv").symlink_to("/dev/zero")
    line = refused("validate", data, "--no-cache")
    assert (
        line == f"error: {data / 'queries.csv'}: refused: this is a device, not a spreadsheet file"
    )


# --- names that are not UTF-8 -------------------------------------------------------------


def test_a_file_name_not_in_utf8_is_refused_with_the_name_escaped(tmp_path: Path) -> None:
    name = "Обращения.csv".encode("cp1251")  # as a Windows archive unpacks it
    folder = tmp_path / "data"
    folder.mkdir()
    (Path(os.fsdecode(os.fsencode(folder) + b"/" + name))).write_text(
        "received_at,status\n05.01.2021,answered\n", encoding="utf-8"
    )
    for command in ("validate", "build"):
        line = refused(command, folder, "--no-cache")
        assert line == (
            f"error: {folder}/\\xce\\xe1\\xf0\\xe0\\xf9\\xe5\\xed\\xe8\\xff.csv: the file name "
            "is not valid UTF-8 (in Windows-1251 it reads 'Обращения.csv'); rename the file "
            "(for a whole folder: convmv -f cp1251 -t utf8 --notest *)"
        )
