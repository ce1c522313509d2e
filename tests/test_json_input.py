"""JSON inputs (issue 14): an array of records, an object holding one, a list of pages,
JSON Lines; nested fields by a dotted name; records numbered as a person finds them; the
same recognition, aliases, row accounting and problems as spreadsheets; hostile files.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config, parse_config
from engagement_report.errors import InputError
from engagement_report.loading import json_columns, json_stream
from engagement_report.loading.jsonfile import read_json_records

RECORDS = [
    {"№": "1", "Дата поступления": "05.01.2021 10:00", "Статус": "Отвечено", "Тема": "Дороги"},
    {"№": "2", "Дата поступления": "06.01.2021 11:00", "Статус": "В работе", "Тема": "Свет"},
    {"№": "3", "Дата поступления": "не помню", "Статус": "Отвечено", "Тема": "Дороги"},
]


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


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def check(path: Path, config: Config | None = None) -> pipeline.CleanData:
    return pipeline.load_and_validate([path], config or Config(), cache=False)


# --- the four shapes ---------------------------------------------------------------------------


def test_an_array_of_records_reads_like_the_same_csv(tmp_path: Path) -> None:
    json_data = check(write(tmp_path / "export.json", RECORDS))
    lines = ["№,Дата поступления,Статус,Тема"] + [",".join(r.values()) for r in RECORDS]
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv_data = check(csv_path)
    [account] = json_data.report.sources
    assert (account.dataset, account.recognised_by, account.unit) == ("queries", "header", "record")
    assert (account.rows_read, account.used, account.rejected) == (3, 2, 1)
    assert account.mapping == csv_data.report.sources[0].mapping
    columns = ["query_id", "received_at", "status", "topic"]
    pd.testing.assert_frame_equal(
        json_data.queries[columns].astype(str), csv_data.queries[columns].astype(str)
    )
    # the rejected record is named by its number in the array, not a spreadsheet row
    [problem] = [p for p in json_data.report.problems if p.severity == "error"]
    assert (problem.sheet, problem.row, problem.unit, problem.column) == (
        None,
        3,
        "record",
        "Дата поступления",
    )
    assert json_data.queries["_row"].tolist() == [1, 2]


@pytest.mark.parametrize(
    "wrap",
    [
        lambda records: {"service_requests": records},
        lambda records: {"count": 3, "result": {"meta": [1, 2], "records": records}},
        lambda records: {"empty": [], "records": records, "next": None},
    ],
)
def test_an_object_holding_one_array_of_records(tmp_path: Path, wrap: object) -> None:
    path = write(tmp_path / "queries.json", wrap(RECORDS))  # type: ignore[operator]
    data = check(path)
    assert data.report.sources[0].rows_read == 3
    assert data.queries["topic"].astype(str).tolist() == ["Дороги", "Свет"]


def test_a_list_of_pages_numbers_records_within_their_page(tmp_path: Path) -> None:
    pages = [RECORDS[:2], [*RECORDS[2:], {**RECORDS[0], "№": "4", "Тема": ""}]]
    path = write(tmp_path / "queries.json", pages)
    data = check(path)
    [account] = data.report.sources
    assert (account.sheet, account.rows_read, account.rejected) == (None, 4, 1)
    positions = {(p.code, p.sheet, p.row) for p in data.report.problems}
    assert positions == {("invalid_date", "page 2", 1), ("blank_category", "page 2", 2)}
    assert list(zip(data.queries["_sheet"], data.queries["_row"], strict=True)) == [
        ("page 1", 1),
        ("page 1", 2),
        ("page 2", 2),
    ]
    rejected = pd.read_csv(io.StringIO(pipeline.rejected_csv(data)), dtype=str)
    assert rejected[["file", "sheet", "row"]].values.tolist() == [[str(path), "page 2", "1"]]
    assert rejected["Дата поступления"].tolist() == ["не помню"]


def test_json_lines_number_records_by_line_and_count_blank_lines(tmp_path: Path) -> None:
    lines = [json.dumps(RECORDS[0], ensure_ascii=False), "", json.dumps(RECORDS[2])]
    for name in ("queries.jsonl", "queries.ndjson", "queries.json"):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        data = check(path)
        [account] = data.report.sources
        assert (account.rows_read, account.used, account.blank, account.rejected) == (3, 1, 1, 1)
        [problem] = [p for p in data.report.problems if p.severity == "error"]
        assert (problem.row, problem.unit) == (3, "record")


def test_validate_names_records_and_pages(tmp_path: Path) -> None:
    path = write(tmp_path / "queries.json", [RECORDS[:1], RECORDS[1:]])
    code, stdout, _ = run("validate", path)
    assert code == 1
    assert "fields of JSON records" in stdout
    assert "records: 3 read = 2 used + 0 duplicate + 0 blank + 0 total rows + 1 rejected" in stdout
    assert f"error: {path} [page 2] record 2, column 'Дата поступления':" in stdout
    code, stdout, _ = run("validate", "--format", "json", path)
    [problem] = json.loads(stdout)["problems"]
    assert (problem["sheet"], problem["row"], problem["unit"]) == ("page 2", 2, "record")


# --- fields ------------------------------------------------------------------------------------


def test_nested_fields_are_reached_by_a_dotted_name(tmp_path: Path) -> None:
    records = [
        {"id": 7, "opened": "2021-01-05T10:00:00Z", "state": {"name": "closed"}, "agency": {}},
        {"id": 8, "opened": "2021-01-06T10:00:00Z", "state": {"name": "open"}},
    ]
    config = parse_config(
        {
            "columns": {
                "queries": {"query_id": "id", "received_at": "opened", "status": "state.name"}
            },
            "statuses": {"answered": ["closed"], "in_progress": ["open"]},
        }
    )
    data = check(write(tmp_path / "requests.json", records), config)
    assert data.report.sources[0].mapping["status"] == "state.name"
    assert data.queries["status"].astype(str).tolist() == ["answered", "in_progress"]
    assert data.queries["query_id"].tolist() == ["7", "8"]


def test_values_keep_the_text_they_are_written_with(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        '[{"a": 1.50, "b": 1e3, "c": true, "d": null, "e": [1, 2.50, "x", {"k": false}],'
        ' "f": "tab\\there", "g": -0, "h": 12345678901234567890}]',
        encoding="utf-8",
    )
    records = read_json_records(path)
    cells = dict(zip(records.headers, records.cells.iloc[0], strict=True))
    assert cells["a"] == "1.50"
    assert cells["b"] == "1e3"
    assert cells["c"] == "true"
    assert pd.isna(cells["d"])
    assert cells["e"] == '[1,2.50,"x",{"k":false}]'
    assert cells["f"] == "tab\there"
    assert cells["g"] == "-0"
    assert cells["h"] == "12345678901234567890"


def test_fields_first_seen_late_are_empty_in_the_records_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pieces of two rows, so the new field arrives after two pieces are closed
    monkeypatch.setattr(json_columns, "PIECE_ROWS", 2)
    records = [{"a": str(i)} for i in range(5)] + [{"a": "5", "b": "late"}, {"b": "only"}]
    records_read = read_json_records(write(tmp_path / "x.json", records))
    assert records_read.headers == ("a", "b")
    assert records_read.cells[0].tolist()[:6] == [str(i) for i in range(6)]
    assert pd.isna(records_read.cells[0].iloc[6])
    assert records_read.cells[1].isna().tolist() == [True] * 5 + [False, False]
    assert list(records_read.numbers) == list(range(1, 8))


def test_a_name_repeated_in_one_record_is_a_second_column_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "queries.json"
    path.write_text(
        '[{"received_at": "05.01.2021", "status": "answered", "status": "open"},'
        ' {"received_at": "06.01.2021", "status": "answered"}]',
        encoding="utf-8",
    )
    data = check(path)
    [warning] = [p for p in data.report.problems if p.code == "duplicate_column"]
    assert (warning.row, warning.unit, warning.column) == (None, "record", "status")
    assert "first at record 1" in warning.message
    assert data.queries["status"].astype(str).tolist() == ["answered", "answered"]


# --- elements that are no records ------------------------------------------------------------


def test_an_element_that_is_no_record_is_rejected_by_its_number(tmp_path: Path) -> None:
    path = tmp_path / "queries.json"
    path.write_text(
        '[{"received_at": "05.01.2021", "status": "answered"}, 42, "x", [1, 2], null, {}]',
        encoding="utf-8",
    )
    data = check(path)
    [account] = data.report.sources
    assert (account.rows_read, account.used, account.blank, account.rejected) == (6, 1, 1, 4)
    assert account.used + account.blank + account.rejected == account.rows_read
    problems = [(p.code, p.row, p.value) for p in data.report.problems]
    assert problems == [
        ("not_a_record", 2, "a number (42)"),
        ("not_a_record", 3, "a string ('x')"),
        ("not_a_record", 4, "an array ([1,2])"),
        ("not_a_record", 5, "null"),
    ]


# --- hostile files -----------------------------------------------------------------------------


def test_invalid_json_is_exit_2_naming_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "queries.json"
    path.write_text(
        '[\n {"received_at": "05.01.2021", "status": "answered"},\n'
        ' {"received_at": "06.01.2021" "status": "open"}\n]\n',
        encoding="utf-8",
    )
    line = refused("validate", path)
    assert line == f"error: {path}: line 3, column 31: not valid JSON: expected ',' delimiter"


def test_open311s_own_example_with_a_leading_zero_is_refused_at_its_place(tmp_path: Path) -> None:
    # GeoReport v2's documentation writes "service_code":006, which JSON does not allow.
    path = tmp_path / "requests.json"
    path.write_text('[\n  {\n    "service_code":006\n  }\n]\n', encoding="utf-8")
    line = refused("validate", path)
    assert f"{path}: line 3, column 21: not valid JSON" in line


def test_invalid_json_deep_in_a_large_file_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "READ_BYTES", 1000)  # many blocks: positions carry over
    record = '{"received_at": "05.01.2021", "status": "answered"},\n'
    path = tmp_path / "queries.json"
    path.write_text("[\n" + record * 5000 + '{"received_at": "x", }\n]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 5,002, column 22: not valid JSON"):
        read_json_records(path)


def test_a_record_cut_by_the_reads_blocks_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "READ_BYTES", 7)
    records = [{"id": str(n), "text": "слово " * n, "n": 10**n} for n in range(40)]
    read = read_json_records(write(tmp_path / "x.json", [records[:10], records[10:]]))
    assert read.cells[0].tolist() == [str(n) for n in range(40)]
    assert read.cells[2].tolist() == [str(10**n) for n in range(40)]
    assert list(read.pages or ()) == [1] * 10 + [2] * 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", "holds a number (42), not records"),
        ('"text"', "holds a string ('text'), not records"),
        ("null", "holds null, not records"),
        ('{"count": 2, "next": null}', "line 1, column 1: the object holds no array of records"),
        ("[]", "no records found in the JSON (an array of records)"),
        ("[1, 2, 3]", "no records found in the JSON (an array of records) (it holds a number"),
        ("", "the file is empty (0 bytes)"),
        ("   \n", "line 2, column 1: not valid JSON: expected a value, found the end of the file"),
        ('[{"a": 1}] [', "line 1, column 12: not valid JSON: more text after the end"),
        ('[{"a": "open', "not valid JSON: a string without its closing quote"),
        ("[" * 100_000, "nested too deeply to be records"),
        ('{"a": [{"x": 1}], "b": {"c": [{"y": 2}]}}', "holds two arrays of records"),
        ('[[{"a": 1}], {"a": 2}]', "element 2 of the list of pages is no page"),
    ],
)
def test_what_is_not_records_is_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "queries.json"
    path.write_text(text, encoding="utf-8")
    line = refused("validate", path)
    assert line.startswith(f"error: {path}: ")
    assert expected in line


def test_text_that_is_not_utf8_is_refused_naming_byte_and_line(tmp_path: Path) -> None:
    path = tmp_path / "queries.json"
    text = '[\n{"received_at": "05.01.2021", "status": "answered", "topic": "Дороги"}\n]\n'
    path.write_bytes(text.encode("cp1251"))
    line = refused("validate", path)
    assert "line 2: byte 64 (b'\\xc4\\xee\\xf0\\xee') is not UTF-8 text" in line
    assert """the text there reads 'nswered", "topic": "Дороги"}'""" in line
    assert 'encoding = "cp1251"' in line
    # the config's encoding reads it
    config = parse_config({"encoding": "cp1251"})
    assert check(path, config).queries["topic"].astype(str).tolist() == ["Дороги"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "queries.json"
    path.write_bytes(json.dumps(RECORDS, ensure_ascii=False).encode(encoding))
    assert check(path).report.sources[0].rows_read == 3


def test_a_folder_contributes_its_json_files(tmp_path: Path) -> None:
    write(tmp_path / "queries.json", RECORDS[:2])
    (tmp_path / "more.jsonl").write_text(
        json.dumps({**RECORDS[0], "№": "9"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    data = check(tmp_path)
    assert sorted(data.queries["query_id"].tolist()) == ["1", "2", "9"]


def test_a_json_file_of_no_dataset_in_a_folder_is_skipped_and_said(tmp_path: Path) -> None:
    write(tmp_path / "queries.json", RECORDS[:2])
    write(tmp_path / "settings.json", [{"colour": "blue"}])
    code, stdout, _ = run("validate", tmp_path)
    assert code == 1
    assert "settings.json: skipped: not named after a dataset and the fields of its" in stdout
