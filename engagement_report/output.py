"""Writing report folders: every file appears whole or not at all.

Each file is written to a temporary name in the same folder and renamed into
place, so a reader (a web server, an e-mail job) never sees half a report and
a failed run leaves the previous report untouched.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from engagement_report.errors import OutputError


def _umask() -> int:
    """The process's umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_temp(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, as given) to a new temporary file beside ``path``; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file owner-only (0600); give it the mode a plain open()
        # would, so a web server or a colleague can still read the report.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, as given) to ``path`` via a temporary file and a rename."""
    write_files(path.parent, {path.name: text})


def write_files(
    folder: Path, texts: Mapping[str, str], stale: Iterable[str] = ()
) -> dict[str, Path]:
    """Write every ``name → text`` into ``folder``; remove ``stale`` files this run did not produce.

    Every file is first written to a temporary name; only when all of them are written
    are they renamed into place, so a failure while writing (a full disk, a quota)
    leaves the previous report as it was and no temporary file behind.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in texts.items():
            path = folder / name
            try:
                staged.append((_write_temp(path, text), path))
            except OSError as exc:
                raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        for tmp, path in staged:
            try:
                tmp.replace(path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        for tmp, _ in staged:
            with suppress(OSError):
                tmp.unlink(missing_ok=True)  # gone already once renamed into place
    for name in stale:
        if name not in texts:
            try:
                (folder / name).unlink(missing_ok=True)
            except OSError as exc:
                raise OutputError(
                    f"{folder / name}: cannot remove an old file: {exc.strerror or exc}"
                ) from None
    return {name: folder / name for name in texts}


LOCK_NAME = ".engagement-report.lock"


@contextmanager
def folder_lock(folder: Path, timeout: float = 300.0) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so two runs never interleave their files.

    A second run waits up to ``timeout`` seconds for the first, then fails with
    a message naming the folder (exit 3). The lock is released when the
    process ends, whatever the way it ends.
    """
    import fcntl

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / LOCK_NAME).open("a")
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot create the output folder: {exc.strerror or exc}"
        ) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputError(
                        f"{folder}: another engagement-report run is writing this folder "
                        f"(waited {timeout:.0f} s); try again when it has finished"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()
