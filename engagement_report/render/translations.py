"""Gettext catalogues: ``locale/<lang>/LC_MESSAGES/<domain>.po``.

Two domains: ``messages``, the report's fixed words, and ``starter``, the start kit's
words (``engagement-report init``: sheet names, headers, instructions, config comments).
The ``.po`` files are read directly with Babel, so no compiled ``.mo`` files are built
or committed. English is the source language and needs no catalogue; an entry that is
missing, empty or fuzzy falls back to the English text. ``python -m
engagement_report.locale.update`` re-extracts the messages and merges the catalogues.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
STARTER_DOMAIN = "starter"
SOURCE_LANGUAGE = "en"

#: Fixed words that reach the templates as values rather than as template text: the
#: default report title, the dataset names and the label of a blank category. The
#: ``translate`` filter translates these and leaves every other value (data) as it is.
DATA_WORDS: tuple[str, ...] = (
    "Public engagement report",
    "queries",
    "broadcasts",
    "press_events",
    "press_questions",
    "(not stated)",
)

_Key = tuple[str | None, str]  # (context, msgid)


def catalogue_path(lang: str, domain: str = DOMAIN) -> Path:
    """Where the catalogue of ``lang`` in ``domain`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def meaning_context(dataset: str, column: str) -> str:
    """The msgctxt of a column's meaning (``schema.Column.meaning``) in the starter domain."""
    return f"meaning of {dataset}.{column}"


class CatalogTranslations(gettext.NullTranslations):
    """Translations read from a Babel catalogue; untranslated entries stay English."""

    def __init__(
        self,
        singular: dict[_Key, str],
        plural: dict[_Key, tuple[str, ...]],
        plural_index: Callable[[int], int],
        lang: str,
    ) -> None:
        super().__init__()
        self._singular = singular
        self._plural = plural
        self._plural_index = plural_index
        self.lang = lang

    @classmethod
    def from_po(cls, path: Path, lang: str, domain: str = DOMAIN) -> CatalogTranslations:
        """Read ``path``, keeping only entries that are translated and not fuzzy."""
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=domain, ignore_obsolete=True)
        singular: dict[_Key, str] = {}
        plural: dict[_Key, tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                forms = tuple(message.string or ())
                if forms and all(forms):
                    plural[(message.context, message.id[0])] = forms
            elif isinstance(message.string, str) and message.string:
                singular[(message.context, message.id)] = message.string
        return cls(singular, plural, gettext.c2py(catalog.plural_expr), lang)

    def _lookup(self, context: str | None, message: str) -> str:
        return self._singular.get((context, message), message)

    def _lookup_plural(self, context: str | None, singular: str, plural: str, n: int) -> str:
        forms = self._plural.get((context, singular))
        if forms is None:
            return singular if n == 1 else plural
        index = self._plural_index(n)
        return forms[index] if index < len(forms) else forms[-1]

    def gettext(self, message: str) -> str:
        return self._lookup(None, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._lookup_plural(None, msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._lookup(context, message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._lookup_plural(context, msgid1, msgid2, n)


@lru_cache(maxsize=8)
def translations_for(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The catalogue for ``lang`` in ``domain``; English is the source language and needs none."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = catalogue_path(lang, domain)
    if not path.is_file():
        raise FileNotFoundError(f"no translations for language {lang!r}: {path} is missing")
    return CatalogTranslations.from_po(path, lang, domain)
