"""Load: files and sheets → text tables with provenance, recognised as datasets.

No judgement about values happens here; :mod:`engagement_report.validation`
decides what each cell means.

Files are read side by side in threads (the parsers run in Rust and C++ and let go of
Python's lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from engagement_report import console
from engagement_report.config import Config
from engagement_report.errors import InputError
from engagement_report.loading.csvfile import read_csv_cells
from engagement_report.loading.discover import (
    JSON_SUFFIXES,
    PARQUET_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    WORKBOOK_SUFFIXES,
    discover_inputs,
)
from engagement_report.loading.headers import (
    HEADER_SEARCH_ROWS,
    HeaderMatch,
    accepted_headers,
    configured_dataset,
    find_header_row,
    match_headers,
)
from engagement_report.loading.jsonfile import read_json_records
from engagement_report.loading.parquet import read_parquet_cells
from engagement_report.loading.sheets import CHART_REASON, drop_hidden_copies, mark_identical
from engagement_report.loading.xlsx import RawSheet, read_workbook, sheet_states
from engagement_report.models import LoadedInputs, SkippedSheet, SourceTable
from engagement_report.schema import COLUMNS, DATASETS
from engagement_report.spellings import dataset_for_name

if TYPE_CHECKING:
    import pandas as pd

READ_THREADS = 2

__all__ = ["SPREADSHEET_SUFFIXES", "discover_inputs", "load_inputs", "read_file"]


def load_inputs(
    inputs: Sequence[str | Path], config: Config, *, files: Sequence[Path] | None = None
) -> LoadedInputs:
    """Read every input file; raise :class:`InputError` for one that cannot be read.

    ``files``: the files ``inputs`` stand for, when the caller has already found them
    (:func:`discover_inputs`), so no folder is listed twice.
    """
    files = list(files) if files is not None else discover_inputs(inputs)
    if not files:
        raise InputError("no input files found (give files or folders holding csv/xlsx files)")
    console.note(f"Reading {_names(files)}…")
    if len(files) == 1:
        results = [read_file(files[0], config)]
    else:
        # Biggest first, so the longest read starts at once; results keep the input order.
        order = sorted(range(len(files)), key=lambda i: -_size(files[i]))
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            futures = {i: pool.submit(read_file, files[i], config) for i in order}
            results = [futures[i].result() for i in range(len(files))]
    tables: list[SourceTable] = []
    skipped: list[SkippedSheet] = []
    named = _named_files(inputs)
    for file, (file_tables, file_skipped) in zip(files, results, strict=True):
        if not file_tables and file.resolve() in named:
            # A file the user named is never skipped in silence: a monthly job would
            # otherwise publish a report of zeros.
            raise InputError(_not_recognised(file, file_skipped))
        tables.extend(file_tables)
        skipped.extend(file_skipped)
    if not tables:
        listed = "; ".join(_not_recognised(s.file, [s]) for s in skipped[:5])
        raise InputError(f"no dataset recognised in the inputs: {listed}")
    return LoadedInputs(tuple(mark_identical(tables)), tuple(skipped), tuple(files))


def _named_files(inputs: Sequence[str | Path]) -> set[Path]:
    """The files given by their own name (not found in a folder or by a pattern)."""
    named = set()
    for item in inputs:
        path = Path(str(item)).expanduser()
        if path.is_file():
            named.add(path.resolve())
    return named


def _not_recognised(path: Path, skipped: Sequence[SkippedSheet]) -> str:
    """Why nothing of ``path`` was read, sheet by sheet."""
    reasons = [
        (f"sheet {s.sheet!r}: " if s.sheet else "") + s.reason for s in skipped if s.file == path
    ]
    return f"{path}: not recognised as any dataset: {'; '.join(reasons) or 'nothing to read'}"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _names(files: list[Path]) -> str:
    return files[0].name if len(files) == 1 else f"{len(files)} files"


def read_file(path: Path, config: Config) -> tuple[list[SourceTable], list[SkippedSheet]]:
    """Read one file into recognised tables and the sheets it skipped."""
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, config)
    if suffix in JSON_SUFFIXES:
        return _read_json(path, config)
    states: dict[str, str] = {}
    if suffix in WORKBOOK_SUFFIXES:
        sheets = read_workbook(path)
        states = sheet_states(path)
    elif suffix in (".csv", ".tsv", ".txt"):
        sheets = [RawSheet("", read_csv_cells(path, config.encoding), 1)]
    else:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            "expected .csv, .xlsx, .xlsm, .xls, .ods, .parquet, .json, .jsonl or .ndjson"
        )
    single = len(sheets) == 1
    file_hint = dataset_for_name(path.stem)
    tables: list[SourceTable] = []
    skipped: list[SkippedSheet] = []
    heads: dict[int, list[list[object]]] = {}  # skipped sheet → its first rows
    for sheet in sheets:
        sheet_name = sheet.name or None
        named = dataset_for_name(sheet.name) if sheet.name else None
        if named is None and single:
            named = file_hint
        if states.get(sheet.name) == "chart":
            skipped.append(SkippedSheet(path, sheet_name, CHART_REASON))
            continue
        if _empty(sheet.cells):
            if named and single:
                raise InputError(
                    f"{_where(path, sheet_name)}: the sheet is empty; expected a header row"
                )
            skipped.append(SkippedSheet(path, sheet_name, "empty sheet"))
            continue
        head = _head_rows(sheet.cells)
        recognised = _recognise(path, sheet_name, named, head, config, file_hint)
        if recognised is None:
            reason = (
                "not named after a dataset and its header row does not clearly "
                "match one (queries, broadcasts, press_events)"
            )
            skipped.append(SkippedSheet(path, sheet_name, reason))
            heads[len(skipped) - 1] = head
            continue
        (index, match), recognised_by = recognised
        tables.append(_table(path, sheet, index, match.dataset, recognised_by))
    tables, hidden = drop_hidden_copies(path, tables, states, config)
    skipped.extend(hidden)
    if not tables:
        # Nothing of the file is read: say what it holds and what it lacks to be read.
        for number, head in heads.items():
            item = skipped[number]
            skipped[number] = SkippedSheet(
                item.file, item.sheet, f"{item.reason}; {_closest(head, config)}"
            )
    return tables, skipped


def _read_parquet(path: Path, config: Config) -> tuple[list[SourceTable], list[SkippedSheet]]:
    """A Parquet file: its column names are the header row, its records rows 2, 3, …"""
    import numpy as np
    import pandas as pd

    headers, cells = read_parquet_cells(path)
    named = dataset_for_name(path.stem)
    head: list[list[object]] = [list(headers)]
    recognised = _recognise(path, None, named, head, config, None)
    if recognised is None:
        reason = (
            "not named after a dataset and its columns do not clearly match one "
            "(queries, broadcasts, press_events)"
        )
        return [], [SkippedSheet(path, None, f"{reason}; {_closest(head, config)}")]
    (_, match), recognised_by = recognised
    rows = pd.Series(np.arange(len(cells), dtype=np.int64) + 2, name="_row")
    table = SourceTable(
        file=path,
        sheet=None,
        dataset=match.dataset,
        header_row=1,
        headers=tuple(h.strip() for h in headers),
        cells=cells,
        row_numbers=rows,
        recognised_by=recognised_by,
    )
    return [table], []


def _read_json(path: Path, config: Config) -> tuple[list[SourceTable], list[SkippedSheet]]:
    """A JSON file: its records' field names are the header row, its records the rows,
    numbered from 1 (within each page of a list of pages, the page standing as the sheet)."""
    import numpy as np
    import pandas as pd

    records = read_json_records(path, config.encoding)
    head: list[list[object]] = [list(records.headers)]
    recognised = _recognise(path, None, dataset_for_name(path.stem), head, config, None)
    if recognised is None:
        reason = (
            f"not named after a dataset and the fields of its records ({records.layout}) "
            "do not clearly match one (queries, broadcasts, press_events)"
        )
        return [], [SkippedSheet(path, None, f"{reason}; {_closest(head, config)}")]
    (_, match), recognised_by = recognised
    sheets = None
    if records.pages is not None:
        pages = np.frombuffer(records.pages, dtype=np.int64)
        labels = pd.Index([f"page {n}" for n in range(1, int(pages.max()) + 1)], dtype=object)
        sheets = pd.Series(pd.Categorical.from_codes(pages - 1, categories=labels))
    table = SourceTable(
        file=path,
        sheet=None,
        dataset=match.dataset,
        header_row=0,
        headers=tuple(h.strip() for h in records.headers),
        cells=records.cells,
        row_numbers=pd.Series(np.frombuffer(records.numbers, dtype=np.int64).copy(), name="_row"),
        recognised_by=recognised_by,
        unit="record",
        row_sheets=sheets,
        not_records=records.not_records,
    )
    return [table], []


def _recognise(
    path: Path,
    sheet: str | None,
    named: str | None,
    head: list[list[object]],
    config: Config,
    file_hint: str | None,
) -> tuple[tuple[int, HeaderMatch], Literal["name", "header"]] | None:
    """The dataset a table is and where its header row is; None when it clearly is none.

    A table named after a dataset must carry that dataset's required columns (an
    :class:`InputError` says which are missing); an unnamed one is recognised by an
    unambiguous header row, else by the file's name when its header fits that dataset.
    """
    if named:
        found = find_header_row(head, config, named)
        if found is None or found[1].missing_required():
            raise _missing_columns(path, sheet, named, head, config, found)
        return found, "name"
    found = find_header_row(head, config)
    if found is not None:
        return found, "header"
    configured = configured_dataset(head, config)
    if configured is not None:
        # The config maps some of these headers to one dataset's columns: the table is
        # that dataset, and a required column it lacks is named (not a silent skip).
        found = find_header_row(head, config, configured)
        if found is None or found[1].missing_required():
            raise _missing_columns(path, sheet, configured, head, config, found)
        return found, "header"
    if file_hint:
        hinted = find_header_row(head, config, file_hint)
        if hinted is not None and not hinted[1].missing_required():
            return hinted, "name"
    return None


def _closest(head: list[list[object]], config: Config) -> str:
    """The headers found and the dataset they come closest to, with what it lacks."""
    row = _likely_header(head)
    present = [str(v).strip() for v in row if v is not None and str(v).strip()]
    matches = [match_headers(row, dataset, config) for dataset in DATASETS]
    best = max(matches, key=lambda m: (m.score, -DATASETS.index(m.dataset)))
    missing = [c.name for c in COLUMNS[best.dataset] if c.required and c.name not in best.mapping]
    hints = "; ".join(
        f"{name} as "
        + " or ".join(repr(a) for a in accepted_headers(best.dataset, name, config)[:3])
        for name in missing
    )
    return (
        f"headers found: {', '.join(repr(p) for p in present) or '(none)'}; "
        f"closest dataset: {best.dataset}, which lacks {', '.join(missing) or 'nothing required'}"
        + (
            f" ({hints}; or map your headers with [columns.{best.dataset}] in the config)"
            if hints
            else ""
        )
    )


def _likely_header(head: list[list[object]]) -> list[object]:
    """The row with the most filled cells among the first rows: most likely the header."""
    if not head:
        return []
    return max(head, key=lambda r: sum(v is not None and str(v).strip() != "" for v in r))


def _empty(cells: pd.DataFrame) -> bool:
    """Whether no cell holds a value (a sheet with a title row is settled at its top)."""
    if cells.empty:
        return True
    if cells.head(HEADER_SEARCH_ROWS).notna().any().any():
        return False
    return bool(cells.isna().all().all())


def _head_rows(cells: pd.DataFrame) -> list[list[object]]:
    import pandas as pd

    head = cells.head(HEADER_SEARCH_ROWS)
    return [[None if pd.isna(v) else v for v in row] for row in head.itertuples(index=False)]


def _where(path: Path, sheet: str | None) -> str:
    return f"{path} [{sheet}]" if sheet else str(path)


def _table(
    path: Path, sheet: RawSheet, index: int, dataset: str, by: Literal["name", "header"]
) -> SourceTable:
    import numpy as np
    import pandas as pd

    header_cells = sheet.cells.iloc[index]
    headers = tuple("" if pd.isna(v) else str(v).strip() for v in header_cells)
    body = sheet.cells.iloc[index + 1 :].reset_index(drop=True)
    header_row = sheet.first_row + index
    rows = pd.Series(np.arange(len(body), dtype=np.int64) + header_row + 1, name="_row")
    return SourceTable(
        file=path,
        sheet=sheet.name or None,
        dataset=dataset,
        header_row=header_row,
        headers=headers,
        cells=body,
        row_numbers=rows,
        recognised_by=by,
    )


def _missing_columns(
    path: Path,
    sheet: str | None,
    dataset: str,
    head: list[list[object]],
    config: Config,
    found: tuple[int, object] | None,
) -> InputError:
    row = head[found[0]] if found is not None else _likely_header(head)
    present = [str(v).strip() for v in row if v is not None and str(v).strip()]
    match = match_headers(row, dataset, config)
    missing = [c.name for c in COLUMNS[dataset] if c.required and c.name not in match.mapping]
    hints = "; ".join(
        f"{name}: " + ", ".join(repr(a) for a in accepted_headers(dataset, name, config))
        for name in missing
    )
    return InputError(
        f"{_where(path, sheet)}: read as {dataset}, but required column(s) "
        f"{', '.join(missing)} not found in the first {HEADER_SEARCH_ROWS} rows. "
        f"Headers present: {', '.join(repr(p) for p in present) or '(none)'}. "
        f"Accepted headers — {hints}. Map your header with [columns.{dataset}] in the config."
    )
