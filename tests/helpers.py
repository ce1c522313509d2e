"""Small helpers for tests (imported as ``helpers``, as ``workbooks`` is)."""

from __future__ import annotations

from typing import Any

import pytest


def calls_to(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """Record the first argument of every call to ``owner.name`` (which still runs)."""
    calls: list[Any] = []
    real = getattr(owner, name)

    def recorded(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls
