"""A source table's cells, column by column: each stripped or dictionary-encoded once.

Which rows are blank and which are total rows (Итого, Всего, Барлығы, Жиыны, Total) is
decided here too, from the first filled cell of each row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engagement_report.schema import (
    TOTAL_ROW_WORDS,
)
from engagement_report.validation.date_words import without_words
from engagement_report.validation.text import arrow_strings, filled_cells, strip_text


class Cells:
    """A source's cells, each column stripped or dictionary-encoded at most once."""

    def __init__(
        self,
        frame: pd.DataFrame,
        encode: frozenset[int] = frozenset(),
        wanted: frozenset[int] = frozenset(),
    ) -> None:
        self.frame = frame
        self.width = frame.shape[1]
        self.rows = len(frame)
        self._encode = encode  # positions better encoded (few distinct values) than stripped
        self._wanted = wanted  # positions whose stripped text will be read
        self._text: dict[int, pa.Array] = {}
        self._encoded: dict[int, tuple[np.ndarray, pa.Array]] = {}
        self._filled: dict[int, np.ndarray] = {}
        self._dated: dict[int, pa.Array] = {}
        self._totals: dict[int, np.ndarray] = {}

    def series(self, position: int) -> pd.Series:
        """The column at ``position`` as read."""
        return self.frame.iloc[:, position]

    def kind(self, position: int) -> str:
        """``text``, ``category`` (a dictionary), ``datetime``, ``number`` or ``other``."""
        dtype = self.series(position).dtype
        if isinstance(dtype, pd.CategoricalDtype):
            return "category"
        if isinstance(dtype, pd.StringDtype) or str(dtype) in ("str", "string"):
            return "text"
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return "datetime"
        if pd.api.types.is_bool_dtype(dtype):
            return "other"
        if pd.api.types.is_numeric_dtype(dtype):
            return "number"
        return "text" if pd.api.types.is_object_dtype(dtype) else "other"

    def encoded(self, position: int) -> tuple[np.ndarray, pa.Array]:
        """Each row's code (-1 when missing) and the distinct raw values."""
        if position not in self._encoded:
            series = self.series(position)
            if isinstance(series.dtype, pd.CategoricalDtype):
                codes = np.asarray(series.cat.codes, dtype=np.int64)
                uniques = arrow_strings(pd.Series(series.cat.categories))
            else:
                encoded = pc.dictionary_encode(arrow_strings(series))
                codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                codes, uniques = codes.astype(np.int64), encoded.dictionary
            self._encoded[position] = (codes, uniques)
        return self._encoded[position]

    def by_value(
        self, position: int, each: Callable[[str | None], Any], dtype: Any, missing: Any
    ) -> np.ndarray:
        """``each`` of every distinct value of the column (stripped, None where blank),
        worked out once and spread over the rows by their codes; ``missing`` where a cell
        is missing."""
        codes, uniques = self.encoded(position)
        found = [each(value) for value in strip_text(uniques).to_pylist()]
        return np.append(np.array(found, dtype=dtype), np.array([missing], dtype=dtype))[codes]

    def text(self, position: int) -> pa.Array:
        """The whole column as stripped text, null where blank."""
        if position not in self._text:
            if position in self._encoded or self.kind(position) == "category":
                codes, uniques = self.encoded(position)
                self._text[position] = strip_text(uniques).take(_indices(codes))
            else:
                self._text[position] = strip_text(arrow_strings(self.series(position)))
        return self._text[position]

    def total_cells(self, position: int) -> np.ndarray:
        """Where the column's stripped text is a total word (:func:`total_words`)."""
        if position not in self._totals:
            self._totals[position] = total_words(self.text(position))
        return self._totals[position]

    def date_text(self, position: int, words: tuple[str, ...]) -> pa.Array:
        """The column's stripped text with the words the config lets stand before a date
        (or instead of one) taken off: :mod:`.date_words`."""
        if not words:
            return self.text(position)
        if position not in self._dated:
            self._dated[position] = without_words(self.text(position), words)[0]
        return self._dated[position]

    def filled(self, position: int) -> np.ndarray:
        """Where the column's cells hold more than whitespace."""
        if position not in self._filled:
            if position in self._text:
                filled = self._text[position].is_valid().to_numpy(zero_copy_only=False)
            elif position in self._encode or self.kind(position) == "category":
                codes, uniques = self.encoded(position)
                kept = strip_text(uniques).is_valid().to_numpy(zero_copy_only=False)
                filled = np.append(kept, False)[codes]
            else:
                filled = filled_cells(self.series(position))
            self._filled[position] = np.asarray(filled, dtype=bool)
        return self._filled[position]

    def prime(self, position: int) -> None:
        """Strip or encode the column now, as it will be needed."""
        kind = self.kind(position)
        if position in self._encode or kind == "category":
            self.encoded(position)
        elif position in self._wanted and kind == "text":  # typed cells are read as they are
            self.text(position)
        self.filled(position)

    def blank(self) -> np.ndarray:
        """Rows with no cell holding anything but whitespace."""
        filled = np.zeros(self.rows, dtype=bool)
        for position in range(self.width):  # by position: column labels may repeat
            filled |= self.filled(position)
        return ~filled

    def total_rows(self) -> np.ndarray:
        """Rows whose first filled cell reads Итого, Всего, Барлығы, Жиыны or Total."""
        result = np.zeros(self.rows, dtype=bool)
        remaining = np.arange(self.rows)  # rows whose first filled cell is further right
        for position in range(self.width):
            if not len(remaining):
                break
            filled = self.filled(position)[remaining]
            rows = remaining[filled]
            if len(rows) and self.kind(position) in ("text", "category"):
                if position in self._encoded:
                    codes, uniques = self.encoded(position)
                    words = np.append(total_words(strip_text(uniques)), False)
                    result[rows] = words[codes[rows]]
                else:
                    result[rows] = self.total_cells(position)[rows]
            remaining = remaining[~filled]
        return result


