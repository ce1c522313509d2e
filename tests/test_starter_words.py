"""The start kit's words come from the ``starter`` catalogue: complete, read back, used.

English is the source language (``engagement_report/starter/words.py``); Russian and
Kazakh are ``locale/<lang>/LC_MESSAGES/starter.po``. Almaty's default lists are data
(``starter/almaty.toml``), not translations.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from engagement_report.locale import update
from engagement_report.render import translations
from engagement_report.render.translations import (
    STARTER_DOMAIN,
    catalogue_path,
    meaning_context,
    translations_for,
)
from engagement_report.schema import COLUMNS, header_key
from engagement_report.starter import lists, words, write_start_kit

LANGS = ("ru", "kk")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _catalog(lang: str, path: Path | None = None) -> Catalog:
    with (path or catalogue_path(lang, STARTER_DOMAIN)).open("rb") as handle:
        return read_po(handle, locale=lang, domain=STARTER_DOMAIN)


def _table_words() -> list[words.Word]:
    found = [*words.SHEET_NAMES.values(), words.INSTRUCTIONS_SHEET]
    found += [w for table in words.HEADERS.values() for w in table.values()]
    for table in (
        words.STATUS_LABELS,
        words.LIST_HEADERS,
        words.ITEMS,
        words.TEXT,
        words.CONFIG_COMMENTS,
    ):
        found += table.values()
    return found


def test_every_word_of_the_kit_is_extracted() -> None:
    extracted = {(f.context, f.msgid) for f in update.starter_messages()}
    assert {(w.context, w.english) for w in _table_words()} <= extracted
    for dataset, columns in COLUMNS.items():
        for column in columns:
            assert (meaning_context(dataset, column.name), column.meaning) in extracted
    # one English header, two translations: the context keeps them apart
    assert words.HEADERS["broadcasts"]["date"] != words.HEADERS["press_events"]["date"]


def test_starter_template_is_up_to_date() -> None:
    rendered = update.render_template(update.starter_messages(), update.STARTER)
    assert rendered == update.STARTER.pot_path.read_bytes(), (
        "run 'python -m engagement_report.locale.update'"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_word_has_a_translation(lang: str) -> None:
    catalog = _catalog(lang)
    problems = []
    for found in update.starter_messages():
        message = catalog.get(found.msgid, found.context)
        if message is None or message.fuzzy or not message.string:
            problems.append(f"{found.context}|{found.msgid}")
    assert not problems, f"{catalogue_path(lang, STARTER_DOMAIN)} lacks: {problems}"


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_their_placeholders_and_line_breaks(lang: str) -> None:
    for message in _catalog(lang):
        if message.id and message.string:
            english, text = str(message.id), str(message.string)
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english))
            assert text == text.strip(), english
            if "\n" in english:  # a comment block of the config keeps its lines short
                assert "\n" in text, english


@pytest.mark.parametrize("lang", LANGS)
def test_the_loader_accepts_every_translated_header_sheet_and_status(lang: str) -> None:
    assert update.starter_problems(_catalog(lang)) == []


def test_the_check_names_translations_the_loader_would_not_read_back() -> None:
    catalog = Catalog(locale="kk", domain=STARTER_DOMAIN)
    catalog.add("Query ID", "Тақырып", context="queries header")  # the topic's alias
    catalog.add("Status", "Күйі", context="queries header")  # no column's alias
    catalog.add("Date", "Эфир күні", context="broadcasts header")  # accepted
    catalog.add("queries", "Эфирлер", context="sheet name")  # names broadcasts
    catalog.add("Instructions", "Өтініштер", context="sheet name")  # names a dataset
    catalog.add("in progress", "жауап берілді", context="status")  # another class
    catalog.add("answered", "жауап берілді", context="status")  # accepted
    catalog.add("Topics", "Тақырып", context="lists header")  # a column's header
    catalog.add("Speakers", "Спикер", context="press_events header", flags=["fuzzy"])  # unused
    problems = update.starter_problems(catalog)
    assert problems == [
        "queries header 'Тақырып' is not one of query_id's headers",
        "queries header 'Күйі' is not one of status's headers",
        "sheet name 'Эфирлер' must name queries",
        "sheet name 'Өтініштер' must name no dataset",
        "status 'жауап берілді' is not a spelling of in_progress",
        "lists header 'Тақырып' is a column's header",
    ]


@pytest.fixture
def locale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the package's locale folder that the catalogues are read from."""
    folder = tmp_path / "locale"
    shutil.copytree(translations.LOCALE_DIR, folder)
    monkeypatch.setattr(translations, "LOCALE_DIR", folder)
    monkeypatch.setattr(update, "LOCALE_DIR", folder)
    translations_for.cache_clear()
    yield folder
    translations_for.cache_clear()


