"""Cell text as Arrow strings: stripping, blank cells, and matching by RE2 patterns.

Every cell reaches validation as text (or missing). The parsers in
:mod:`~engagement_report.validation.dates`, :mod:`~engagement_report.validation.numbers`
and :mod:`~engagement_report.validation.labels` start from these arrays, so nothing loops
over rows in Python: patterns run in Arrow's RE2 kernels (``[0-9]``, not ``\\d``, so no
non-ASCII digit passes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Whitespace besides the ASCII space, spelled out: RE2's ``\s`` misses the Unicode ones.
_OTHER_SPACES = "\t\n\r\v\f\u00a0\u2007\u2009\u202f"
_ODD_SPACE = "[" + _OTHER_SPACES + "]|  "  # what needs folding into single spaces
SPACES = "[ " + _OTHER_SPACES + "]+"


def arrow_strings(cells: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The cells as one Arrow string array, as they are (typed cells written as text)."""
    if isinstance(cells, pd.Series):
        array = cells.array
        if isinstance(array, pd.arrays.ArrowStringArray) or (
            isinstance(array, pd.arrays.ArrowExtensionArray)
            and pa.types.is_string(array._pa_array.type)
        ):
            arrow: pa.Array | pa.ChunkedArray = array._pa_array  # no copy
        else:
            arrow = pa.array(cells.astype(pd.StringDtype("pyarrow")).array)
    else:
        arrow = cells
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks() if arrow.num_chunks != 1 else arrow.chunk(0)
    if pa.types.is_string_view(arrow.type):
        arrow = arrow.cast(pa.large_string())
    elif not (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        arrow = pa.array(pd.Series(arrow.to_pandas()).astype(pd.StringDtype("pyarrow")).array)
        arrow = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
    return arrow


def strip_text(strings: pa.Array) -> pa.Array:
    """Strip each string (Unicode whitespace, non-breaking spaces too); null for blank ones."""
    stripped = pc.utf8_trim_whitespace(strings)
    empty = pc.equal(stripped, "")
    if pc.any(empty).as_py():
        return pc.if_else(empty, None, stripped)
    if _text_bytes(stripped) == _text_bytes(strings):
        return strings  # nothing was trimmed: keep the cells' own text, not a second copy
    return stripped


def _text_bytes(strings: pa.Array) -> int:
    """Bytes of text the strings hold (read from their offsets, not their buffers' size)."""
    if not len(strings):
        return 0
    kind = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    offsets = np.frombuffer(strings.buffers()[1], dtype=kind)
    return int(offsets[strings.offset + len(strings)] - offsets[strings.offset])


def filled_cells(cells: pd.Series) -> np.ndarray:
    """True where a cell holds more than whitespace (typed cells: where they are not missing)."""
    dtype = cells.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = filled_cells(pd.Series(dtype.categories))
        codes = np.asarray(cells.cat.codes)
        return (codes >= 0) & np.append(categories, False)[codes]
    if not _is_text(dtype):
        return np.asarray(cells.notna())
    strings = arrow_strings(cells)
    # A blank cell is missing, empty or only whitespace; no string is built to find out.
    blank = pc.or_kleene(pc.equal(pc.utf8_length(strings), 0), pc.utf8_is_space(strings))
    return ~np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False))


def _is_text(dtype: object) -> bool:
    return (
        isinstance(dtype, pd.StringDtype)
        or pd.api.types.is_object_dtype(dtype)
        or str(dtype) in ("str", "string")
    )


def matches(strings: pa.Array, pattern: str) -> np.ndarray:
    """Whether each string matches ``pattern`` (RE2 syntax); False for nulls."""
    hit = pc.fill_null(pc.match_substring_regex(strings, pattern), False)
    return np.asarray(hit.to_numpy(zero_copy_only=False))


def split_matching(
    text: pa.Array, todo: np.ndarray, pattern: str
) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """Positions among ``todo`` whose text matches ``pattern``, their text, and the rest."""
    sub = text if len(todo) == len(text) else text.take(pa.array(todo))
    hit = matches(sub, pattern)
    return todo[hit], subset(sub, hit), todo[~hit]


def subset(strings: pa.Array, keep: np.ndarray) -> pa.Array:
    """The strings where ``keep`` is set, without a copy when that is all of them."""
    return strings if keep.all() else strings.filter(pa.array(keep))


def odd_spaces(text: pa.Array) -> np.ndarray:
    """Where a string holds whitespace other than single ASCII spaces."""
    # Two cheap kernels find the candidates (printable ASCII without a double space holds
    # no odd whitespace); the exact pattern then runs on those alone.
    plain = pc.and_kleene(pc.ascii_is_printable(text), pc.invert(pc.match_substring(text, "  ")))
    maybe = np.flatnonzero(~np.asarray(pc.fill_null(plain, True).to_numpy(zero_copy_only=False)))
    odd = np.zeros(len(text), dtype=bool)
    if len(maybe):
        odd[maybe] = matches(text.take(pa.array(maybe)), _ODD_SPACE)
    return odd
