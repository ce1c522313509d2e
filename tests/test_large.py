"""Reading stays exact at scale: 200,000 generated rows as xlsx, CSV and Parquet.

The benchmark generator (benchmarks/generate.py) writes one registry in three formats:
a title row above Russian headers, daily total rows, blank rows, dates typed as text and
a few impossible ones. Every format must give the same figures, the same row accounting
and the same problems at the same spreadsheet rows. The fast paths (Arrow's CSV reader,
dates read from fixed layouts, the 12-month trend worked out at once) are checked against
the general ones they stand in for.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from values import parse_dates

from engagement_report import pipeline
from engagement_report.analysis import trend
from engagement_report.config import Config
from engagement_report.export import csv_text, summary_records
from engagement_report.loading import csvfile
from engagement_report.models import CleanData
from engagement_report.pipeline import compute
from engagement_report.validation import date_layouts, dates

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py)

ROWS = 200_000
TODAY = date(2021, 1, 15)
FORMATS = ("xlsx", "csv", "parquet")


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The same 200k-row registry as xlsx, CSV and Parquet (one folder each)."""
    root = tmp_path_factory.mktemp("registry")
    queries = generate.make_queries(ROWS)
    folders = {}
    for fmt in FORMATS:
        folder = root / fmt
        folder.mkdir()
        generate.WRITERS[fmt](folder, queries)
        folders[fmt] = folder
    with pytest.MonkeyPatch.context() as patch:  # the caches in the test's own folder
        patch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(root / "cache"))
        yield folders


@pytest.fixture(scope="module")
def clean(registry: dict[str, Path]) -> dict[str, CleanData]:
    return {fmt: pipeline.load_and_validate([folder], Config()) for fmt, folder in registry.items()}


def _summary(data: CleanData) -> str:
    period = pipeline.resolve_period(None, data, Config(), TODAY)
    return csv_text(summary_records(compute(data, period, Config(), TODAY)))


def test_every_format_gives_the_same_figures(clean: dict[str, CleanData]) -> None:
    figures = {fmt: _summary(data) for fmt, data in clean.items()}
    assert figures["xlsx"] == figures["csv"] == figures["parquet"]
    assert "queries,received,total,," in figures["xlsx"]


def test_xlsx_and_csv_count_every_row_alike(clean: dict[str, CleanData]) -> None:
    def accounts(data: CleanData) -> list[tuple[object, ...]]:
        # By dataset: the workbook holds broadcasts before press, the CSV files go by name.
        return sorted(
            (
                s.dataset,
                s.header_row,
                s.rows_read,
                s.used,
                s.duplicate,
                s.blank,
                s.total_rows,
                s.rejected,
                s.warnings,
                sorted(s.problem_counts.items()),
            )
            for s in data.report.sources
        )

    xlsx, text = accounts(clean["xlsx"]), accounts(clean["csv"])
    assert xlsx == text
    queries = next(a for a in xlsx if a[0] == "queries")
    _, header_row, read, used, duplicate, blank, total, rejected, _, codes = queries
    assert header_row == 3  # below the title row and the blank row
    assert blank > ROWS * 0.005 and total > 700  # ~0.8% blank rows, a total row each day
    assert duplicate > 0 and rejected > 0
    assert read == used + duplicate + blank + total + rejected
    assert {"invalid_date", "unknown_status", "blank_category"} <= {code for code, _ in codes}


def test_problems_name_the_same_rows(clean: dict[str, CleanData]) -> None:
    def listed(data: CleanData) -> list[tuple[object, ...]]:
        return [(p.code, p.row, p.column, p.value) for p in data.report.problems]

    assert listed(clean["xlsx"]) == listed(clean["csv"])
    rejected = clean["csv"].rejected_rows
    assert list(rejected["row"]) == list(clean["xlsx"].rejected_rows["row"])
    assert (rejected["row"] > 3).all()


def test_provenance_rows_match_across_formats(clean: dict[str, CleanData]) -> None:
    xlsx, text = clean["xlsx"].queries, clean["csv"].queries
    assert xlsx["_row"].tolist() == text["_row"].tolist()
    assert xlsx["query_id"].tolist() == text["query_id"].tolist()
    # Parquet numbers its records 2, 3, …: the same rows, in the same order, less the title
    # rows and the total rows a database export does not have.
    parquet = clean["parquet"].queries
    assert parquet["query_id"].tolist() == xlsx["query_id"].tolist()
    assert parquet["_row"].is_monotonic_increasing and parquet["_row"].min() >= 2


