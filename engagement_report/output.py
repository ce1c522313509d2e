"""Writing report folders: the whole folder appears at once, or not at all.

A report folder is written as a new folder beside the old one
(``.<name>.tmp-XXXX``) and swapped in by two renames: the old folder aside
(``.<name>.old-XXXX``), the new one in. A run killed at any moment leaves either
the old folder, or no folder and the old one aside; the next run for that folder
(see :func:`sweep`) puts an old folder back and removes what a killed run left,
before it writes. A reader (a web server, an e-mail job) never sees a mix of two
runs' files, and the manifest always belongs to the files beside it.

Single files (:func:`write_atomic`) are written to a temporary name and renamed.
"""

from __future__ import annotations

import os
import shutil
import stat
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


def _write_temp(path: Path, text: str | bytes) -> Path:
    """Write ``text`` (UTF-8, as given; bytes as they are) to a new temporary file beside
    ``path``; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file owner-only (0600); give it the mode a plain open()
        # would, so a web server or a colleague can still read the report.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_files(
    folder: Path, texts: Mapping[str, str | bytes], stale: Iterable[str] = ()
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


# Left in report folders by earlier versions, which locked the folder from inside.
LEGACY_LOCK_NAME = ".engagement-report.lock"
STAGING_MARK = ".tmp-"
ASIDE_MARK = ".old-"
# Test-only: a path; the run creates that file and sleeps between moving the old folder
# aside and moving the new one in, so a test can kill it at the worst moment.
TEST_PAUSE_ENV = "ENGAGEMENT_REPORT_TEST_PAUSE_SWAP"


def lock_path(folder: Path) -> Path:
    """The lock of ``folder``: a hidden file beside it, never inside it."""
    return folder.parent / f".{folder.name}.engagement-report.lock"


@contextmanager
def folder_lock(folder: Path, timeout: float = 300.0) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so two runs never interleave their work.

    A second run waits up to ``timeout`` seconds for the first, then fails with
    a message naming the folder (exit 3). The lock is a file beside the folder,
    removed when the run ends (a process killed outright leaves it, holding no
    lock: the next run takes it over).
    """
    import fcntl

    path = lock_path(folder)
    deadline = time.monotonic() + timeout
    while True:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a")
        except OSError as exc:
            raise OutputError(
                f"{folder}: cannot create the output folder: {exc.strerror or exc}"
            ) from None
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
            # The run before may have removed the lock file after this one opened it:
            # a lock on a file no longer at ``path`` excludes nobody, so start again.
            try:
                same = os.path.samestat(os.fstat(handle.fileno()), path.stat())
            except OSError:
                same = False
        except BaseException:
            handle.close()
            raise
        if same:
            break
        handle.close()
    try:
        yield
    finally:
        with suppress(OSError):
            path.unlink()  # still holding the lock: nobody else can have it
        handle.close()


def _siblings(target: Path, mark: str) -> list[Path]:
    prefix = f".{target.name}{mark}"
    try:
        return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefix))
    except OSError:
        return []


def sweep(target: Path) -> None:
    """Recover from a run killed while writing ``target`` (call it holding the lock).

    A folder killed half-way through being staged is removed; an old folder moved
    aside whose replacement never arrived is put back; one whose replacement did is
    removed; and the temporary files and in-folder lock of earlier versions go.
    """
    for staging in _siblings(target, STAGING_MARK):
        shutil.rmtree(staging, ignore_errors=True)
    aside = _siblings(target, ASIDE_MARK)
    if aside and not os.path.lexists(target):
        try:
            aside[-1].rename(target)
            aside = aside[:-1]
        except OSError as exc:
            raise OutputError(
                f"{target}: cannot put back the report a killed run moved aside "
                f"({aside[-1].name}): {exc.strerror or exc}"
            ) from None
    for old in aside:
        shutil.rmtree(old, ignore_errors=True)
    if target.is_dir():
        for folder in (target, target / "charts"):
            for leftover in folder.glob(".*.tmp"):
                with suppress(OSError):
                    leftover.unlink()
        with suppress(OSError):
            (target / LEGACY_LOCK_NAME).unlink(missing_ok=True)


def replace_folder(
    target: Path, texts: Mapping[str, str | bytes], owned: Iterable[str]
) -> dict[str, Path]:
    """Make ``target`` hold ``texts`` (``name → text``, names may hold ``charts/``; text as
    UTF-8, bytes as they are), all at once.

    Files of the old folder that the tool ``owned`` (its report files, whether written
    now or not) are dropped; anything else in it (a note, an ``.htaccess``) is carried
    over by hard link. Call it holding :func:`folder_lock`.
    """
    sweep(target)
    if os.path.lexists(target) and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING_MARK}", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        existed = target.is_dir()
        if existed:
            _carry_over(target, staging, {*owned, *texts, LEGACY_LOCK_NAME})
        for name, text in texts.items():
            path = staging / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("wb") as handle:
                    handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            except OSError as exc:
                raise OutputError(f"{target / name}: cannot write: {exc.strerror or exc}") from None
        # mkdtemp makes the folder owner-only; give it the old folder's mode, or what
        # a plain mkdir would, so a web server or a colleague can still read the report.
        mode = stat.S_IMODE(target.stat().st_mode) if existed else 0o777 & ~_umask()
        staging.chmod(mode)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {name: target / name for name in texts}


def _carry_over(old: Path, new: Path, owned: set[str]) -> None:
    """Hard-link (or copy) into ``new`` every entry of ``old`` that is not ``owned``."""
    for folder, dirs, files in os.walk(old):
        here = Path(folder)
        rel = here.relative_to(old)
        for name in dirs:
            (new / rel / name).mkdir(exist_ok=True)
            shutil.copystat(here / name, new / rel / name, follow_symlinks=False)
        for name in files:
            relative = (rel / name).as_posix()
            if relative in owned or (name.startswith(".") and name.endswith(".tmp")):
                continue
            source, copy = here / name, new / rel / name
            try:
                if source.is_symlink():
                    copy.symlink_to(source.readlink())
                else:
                    try:
                        os.link(source, copy)
                    except OSError:
                        shutil.copy2(source, copy)
            except OSError as exc:
                raise OutputError(
                    f"{source}: cannot keep this file in the new report folder: "
                    f"{exc.strerror or exc}"
                ) from None


def _swap(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``: at once when there is no ``target``; else the old
    folder aside, the new one in, the old one removed."""
    try:
        if not target.is_dir():
            staging.rename(target)
            _sync_folder(target.parent)
            return
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}{ASIDE_MARK}", dir=target.parent))
        target.rename(aside)  # onto an empty folder of ours: allowed, and atomic
    except OSError as exc:
        raise OutputError(f"{target}: cannot replace the folder: {exc.strerror or exc}") from None
    _pause_for_tests()
    try:
        staging.rename(target)
    except OSError as exc:
        with suppress(OSError):
            aside.rename(target)
        raise OutputError(f"{target}: cannot replace the folder: {exc.strerror or exc}") from None
    _sync_folder(target.parent)
    shutil.rmtree(aside, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` survive a power cut (where the system allows)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _pause_for_tests() -> None:
    """Test-only (``ENGAGEMENT_REPORT_TEST_PAUSE_SWAP``): create the named file, then
    wait to be killed between the two renames of :func:`_swap`."""
    marker = os.environ.get(TEST_PAUSE_ENV)
    if marker:
        Path(marker).touch()
        time.sleep(60)
