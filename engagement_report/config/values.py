"""Checks of one TOML value: a table, a string, a list of strings."""

from __future__ import annotations

from typing import Any


def _table(value: Any, key: str, fail: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(f"{key} must be a table ([{key}])")
    return value


def _str(value: Any, key: str, fail: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"{key} must be a string")
    return value


def _strings(value: Any, key: str, fail: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} must be a string or a list of strings")
    return tuple(value)
