"""The ``archive`` command: checked rows of the inputs into a month-partitioned archive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report import console
from engagement_report.archive import is_archive, remote
from engagement_report.cache import wait
from engagement_report.config import Config
from engagement_report.errors import UsageError
from engagement_report.models import ValidationReport
from engagement_report.pipeline.checking import check
from engagement_report.pipeline.period import plausible

if TYPE_CHECKING:
    from engagement_report.archive.writer import ImportResult


@dataclass(frozen=True)
class ArchiveImport:
    """What an import did: the partitions it changed, and the inputs' validation report
    (the rows it rejected are not in the archive)."""

    result: ImportResult
    report: ValidationReport


def archive(
    inputs: Sequence[str | Path],
    config: Config,
    to: Path | str,
    *,
    cache: bool = True,
    today: date | None = None,
    lock_timeout: float = 300.0,
) -> ArchiveImport:
    """Check the inputs as ``build`` does and import their clean rows into the archive
    ``to``: each month they hold rows of is replaced, and a query id they hold is taken
    out of every other month (kept once, in this version).

    ``to`` is a folder: an archive at a URL (``s3://…``) is refused (README, "An archive
    at a URL"): an import's all-or-nothing swap and its lock need a file system."""
    if remote.is_url(str(to)):
        raise UsageError(
            f"--to {to}: an archive is written to a folder, not to a URL (an object store "
            "has no rename to swap an import in whole, nor a lock to keep two imports from "
            "losing each other's months); import into a folder, then copy it there with "
            "its archive.json last (see README, 'An archive at a URL')"
        )
    to = Path(to)
    if any(is_archive(Path(item)) for item in inputs):
        raise UsageError("an archive cannot be imported into an archive: give the source files")
    if to.exists() and not to.is_dir():
        raise UsageError(f"--to {to}: not a folder")
    if to.is_dir() and any(to.iterdir()) and not is_archive(to):
        raise UsageError(
            f"--to {to}: the folder holds files and is not an archive; give an empty or new folder"
        )
    from engagement_report.archive.salt import archive_salt, keep_salt

    # One salt for every import, so repeats are found across months imported apart.
    configured = config.repeats.salt is not None
    salt = archive_salt(to, config.repeats.salt)
    config = replace(config, repeats=replace(config.repeats, salt=salt))
    checked = check(inputs, config, cache)
    wait()
    data = plausible(checked.data, config, today)
    from engagement_report.archive.writer import write_archive

    console.note("Writing the archive…")
    result = write_archive(data, checked.inputs, to, lock_timeout)
    keep_salt(to, salt, configured)
    return ArchiveImport(result, data.report)
