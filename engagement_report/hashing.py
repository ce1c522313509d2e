"""SHA-256 of input files, and each input as it was seen when it was hashed.

A build hashes each input once (:func:`seen`) before it reads it; the digest keys the
caches and goes into the run manifest, and the file is checked to be unchanged once
it has been read (:meth:`SeenFile.unchanged`), so the figures, the cache and the
manifest all speak of the same content. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from engagement_report.errors import InputError

# (inode, size, modification time, change time): the change time moves with every write
# and cannot be set back, so a file rewritten with its old size and modification time
# has another identity.
Identity = tuple[int, int, int, int]
_Key = tuple[str, Identity]
_digests: dict[_Key, str] = {}
_locks: dict[_Key, threading.Lock] = {}
_guard = threading.Lock()


def identity(info: os.stat_result) -> Identity:
    """What tells one version of a file from another without reading it."""
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def file_digest(path: Path) -> str:
    """Hex SHA-256 of a file's content, computed once per process for an unchanged file.

    A caller asking while another thread hashes the same file waits for that result
    instead of reading the file a second time.
    """
    key = (str(path.resolve()), identity(path.stat()))
    with _guard:
        if key in _digests:
            return _digests[key]
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _digests:
            with path.open("rb") as handle:
                _digests[key] = hashlib.file_digest(handle, "sha256").hexdigest()
        return _digests[key]


@dataclass(frozen=True)
class SeenFile:
    """An input as given, its identity when it was hashed, and its SHA-256; ``origin``
    names where a local copy came from (an archive's partition file at a URL), the
    place a run names it by."""

    path: Path
    identity: Identity
    sha256: str
    origin: str | None = None

    @property
    def where(self) -> str:
        """The file as a run names it: its URL for a copy of one, else its path."""
        return self.origin if self.origin is not None else str(self.path)

    @property
    def size(self) -> int:
        """Its size in bytes when it was hashed."""
        return self.identity[1]

    def unchanged(self) -> bool:
        """Whether the file is still the one hashed (same inode, size and times)."""
        try:
            return identity(self.path.stat()) == self.identity
        except OSError:
            return False


def changed_error(path: Path) -> InputError:
    """The error of an input that changed while a run read it."""
    return InputError(
        f"{path}: the file changed while it was being read; "
        "run again once whatever writes it has finished"
    )


def seen(path: Path) -> SeenFile:
    """``path`` hashed now (raises :class:`InputError` when it cannot be read or changes
    while it is hashed)."""
    try:
        before = identity(path.stat())
        digest = file_digest(path)
        after = identity(path.stat())
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if before != after:
        raise changed_error(path)
    return SeenFile(path, before, digest)
