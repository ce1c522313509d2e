"""Every record read is accounted for exactly once, for the input kinds beside xlsx and
csv (``test_accounting.py``): Parquet, a JSON array of records, an object holding one,
a list of pages of records, and JSON Lines.

A property test: hypothesis draws queries or a press office's question log (good records,
repeated query ids, blank records, total rows, missing and unreadable dates, elements
that are no record) and writes them in each kind; the counts ``load_and_validate`` reports must be the ones drawn, and the
rows used must be exactly the good ones not replaced by a later row of the same id.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement_report import pipeline
from engagement_report.config import Config

FIELDS = ("query_id", "received_at", "status", "topic")
# The press office's question log: one record per journalist question, no id.
LOG_FIELDS = ("date", "event", "outlet", "speaker", "topic")
KINDS = ["good", "good", "good", "dup", "blank", "total", "missing_date", "bad_date", "other"]
FORMATS = ["parquet", "array", "object", "pages", "jsonl"]
REJECTED = {"missing_date", "bad_date", "other"}
NOT_RECORDS = [42, "x", None, True, [1, 2], []]


@st.composite
def records(draw: st.DrawFn) -> tuple[str, str, list[str], list[object]]:
    fmt = draw(st.sampled_from(FORMATS))
    dataset = draw(st.sampled_from(["queries", "press_questions"]))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=25))
    if dataset == "press_questions":  # no ids: every question is its own row
        kinds = [k if k != "dup" else "good" for k in kinds]
    if fmt == "parquet":  # a Parquet table holds rows of its columns only
        kinds = [k if k != "other" else "good" for k in kinds]
    if fmt == "object" and kinds[0] == "other":
        # An object's array of records is found by its records: one starting with a
        # number is no array of records (the file is refused, exit 2, saying so).
        kinds[0] = "good"
    rows: list[object] = []
    seen: list[str] = []
    for number, kind in enumerate(kinds):
        day = draw(st.dates(date(1990, 1, 1), date(2100, 12, 31)))
        if kind == "blank":
            fields = FIELDS if dataset == "queries" else LOG_FIELDS
            rows.append({} if fmt != "parquet" else dict.fromkeys(fields))
            continue
        if kind == "total":
            first = "query_id" if dataset == "queries" else "date"
            rows.append({first: draw(st.sampled_from(["Итого", "Всего:", "Total"]))})
            continue
        if kind == "other":
            # An array first would make the file a list of pages (refused, exit 2, when
            # its other elements are records): a nested array only after a record.
            rows.append(draw(st.sampled_from(NOT_RECORDS if number else NOT_RECORDS[:-2])))
            continue
        query_id = draw(st.sampled_from(seen)) if kind == "dup" and seen else f"Q{number}"
        if kind in ("good", "dup"):
            seen.append(query_id)
        received: str | None = draw(st.sampled_from([f"{day:%d.%m.%Y}", day.isoformat()]))
        if kind == "missing_date":
            received = None
        elif kind == "bad_date":
            received = draw(st.sampled_from(["вчера", "31.02.2021", "??"]))
        if dataset == "press_questions":
            rows.append(
                {
                    "date": received,
                    "event": draw(st.sampled_from(["Брифинг", "briefing", None])),
                    "outlet": draw(st.sampled_from(["Kazinform", "Tengrinews"])),
                    "speaker": draw(st.sampled_from(["Аким", None])),
                    "topic": draw(st.sampled_from(["Дороги", None])),
                }
            )
            continue
        record = {
            "query_id": query_id,
            "received_at": received,
            "status": draw(st.sampled_from(["answered", "в работе", "Отказано", None])),
            "topic": draw(st.sampled_from(["Дороги", "Roads", None])),
        }
        rows.append(record)
    return fmt, dataset, kinds, rows


def write(
    fmt: str, dataset: str, rows: list[object], folder: Path
) -> tuple[Path, list[tuple[str | None, int]]]:
    """The file, and each drawn row's position as it is reported (page, number)."""
    if fmt == "parquet":
        path = folder / f"{dataset}.parquet"
        columns = {
            name: pa.array([row.get(name) for row in rows], type=pa.string())  # type: ignore[union-attr]
            for name in (FIELDS if dataset == "queries" else LOG_FIELDS)
        }
        pq.write_table(pa.table(columns), path)
        return path, [(None, i + 2) for i in range(len(rows))]  # row 1 holds the names
    if fmt == "jsonl":
        path = folder / f"{dataset}.jsonl"
        path.write_text(
            "".join(
                ("" if row == {} else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows
            ),
            encoding="utf-8",
        )
        return path, [(None, i + 1) for i in range(len(rows))]
    path = folder / f"{dataset}.json"
    if fmt == "pages":
        half = (len(rows) + 1) // 2
        pages = [rows[:half], rows[half:]] if rows[half:] else [rows]
        path.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        return path, [
            (f"page {p + 1}", i + 1) for p, page in enumerate(pages) for i in range(len(page))
        ]
    body: object = rows if fmt == "array" else {"count": len(rows), "requests": rows}
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path, [(None, i + 1) for i in range(len(rows))]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(records())
def test_every_record_is_accounted_for(drawn: tuple[str, str, list[str], list[object]]) -> None:
    fmt, dataset, kinds, rows = drawn
    # One full record, last: a file's fields are its headers, so the required ones exist.
    last_one: dict[str, object] = (
        {"query_id": "Z", "received_at": "2021-01-05", "status": "answered", "topic": None}
        if dataset == "queries"
        else {"date": "2021-01-05", "event": "E", "outlet": "O", "speaker": None, "topic": None}
    )
    kinds, rows = [*kinds, "good"], [*rows, last_one]
    with tempfile.TemporaryDirectory() as tmp:
        path, positions = write(fmt, dataset, rows, Path(tmp))
        data = pipeline.load_and_validate([path], Config(), cache=False)
    [account] = data.report.sources
    assert account.dataset == dataset
    ids: list[object] = [
        row.get("query_id") if isinstance(row, dict) and dataset == "queries" else i
        for i, row in enumerate(rows)
    ]
    last = {ids[i]: i for i, kind in enumerate(kinds) if kind in ("good", "dup")}
    used = {i for i, kind in enumerate(kinds) if kind in ("good", "dup") and last[ids[i]] == i}
    expected = (
        len(kinds),
        len(used),
        sum(kind in ("good", "dup") for kind in kinds) - len(used),
        kinds.count("blank"),
        kinds.count("total"),
        sum(kind in REJECTED for kind in kinds),
    )
    got = (
        account.rows_read,
        account.used,
        account.duplicate,
        account.blank,
        account.total_rows,
        account.rejected,
    )
    assert got == expected, (fmt, kinds)
    assert sum(got[1:]) == got[0]
    assert len(data.rejected_rows) == account.rejected
    frame = data.frame(dataset)
    sheets = [None if fmt not in ("pages",) else str(s) for s in frame["_sheet"]]
    assert sorted(zip(sheets, frame["_row"].astype(int), strict=True)) == sorted(
        positions[i] for i in used
    )