def _indices(codes: np.ndarray) -> pa.Array:
    return pa.array(codes, mask=codes < 0)


_TOTAL_FIRST_LETTERS = sorted({word[0] for word in TOTAL_ROW_WORDS})


_TOTAL_LONGEST = max(len(word) for word in TOTAL_ROW_WORDS)


def total_words(strings: pa.Array) -> np.ndarray:
    """Whether each stripped string, case-folded, less trailing colons, is a total word."""
    # Cheap Arrow filters first (a total word is short, or ends in a colon; of those, one
    # starting with one of a few letters); the exact Python rule then runs on the distinct
    # candidates only. The first letters are cut from the short strings alone: a column
    # of ids or names has next to none.
    short = pc.or_kleene(
        pc.less_equal(pc.utf8_length(strings), _TOTAL_LONGEST), pc.ends_with(strings, ":")
    )
    where = np.flatnonzero(pc.fill_null(short, False).to_numpy(zero_copy_only=False))
    result = np.zeros(len(strings), dtype=bool)
    if len(where):
        kept = strings if len(where) == len(strings) else strings.take(pa.array(where))
        first = pc.utf8_lower(pc.utf8_slice_codeunits(kept, 0, 1))
        letter = pc.fill_null(pc.is_in(first, pa.array(_TOTAL_FIRST_LETTERS)), False)
        where = where[np.asarray(letter.to_numpy(zero_copy_only=False), dtype=bool)]
    if len(where):
        encoded = pc.dictionary_encode(strings.take(pa.array(where)))
        words = np.array(
            [
                v is not None and v.casefold().rstrip(":").strip() in TOTAL_ROW_WORDS
                for v in encoded.dictionary.to_pylist()
            ],
            dtype=bool,
        )
        result[where] = words[encoded.indices.to_numpy(zero_copy_only=False)]
    return result


def total_rows(cells: pd.DataFrame) -> pd.Series:
    """Rows whose first filled cell reads Итого, Всего, Барлығы, Жиыны or Total."""
    return pd.Series(Cells(cells).total_rows(), index=cells.index)