def _drop(path: Path, lang: str, *keys: tuple[str, str], fuzzy: tuple[str, str] | None) -> None:
    catalog = _catalog(lang, path)
    for context, msgid in keys:
        catalog.delete(msgid, context)
    if fuzzy:
        catalog.get(fuzzy[1], fuzzy[0]).flags.add("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def test_a_missing_kazakh_translation_leaves_english_in_the_kit(
    locale_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title, required = words.TEXT["title"], words.TEXT["is_required"]
    query_id = COLUMNS["queries"][0]
    path = locale_copy / "kk" / "LC_MESSAGES" / "starter.po"
    meaning = (meaning_context("queries", "query_id"), query_id.meaning)
    _drop(path, "kk", (title.context, title.english), meaning, fuzzy=required)

    write_start_kit(tmp_path / "kit", "kk")

    book = openpyxl.load_workbook(tmp_path / "kit" / "data" / "queries.xlsx")
    assert book.sheetnames == ["Өтініштер", "Нұсқаулық", "lists"]  # still Kazakh
    assert book["Өтініштер"]["A1"].value == "Өтініш нөмірі"
    rows = list(book["Нұсқаулық"].iter_rows(values_only=True))
    assert rows[0][0] == "How to fill in the sheet “Өтініштер”"  # missing: English
    table = rows.index(("Баған", "Required", "Мағынасы", "Қалай толтыру"))  # fuzzy: English
    assert rows[table + 1][:3] == ("Өтініш нөмірі", "жоқ", query_id.meaning)

    # and `update --check` names what is missing
    capsys.readouterr()
    assert update.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert f"kk starter: untranslated or fuzzy: '{title.context}|{title.english}'" in out
    assert f"kk starter: untranslated or fuzzy: '{required.context}|{required.english}'" in out
    assert "ru starter: untranslated" not in out


def test_check_passes_on_the_shipped_catalogues(locale_copy: Path) -> None:
    assert update.main(["--check"]) == 0


def test_default_lists_are_the_same_places_in_every_language() -> None:
    for column in ("district", "channel", "topic"):
        sizes = {len(lists.default_list(column, lang)) for lang in ("en", "ru", "kk")}
        assert len(sizes) == 1, column
        for lang in ("en", "ru", "kk"):
            labels = lists.default_list(column, lang)
            assert len({header_key(label) for label in labels}) == len(labels)
    assert lists.default_list("district", "kk")[2] == "Әуезов"


def test_a_header_translation_the_loader_would_not_accept_is_a_bug(
    locale_copy: Path, tmp_path: Path
) -> None:
    path = locale_copy / "kk" / "LC_MESSAGES" / "starter.po"
    catalog = _catalog("kk", path)
    catalog.get("Status", "queries header").string = "Күйі"
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, include_lineno=False)
    path.write_bytes(buffer.getvalue())

    with pytest.raises(RuntimeError, match=r"starter\.po: .* queries header\(s\) 'Күйі'"):
        write_start_kit(tmp_path / "kit", "kk")
    assert not (tmp_path / "kit").exists()
