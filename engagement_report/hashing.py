"""SHA-256 of input files, computed once per process for an unchanged file.

The parse cache keys workbooks by it and the run manifest records it; one memo
means a build reads each input once for hashing, not twice. Standard library only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_digests: dict[tuple[str, int, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """Hex SHA-256 of a file's content, computed once per process for an unchanged file.

    Unchanged means the same inode, size, modification and change time: the change time
    moves with every write and cannot be set back, so a file rewritten with its old size
    and modification time is hashed again.
    """
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _digests:
        with path.open("rb") as handle:
            _digests[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    return _digests[key]
