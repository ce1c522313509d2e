"""The start kit's words in English, the source language of the ``starter`` catalogue.

Each word is marked with :func:`word` under a context that says where it goes, so
``python -m engagement_report.locale.update`` extracts it into ``locale/starter.pot``
and the Russian and Kazakh ``starter.po`` catalogues translate it. A column's meaning
is its English ``schema.Column.meaning``, translated under :func:`meaning_context`.
A translation that is missing, empty or fuzzy leaves the English word in the kit.
"""

from __future__ import annotations

from typing import NamedTuple

from engagement_report.render.translations import (
    STARTER_DOMAIN,
    meaning_context,
    translations_for,
)
from engagement_report.schema import Column


class Word(NamedTuple):
    """An English word or text and the context its translation is looked up under."""

    context: str
    english: str


def word(context: str, english: str) -> Word:
    """Mark ``english`` for the starter catalogue (the extractor looks for this name)."""
    return Word(context, english)


# The data sheets' names: each must stay a name spellings.DATASET_NAMES gives its dataset.
SHEET_NAMES = {
    "queries": word("sheet name", "queries"),
    "broadcasts": word("sheet name", "broadcasts"),
    "press_events": word("sheet name", "press_events"),
    "press_questions": word("sheet name", "press_questions"),
}
INSTRUCTIONS_SHEET = word("sheet name", "Instructions")

# Every header is the column's name or one of its aliases in schema.py (tests and
# `locale.update --check` verify the translations too). One context per dataset: the
# same English header ("Date") is translated differently in different workbooks.
HEADERS = {
    "queries": {
        "query_id": word("queries header", "Query ID"),
        "received_at": word("queries header", "Received at"),
        "answered_at": word("queries header", "Answered at"),
        "status": word("queries header", "Status"),
        "topic": word("queries header", "Topic"),
        "channel": word("queries header", "Channel"),
        "district": word("queries header", "District"),
        "deadline": word("queries header", "Deadline"),
        "extended_until": word("queries header", "Extended until"),
        "body": word("queries header", "Responsible body"),
    },
    "broadcasts": {
        "date": word("broadcasts header", "Date"),
        "program": word("broadcasts header", "Program"),
        "speaker": word("broadcasts header", "Speaker"),
        "topic": word("broadcasts header", "Topic"),
        "questions_answered": word("broadcasts header", "Questions answered"),
        "tv_segments": word("broadcasts header", "TV segments"),
    },
    "press_events": {
        "date": word("press_events header", "Date"),
        "title": word("press_events header", "Title"),
        "topic": word("press_events header", "Topic"),
        "speakers": word("press_events header", "Speakers"),
        "journalist_questions": word("press_events header", "Journalist questions"),
        "publications": word("press_events header", "Publications"),
    },
    "press_questions": {
        "date": word("press_questions header", "Date"),
        "event": word("press_questions header", "Event"),
        "outlet": word("press_questions header", "Media outlet"),
        "speaker": word("press_questions header", "Respondent"),
        "topic": word("press_questions header", "Topic"),
    },
}

# One spelling per status class for the dropdown; each must be a spelling of its class in
# schema.STATUS_SPELLINGS, and is written to the config's [statuses] as well.
STATUS_LABELS = {
    "answered": word("status", "answered"),
    "in_progress": word("status", "in progress"),
    "rejected": word("status", "rejected"),
    "redirected": word("status", "redirected"),
}

# Headers of the hidden lists sheet: plural on purpose, so that no header is an alias.
LIST_HEADERS = {
    "status": word("lists header", "Statuses"),
    "channel": word("lists header", "Channels"),
    "district": word("lists header", "Districts"),
    "topic": word("lists header", "Topics"),
}

# What one row of each sheet holds, for the instructions' "One row per {item}".
ITEMS = {
    "queries": word("one row per", "query"),
    "broadcasts": word("one row per", "broadcast"),
    "press_events": word("one row per", "press event"),
    "press_questions": word("one row per", "journalist's question"),
}

