"""An archive at an fsspec URL (``s3://bucket/archive``, ``file:///srv/archive``, …).

The command reads such an archive through a local copy of the part it needs: the
manifest when the archive is named, then the partition files of the months a run reads
(:func:`fetch`), each checked against its SHA-256 by the reader as any partition is. So
the reader has one way through, a folder, wherever the archive lives. A Dask worker
fetches the one month its task reads in the same way (:func:`fetch_month`). Reading only:
``archive --to`` writes to a folder.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from engagement_report.archive.layout import (
    JOURNAL,
    MANIFEST_NAME,
    Manifest,
    Partition,
    read_manifest,
)
from engagement_report.errors import InputError, UsageError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_copies: dict[str, Path] = {}  # URL → its local copy in this process
_origins: dict[Path, str] = {}  # local copy → URL
_lock = threading.Lock()


def is_url(item: str | Path) -> bool:
    """Whether an INPUT names a place by URL (``s3://…``), not a local path."""
    return isinstance(item, str) and _URL.match(item) is not None


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path on it, or a clear usage error when
    the protocol is unknown or its package (s3fs, gcsfs, adlfs…) is not installed."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise UsageError(
            f"{url}: an archive at a URL is read with fsspec: pip install fsspec"
        ) from None
    try:
        fs, path = url_to_fs(url)
    except ImportError as exc:
        # fsspec names the package: "Install s3fs to access S3".
        raise UsageError(f"{url}: cannot read this URL: {exc} (pip install it)") from None
    except ValueError as exc:
        raise UsageError(f"{url}: not a URL fsspec can read: {exc}") from None
    return fs, str(path).rstrip("/")


def _unreadable(url: str, exc: Exception) -> InputError:
    return InputError(f"{url}: cannot read: {exc}")


def local_copy(url: str) -> Path | None:
    """The local copy of the archive at ``url`` (its manifest fetched; the same copy for
    as long as the manifest is unchanged); None when ``url`` holds no archive manifest."""
    fs, root = filesystem(url)
    try:
        if not fs.isfile(f"{root}/{MANIFEST_NAME}"):
            return None
        if fs.exists(f"{root}/{JOURNAL}"):
            raise InputError(
                f"{url}: an import into this archive has not finished; run a command on "
                "it where it is a folder (which finishes the import), then read it again"
            )
        text = fs.cat_file(f"{root}/{MANIFEST_NAME}")
    except OSError as exc:
        raise _unreadable(url, exc) from None
    with _lock:
        kept = _copies.get(url)
        # The copy serves as long as the archive's manifest is the one copied (a month
        # imported since gives a new copy); partition files are named by their content.
        if kept is not None and (kept / MANIFEST_NAME).read_bytes() == text:
            return kept
        copy = Path(tempfile.mkdtemp(prefix="engagement-report-archive-"))
        atexit.register(shutil.rmtree, copy, ignore_errors=True)
        (copy / MANIFEST_NAME).write_bytes(text)
        _copies[url], _origins[copy] = copy, url
        return copy


def origin(root: Path) -> str | None:
    """The URL a local copy (:func:`local_copy`) stands for; None for an archive folder."""
    return _origins.get(root)


def manifest_of(root: Path) -> Manifest:
    """The manifest of an archive folder or local copy, errors naming the URL."""
    try:
        return read_manifest(root)
    except InputError as exc:
        url = origin(root)
        if url is None:
            raise
        raise InputError(str(exc).replace(str(root), url)) from None


def fetch(root: Path, months: Collection[str] | None) -> None:
    """Copy the partitions of ``months`` (None: all) into the local copy ``root`` (nothing
    to do for an archive folder, or for partitions fetched before)."""
    url = origin(root)
    if url is None:
        return
    _fetch(url, manifest_of(root), months, root)


def fetch_month(url: str, manifest: Manifest, month: str, into: Path) -> None:
    """Copy one month's partitions of the archive at ``url`` into the folder ``into``."""
    _fetch(url, manifest, [month], into)


def _fetch(url: str, manifest: Manifest, months: Collection[str] | None, into: Path) -> None:
    fs, root = filesystem(url)
    for partition in manifest.partitions:
        if months is not None and partition.month not in months:
            continue
        target = into / partition.key / partition.file
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = f"{root}/{partition.key}/{partition.file}"
        source_url = f"{url}/{partition.key}/{partition.file}"
        partial = target.with_name(f".{target.name}.part")
        try:
            fs.get_file(source, str(partial))
        except FileNotFoundError:
            raise InputError(
                f"{source_url}: this archive partition file is missing; the archive is "
                "damaged: import that month again from its source files"
            ) from None
        except OSError as exc:
            raise _unreadable(source_url, exc) from None
        with partial.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if digest != partition.sha256:
            partial.unlink()
            raise InputError(
                f"{source_url}: this archive partition file changed since it was imported "
                f"(SHA-256 {digest[:12]}…, the manifest says {partition.sha256[:12]}…); "
                "import that month again from its source files"
            )
        partial.rename(target)


def size(url: str, partition: Partition) -> int:
    """The size in bytes of a partition file of the archive at ``url`` (its metadata only)."""
    fs, root = filesystem(url)
    source = f"{root}/{partition.key}/{partition.file}"
    try:
        return int(fs.size(source))
    except FileNotFoundError:
        raise InputError(
            f"{url}/{partition.key}/{partition.file}: this archive partition file is missing; "
            "the archive is damaged: import that month again from its source files"
        ) from None
    except OSError as exc:
        raise _unreadable(f"{url}/{partition.key}/{partition.file}", exc) from None


def source_name(root: Path, file: str) -> str:
    """How the run names a partition file of ``root``: its URL for a local copy."""
    url = origin(root)
    if url is None:
        return file
    try:
        return f"{url}/{Path(file).relative_to(root).as_posix()}"
    except ValueError:
        return file
