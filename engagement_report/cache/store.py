"""The cache folder: one store of entries for every stage that keeps results between runs.

An entry is a folder named by its key (:func:`engagement_report.cache.key.cache_key`)
holding files and a ``meta.json`` that records each file's SHA-256 and a checksum of
itself. An entry is written under a temporary name and renamed when complete, so a
reader never sees half an entry and a killed run leaves only a ``.tmp-`` folder, which a
later run sweeps. Every file is checked against its SHA-256 before it is used; an entry
that fails any check is deleted.

The folder is private to the user: created 0700, and refused (one warning, then the run
goes on without a cache) when it, an entry or an entry's file is owned by another user
or writable by the group or others, as Jinja's own bytecode cache refuses its folder.
A cache that cannot be written is skipped with one warning: it only ever saves time.

Where: ``$ENGAGEMENT_REPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/engagement-report``, else
``~/.cache/engagement-report``. Size: at most ``$ENGAGEMENT_REPORT_CACHE_LIMIT`` (bytes,
or a number with a ``K``/``M``/``G`` suffix; default 2G; anything else is warned about
and the default used), the least recently used entries removed first.

Standard library only at import.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

CACHE_DIR_ENV = "ENGAGEMENT_REPORT_CACHE_DIR"
CACHE_LIMIT_ENV = "ENGAGEMENT_REPORT_CACHE_LIMIT"
DEFAULT_LIMIT = 2 * 1024**3
_META = "meta.json"
_TEMP_PREFIX = ".tmp-"
# A temporary folder this old was left by a killed run (a live writer finishes in seconds).
_STALE_TEMP_SECONDS = 3600
# Only folders named like this are entries: a cache folder pointed at a folder holding
# other things (a home folder) never has them counted, evicted or cleared.
_ENTRY_NAME = re.compile(r"^[a-z]+-[0-9a-f]{40}$")
# Folders of compiled templates kept by versions before 0.2 (code from the cache folder
# is no longer run); swept like stale temporaries.
_LEGACY = re.compile(r"^templates-(md|html)-")

T = TypeVar("T")

_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_once(topic: str, message: str) -> None:
    """One warning on stderr per ``topic`` and process (a cache problem is said once)."""
    with _warned_lock:
        if topic in _warned:
            return
        _warned.add(topic)
    from engagement_report import console

    console.warning(message)


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base).expanduser() if base else Path.home() / ".cache"
    return root / "engagement-report"


def cache_limit() -> int:
    """The cache's size limit in bytes; a value that is no size is warned about and the
    default (2G) used."""
    raw = os.environ.get(CACHE_LIMIT_ENV, "")
    text = raw.strip().upper().removesuffix("B")
    if not text:
        return DEFAULT_LIMIT
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    try:
        value = float(number)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value * factor > 2**62:
        warn_once(
            "limit",
            f"{CACHE_LIMIT_ENV}={raw!r} is not a size (bytes, or a number with K, M or G, "
            "such as 500M): using the default, 2G",
        )
        return DEFAULT_LIMIT
    return int(value * factor)


class DamagedEntryError(Exception):
    """An entry's file does not match what its meta.json records."""


