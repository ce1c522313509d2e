"""SHA-256 of input files, computed once per process for an unchanged file.

The parse cache keys workbooks by it and the run manifest records it; one memo
means a build reads each input once for hashing, not twice, even when a
background thread (:mod:`engagement_report.warmup`) started on it first.
Standard library only.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

_Key = tuple[str, int, int, int, int]
_digests: dict[_Key, str] = {}
_locks: dict[_Key, threading.Lock] = {}
_guard = threading.Lock()


def file_digest(path: Path) -> str:
    """Hex SHA-256 of a file's content, computed once per process for an unchanged file.

    Unchanged means the same inode, size, modification and change time: the change time
    moves with every write and cannot be set back, so a file rewritten with its old size
    and modification time is hashed again.  A caller asking while another thread hashes
    the same file waits for that result instead of reading the file a second time.
    """
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    with _guard:
        if key in _digests:
            return _digests[key]
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _digests:
            with path.open("rb") as handle:
                _digests[key] = hashlib.file_digest(handle, "sha256").hexdigest()
        return _digests[key]


def digest_if_unchanged(path: Path, seen: tuple[int, int]) -> str | None:
    """The SHA-256 of ``path``, or None when its (size, modification time) are no longer
    ``seen`` (or it cannot be read): a digest that vouches for the file as it was seen."""
    try:
        digest = file_digest(path)
        now = path.stat()
    except OSError:
        return None
    return digest if (now.st_size, now.st_mtime_ns) == seen else None
