"""The salt an archive's applicant keys and addresses are hashed with, the same in every
import, so a repeat appeal is found across months imported in different runs.

Without ``[repeats] salt`` a run draws a random salt of its own; an archive instead keeps
the one its first import drew in ``DIR/.salt`` (readable by its owner only). A configured
salt is never written down: the archive keeps only its SHA-256 in ``DIR/.salt.sha256``,
and an import with another salt is refused, since its hashes would match none before.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from engagement_report.errors import UsageError

SALT_FILE = ".salt"
DIGEST_FILE = ".salt.sha256"


def _digest(salt: str) -> str:
    return hashlib.sha256(salt.encode("utf-8")).hexdigest()


def archive_salt(root: Path, configured: str | None) -> str:
    """The salt an import into ``root`` hashes with: the configured one (checked against
    the archive's), else the archive's own, else a new one (kept by :func:`keep_salt`)."""
    recorded = _read(root / DIGEST_FILE)
    if configured is not None:
        if recorded is not None and recorded != _digest(configured):
            raise UsageError(
                f"{root}: the archive's applicant keys and addresses were hashed with another "
                "[repeats] salt; import with the salt of its first import, or start a new archive"
            )
        return configured
    own = _read(root / SALT_FILE)
    if own is not None:
        return own
    if recorded is not None:
        raise UsageError(
            f"{root}: the archive was imported with a configured [repeats] salt; "
            "give the same salt in the config"
        )
    return secrets.token_hex(32)


def keep_salt(root: Path, salt: str, configured: bool) -> None:
    """Record the salt of an import that committed: its digest, and the salt itself when
    the archive drew it (mode 600)."""
    if not configured and not (root / SALT_FILE).exists():
        descriptor = os.open(root / SALT_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(salt + "\n")
    if not (root / DIGEST_FILE).exists():
        (root / DIGEST_FILE).write_text(_digest(salt) + "\n", encoding="utf-8")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the archive's salt: {exc.strerror or exc}") from None
