"""Words written in a date column's cells before the date, or instead of it.

Some systems write a date after a word: 115.бел's ``status_date`` holds "Выполнено
11.10.2022" (done on that day) or just "Просрочено" (overdue, no date yet). The config's
``[dates.words]`` names such words per date column; a cell that starts with one (case
ignored, then a space) is read as the date after it, and a cell holding only one has no
date (an empty cell, not a mistake). Any other text is read as it is, so a mistyped
date after a listed word is still reported as not a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def without_words(text: pa.Array, words: Sequence[str]) -> tuple[pa.Array, np.ndarray]:
    """``text`` with a leading listed word (and the space after it) cut off, and which
    cells held a word alone (they are empty now: no date, and no mistake either)."""
    if not words or not len(text):
        return text, np.zeros(len(text), dtype=bool)
    # RE2 (Arrow's regular expressions): (?i) folds case in Cyrillic and Kazakh letters too.
    alternatives = "|".join(re.escape(word.strip()) for word in words if word.strip())
    if not alternatives:
        return text, np.zeros(len(text), dtype=bool)
    pattern = rf"(?i)^\s*(?:{alternatives})(?:\s+|$)"
    cut = pc.replace_substring_regex(text, pattern=pattern, replacement="", max_replacements=1)
    alone = pc.and_(pc.is_valid(text), pc.equal(cut, ""))
    word_only = np.asarray(alone.to_numpy(zero_copy_only=False), dtype=bool)
    if word_only.any():
        cut = pc.if_else(alone, pa.scalar(None, cut.type), cut)
    return cut, word_only
