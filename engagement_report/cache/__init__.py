"""The cache every stage shares: one store (:mod:`.store`), one key (:mod:`.key`).

Stages import this package; it imports none of them (load, validate, compute and
render all sit above it).
"""

from engagement_report.cache.background import WAIT_SECONDS, in_background, wait
from engagement_report.cache.key import cache_key
from engagement_report.cache.store import (
    CACHE_DIR_ENV,
    CACHE_LIMIT_ENV,
    Entry,
    Store,
    cache_dir,
    cache_limit,
)

__all__ = [
    "CACHE_DIR_ENV",
    "CACHE_LIMIT_ENV",
    "WAIT_SECONDS",
    "Entry",
    "Store",
    "cache_dir",
    "cache_key",
    "cache_limit",
    "in_background",
    "wait",
]
