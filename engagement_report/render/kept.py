"""Rendered reports kept between runs: a build repeated on the same day with the same
inputs, config and templates (a cron job's retry, a ``--fail-on`` run again) reuses the
Markdown and HTML text it rendered, instead of compiling and rendering the templates
again.

The entry's key (:func:`~engagement_report.cache.cache_key`) covers what every entry's
does (the tool's code, the libraries, the time-zone data, the config, the template
folders, each input's SHA-256) plus a digest of the whole context the templates
receive (:func:`context_digest`): every figure, label, chart and the run's day. Text
is data, not code: nothing kept here is ever run. A context holding a value the digest
does not know is rendered anew and not kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from markupsafe import Markup

from engagement_report.cache import Entry, Store

_FILE = "reports.json"


class _UnknownValueError(TypeError):
    """A value :func:`context_digest` cannot put in words."""


def _plain(value: Any) -> Any:
    """``value`` as JSON values that differ wherever the rendered text could differ."""
    # bool before int (a bool is an int) and Markup before str (a Markup is a str): each
    # prints otherwise than its base type.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Markup):
        return ["markup", str(value)]
    if isinstance(value, str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        # repr tells -0.0 from 0.0 and keeps nan and inf apart from strings
        return ["float", repr(value)]
    if isinstance(value, Enum):
        return ["enum", type(value).__qualname__, _plain(value.value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [[f.name, _plain(getattr(value, f.name))] for f in dataclasses.fields(value)]
        return ["dataclass", f"{type(value).__module__}.{type(value).__qualname__}", fields]
    if isinstance(value, datetime | date | time):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, tuple | list):
        return [type(value).__name__, [_plain(v) for v in value]]
    if isinstance(value, frozenset | set):
        items = [_plain(v) for v in value]
        return ["set", sorted(items, key=lambda item: json.dumps(item, sort_keys=True))]
    if isinstance(value, Mapping):
        # in order: a template iterating a dict prints it in this order
        return ["dict", [[_plain(k), _plain(v)] for k, v in value.items()]]
    raise _UnknownValueError(f"{type(value).__module__}.{type(value).__qualname__}")


def context_digest(context: object) -> str | None:
    """SHA-256 of everything in ``context`` a template can print, or None when it holds
    a value of a type not known here (such a context is rendered every time)."""
    try:
        plain = _plain(context)
    except _UnknownValueError:
        return None
    text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_reports(store: Store, name: str) -> dict[str, str] | None:
    """The report texts kept as the entry ``name``, or None."""
    return store.load(name, _read)


def _read(entry: Entry) -> dict[str, str]:
    texts = json.loads(entry.read(_FILE).decode("utf-8"))
    if not isinstance(texts, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in texts.items()
    ):
        raise ValueError("not report texts")
    return texts


def store_reports(store: Store, name: str, texts: Mapping[str, str]) -> None:
    """Keep the report ``texts`` (file name → text) as the entry ``name``."""
    data = json.dumps(dict(texts), ensure_ascii=False).encode("utf-8")

    def fill(folder: Path) -> dict[str, object]:
        (folder / _FILE).write_bytes(data)
        return {}

    store.put(name, fill)