def test_the_trend_equals_computing_each_month(clean: dict[str, CleanData]) -> None:
    data = clean["csv"]
    period = pipeline.resolve_period(None, data, Config(), TODAY)
    window = pipeline.window(period, Config(), TODAY)
    for point in trend(data, window, Config()):
        # Every month of the trend is as of the report's cut-off.
        month = compute(data, point.month, Config(), TODAY, window.cutoff)
        assert month.deadlines is not None
        assert (
            point.received,
            point.answered,
            point.answered_share,
            point.on_time_share,
            point.broadcasts,
            point.questions_answered,
            point.press_events,
            point.publications,
        ) == (
            month.queries.received,
            month.queries.answered,
            month.queries.answered_share,
            month.deadlines.on_time_share,
            month.broadcasts.broadcasts,
            month.broadcasts.questions_answered,
            month.press.press_events,
            month.press.publications,
        )


def test_arrow_and_pandas_read_the_csv_alike(registry: dict[str, Path]) -> None:
    path = registry["csv"] / "обращения.csv"
    table = csvfile._arrow_table(path, "utf-8-sig", ";", 10)
    assert table is not None
    fast = csvfile._frame([table])
    slow = csvfile._read_with_pandas(path, "utf-8-sig", ";", 10)
    assert fast.shape == slow.shape
    for column in slow.columns:
        a = fast[column].astype(object).where(fast[column].notna(), None).tolist()
        b = slow[column].astype(object).where(slow[column].notna(), None).tolist()
        assert a == b, column


