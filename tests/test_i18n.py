"""Reports in English, Russian and Kazakh: catalogues complete, nothing left in English."""

from __future__ import annotations

import html
import re
import textwrap
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.figures import METRICS
from engagement_report.locale import update
from engagement_report.render import filters
from engagement_report.render.environment import make_environment
from engagement_report.render.translations import (
    DATA_WORDS,
    CatalogTranslations,
    catalogue_path,
    translations_for,
)
from engagement_report.schema import DATASETS
from engagement_report.validation.rows import NOT_STATED

LANGS = ("ru", "kk")
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)s")

MONTHS = {
    "ru": [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ],
    "kk": [
        "Қаңтар",
        "Ақпан",
        "Наурыз",
        "Сәуір",
        "Мамыр",
        "Маусым",
        "Шілде",
        "Тамыз",
        "Қыркүйек",
        "Қазан",
        "Қараша",
        "Желтоқсан",
    ],
}


def _catalog(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _plain(text: str) -> str:
    """No-break and narrow no-break spaces (Babel's group and unit separators) as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _visible(report_html: str) -> str:
    """The text a reader sees: no style sheet, no tags (class names are not words)."""
    text = re.sub(r"(?s)<style>.*?</style>", " ", report_html)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


# --- (a) the catalogues are complete -------------------------------------------------


def _extracted() -> list[str]:
    found = [f.msgid for f in update.all_messages()]
    found += [m.definition for m in METRICS]
    return list(dict.fromkeys(found))


def test_extraction_finds_template_strings_and_definitions() -> None:
    found = _extracted()
    assert "Methodology" in found
    assert "Trend: the last 12 months" in found
    assert "As of %(date)s, queries received in the period:" in found
    assert all(m.definition in found for m in METRICS)
    assert set(DATA_WORDS) <= set(found)
    assert len(found) > 100


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation(lang: str) -> None:
    catalog = _catalog(lang)
    problems = []
    for msgid in _extracted():
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not message.string:
            problems.append(f"empty: {msgid!r}")
    assert not problems, (
        f"{catalogue_path(lang)} lacks translations; run "
        "'python -m engagement_report.locale.update' and translate:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_translations_are_safe_to_format_and_to_insert_into_html(lang: str) -> None:
    # New-style gettext always %-formats and marks translations safe in HTML.
    for message in _catalog(lang):
        if not message.id or not message.string:
            continue
        # A plural message: each form takes the singular's placeholders.
        msgid = message.id[0] if isinstance(message.id, tuple) else str(message.id)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in forms:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid)), msgid
            assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), msgid
            assert not set(text) & set('<>&"'), msgid
            assert text == text.strip(), msgid


@pytest.mark.parametrize(
    ("lang", "rows", "expected"),
    [
        ("ru", 102, "использовано 102 из 102 строк"),
        ("ru", 101, "использовано 101 из 101 строки"),
        ("ru", 3, "использовано 3 из 3 строк"),
        ("kk", 102, "102 жолдың 102 пайдаланылды"),
        ("en", 1, "1 of 1 row used"),
        ("en", 102, "102 of 102 rows used"),
    ],
)
def test_rows_used_agree_with_their_number(lang: str, rows: int, expected: str) -> None:
    env = make_environment("md", lang)
    text = env.from_string(
        '{{ ngettext("%(used)s of %(num)s row used", "%(used)s of %(num)s rows used", n, '
        "used=n | number, num=n | number) }}"
    ).render(n=rows)
    assert text == expected


def test_country_codes_are_named_in_the_report_language() -> None:
    assert filters.country_name("KZ", locale="ru") == "Казахстан"
    assert filters.country_name("KZ", locale="kk") == "Қазақстан"
    assert filters.country_name("US-NY", locale="en") == "United States (NY)"
    assert filters.country_name("XX", locale="en") == "XX"


def test_data_words_are_the_ones_the_code_passes() -> None:
    assert pipeline.DEFAULT_TITLE in DATA_WORDS
    assert NOT_STATED in DATA_WORDS
    assert set(DATASETS) <= set(DATA_WORDS)


# --- translations_for -------------------------------------------------------------------

PO = textwrap.dedent(
    """\
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=utf-8\\n"
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

    msgid "Month"
    msgstr "Месяц"

    #, fuzzy
    msgid "Week"
    msgstr "Неделя"

    msgid "Day"
    msgstr ""

    msgctxt "column"
    msgid "Month"
    msgstr "Мес."

    msgid "%(n)s query"
    msgid_plural "%(n)s queries"
    msgstr[0] "%(n)s обращение"
    msgstr[1] "%(n)s обращения"
    msgstr[2] "%(n)s обращений"
    """
)


def test_catalog_translations_fall_back_to_english(tmp_path: Path) -> None:
    path = tmp_path / "messages.po"
    path.write_text(PO, encoding="utf-8")
    t = CatalogTranslations.from_po(path, "ru")
    assert t.gettext("Month") == "Месяц"
    assert t.gettext("Week") == "Week"  # fuzzy
    assert t.gettext("Day") == "Day"  # empty
    assert t.gettext("Year") == "Year"  # missing
    assert t.pgettext("column", "Month") == "Мес."
    assert t.pgettext("row", "Month") == "Month"
    assert [t.ngettext("%(n)s query", "%(n)s queries", n) for n in (1, 3, 5, 21)] == [
        "%(n)s обращение",
        "%(n)s обращения",
        "%(n)s обращений",
        "%(n)s обращение",
    ]
    assert t.ngettext("%(n)s day", "%(n)s days", 2) == "%(n)s days"
    assert t.npgettext("x", "%(n)s query", "%(n)s queries", 1) == "%(n)s query"


def test_translations_for() -> None:
    assert translations_for("en").gettext("Methodology") == "Methodology"
    assert translations_for("ru").gettext("Methodology") == "Методика расчёта"
    assert translations_for("kk").gettext("Methodology") == "Есептеу әдістемесі"
    assert translations_for("ru") is translations_for("ru")
    with pytest.raises(FileNotFoundError):
        translations_for("xx")


# --- filters -------------------------------------------------------------------------


def test_locale_formats() -> None:
    assert _plain(filters.number(24000, locale="ru")) == "24 000"
    assert _plain(filters.percent(0.94, locale="ru")) == "94,0 %"
    assert _plain(filters.percent(0.94, 0, locale="ru")) == "94 %"
    assert filters.percent(0.94, locale="en") == "94.0%"
    assert _plain(filters.percent(0.94, locale="kk")) == "94,0%"
    assert filters.month_name(date(2021, 1, 1), locale="en") == "January 2021"
    assert filters.month_name(date(2021, 1, 1), locale="ru") == "Январь 2021"
    assert filters.month_name(date(2021, 1, 1), locale="kk") == "Қаңтар 2021"
    assert filters.month_name(None, locale="ru") == filters.MISSING


def test_translate_filter_touches_only_words_passed_as_values() -> None:
    env = make_environment("html", "ru")
    template = env.from_string("{{ a | translate }}|{{ b | translate }}|{{ c | translate }}")
    rendered = template.render(a="press_events", b="Methodology", c="<b>100% (not stated)</b>")
    assert rendered == "пресс-мероприятия|Methodology|&lt;b&gt;100% (not stated)&lt;/b&gt;"
    assert env.from_string("{{ '(not stated)' | translate }}").render() == "(не указано)"


# --- (b) the sample report in Russian and Kazakh -------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    sample = Path(request.config.rootpath) / "sample_data"
    built = {}
    for lang in ("en", *LANGS):
        out = tmp_path_factory.mktemp(f"report-{lang}")
        pipeline.build(
            [sample], Config(lang=lang), period="2021-01", out=out, today=date(2021, 3, 1)
        )
        built[lang] = {
            "md": _plain((out / "report.md").read_text(encoding="utf-8")),
            "html": _plain((out / "report.html").read_text(encoding="utf-8")),
        }
    return built


def _english_left(text: str, lang: str) -> list[str]:
    """Catalogue msgids (or their literal parts around placeholders) still in ``text``."""
    left = []
    for message in _catalog(lang):
        msgid = str(message.id) if message.id and not isinstance(message.id, tuple) else ""
        if not msgid or message.string == msgid or msgid in DATASETS:
            # Dataset names are also file names (queries.csv) and metric codes
            # (queries.received); they are checked where they are shown as words.
            continue
        parts = [p.strip(" .,:;()") for p in PLACEHOLDER.split(msgid)]
        if len(parts) > 1:  # around placeholders, single words ("queries") are too common
            parts = [p for p in parts if " " in p]
        if any(
            re.search(r"[A-Za-z]{2}", part) and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text)
            for part in parts
        ):
            left.append(msgid)
    return left


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_left_in_the_report(reports: dict, lang: str) -> None:
    assert _english_left(reports[lang]["md"], lang) == []
    assert _english_left(_visible(reports[lang]["html"]), lang) == []


def test_english_check_would_catch_english(reports: dict) -> None:
    left = _english_left(reports["en"]["md"], "ru")
    assert "Methodology" in left and "Trend: the last 12 months" in left
    assert METRICS[0].definition in left


def test_russian_numbers_percentages_and_words(reports: dict) -> None:
    md = reports["ru"]["md"]
    assert "| Публикации по итогам мероприятий | 24 525 |" in md
    # The answered share is the queries section's lead line now, not a card.
    assert re.search(r"Доля обращений с ответом: \d{1,3},\d % \(к предыдущему периоду:", md)
    # The period in words, as Russian writes it; no ISO code in the title.
    assert "# Отчёт о взаимодействии с населением, январь 2021 г." in md
    assert "Период: 1–31 января 2021 г." in md
    assert "31 января 2021 г." in md
    assert "| обращения | 20 849 |" in md.replace("| queries.csv | — ", "")
    assert "# Отчёт о взаимодействии с населением" in md
    html_text = reports["ru"]["html"]
    assert '<html lang="ru">' in html_text
    assert "<h1>Отчёт о взаимодействии с населением, январь 2021 г.</h1>" in html_text


@pytest.mark.parametrize("lang", LANGS)
def test_month_names_in_the_trend(reports: dict, lang: str) -> None:
    # The trend of January 2021 runs from February 2020, so every month name is there.
    for kind in ("md", "html"):
        trend = reports[lang][kind]
        for number, name in enumerate(MONTHS[lang], start=1):
            year = 2021 if number == 1 else 2020
            assert f"{name} {year}" in trend, (kind, name)
    assert "2020-02 |" not in reports[lang]["md"]


def test_kazakh_report(reports: dict) -> None:
    md = reports["kk"]["md"]
    assert "# Халықпен өзара іс-қимыл туралы есеп, 2021 жылғы қаңтар" in md
    assert "Кезең: 2021 ж. 1–31 қаңтар" in md
    assert "| баспасөз іс-шаралары |" in md
    assert '<html lang="kk">' in reports["kk"]["html"]


# --- (c) the command line ----------------------------------------------------------------


def test_cli_lang_option(tmp_path: Path, sample_data: Path) -> None:
    out = tmp_path / "ru"
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(sample_data),
            "--period",
            "2021-01",
            "--today",
            "2021-03-01",
            "--lang",
            "ru",
            "--out",
            str(out),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in report
    assert "Методика расчёта" in report


# --- (c) each language's quotation marks and dashes -----------------------------------

#: CLDR's quotation marks (delimiters) of each language: “…” in English, «…» in Russian
#: and Kazakh. Babel carries no delimiters, so the catalogues carry each language's own.
QUOTES = {"en": "“”", "ru": "«»", "kk": "«»"}
ALL_QUOTES = "«»“”„"


def _marks(text: str) -> set[str]:
    return {c for c in text if c in ALL_QUOTES}


def test_english_msgids_use_english_quotation_marks() -> None:
    # The English headline note read «little change».
    wrong = [m for m in _extracted() if _marks(m) - set(QUOTES["en"])]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_translations_use_their_language_s_quotation_marks(lang: str) -> None:
    wrong = []
    for message in _catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if _marks(text) - set(QUOTES[lang]) or '"' in text:
                wrong.append(text)
    assert wrong == []


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_reports_quote_and_dash_as_their_language_does(reports: dict, lang: str) -> None:
    for text in (reports[lang]["md"], _visible(reports[lang]["html"])):
        assert _marks(text) <= set(QUOTES[lang]), _marks(text)
        # A range of numbers takes an en dash: «1–31 января», never «1—31».
        assert not re.search(r"\d\s?—\s?\d", text)
        # Working hours too: 09:00–18:00.
        assert not re.search(r"\d\d:\d\d-\d\d:\d\d", text)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "on a Friday at 18:00 or later, is registered on Monday"),
        ("ru", "в пятницу в 18:00 или позже, регистрируется в понедельник"),
        ("kk", "жұмада сағат 18:00-та немесе одан кейін түскен өтініш дүйсенбіде тіркеледі"),
    ],
)
def test_the_methodology_registers_a_query_at_closing_time_the_next_day(
    sample_data: Path, tmp_path: Path, lang: str, said: str
) -> None:
    # The code registers a query arriving at 18:00 exactly the next working day
    # (deadlines.calendar: at or after the end of working hours), and so must the text.
    pipeline.build(
        [sample_data], Config(), period="2021-01", out=tmp_path, lang=lang, today=date(2021, 3, 1)
    )
    text = " ".join((tmp_path / "report.md").read_text(encoding="utf-8").split())
    assert said in text
