"""Labels that look the same but are not: invisible characters and letters of two alphabets.

A zero-width space or a byte-order mark pasted into a label, or a Cyrillic "с" typed
for a Latin "c", makes a category that reads exactly like another one and is counted
apart from it. Invisible format characters are removed from labels, headers and status
spellings; labels that still differ only by such look-alike letters get a warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from engagement_report.schema import drop_invisible

__all__ = ["INVISIBLE", "drop_invisible", "lookalikes", "skeleton"]

# Zero-width space/joiners, direction marks and embeddings, word joiner and invisible
# operators, BOM, soft hyphen, Mongolian vowel separator: format characters with no glyph.
INVISIBLE = "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"

# Cyrillic letters drawn like Latin ones, in both cases.
_LATIN_TWIN = str.maketrans(
    "АВЕКМНОРСТУХаеорсухіјѕһԁӏ",
    "ABEKMHOPCTYXaeopcyxijshdl",
)


def skeleton(label: str) -> str:
    """What ``label`` looks like: Cyrillic look-alikes read as Latin, case folded."""
    return label.translate(_LATIN_TWIN).casefold()


def lookalikes(labels: Iterable[str]) -> dict[str, str]:
    """Each label that looks like an earlier one (``labels`` in order of preference, the
    most used first) mapped to that one."""
    first: dict[str, str] = {}
    twins: dict[str, str] = {}
    for label in labels:
        key = skeleton(label)
        if key in first and first[key] != label:
            twins[label] = first[key]
        else:
            first.setdefault(key, label)
    return twins
