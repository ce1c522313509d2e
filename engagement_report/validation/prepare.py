"""Preparing a source table's columns for checking, two at a time on a large table.

Every column is stripped or dictionary-encoded once (:class:`~.cells.Cells` keeps the
result), the date columns held as text are parsed, and the query ids are encoded or found
to be in order. Arrow and NumPy let go of the GIL, so a second thread shares the work.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from engagement_report.config import Config
from engagement_report.schema import COLUMNS
from engagement_report.validation.cells import Cells
from engagement_report.validation.columns import ParsedDates
from engagement_report.validation.dates import parse_date_text

__all__ = ["ASCENDING", "PARALLEL_ROWS", "ascending", "prepare"]

# Below this many rows a second thread costs more than it saves.
PARALLEL_ROWS = 100_000

# What prepare gives for ids that never decrease down the table (no codes are needed).
ASCENDING = object()


def prepare(
    table: Cells,
    dataset: str,
    mapping: dict[str, int],
    config: Config,
    id_position: int | None,
) -> tuple[dict[int, ParsedDates], pa.DictionaryArray | object | None]:
    """Prime every column, parse the text date columns and encode the ids.

    ``mapping``: each canonical column's position in ``table``; ``id_position``: the
    query ids' (None: no ids to encode). Returns the parsed date columns by position, and
    the ids dictionary-encoded, ``ASCENDING`` or None.

    On a large table the work goes two columns at a time (Arrow and NumPy let go of
    the GIL); the ids are encoded while the dates are still being parsed, so finding
    repeated ids later costs no more than a pass over integer codes. Ids that never
    decrease (a registry numbered as it grows, the usual case) are not encoded at all
    (``ASCENDING``): their repeats are neighbours, found in one comparison.
    """
    dates = {
        position: spec.name
        for spec in COLUMNS[dataset]
        if spec.kind == "date" and (position := mapping.get(spec.name)) is not None
    }

    def parse(position: int) -> ParsedDates:
        name = dates[position]
        text = table.date_text(position, config.dates.words.get(name, ()))
        return parse_date_text(text, config.timezone, config.dates.order_for(name))

    def encode_ids() -> pa.DictionaryArray | object | None:
        if id_position is None:
            return None
        ids = table.text(id_position)
        # Daily "Итого:" rows sit among the ids; they are no query's id, so the order is
        # judged without them (total_rows reads the same total words again, kept in
        # table). The look costs a fraction of the encoding it spares.
        totals = table.total_cells(id_position)
        in_order = ascending(ids.filter(pa.array(~totals)) if totals.any() else ids)
        return ASCENDING if in_order else pc.dictionary_encode(ids)

    text_dates = [p for p in dates if p < table.width and table.kind(p) != "datetime"]
    if table.rows < PARALLEL_ROWS:
        for position in range(table.width):
            table.prime(position)
        return {position: parse(position) for position in text_dates}, encode_ids()
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Dates first: they are the longest work, and their text is primed on the way.
        futures = {position: pool.submit(parse, position) for position in text_dates}
        list(pool.map(table.prime, [p for p in range(table.width) if p not in futures]))
        ids = pool.submit(encode_ids)  # its text was primed just above
        parsed = {position: future.result() for position, future in futures.items()}
        query_ids = ids.result()
    for position in text_dates:
        table.prime(position)  # their filled mask, from the text made above
    return parsed, query_ids


def ascending(strings: pa.Array) -> bool:
    """Whether the strings that are there never decrease down the column, in byte order
    or in order of length first (``9, 10, 11``: numbers written without leading zeros,
    or a registry whose numbers grew a digit). In either order equal strings can only be
    neighbours, which is all that finding repeats by neighbours needs."""
    values = strings if strings.null_count == 0 else strings.drop_null()
    if len(values) < 2:
        return True
    before, after = values[:-1], values[1:]
    in_order = pc.less_equal(before, after)
    if pc.all(in_order).as_py():
        return True
    lengths = pc.binary_length(values)
    shorter, longer = lengths[:-1], lengths[1:]
    if not pc.all(pc.less_equal(shorter, longer)).as_py():
        return False
    return bool(pc.all(pc.or_(pc.less(shorter, longer), in_order)).as_py())
