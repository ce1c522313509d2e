"""Re-extract the fixed words into the ``.pot`` templates and merge the catalogues.

Run from a checkout after changing a template, a metric definition, a headline label
or a word of the start kit::

    python -m engagement_report.locale.update          # rewrite the .pot and .po files
    python -m engagement_report.locale.update --check  # exit 1 if anything is stale or untranslated

Two domains. ``messages``, the report's words, come from every built-in template
(Babel's Jinja extractor, new-style gettext), from ``_()`` calls in the package's
modules (the charts' titles and alt text) and from the words that templates receive
as values: the METRICS definitions (``_(m.definition)``), the headline labels
(``_(h.label)``) and :data:`~engagement_report.render.translations.DATA_WORDS` (the
``translate`` filter). ``starter``, the start kit's words, come from the ``word()``
marks in ``engagement_report/starter/`` and the columns' meanings in ``schema.py``;
``--check`` also checks that the loader reads the translated kit back (headers, sheet
names and status labels the schema accepts).
A new or changed message is added to each catalogue empty or fuzzy, which reports
and kits show in English until a translator fills it in and removes the ``fuzzy`` flag.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from engagement_report import __version__
from engagement_report.config import Config
from engagement_report.loading.headers import match_headers
from engagement_report.render.environment import builtin_templates_dir
from engagement_report.render.translations import (
    DATA_WORDS,
    DOMAIN,
    LOCALE_DIR,
    STARTER_DOMAIN,
    catalogue_path,
    meaning_context,
)
from engagement_report.schema import COLUMNS, DATASETS, header_key
from engagement_report.spellings import dataset_for_name
from engagement_report.validation.columns import status_lookup

LANGUAGES = ("ru", "kk")
PACKAGE_DIR = LOCALE_DIR.parent
STARTER_DIR = PACKAGE_DIR / "starter"
PROJECT = "engagement-report"
_LANGUAGE_NAMES = {"ru": "Russian", "kk": "Kazakh"}

_TRANSLATOR_NOTE = (
    "Notes for translators: templates insert translations into HTML as they are, so "
    'write no <, > or & and use «» rather than ". Keep every %(name)s placeholder; a '
    "literal percent sign is written %%."
)

_DATA_WORD_NOTES = {
    "Public engagement report": "The default report title.",
    "queries": "Dataset name (citizens' queries), in the data-quality table and the methodology note.",
    "broadcasts": "Dataset name (live broadcasts), in the data-quality table and the methodology note.",
    "press_events": "Dataset name (press events), in the data-quality table and the methodology note.",
    "press_questions": "Dataset name (the press office's log of journalists' questions, one row per question), in the data-quality table and the methodology note.",
    "(not stated)": "Category label of rows whose topic, channel, district or programme is blank.",
}

# Word lists of Python modules whose values templates pass through _(): (module, sequence, attribute).
_VALUE_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("engagement_report.figures", "METRICS", "definition"),
    ("engagement_report.comparisons", "HEADLINES", "label"),
)


_STARTER_NOTE = (
    "Notes for translators: keep every {name} placeholder. The context says where a text "
    "goes. The kit must be read back: a header (context '<dataset> header') must be one "
    "schema.py accepts for that column, a data sheet's name one spellings.DATASET_NAMES "
    "gives its dataset, a status one schema.STATUS_SPELLINGS gives its class; --check "
    "verifies it."
)

_STARTER_NOTES = {
    "sheet name": "A sheet's name, at most 31 characters.",
    "status": "A status in the dropdown; also written to the kit's [statuses].",
    "lists header": "Header of the hidden lists sheet; must not be a column's header.",
    "one row per": "Fills {item} in 'One row per {item}'.",
    "config comment": "A comment in engagement-report.toml; keep the line breaks.",
}


@dataclass(frozen=True)
class Found:
    """One message found in a source."""

    msgid: str
    location: str
    comment: str | None = None
    context: str | None = None
    plural: str | None = None  # ngettext's plural form


def _relative(path: Path) -> str:
    return f"templates/{path.name}" if path.suffix == ".j2" else path.as_posix()


def template_messages(templates: Path | None = None) -> Iterator[Found]:
    """Every ``_()`` / ``gettext`` string literal in the built-in templates."""
    folder = templates or builtin_templates_dir()
    options = {"newstyle_gettext": "true", "silent": "false"}
    for path in sorted(folder.glob("*.j2")):
        for _lineno, message, comments, _context in extract_from_file(
            "jinja2.ext:babel_extract", path, options=options
        ):
            msgid = message if isinstance(message, str) else message[0]
            plural = None if isinstance(message, str) or len(message) < 2 else message[1]
            if msgid:
                yield Found(msgid, _relative(path), " ".join(comments) or None, plural=plural)


def python_messages(package: Path | None = None) -> Iterator[Found]:
    """Every ``_()`` / ``gettext`` string literal in the package's modules (charts' words)."""
    root = package or PACKAGE_DIR
    for path in sorted(root.rglob("*.py")):
        if LOCALE_DIR in path.parents or STARTER_DIR in path.parents:
            continue  # the start kit's words are the starter domain's
        for _lineno, message, comments, _context in extract_from_file("python", path):
            msgid = message if isinstance(message, str) else message[0]
            if msgid:
                location = path.relative_to(root.parent).as_posix()
                yield Found(msgid, location, " ".join(comments) or None)


def value_messages() -> Iterator[Found]:
    """Fixed words that templates receive as values and translate with ``_()`` or ``translate``."""
    for module_name, attribute, field in _VALUE_SOURCES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # pragma: no cover - a source that is gone has nothing to translate
            continue
        location = module_name.replace(".", "/") + ".py"
        for item in getattr(module, attribute, ()):
            name = getattr(item, "name", None) or getattr(item, "key", None)
            note = f"{attribute}: {getattr(item, 'dataset', '')}.{name}".replace(": .", ": ")
            yield Found(getattr(item, field), location, note)
    for word in DATA_WORDS:
        yield Found(word, "engagement_report/render/translations.py", _DATA_WORD_NOTES.get(word))


def all_messages(templates: Path | None = None) -> list[Found]:
    """Template strings first, then those of Python modules, then the words passed as values."""
    return [*template_messages(templates), *python_messages(), *value_messages()]


def starter_messages() -> list[Found]:
    """The start kit's ``word(context, english)`` marks, then the columns' meanings."""
    found = []
    for path in sorted(STARTER_DIR.glob("*.py")):
        location = path.relative_to(PACKAGE_DIR.parent).as_posix()
        keywords = {"word": ((1, "c"), 2)}
        for _lineno, message, _comments, context in extract_from_file(
            "python", path, keywords=keywords
        ):
            msgid = message if isinstance(message, str) else message[0]
            note = _STARTER_NOTES.get(context or "")
            if context and context.endswith(" header"):
                note = "A column header in row 1 of the data sheet."
            found.append(Found(msgid, location, note, context))
    for dataset in DATASETS:
        for column in COLUMNS[dataset]:
            note = f"What {dataset}.{column.name} holds: the instructions and the cell's prompt."
            context = meaning_context(dataset, column.name)
            found.append(Found(column.meaning, "engagement_report/schema.py", note, context))
    return found


def _column_of(header: str, dataset: str) -> str | None:
    """The column of ``dataset`` the loader maps ``header`` to, as in a kit without config."""
    return next(iter(match_headers([header], dataset, Config()).mapping), None)


def starter_problems(catalog: Catalog) -> list[str]:
    """Translations the loader would not read back: headers, sheet names, status labels."""
    statuses = status_lookup(Config())
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.string, str):
            continue
        context, english, text = message.context or "", str(message.id), message.string
        dataset = context.removesuffix(" header")
        if not text:
            continue
        if context == "sheet name":
            wanted = english if english in DATASETS else None
            if dataset_for_name(text) != wanted:
                problems.append(f"sheet name {text!r} must name {wanted or 'no dataset'}")
        elif dataset in DATASETS:
            column = _column_of(english, dataset)
            if column is None or _column_of(text, dataset) != column:
                problems.append(f"{dataset} header {text!r} is not one of {column}'s headers")
        elif context == "status":
            status = statuses.get(header_key(english))
            if status is None or statuses.get(header_key(text)) != status:
                problems.append(f"status {text!r} is not a spelling of {status}")
        elif context == "lists header" and any(_column_of(text, d) for d in DATASETS):
            problems.append(f"lists header {text!r} is a column's header")
    return problems


@dataclass(frozen=True)
class Domain:
    """One catalogue domain: where its words come from and what its files say."""

    name: str
    words: str  # what the domain holds, for the files' header comments
    note: str
    messages: Callable[[], list[Found]]
    problems: Callable[[Catalog], list[str]] | None = None

    @property
    def pot_path(self) -> Path:
        """The template of the domain."""
        return LOCALE_DIR / f"{self.name}.pot"


MESSAGES = Domain(DOMAIN, "the report's fixed words", _TRANSLATOR_NOTE, all_messages)
STARTER = Domain(
    STARTER_DOMAIN,
    "the start kit's words (engagement-report init)",
    _STARTER_NOTE,
    starter_messages,
    starter_problems,
)
DOMAINS = (MESSAGES, STARTER)


def build_template(
    found: Iterable[Found],
    creation_date: datetime | str | None = None,
    domain: Domain = MESSAGES,
) -> Catalog:
    """The ``.pot`` catalogue of ``found``."""
    template = Catalog(
        project=PROJECT,
        version=__version__,
        copyright_holder=PROJECT,
        charset="utf-8",
        creation_date=creation_date or datetime.now(UTC),
        fuzzy=False,
    )
    template.header_comment = (
        f"# Translations template for {PROJECT}: {domain.words}.\n"
        f"# {domain.note}\n"
        "# Regenerate with: python -m engagement_report.locale.update\n#"
    )
    for item in found:
        existing = template.get(item.msgid, item.context)
        comments = [item.comment] if item.comment else []
        if existing is None:
            flags = ("python-format",) if "%(" in item.msgid else ()
            template.add(
                (item.msgid, item.plural) if item.plural else item.msgid,
                locations=[(item.location, 0)],
                auto_comments=comments,
                flags=flags,
                context=item.context,
            )
        else:
            if (item.location, 0) not in existing.locations:
                existing.locations.append((item.location, 0))
            existing.auto_comments.extend(c for c in comments if c not in existing.auto_comments)
    return template


def _po_bytes(catalog: Catalog, **options: bool) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, include_lineno=False, **options)
    return buffer.getvalue()


def _read(path: Path, lang: str | None = None, domain: str = DOMAIN) -> Catalog | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


def render_template(found: Sequence[Found], domain: Domain = MESSAGES) -> bytes:
    """The text of the domain's ``.pot``, keeping the old creation date when nothing else changed."""
    old = _read(domain.pot_path, domain=domain.name)
    if old is not None:
        kept = _po_bytes(build_template(found, old.creation_date, domain))
        if kept == domain.pot_path.read_bytes():
            return kept
    return _po_bytes(build_template(found, domain=domain))


