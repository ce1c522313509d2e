"""CSV files as older systems and careless hands write them (issue 19).

Encodings decided from the whole file, the config's ``encoding``, NUL bytes anywhere,
rows with more cells than the header row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config, parse_config
from engagement_report.errors import ConfigError, InputError

HEADER = "Дата поступления;Статус;Тема\n"
ROWS = "05.01.2021;Отвечено;Дороги\n06.01.2021;В работе;Отопление\n"


def topics(path: Path, config: Config | None = None) -> list[str]:
    data = pipeline.load_and_validate([path], config or Config(), cache=False)
    return data.queries["topic"].astype(str).tolist()


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "cp866", "utf-8", "utf-8-sig", "utf-16"])
def test_each_encoding_offices_use_is_read_as_written(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "queries.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    assert topics(path) == ["Дороги", "Отопление"]


def test_koi8r_is_not_read_as_windows_1251(tmp_path: Path) -> None:
    # one Cyrillic word in a file of English headers: the little evidence there is
    path = tmp_path / "queries.csv"
    path.write_bytes("received_at,status,topic\n05.01.2021,answered,Дороги\n".encode("koi8-r"))
    assert topics(path) == ["Дороги"]  # cp1251 would make it 'дПСПЗЙ'


def test_windows_1251_after_64_kb_of_plain_ascii_is_read(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    ascii_rows = "05.01.2021;answered;Roads\n" * 4000  # about 100 KB
    path.write_bytes(
        ("received_at;status;topic\n" + ascii_rows + "06.01.2021;answered;Отопление\n").encode(
            "cp1251"
        )
    )
    assert path.stat().st_size > 64 * 1024
    assert topics(path)[-1] == "Отопление"


def test_a_nul_byte_after_64_kb_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    rows = "05.01.2021,answered,Roads\n" * 4000
    path.write_bytes(
        b"received_at,status,topic\n" + rows.encode() + b"06.01.2021,answered,Ro\x00ads\n"
    )
    with pytest.raises(InputError, match=r"line 4,002 holds a NUL byte") as caught:
        topics(path)
    assert str(caught.value).startswith(f"{path}: ")
    result = CliRunner().invoke(app, ["validate", str(path), "--no-cache"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: line 4,002 holds a NUL byte")


def test_the_config_names_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    # Latin-1 accents read as Windows-1251 letters unless the config says otherwise
    path.write_bytes("received_at,status,topic\n05.01.2021,answered,Café\n".encode("latin-1"))
    assert topics(path) == ["Cafй"]
    config = parse_config({"encoding": "latin-1"})
    assert config.encoding == "iso8859-1"
    assert topics(path, config) == ["Café"]
    with pytest.raises(ConfigError, match="unknown encoding 'klingon'"):
        parse_config({"encoding": "klingon"})


# --- ragged rows ----------------------------------------------------------------------------


def test_a_wide_row_anywhere_is_a_warning_naming_the_row_and_cells(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    early = "05.01.2021,answered,Roads,x1\n"  # row 2, within the first 64 KB
    rows = "05.01.2021,answered,Roads\n" * 4000  # rows 3-4002
    late = "06.01.2021,answered,Roads, bridges and tunnels\n"  # row 4003, past 64 KB
    path.write_text("received_at,status,topic\n" + early + rows + late, encoding="utf-8")
    data = pipeline.load_and_validate([path], Config(), cache=False)
    assert len(data.queries) == 4002  # every row read, none refused or dropped
    warnings = [(p.code, p.row, p.value) for p in data.report.problems]
    assert warnings == [
        ("extra_cells", 2, "x1"),
        ("extra_cells", 4003, "bridges and tunnels"),
    ]
    assert data.report.warnings == 2


def test_a_wide_row_past_the_first_lines_is_not_a_refusal(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    rows = "05.01.2021;answered;Roads\n" * 4000
    path.write_text(
        "received_at;status;topic\n" + rows + "06.01.2021;answered;Roads;a;b;c\n",
        encoding="utf-8",
    )
    data = pipeline.load_and_validate([path], Config(), cache=False)
    [problem] = data.report.problems
    assert (problem.code, problem.row, problem.value) == ("extra_cells", 4002, "a | b | c")


def test_a_file_partly_utf8_and_partly_not_is_refused_as_mixed(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    utf8 = ("received_at;status;topic\n" + "05.01.2021;answered;Дороги\n" * 50).encode()
    path.write_bytes(utf8 + "06.01.2021;answered;Отопление\n".encode("cp1251"))
    with pytest.raises(InputError, match="mixed text encodings") as caught:
        topics(path)
    assert str(caught.value).startswith(f"{path}: ")


# --- labels that look alike -------------------------------------------------------------------


def test_invisible_characters_are_dropped_from_labels_headers_and_statuses(
    tmp_path: Path,
) -> None:
    path = tmp_path / "queries.csv"
    path.write_text(
        "received_at,sta\u200btus,topic\n"
        "05.01.2021,answered,Public transport\n"
        "05.01.2021,answered\u200b,Public\u00a0transport\n"  # no-break space inside
        "05.01.2021,answered,\ufeffPublic transport\u200b\n"  # a BOM and a zero-width space
        "05.01.2021,ans\u00adwered,Public\u2060 transport\n",  # soft hyphen, word joiner
        encoding="utf-8",
    )
    data = pipeline.load_and_validate([path], Config(), cache=False)
    assert data.queries["topic"].astype(str).tolist() == ["Public transport"] * 4
    assert data.queries["status"].astype(str).tolist() == ["answered"] * 4
    assert data.report.problems == ()


def test_a_label_with_letters_of_another_alphabet_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "queries.csv"
    path.write_text(
        "received_at,status,topic\n"
        "05.01.2021,answered,Roads\n"
        "06.01.2021,answered,Roads\n"
        "07.01.2021,answered,R\u043eads\n"  # row 4: Cyrillic о
        "08.01.2021,answered,Heating\n"
        "09.01.2021,answered,R\u043eads\n",
        encoding="utf-8",
    )
    data = pipeline.load_and_validate([path], Config(), cache=False)
    [warning] = data.report.problems
    assert (warning.code, warning.row, warning.column, warning.value) == (
        "lookalike_label",
        4,
        "topic",
        "R\u043eads",
    )
    assert "looks like 'Roads'" in warning.message
    assert "the 2 row(s) with it" in warning.message
    # still counted as written: the warning says so, nothing is merged behind the office's back
    assert set(data.queries["topic"].astype(str)) == {"Heating", "R\u043eads", "Roads"}
