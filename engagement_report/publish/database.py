"""The period's summary records in a database table, ``engagement_summary``.

One row per summary record (the summary contract's columns) plus the tool version and
the hash of the inputs the run read, so a dashboard (Metabase, Superset, Grafana) can
show where each figure came from. Writing a period replaces that period's rows in one
transaction: other periods stay, and a write that fails leaves the table as it was.

SQLAlchemy (the ``[db]`` extra) speaks to SQLite and PostgreSQL; it is imported only
when a database is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

from engagement_report.errors import OutputError, UsageError
from engagement_report.export import SummaryRecord, Value
from engagement_report.hashing import SeenFile, file_digest

if TYPE_CHECKING:
    from sqlalchemy import Table

TABLE_NAME = "engagement_summary"


def inputs_hash(inputs: Sequence[Path | SeenFile]) -> str:
    """One SHA-256 for a run's inputs: of the lines ``<sha256>  <file name>`` (as
    ``sha256sum`` prints them, in the order of the names) of the files the manifest records.
    A renamed or changed file gives another hash; the order and folder they were given in
    do not. A :class:`SeenFile` gives the digest of the content as it was read."""
    named = sorted(
        (item.path.name, item.sha256)
        if isinstance(item, SeenFile)
        else (Path(item).name, file_digest(Path(item)))
        for item in inputs
    )
    lines = [f"{digest}  {name}\n" for name, digest in named]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _table() -> Table:
    from sqlalchemy import Column, Date, Float, MetaData, String, Table, Text

    return Table(
        TABLE_NAME,
        MetaData(),
        Column("period_start", Date, nullable=False),
        Column("period_end", Date, nullable=False),
        Column("dataset", String(32), nullable=False),
        Column("metric", String(64), nullable=False),
        Column("dimension", String(32), nullable=False),
        Column("category", Text, nullable=False),
        Column("value", Float, nullable=True),  # NULL where undefined (nothing to divide by)
        Column("tool_version", String(32), nullable=False),
        Column("inputs_sha256", String(64), nullable=False),
    )


def redact(url: str) -> str:
    """The URL as it may be shown: with its password replaced by ``***``."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("://", 1)[0] + "://…"


def _scrub(text: str, url: str) -> str:
    """``text`` without the URL's password, whichever way it was spelled."""
    try:
        from sqlalchemy.engine import make_url

        password = make_url(url).password
    except Exception:
        password = None
    if password:
        for spelling in {str(password), quote(str(password), safe=""), quote_plus(str(password))}:
            text = text.replace(spelling, "***")
    return text


def _reason(exc: BaseException, url: str) -> str:
    """The driver's own first line (not SQLAlchemy's statement and parameters), no password."""
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return _scrub(lines[0] if lines else type(cause).__name__, url)


def _with_driver(url: str) -> Any:
    """``postgresql://`` means psycopg 3 (the ``[db]`` extra), not SQLAlchemy's default
    psycopg2; a URL naming its driver (``postgresql+psycopg2://``) keeps it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _row(record: SummaryRecord, version: str, digest: str) -> dict[str, Any]:
    from datetime import date

    value: Value = record.value
    return {
        "period_start": date.fromisoformat(record.period_start),
        "period_end": date.fromisoformat(record.period_end),
        "dataset": record.dataset,
        "metric": record.metric,
        "dimension": record.dimension,
        "category": record.category,
        "value": None if value is None else float(value),
        "tool_version": version,
        "inputs_sha256": digest,
    }


def write_summary(
    url: str, records: Sequence[SummaryRecord], *, tool_version: str, inputs_sha256: str
) -> int:
    """Replace the rows of every period in ``records`` with ``records``; the rows written.

    Creates the table when it is missing. Everything happens in one transaction: on any
    failure nothing is changed and :class:`OutputError` (exit 3) says why in one line,
    naming the database without its password.
    """
    try:
        import sqlalchemy as sa
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    except ImportError:
        raise UsageError(
            "writing to a database needs SQLAlchemy: pip install 'engagement-report[db]'"
        ) from None
    shown = redact(url)
    try:
        engine = sa.create_engine(_with_driver(url))
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise UsageError(
            f"{shown}: not a database URL this tool can use ({_reason(exc, url)}); "
            "use sqlite:///path.db or postgresql://user@host/dbname"
        ) from None
    except ImportError as exc:
        raise UsageError(
            f"{shown}: its database driver is not installed ({exc.name}): "
            "pip install 'engagement-report[db]'"
        ) from None
    table = _table()
    rows = [_row(r, tool_version, inputs_sha256) for r in records]
    periods = sorted({(r["period_start"], r["period_end"]) for r in rows})
    try:
        with engine.begin() as connection:
            table.create(connection, checkfirst=True)
            for start, end in periods:
                connection.execute(
                    table.delete().where(table.c.period_start == start, table.c.period_end == end)
                )
            if rows:
                connection.execute(table.insert(), rows)
    except SQLAlchemyError as exc:
        raise OutputError(
            f"{shown}: cannot write table {TABLE_NAME}: {_reason(exc, url)}"
        ) from None
    except OSError as exc:
        raise OutputError(
            f"{shown}: cannot write table {TABLE_NAME}: {_scrub(str(exc), url)}"
        ) from None
    finally:
        engine.dispose()
    return len(rows)