TEXT = {
    "title": word("instructions", "How to fill in the sheet “{sheet}”"),
    "one_row": word(
        "instructions",
        "One row per {item}; no merged cells, no empty rows between records, no total rows.",
    ),
    "headers": word(
        "instructions",
        "Keep the headers in row 1 as they are: the report finds the columns by them. "
        "Your own columns may go on the right; the report ignores them.",
    ),
    "required": word("instructions", "Columns with a dark header are required."),
    "values": word(
        "instructions",
        "Dates: type 15.01.2021 or 15.01.2021 10:30. Counts: whole numbers, 0 if there were none.",
    ),
    "lists": word(
        "instructions",
        "Lists: select a cell and pick a value from its arrow; the lists are on the hidden "
        "sheet “lists”.",
    ),
    "check": word(
        "instructions",
        "Check the data: engagement-report validate; "
        "the report: engagement-report build --period 2021-01",
    ),
    "column": word("instructions table", "Column"),
    "is_required": word("instructions table", "Required"),
    "meaning": word("instructions table", "Meaning"),
    "how": word("instructions table", "How to fill in"),
    "yes": word("instructions table", "yes"),
    "no": word("instructions table", "no"),
    "hint_date": word("hint", "a date: 15.01.2021"),
    "hint_datetime": word("hint", "date and time: 15.01.2021 10:30 (or only the date)"),
    "hint_count": word("hint", "a whole number, 0 or more"),
    "hint_status": word("hint", "choose from the list: {values}"),
    "hint_list": word("hint", "choose from the list or type another value"),
    "hint_text": word("hint", "free text"),
    "hint_id": word("hint", "a number or code"),
    "error_title": word("validation message", "Check the value"),
    "error_date": word(
        "validation message", "Type a date such as 15.01.2021 (or 15.01.2021 10:30)."
    ),
    "error_count": word("validation message", "Type a whole number, 0 or more."),
    "error_status": word("validation message", "Choose a status from the list."),
    "error_list": word("validation message", "This value is not in the list. Keep it anyway?"),
}

CONFIG_COMMENTS = {
    "head": word(
        "config comment",
        "engagement-report settings for this folder, written by `engagement-report init`.\n"
        "Every key is optional: delete a line to get the default. More: README, "
        "“Configuration”.\n"
        "Fill in the workbooks in data/, then run `engagement-report validate` and\n"
        "`engagement-report build --period 2021-01` in this folder.",
    ),
    "timezone": word(
        "config comment", "naive date-times are local; UTC/offset values are converted to it"
    ),
    "lang": word("config comment", "report language: en, ru, kk"),
    "inputs": word(
        "config comment", "used when no INPUT is given (globs allowed; relative to this file)"
    ),
    "output": word("config comment", "reports go to <output>/<period>/"),
    "formats": word("config comment", "the files build writes"),
    "min_category_size": word(
        "config comment", "smaller categories are not ranked by answered share"
    ),
    "columns": word(
        "config comment",
        "canonical column = the header in your files (a string or a list);\n"
        "the headers of the workbooks in data/ are known already",
    ),
    "statuses": word(
        "config comment",
        "extra spellings for each class; the ones below fill the status dropdown",
    ),
    "relabel": word(
        "config comment",
        "label in the data = label in the reports (also [channels], [districts]);\n"
        "the labels on the right fill the workbooks' dropdown lists",
    ),
    "answer_working_days": word(
        "config comment", "days to answer (Administrative Procedural Code, art. 76)"
    ),
    "redirect_working_days": word(
        "config comment", "days to forward a query to the competent body"
    ),
    "kind": word("config comment", 'or "calendar" (e.g. Russia\'s 30 days)'),
    "country": word("config comment", "public holidays from the holidays package"),
    "extra_holidays": word(
        "config comment", 'days off announced for the year, e.g. ["2026-01-02"]'
    ),
    "extra_working_days": word("config comment", "working Saturdays announced for the year"),
    "working_hours": word(
        "config comment",
        "a query arriving after them, or on a day off, is registered the next working day "
        "(art. 64)",
    ),
}


class Words:
    """The start kit's words in one language, from the ``starter`` catalogue."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._translations = translations_for(lang, STARTER_DOMAIN)

    def __call__(self, english: Word) -> str:
        """``english`` in this language (English where the catalogue lacks it)."""
        return self._translations.pgettext(english.context, english.english)

    def meaning(self, dataset: str, column: Column) -> str:
        """What ``column`` of ``dataset`` holds, in this language."""
        return self._translations.pgettext(meaning_context(dataset, column.name), column.meaning)
