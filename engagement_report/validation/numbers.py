"""Counts as offices type them: spaces or non-breaking spaces between thousands, a
decimal comma; everything else is *invalid*, kept apart from *missing*."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engagement_report.validation.text import split_matching

# Each rule: a pattern, the grouping characters to drop, and whether a comma is decimal.
_SIGN = "^[+-]?"
_NUMBER_RULES: tuple[tuple[str, str | None, bool], ...] = (
    (_SIGN + r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$", None, False),  # 1234, 3.5
    # 1 234 and 1 234,5 with any of the spaces Excel and Word put between digit groups
    (
        _SIGN + "[0-9]{1,3}(?:[ \u00a0\u2007\u2009\u202f][0-9]{3})+(?:[.,][0-9]+)?$",
        "[^0-9.,+-]",
        True,
    ),
    # 12,5: in Russian and Kazakh a single comma is the decimal one, so 1,234 is 1.234
    (_SIGN + "[0-9]*,[0-9]+$", None, True),
    (_SIGN + r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$", ",", False),  # 1,234,567 and 1,234.5
    (_SIGN + r"[0-9]{1,3}(?:(?:\.[0-9]{3})+,[0-9]+|(?:\.[0-9]{3}){2,})$", r"\.", True),  # 1.234,5
)


def parse_number_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Read numbers written with spaces, commas or dots as separators (see _NUMBER_RULES)
    from stripped Arrow text: the values (NaN where missing or invalid) and the invalid
    mask."""
    text = pc.replace_substring(text, "\u2212", "-")  # the typographic minus sign
    present = text.is_valid().to_numpy(zero_copy_only=False)
    values = np.full(len(text), np.nan)
    todo = np.flatnonzero(present)
    for pattern, grouping, comma_is_decimal in _NUMBER_RULES:
        if not len(todo):
            break
        positions, strings, todo = split_matching(text, todo, pattern)
        if grouping is not None:
            strings = pc.replace_substring_regex(strings, grouping, "")
        if comma_is_decimal:
            strings = pc.replace_substring(strings, ",", ".")
        values[positions] = pc.cast(strings, pa.float64()).to_numpy(zero_copy_only=False)
    values[np.isinf(values)] = np.nan  # 1e400 is no count or amount anyone typed
    return values, present & np.isnan(values)
