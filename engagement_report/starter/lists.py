"""What the kit's dropdowns offer: the config's relabel targets, else Almaty's defaults."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from engagement_report.config import Config
from engagement_report.schema import STATUS_CLASSES, header_key
from engagement_report.starter.words import STATUS_LABELS, Words

DEFAULTS_PATH = Path(__file__).resolve().parent / "almaty.toml"
LIST_COLUMNS = ("status", "channel", "district", "topic")  # columns with a dropdown
RELABEL_KEYS = {"topic": "topics", "channel": "channels", "district": "districts"}


@lru_cache(maxsize=1)
def _defaults() -> dict[str, dict[str, tuple[str, ...]]]:
    with DEFAULTS_PATH.open("rb") as handle:
        table = tomllib.load(handle)
    return {
        lang: {key: tuple(values) for key, values in lists.items()} for lang, lists in table.items()
    }


def default_list(column: str, lang: str) -> tuple[str, ...]:
    """Almaty's default labels of ``column`` (topic, channel, district) in ``lang``."""
    return _defaults()[lang][RELABEL_KEYS[column]]


def status_labels(words: Words) -> tuple[str, ...]:
    """The status dropdown's one spelling per class, in ``STATUS_CLASSES`` order."""
    return tuple(words(STATUS_LABELS[cls]) for cls in STATUS_CLASSES)


def choices(column: str, words: Words, config: Config) -> tuple[str, ...]:
    """The values a column's dropdown offers, in order."""
    if column == "status":
        return status_labels(words)
    relabel: Mapping[str, str] = getattr(config, RELABEL_KEYS[column])
    return tuple(unique(relabel.values())) or default_list(column, words.lang)


def unique(values: Iterable[str]) -> list[str]:
    """``values`` without blanks and without repeats as the loader folds them."""
    seen: set[str] = set()
    out = []
    for value in values:
        key = header_key(value)
        if value.strip() and key not in seen:
            seen.add(key)
            out.append(value)
    return out
