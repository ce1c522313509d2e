"""The kit's commented ``engagement-report.toml``, written from a config's settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from engagement_report.config import Config
from engagement_report.schema import STATUS_CLASSES
from engagement_report.starter.lists import RELABEL_KEYS, default_list, unique
from engagement_report.starter.words import CONFIG_COMMENTS, STATUS_LABELS, Words

DATA_FOLDER = "data"

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_string(text: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX) are TOML's; TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def _commented(assignment: str, comment: str) -> str:
    return f"{assignment:<40}# {comment}" if len(assignment) < 40 else f"{assignment}  # {comment}"


def _comment_block(text: str) -> list[str]:
    return [f"# {line}" if line else "#" for line in text.split("\n")]


def config_text(lang: str, config: Config) -> str:
    """The commented ``engagement-report.toml`` of the kit, from ``config``'s settings."""
    words = Words(lang)
    c = {key: words(text) for key, text in CONFIG_COMMENTS.items()}
    lines = [*_comment_block(c["head"]), ""]
    lines += [
        _commented(f"timezone = {_toml_string(config.timezone)}", c["timezone"]),
        _commented(f"lang = {_toml_string(lang)}", c["lang"]),
        _commented(f'inputs = ["{DATA_FOLDER}/*.xlsx"]', c["inputs"]),
        _commented('output = "reports"', c["output"]),
        _commented(f"formats = {_toml_list(config.formats)}", c["formats"]),
        _commented(f"min_category_size = {config.min_category_size}", c["min_category_size"]),
        "",
    ]
    lines += _comment_block(c["columns"])
    if config.columns:
        for dataset, mapping in config.columns.items():
            lines.append(f"[columns.{dataset}]")
            lines += [f"{_toml_key(col)} = {_toml_list(hs)}" for col, hs in mapping.items()]
    else:
        lines += [
            "# [columns.queries]",
            '# received_at = "Created Date"',
            '# topic = ["Complaint Type", "Тип жалобы"]',
        ]
    lines += ["", *_comment_block(c["statuses"]), "[statuses]"]
    for cls in STATUS_CLASSES:
        spellings = unique([words(STATUS_LABELS[cls]), *config.statuses.get(cls, ())])
        lines.append(f"{cls} = {_toml_list(spellings)}")
    for column in ("topic", "channel", "district"):
        key = RELABEL_KEYS[column]
        relabel: Mapping[str, str] = getattr(config, key) or {
            v: v for v in default_list(column, lang)
        }
        lines += ["", *(_comment_block(c["relabel"]) if column == "topic" else []), f"[{key}]"]
        lines += [f"{_toml_key(k)} = {_toml_string(v)}" for k, v in relabel.items()]
    deadlines, calendar = config.deadlines, config.calendar
    lines += [
        "",
        "[deadlines]",
        _commented(
            f"answer_working_days = {deadlines.answer_working_days}", c["answer_working_days"]
        ),
        _commented(
            f"redirect_working_days = {deadlines.redirect_working_days}",
            c["redirect_working_days"],
        ),
        _commented(f"kind = {_toml_string(deadlines.kind)}", c["kind"]),
        "",
        "[calendar]",
        _commented(f"country = {_toml_string(calendar.country)}", c["country"]),
        _commented(
            f"extra_holidays = {_toml_list(d.isoformat() for d in calendar.extra_holidays)}",
            c["extra_holidays"],
        ),
        _commented(
            "extra_working_days = "
            + _toml_list(d.isoformat() for d in calendar.extra_working_days),
            c["extra_working_days"],
        ),
        _commented(
            "working_hours = "
            + _toml_string("-".join(t.strftime("%H:%M") for t in calendar.working_hours)),
            c["working_hours"],
        ),
        "",
    ]
    return "\n".join(lines)
