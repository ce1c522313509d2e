"""Large inputs start being read as soon as a command knows them.

A command imports pandas and the rest of the pipeline (about half a second) before it
reads anything, while fastexcel reads a million-row workbook on one core for seconds,
and Arrow a CSV file on both, without holding Python's lock. :func:`start`, called
before those imports, reads each large workbook and each large CSV file on a thread of
its own; the readers
(:func:`~engagement_report.loading.xlsx.read_workbook`,
:func:`~engagement_report.loading.csvfile.read_csv_cells`) then take the result (waiting
for it if need be) instead of reading the file again. Standard library only at import.

Nothing here is needed for a correct result: a file that changed since it was read
ahead, or whose read failed, is read again by the normal path, which reports any
problem with the file's name. A workbook's inflating check (every part unpacked, sizes
and CRC-32 checked: :func:`~engagement_report.loading.xlsx.verify_workbook`) runs on a
thread of its own beside calamine's read instead of before it; the read is handed over
only when the check has passed, and a check that fails hands over nothing at once (the
normal path then refuses the file, without waiting for calamine to finish).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engagement_report.errors import InputError
from engagement_report.hashing import Identity, identity, seen
from engagement_report.loading.discover import CSV_SUFFIXES, discover_inputs

# Below this a workbook reads in well under the time the imports take anyway.
EARLY_MIN_BYTES = 1024**2
_WORKBOOKS = (".xlsx", ".xlsm")


class _Slot:
    """One read ahead: its result, handed over once (no reference kept after that, so a
    reader can let go of a million-row table's pieces as it converts them)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None

    def put(self, result: Any) -> None:
        """Hand ``result`` over (only the first result put counts: a failed check's None
        is not replaced by the read that ends after it)."""
        if not self.done.is_set():
            self.result = result
            self.done.set()

    def hand_over(self) -> Any:
        self.done.wait()
        result, self.result = self.result, None
        return result


_reads: dict[Path, tuple[Identity, _Slot]] = {}
_lock = threading.Lock()
# Two reads at a time, as load_inputs reads: a folder of many large workbooks does not
# start them all at once on a two-core machine.
_running = threading.BoundedSemaphore(2)


def start(inputs: Iterable[str | Path], *, cache: bool = True) -> None:
    """Start reading every large workbook and CSV file among ``inputs`` (``cache``: not
    those a kept check lists as they are now: the checked-data cache will serve them)."""
    kept: set[tuple[object, ...]] | None = None
    files: list[Path] = []
    for item in inputs:  # one by one: a word that is no input does not stop the others
        with contextlib.suppress(InputError, OSError):  # reported by the command itself
            files += discover_inputs([item])
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        suffix = path.suffix.lower()
        if suffix not in (*_WORKBOOKS, *CSV_SUFFIXES) or stat.st_size < EARLY_MIN_BYTES:
            continue
        key = path.resolve()
        if cache:
            kept = _kept_inputs() if kept is None else kept
            if (str(key), *identity(stat)) in kept:
                continue
        slot = _Slot()
        with _lock:
            if key in _reads:
                continue
            _reads[key] = (identity(stat), slot)
        threading.Thread(target=_read, args=(path, slot), name="early-read", daemon=True).start()


def _kept_inputs() -> set[tuple[object, ...]]:
    """(resolved path, identity) of every input of a kept check. Only a hint: a file
    skipped here is read by the normal path if the cache does not serve it after all."""
    from engagement_report.cache.store import Store

    store = Store()
    kept: set[tuple[object, ...]] = set()
    for _, _, folder in store.entries():
        entry = store.entry(folder.name) if folder.name.startswith("checked-") else None
        if entry is not None:
            with contextlib.suppress(TypeError, ValueError, AttributeError):
                kept.update(tuple(item) for item in entry.data.get("inputs", ()))
    return kept


def reading() -> bool:
    """Whether a read started by :func:`start` is still running."""
    with _lock:
        return any(not slot.done.is_set() for _, slot in _reads.values())


def take(path: Path) -> Any:
    """The batches read ahead for ``path`` (waiting for them), or None.

    None when nothing was read ahead, the read failed, or the file is not the one whose
    read began (another inode, size or modification or change time).
    """
    with _lock:
        entry = _reads.pop(path.resolve(), None)
    if entry is None:
        return None
    stat_then, slot = entry
    result = slot.hand_over()
    with contextlib.suppress(OSError):
        stat = path.stat()
        if identity(stat) == stat_then:
            return result
    return None


def _read(path: Path, slot: _Slot) -> None:
    result = None
    _running.acquire()
    try:
        if path.suffix.lower() in CSV_SUFFIXES:
            from engagement_report.loading.csvfile import read_ahead

            result = read_ahead(path)
        else:
            from engagement_report.loading.xlsx import read_batches

            verify = threading.Thread(
                target=_verify, args=(path, slot), name="early-verify", daemon=True
            )
            verify.start()
            result = read_batches(path, inflate_check=False)
            verify.join()
    except Exception:  # the normal path reads it again and reports the problem
        result = None
    finally:
        _running.release()
        slot.put(result)
    if path.suffix.lower() in CSV_SUFFIXES:
        # The command hashes each input before it reads it (hashing.seen), on its main
        # thread once the imports are done; hashed here, beside them, a CSV file's digest
        # is then waiting for it (kept for this version of the file only: a file changed
        # since is hashed again, and any problem met again and reported). A workbook's
        # read outlasts the imports: the command hashes it while calamine still reads.
        with contextlib.suppress(Exception):
            seen(path)


def _verify(path: Path, slot: _Slot) -> None:
    """The workbook's inflating check, beside its read: a failure hands nothing over,
    at once, so the command refuses the file by the normal path without waiting."""
    from engagement_report.loading.xlsx import verify_workbook

    try:
        verify_workbook(path)
    except Exception:
        slot.put(None)
