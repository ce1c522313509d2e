"""The one key of every cache entry, built from everything that can change a result.

A result kept in the cache is used again only when all of these are what they were:
the tool's own code (a fingerprint of the package's files, so no version number has to
move), the versions of the libraries that read, check and compute (pandas, NumPy,
pyarrow, fastexcel, holidays: a new release adds a year's transferred working days;
Jinja and Babel), the time-zone database in use, the whole configuration (its salt as a digest), the templates
(built-in and ``--templates``), each input's path and SHA-256, and whatever else the
entry depends on (``extra``: a period, a cut-off day). Standard library only.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import sys
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engagement_report.config import Config
    from engagement_report.hashing import SeenFile

LIBRARIES = ("pandas", "numpy", "pyarrow", "fastexcel", "holidays", "jinja2", "babel")
_PACKAGE = Path(__file__).resolve().parent.parent


def _folder_fingerprint(folder: Path) -> str:
    """SHA-256 over the names and contents of every file under ``folder`` (compiled
    Python files aside)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.is_file():
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A fingerprint of the package's own files (its code, catalogues and data), once per
    process: any change to the tool's behaviour changes it."""
    return _folder_fingerprint(_PACKAGE)


def library_versions() -> dict[str, str]:
    """The version of each library in :data:`LIBRARIES` (as imported, else as installed)."""
    versions = {"python": sys.version}
    for name in LIBRARIES:
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None)
        if version is None:
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "absent"
        versions[name] = str(version)
    return versions


def timezone_database() -> str:
    """Which time-zone database ``zoneinfo`` reads: the system's folders with their
    ``tzdata.zi`` version line, then the ``tzdata`` package's version."""
    parts = []
    for folder in zoneinfo.TZPATH:
        try:
            with open(Path(folder) / "tzdata.zi", encoding="utf-8") as handle:  # noqa: PTH123
                parts.append(f"{folder}: {handle.readline().strip()}")
        except OSError:
            parts.append(f"{folder}: no tzdata.zi")
    try:
        parts.append(f"tzdata {importlib.metadata.version('tzdata')}")
    except importlib.metadata.PackageNotFoundError:
        parts.append("tzdata absent")
    return "; ".join(parts)


def templates_fingerprint(folders: Sequence[Path]) -> list[str]:
    """A fingerprint of each template folder's files, in lookup order."""
    return [f"{folder.resolve()}: {_folder_fingerprint(folder)}" for folder in folders]


def _salt_digest(config: Config) -> str:
    """SHA-256 of the configured ``[repeats] salt`` ("" without one: a run's own random
    salt is the same for every row of one cached entry)."""
    salt = config.repeats.salt
    return "" if salt is None else hashlib.sha256(salt.encode("utf-8")).hexdigest()


def cache_key(
    kind: str,
    *,
    config: Config,
    templates: Sequence[Path],
    inputs: Sequence[SeenFile],
    extra: str = "",
) -> str:
    """The name of the ``kind`` entry (``checked``, ``figures``) of ``inputs`` under
    ``config`` with the template folders ``templates``; ``extra`` is what else it
    depends on."""
    parts = {
        "kind": kind,
        "code": code_fingerprint(),
        "libraries": library_versions(),
        "timezones": timezone_database(),
        "config": repr(config),
        # The salt is kept out of the config's repr (no message may show it), but cached
        # rows hold values hashed with it: a new salt must not be served the old hashes.
        "salt": _salt_digest(config),
        "templates": templates_fingerprint(templates),
        # As given too: provenance in frames and messages names a file as it was given.
        # A copy of a file at a URL by its URL: the copy's temporary folder changes with
        # every process, the URL and the content (checked on arrival) are what was read.
        "inputs": [
            [f.origin, f.origin, f.sha256]
            if f.origin is not None
            else [str(f.path), str(f.path.resolve()), f.sha256]
            for f in inputs
        ],
        "extra": extra,
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:40]}"
