"""Parse cache: a workbook read once is read again from an Arrow copy of its cells.

The monthly cron job reads the same registry month after month, and parsing a
million-row xlsx is most of a build. After a workbook is parsed, the raw text cells
of every sheet (exactly what the reader produced, before any judgement) are written
as Arrow IPC files (Feather, LZ4: written in a tenth of the time Parquet takes and
read back at memory speed) to the user's cache folder; the next read of the *same* file loads them
instead. "The same" means the same path, size, modification time and SHA-256 of the
content, so a changed file is never served stale cells, even one changed within the
same second. An entry is looked for by what ``stat`` tells, so a first read does not
wait for the file to be hashed; the hash is compared when an entry is found, and
computed for a new entry by the background writer. Results cannot differ: validation
sees the same cells either way, with the same spreadsheet row numbers.

Where: ``$ENGAGEMENT_REPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/engagement-report``,
else ``~/.cache/engagement-report``. Size: at most ``$ENGAGEMENT_REPORT_CACHE_LIMIT``
(bytes, or with a ``K``/``M``/``G`` suffix; default 2G), the least recently used
entries removed first. ``--no-cache`` (``load_inputs(..., cache=False)``) neither reads
nor writes it. A cache that cannot be written (read-only home, full disk) is skipped
silently: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagement_report.hashing import digest_if_unchanged

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from engagement_report.loading.xlsx import RawSheet

CACHE_DIR_ENV = "ENGAGEMENT_REPORT_CACHE_DIR"
CACHE_LIMIT_ENV = "ENGAGEMENT_REPORT_CACHE_LIMIT"
DEFAULT_LIMIT = 2 * 1024**3
# Bump when what the readers produce changes: older entries are then never used.
CACHE_FORMAT = 4
_META = "meta.json"
_STALE_TEMP_SECONDS = 3600

_pending: list[threading.Thread] = []


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base).expanduser() if base else Path.home() / ".cache"
    return root / "engagement-report"


def cache_limit() -> int:
    """The cache's size limit in bytes."""
    text = os.environ.get(CACHE_LIMIT_ENV, "").strip().upper()
    if not text:
        return DEFAULT_LIMIT
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    try:
        return max(int(float(number) * factor), 0)
    except ValueError:
        return DEFAULT_LIMIT


@dataclass(frozen=True)
class _Version:
    """A file as ``stat`` saw it: where its copy would be kept, and what the copy must match."""

    path: Path
    size: int
    mtime_ns: int
    reader: str

    def key(self) -> str:
        text = f"{CACHE_FORMAT}|{self.reader}|{self.path}|{self.size}|{self.mtime_ns}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def fields(self, sha256: str) -> dict[str, object]:
        """What an entry's meta.json records of the file it copies."""
        return {
            "path": str(self.path),
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha256": sha256,
            "reader": self.reader,
        }

    def digest(self) -> str | None:
        """The content's SHA-256, or None when the file changed since it was seen."""
        return digest_if_unchanged(self.path, (self.size, self.mtime_ns))


def _version(path: Path) -> _Version:
    """``path`` as it is now (raises OSError when it cannot be seen)."""
    import fastexcel

    stat = path.stat()
    return _Version(
        path.resolve(), stat.st_size, stat.st_mtime_ns, f"fastexcel-{fastexcel.__version__}"
    )


class WorkbookCache:
    """The cache folder's entries: one folder per workbook version."""

    def __init__(self, root: Path | None = None, limit: int | None = None) -> None:
        self.root = root if root is not None else cache_dir()
        self.limit = cache_limit() if limit is None else limit

    def has(self, path: Path) -> bool:
        """Whether a copy of this version of ``path`` is kept (without loading it)."""
        return self._meta(path) is not None

    def _meta(self, path: Path) -> tuple[Path, dict[str, Any]] | None:
        """The entry of this version of ``path`` and its meta.json, if one is kept.

        An entry is looked for by what ``stat`` tells, so a first read hashes nothing
        before it starts; the content is hashed only to confirm an entry found.
        """
        try:
            version = _version(path)
        except OSError:
            return None
        meta = self.meta(version.key())
        if meta is None:
            return None
        digest = version.digest()
        if digest is None or meta.get("identity") != version.fields(digest):
            return None
        return self.root / version.key(), meta

    def meta(self, name: str) -> dict[str, Any] | None:
        """The meta.json of the entry ``name``, or None when there is no such entry (or
        its meta.json is damaged)."""
        try:
            if not self.holds(name):
                return None
            meta = json.loads((self.root / name / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def holds(self, name: str) -> bool:
        """Whether the entry ``name`` is complete (its meta.json is written last)."""
        return (self.root / name / _META).is_file()

    def touch(self, name: str) -> None:
        """Mark the entry ``name`` as just used (eviction takes it last)."""
        with contextlib.suppress(OSError):
            os.utime(self.root / name / _META)

    def load(self, path: Path) -> list[RawSheet] | None:
        """The cached sheets of ``path``, or None when there is no copy of this version."""
        found = self._meta(path)
        if found is None:
            return None
        entry, meta = found
        try:
            sheets = [_read_sheet(entry, sheet) for sheet in meta["sheets"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        except Exception:  # a damaged copy: read the workbook instead
            return None
        self.touch(entry.name)
        return sheets

    def store(
        self,
        path: Path,
        sheets: list[RawSheet],
        *,
        background: bool = True,
        read_from: tuple[int, int] | None = None,
    ) -> None:
        """Keep a copy of ``sheets`` as read from ``path`` (in a background thread).

        ``read_from``: the file's (size, modification time) when its read began; nothing
        is kept when the file differs now.
        """
        try:
            version = _version(path)
        except OSError:
            return
        if read_from is not None and read_from != (version.size, version.mtime_ns):
            return
        if background:
            in_background(self._store, version, sheets, name="cache-store")
        else:
            self._store(version, sheets)

    def _store(self, version: _Version, sheets: list[RawSheet]) -> None:
        if self.holds(version.key()):
            return
        # Hashed here, off the build's path; a file that changed since it was read is
        # not kept (its cells may be the old ones).
        digest = version.digest()
        if digest is None:
            return

        def fill(folder: Path) -> dict[str, object]:
            described = []
            for number, sheet in enumerate(sheets):
                name = None
                if sheet.cells.shape[1] and len(sheet.cells):
                    name = f"sheet-{number}.arrow"
                    _write_sheet(folder / name, sheet.cells)
                described.append({"name": sheet.name, "first_row": sheet.first_row, "file": name})
            return {
                "format": CACHE_FORMAT,
                "source": str(version.path),
                "identity": version.fields(digest),
                "sheets": described,
            }

        self.put(version.key(), fill)

    def put(
        self, name: str, fill: Callable[[Path], dict[str, object]], *, replace: bool = False
    ) -> None:
        """Write the entry ``name``: ``fill`` writes its files into a new folder and returns
        what goes into its meta.json.

        The folder becomes the entry in one rename, so a reader never sees half an entry;
        ``replace`` removes an older entry of that name first (otherwise one stored
        meanwhile by another process stays). Then the cache is trimmed to its limit. A
        failure to write is no error: the cache only ever saves time.
        """
        temp: Path | None = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            temp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))
            meta = fill(temp)
            (temp / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            if replace:
                shutil.rmtree(self.root / name, ignore_errors=True)
            try:
                temp.rename(self.root / name)
                temp = None
            except OSError:  # another process stored the same entry meanwhile
                pass
            self.evict()
        except Exception:
            pass
        finally:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, size in bytes, folder) of every complete entry."""
        found = []
        try:
            children = list(self.root.iterdir())
        except OSError:
            return []
        for child in children:
            meta = child / _META
            try:
                if child.name.startswith(".tmp-"):
                    if time.time() - child.stat().st_mtime > _STALE_TEMP_SECONDS:
                        shutil.rmtree(child, ignore_errors=True)  # left by a killed run
                    continue
                used = meta.stat().st_mtime
                size = sum(f.stat().st_size for f in child.iterdir())
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

    def clear(self) -> None:
        """Remove every entry."""
        for _, _, folder in self.entries():
            shutil.rmtree(folder, ignore_errors=True)


def _write_sheet(target: Path, cells: pd.DataFrame) -> None:
    import pyarrow as pa

    from engagement_report.validation.values import arrow_strings

    table = pa.table({str(i): arrow_strings(cells.iloc[:, i]) for i in range(cells.shape[1])})
    write_arrow(target, table)


def write_arrow(target: Path, table: pa.Table | pd.DataFrame) -> None:
    """Write ``table`` (a frame: without its index) as an Arrow IPC file (Feather), LZ4.

    All of it on the calling thread: a cache writer runs at the lowest priority, and the
    threads Arrow and pyarrow would otherwise convert and compress on do not.
    """
    import pyarrow as pa

    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False, nthreads=1)
    options = pa.ipc.IpcWriteOptions(compression="lz4", use_threads=False)
    with (
        pa.OSFile(str(target), "wb") as sink,
        pa.ipc.new_file(sink, table.schema, options=options) as writer,
    ):
        writer.write_table(table)


def _read_sheet(entry: Path, sheet: dict[str, object]) -> RawSheet:
    import pandas as pd
    import pyarrow.feather as feather

    from engagement_report.loading.xlsx import RawSheet, frame_from_arrow

    file = sheet["file"]
    name, first_row = str(sheet["name"]), int(sheet["first_row"])  # type: ignore[call-overload]
    if file is None:
        return RawSheet(name, pd.DataFrame(), first_row)
    table = feather.read_table(entry / str(file))
    return RawSheet(name, frame_from_arrow(table), first_row)


def in_background(target: Any, *args: object, name: str) -> threading.Thread:
    """Run a cache writer on a thread of the lowest CPU priority; :func:`wait` joins it.

    A first build writes its caches while it checks and computes on both cores: at the
    lowest priority (Linux schedules each thread on its own) the writer takes only the
    CPU the build leaves idle, and the interpreter still waits for it before exiting.
    """

    def run() -> None:
        lowest_priority()
        target(*args)

    thread = threading.Thread(target=run, name=name)
    thread.start()  # not a daemon: the interpreter waits for it before exiting
    _pending.append(thread)
    return thread


def lowest_priority() -> None:
    """Give the calling thread the lowest CPU priority (Linux schedules each thread on its
    own; elsewhere, or where it is not allowed, nothing changes)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def wait() -> None:
    """Wait until the copies being written in the background are on disk."""
    while _pending:
        _pending.pop().join()
