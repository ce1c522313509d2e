"""Reading ``[report]`` (:class:`~engagement_report.config.settings.ReportConfig`)."""

from __future__ import annotations

from typing import Any

from engagement_report.config.settings import (
    BETTER_DIRECTIONS,
    HEADLINE_FIGURES,
    LANGUAGES,
    ReportConfig,
)
from engagement_report.config.values import _str, _table


def _report(table: dict[str, Any], fail: Any) -> ReportConfig:
    known = {"title", "office", "contact", "better", "min_count"}
    for key in table:
        if key not in known:
            raise fail(f"unknown key 'report.{key}'; known: {', '.join(sorted(known))}")

    def per_language(key: str) -> dict[str, str]:
        value = table.get(key, {})
        if isinstance(value, str):
            return {"": value}
        texts = {}
        for lang, text in _table(value, f"report.{key}", fail).items():
            if lang not in LANGUAGES:
                raise fail(f"unknown key 'report.{key}.{lang}'; languages: {', '.join(LANGUAGES)}")
            texts[lang] = _str(text, f"report.{key}.{lang}", fail)
        return texts

    better = {}
    for figure, direction in _table(table.get("better", {}), "report.better", fail).items():
        if figure not in HEADLINE_FIGURES:
            raise fail(
                f"unknown key 'report.better.{figure}'; figures: {', '.join(HEADLINE_FIGURES)}"
            )
        if direction not in BETTER_DIRECTIONS:
            raise fail(
                f"report.better.{figure} must be 'higher', 'lower' or 'neutral', not {direction!r}"
            )
        better[figure] = str(direction)
    min_count = table.get("min_count", 20)
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise fail("report.min_count must be a whole number of at least 1")
    return ReportConfig(
        per_language("title"),
        per_language("office"),
        better,
        min_count,
        contact=per_language("contact"),
    )