def merge(template: Catalog, lang: str, domain: Domain = MESSAGES) -> Catalog:
    """The catalogue of ``lang`` brought up to ``template`` (new messages empty or fuzzy)."""
    catalog = _read(catalogue_path(lang, domain.name), lang, domain.name)
    if catalog is None:
        catalog = Catalog(
            locale=lang, domain=domain.name, project=PROJECT, charset="utf-8", fuzzy=False
        )
        catalog.header_comment = (
            f"# {_LANGUAGE_NAMES.get(lang, lang)} translations of {domain.words}.\n"
            f"# {domain.note}\n"
            "# Merge new messages with: python -m engagement_report.locale.update\n#"
        )
    catalog.update(template, update_creation_date=False)
    catalog.project = PROJECT
    catalog.version = __version__
    return catalog


def render_catalogue(template: Catalog, lang: str, domain: Domain = MESSAGES) -> bytes:
    """The text of ``<lang>/LC_MESSAGES/<domain>.po`` after merging."""
    return _po_bytes(merge(template, lang, domain), ignore_obsolete=True, include_previous=True)


def untranslated(catalog: Catalog) -> list[str]:
    """Msgids with an empty or fuzzy translation (``context|msgid`` where there is a context)."""
    return [
        f"{m.context}|{m.id}" if m.context else str(m.id)
        for m in catalog
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the template and catalogues, or with ``--check`` report what is stale."""
    parser = argparse.ArgumentParser(prog="python -m engagement_report.locale.update")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a file is stale or a message is untranslated",
    )
    args = parser.parse_args(argv)
    problems = sum(_update(domain, check=args.check) for domain in DOMAINS)
    return 1 if problems else 0


def _update(domain: Domain, *, check: bool) -> int:
    """Write (or with ``check`` only compare) one domain's files; the problems counted."""
    outputs = {domain.pot_path: render_template(domain.messages(), domain)}
    with io.BytesIO(outputs[domain.pot_path]) as buffer:
        template = read_po(buffer)
    for lang in LANGUAGES:
        outputs[catalogue_path(lang, domain.name)] = render_catalogue(template, lang, domain)
    problems = 0
    for path, text in outputs.items():
        stale = not path.is_file() or path.read_bytes() != text
        if stale and check:
            print(f"stale: {path.relative_to(LOCALE_DIR.parent.parent)}")
            problems += 1
        elif stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
            print(f"wrote {path.relative_to(LOCALE_DIR.parent.parent)}")
    for lang in LANGUAGES:
        with io.BytesIO(outputs[catalogue_path(lang, domain.name)]) as buffer:
            catalog = read_po(buffer, locale=lang)
        missing = untranslated(catalog)
        for msgid in missing:
            print(f"{lang} {domain.name}: untranslated or fuzzy: {msgid!r}")
        problems += len(missing) if check else 0
        # A translation the loader cannot read back fails even without --check.
        for problem in domain.problems(catalog) if domain.problems else ():
            print(f"{catalogue_path(lang, domain.name).relative_to(PACKAGE_DIR)}: {problem}")
            problems += 1
    print(f"{domain.name}: {len(template)} messages; languages: {', '.join(LANGUAGES)}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
