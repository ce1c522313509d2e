"""Category labels as a report language shows them: ``[topics.ru]``, ``[channels.kk]`` …

The data's labels stay what they are in the figures and the summary; only the rendered
report of that language shows the config's label in their place.
"""

from __future__ import annotations

from dataclasses import replace

from engagement_report.analysis import AgendaRow
from engagement_report.results import CategoryFigures, Figures, TopicShifts

Labels = dict[str, dict[str, str]]  # dimension (topic, channel, district) → data label → shown


def labels_for(shown_labels: dict[str, dict[str, dict[str, str]]], lang: str) -> Labels:
    """The config's relabelling tables of one report language, by dimension."""
    return {dim: by_lang[lang] for dim, by_lang in shown_labels.items() if lang in by_lang}


def _rows(rows: tuple[CategoryFigures, ...], names: dict[str, str]) -> tuple[CategoryFigures, ...]:
    return tuple(replace(r, category=names.get(r.category, r.category)) for r in rows)


def shown_figures(figures: Figures, labels: Labels) -> Figures:
    """``figures`` with each breakdown's categories as the report language shows them."""
    if not labels:
        return figures
    return replace(
        figures,
        by_topic=_rows(figures.by_topic, labels.get("topic", {})),
        by_channel=_rows(figures.by_channel, labels.get("channel", {})),
        by_district=_rows(figures.by_district, labels.get("district", {})),
    )


def shown_agenda(rows: tuple[AgendaRow, ...], labels: Labels) -> tuple[AgendaRow, ...]:
    """The agenda's topics as the report language shows them."""
    names = labels.get("topic", {})
    return tuple(replace(r, topic=names.get(r.topic, r.topic)) for r in rows) if names else rows


def shown_shifts(shifts: tuple[TopicShifts, ...], labels: Labels) -> tuple[TopicShifts, ...]:
    """The topics that moved, as the report language shows them."""
    names = labels.get("topic", {})
    if not names:
        return shifts
    return tuple(
        replace(
            s,
            rose=tuple(replace(c, topic=names.get(c.topic, c.topic)) for c in s.rose),
            fell=tuple(replace(c, topic=names.get(c.topic, c.topic)) for c in s.fell),
        )
        for s in shifts
    )