class UnsafeEntryError(Exception):
    """An entry's file is not private to the user."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _meta_checksum(meta: dict[str, Any]) -> str:
    body = {k: v for k, v in meta.items() if k != "checksum"}
    return _digest(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())


def _unsafe(info: os.stat_result) -> str | None:
    """Why a cache file or folder with this ``stat`` must not be trusted, or None."""
    if not hasattr(os, "getuid"):
        return None  # no owners to compare (Windows): the user's profile folder is private
    if info.st_uid != os.getuid():
        return "is owned by another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by other users"
    return None


@dataclass(frozen=True)
class Entry:
    """A complete entry whose meta.json passed its checks."""

    folder: Path
    meta: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        """What the writer recorded beside the files."""
        return self.meta["data"]

    def read(self, name: str) -> bytes:
        """The bytes of the entry's file ``name``, checked against the SHA-256 recorded
        when it was written (raises :class:`DamagedEntryError` otherwise)."""
        expected = self.meta["files"].get(name)
        if expected is None:
            raise DamagedEntryError(f"{name} is not in the entry")
        path = self.folder / name
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise DamagedEntryError(f"{name} is not a regular file")
        if problem := _unsafe(info):
            raise UnsafeEntryError(f"the cache file {path} {problem}")
        data = path.read_bytes()
        if _digest(data) != expected:
            raise DamagedEntryError(f"{name} does not match its checksum")
        return data


class Store:
    """The cache folder's entries."""

    def __init__(self, root: Path | None = None, limit: int | None = None) -> None:
        self.root = root if root is not None else cache_dir()
        self.limit = cache_limit() if limit is None else limit
        self._usable: bool | None = None

    def usable(self) -> bool:
        """Whether the folder exists (created 0700 if need be) and is private to the user."""
        if self._usable is None:
            self._usable = self._check_root()
        return self._usable

    def _check_root(self) -> bool:
        try:
            if not self.root.exists():
                self.root.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileExistsError):  # another run made it meanwhile
                    self.root.mkdir(mode=0o700)
            info = self.root.stat()
        except OSError as exc:
            self._cannot_write(exc)
            return False
        problem = "is not a folder" if not stat.S_ISDIR(info.st_mode) else _unsafe(info)
        if problem:
            self.refuse(f"the cache folder {self.root} {problem}")
            return False
        return True

    def refuse(self, why: str) -> None:
        """Stop using the cache for this run, saying why once."""
        self._usable = False
        warn_once("refused", f"{why}: running without the cache (see README, 'Caches')")

    def _cannot_write(self, exc: OSError) -> None:
        warn_once(
            "write",
            f"cannot write the cache in {self.root} ({exc.strerror or exc}): running without it",
        )

    def entry(self, name: str) -> Entry | None:
        """The complete entry ``name``, or None (a damaged one is deleted; an unsafe one
        turns the cache off for the run)."""
        if not self.usable():
            return None
        folder = self.root / name
        try:
            info = folder.lstat()
        except OSError:
            return None
        problem = "is not a folder" if not stat.S_ISDIR(info.st_mode) else _unsafe(info)
        if problem:
            self.refuse(f"the cache entry {folder} {problem}")
            return None
        try:
            meta_info = (folder / _META).lstat()
            if not stat.S_ISREG(meta_info.st_mode):
                raise DamagedEntryError("meta.json is not a regular file")
            if problem := _unsafe(meta_info):
                self.refuse(f"the cache file {folder / _META} {problem}")
                return None
            meta = json.loads((folder / _META).read_text(encoding="utf-8"))
            if (
                not isinstance(meta, dict)
                or meta.get("checksum") != _meta_checksum(meta)
                or meta.get("key") != name
                or not isinstance(meta.get("files"), dict)
            ):
                raise DamagedEntryError("meta.json is damaged")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, DamagedEntryError):
            self.discard(name)
            return None
        return Entry(folder, meta)

    def load(self, name: str, reader: Callable[[Entry], T]) -> T | None:
        """``reader(entry)`` for the entry ``name``, or None when there is none.

        Any failure of ``reader`` (a file that does not match its checksum, a layout it
        does not know) deletes the entry: it would fail the same way next time. A file
        others could have written turns the cache off for the run instead.
        """
        entry = self.entry(name)
        if entry is None:
            return None
        try:
            value = reader(entry)
        except UnsafeEntryError as exc:
            self.refuse(str(exc))
            return None
        except Exception:
            self.discard(name)
            return None
        with contextlib.suppress(OSError):  # marks it used: eviction takes it last
            os.utime(entry.folder / _META)
        return value

    def holds(self, name: str) -> bool:
        """Whether a complete entry ``name`` is there (without checking its files)."""
        return self.usable() and (self.root / name / _META).is_file()

    def discard(self, name: str) -> None:
        """Delete the entry ``name``."""
        shutil.rmtree(self.root / name, ignore_errors=True)

    def put(self, name: str, fill: Callable[[Path], dict[str, Any]]) -> None:
        """Write the entry ``name``: ``fill`` writes its files into a new folder and returns
        what is recorded beside them (:attr:`Entry.data`).

        The folder becomes the entry in one rename once its files and meta.json are
        written; an entry of that name already there is kept (its key says it holds the
        same). Then the cache is trimmed to its limit. A failure to write is warned about
        once and is no error.
        """
        if not self.usable() or self.holds(name):
            return
        temp: Path | None = None
        try:
            temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=self.root))  # 0700
            data = fill(temp)
            files = {child.name: _digest(child.read_bytes()) for child in temp.iterdir()}
            meta: dict[str, Any] = {"key": name, "files": files, "data": data}
            meta["checksum"] = _meta_checksum(meta)
            with (temp / _META).open("w", encoding="utf-8") as out:
                json.dump(meta, out, ensure_ascii=False)
            try:
                temp.rename(self.root / name)
                temp = None
            except OSError:  # another run stored the same entry meanwhile
                pass
            self.evict()
        except OSError as exc:
            self._cannot_write(exc)
        finally:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, size in bytes, folder) of every complete entry; temporary folders
        left by killed runs are swept on the way."""
        found = []
        try:
            children = list(self.root.iterdir())
        except OSError:
            return []
        for child in children:
            try:
                if child.name.startswith(_TEMP_PREFIX) or _LEGACY.match(child.name):
                    if time.time() - child.lstat().st_mtime > _STALE_TEMP_SECONDS:
                        shutil.rmtree(child, ignore_errors=True)
                    continue
                if not _ENTRY_NAME.match(child.name):
                    continue
                used = (child / _META).stat().st_mtime
                size = sum(f.lstat().st_size for f in child.iterdir())
            except OSError:
                continue
            found.append((used, size, child))
        return found

    def evict(self) -> None:
        """Remove the least recently used entries until the cache fits its limit."""
        entries = sorted(self.entries())
        total = sum(size for _, size, _ in entries)
        for _, size, folder in entries:
            if total <= self.limit:
                break
            shutil.rmtree(folder, ignore_errors=True)
            total -= size