@pytest.mark.parametrize(
    "text",
    [
        "a;b\r\n1;2\r\n\r\n3;4\r\n",  # a blank line in the middle
        "a;b\n1;2\n\n",  # and at the end
        "\na;b\n1;2\n",  # and first
        'a;b\n"x\n\ny";2\n3;4\n',  # a quoted cell with a blank line in it
        'a;b\n"x\ny";2\n3;4\n',  # a quoted line break
        "a;b;c\n1;2\n3;4;5\n",  # a short row
        "a;b\r1;2\r\r3;4\r",  # old Mac line ends
        "a;b\n1;2\n\n\n\n3;4",  # blank lines in a row, no line end at the end
        "a;b\n1;2\n   \n3;4\n",  # a line of spaces
        "a;b\n;\n1;2\n",  # a row of empty cells
    ],
)
def test_csv_rows_are_counted_as_pandas_counts_them(text: str, tmp_path: Path) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode())
    width = max(len(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    expected = csvfile._read_with_pandas(path, "utf-8-sig", ";", width)
    got = csvfile.read_csv_cells(path)
    assert got.shape == expected.shape
    assert got.astype(object).where(got.notna(), None).values.tolist() == (
        expected.astype(object).where(expected.notna(), None).values.tolist()
    )


def test_arrow_keeps_blank_lines_as_rows(tmp_path: Path) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(b"a;b\r\n1;2\r\n\r\n3;4\r\n")
    table = csvfile._arrow_table(path, "utf-8-sig", ";", 2)
    assert table is not None  # no fallback to pandas for a blank line
    assert table.to_pylist()[2] == {"f0": None, "f1": None}
    assert table.num_rows == 4


@pytest.mark.parametrize("quoted", [True, False])
def test_csv_read_in_many_blocks_whether_or_not_cells_are_quoted(
    quoted: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blocks of 1 KB: the block ends fall inside quoted line breaks, which only the
    # quote-aware reader (taken for a file holding a quote) reads right.
    monkeypatch.setattr(csvfile, "READ_BLOCK_BYTES", 1024)
    rows = ["a;b"] + [
        f'{i};"text {i}\nmore; {i}"' if quoted and i % 7 == 0 else f"{i};plain {i}"
        for i in range(2000)
    ]
    path = tmp_path / "file.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert csvfile._has_quotes(path) is quoted
    table = csvfile._arrow_table(path, "utf-8-sig", ";", 2)
    assert table is not None  # Arrow's result, not the fallback
    got = csvfile._frame([table])
    expected = csvfile._read_with_pandas(path, "utf-8-sig", ";", 2)
    assert got.astype(object).values.tolist() == expected.astype(object).values.tolist()


def _random_dates(count: int) -> list[str]:
    """Date texts in the two fixed layouts, some impossible, some in other shapes."""
    rng = random.Random(7)
    out = []
    for _ in range(count):
        y, m, d = rng.randint(1600, 2300), rng.randint(0, 13), rng.randint(0, 32)
        hh, mm, ss = rng.randint(0, 25), rng.randint(0, 61), rng.randint(0, 61)
        when = rng.choice(["", f" {hh:02d}:{mm:02d}", f"T{hh:02d}:{mm:02d}:{ss:02d}"])
        out.append(
            rng.choice(
                [
                    f"{y:04d}-{m:02d}-{d:02d}{when}",
                    f"{d:02d}.{m:02d}.{y:04d}{when}",
                    f"{d}.{m}.{y}{when}",  # not a fixed layout: the general path
                    f"{y:04d}-{m:02d}-{d:02d} {hh}:{mm:02d}",
                ]
            )
        )
    return out


@pytest.mark.parametrize("clock", ["", " 10:05", "T10:05", " 10:05:30", "T10:05:30"])
def test_a_column_of_real_iso_dates_is_read_whole_as_from_its_digits(
    clock: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every value a real date of one layout: Arrow's cast reads them all at once. Its
    # values are those the digits give, NaT outside 1678-01-01 .. 2261-12-31 midnight
    # included (nanoseconds hold a little more, which the digits path does not keep).
    rng = random.Random(3)
    days = [date(1678, 1, 1).toordinal() + rng.randrange(213_000) for _ in range(2000)]
    texts = [date.fromordinal(day).isoformat() + clock for day in days]
    edges = ["1677-12-31", "1678-01-01", "2261-12-31", "2000-02-29", "2100-02-28"]
    texts += [day + clock for day in edges]
    cast = date_layouts._cast_iso
    used: list[bool] = []

    def watched(strings: object) -> object:
        stamps = cast(strings)  # type: ignore[arg-type]
        used.append(stamps is not None)
        return stamps

    monkeypatch.setattr(date_layouts, "_cast_iso", watched)
    got = parse_dates(pd.Series(texts))
    assert used == [True]  # read whole, by the cast
    monkeypatch.setattr(date_layouts, "_cast_iso", lambda strings: None)
    digits = parse_dates(pd.Series(texts))
    assert np.array_equal(got.values.to_numpy(), digits.values.to_numpy(), equal_nan=True)
    assert got.invalid.tolist() == digits.invalid.tolist()
    tail = got.values.tail(5).tolist()
    assert pd.isna(tail[0]) and got.invalid.iloc[-5]  # 1677: held by nanoseconds, not kept
    clock_time = clock.strip(" T") or "00:00"
    assert tail[1] == pd.Timestamp(f"1678-01-01 {clock_time}")
    if clock:  # 2261-12-31 is kept at midnight only (the last moment kept)
        assert pd.isna(tail[2]) and got.invalid.iloc[-3]
    else:
        assert tail[2] == pd.Timestamp("2261-12-31")
    assert tail[3] == pd.Timestamp(f"2000-02-29 {clock_time}")
    assert tail[4] == pd.Timestamp(f"2100-02-28 {clock_time}")


def test_fixed_layout_dates_read_as_the_general_parser_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _random_dates(20_000)
    got = parse_dates(pd.Series(texts))

    # The same texts through the date families alone (the fixed-layout reader switched off).
    def nothing_fixed(strings: object) -> tuple[np.ndarray, np.ndarray]:
        n = len(strings)  # type: ignore[arg-type]
        return np.full(n, np.datetime64("NaT", "ns")), np.zeros(n, dtype=bool)

    monkeypatch.setattr(dates, "fixed_layout", nothing_fixed)
    general = parse_dates(pd.Series(texts))
    monkeypatch.undo()
    assert got.invalid.tolist() == general.invalid.tolist()
    assert np.array_equal(got.values.to_numpy(), general.values.to_numpy(), equal_nan=True)
    # And against pandas for every well-formed ISO value.
    iso = [t for t in texts if len(t) in (10, 16, 19) and t[4:5] == "-" and "T" not in t]
    parsed = parse_dates(pd.Series(iso)).values.to_numpy()
    reference = pd.to_datetime(pd.Series(iso), format="ISO8601", errors="coerce").to_numpy()
    inside = (reference >= np.datetime64("1678-01-01")) & (reference <= np.datetime64("2261-12-31"))
    reference = np.where(inside, reference, np.datetime64("NaT"))
    assert np.array_equal(parsed, reference, equal_nan=True)
