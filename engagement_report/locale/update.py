"""Re-extract the report's fixed words into ``messages.pot`` and merge the catalogues.

Run from a checkout after changing a template, a metric definition or a headline label::

    python -m engagement_report.locale.update          # rewrite messages.pot and the .po files
    python -m engagement_report.locale.update --check  # exit 1 if anything is stale or untranslated

Messages come from every built-in template (Babel's Jinja extractor, new-style
gettext), from ``_()`` calls in the package's modules (the charts' titles and alt
text) and from the words that templates receive as values: the METRICS
definitions (``_(m.definition)``), the headline labels (``_(h.label)``) and
:data:`~engagement_report.render.translations.DATA_WORDS` (the ``translate`` filter).
A new or changed message is added to each catalogue empty or fuzzy, which reports
show in English until a translator fills it in and removes the ``fuzzy`` flag.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from engagement_report import __version__
from engagement_report.render.environment import builtin_templates_dir
from engagement_report.render.translations import DATA_WORDS, DOMAIN, LOCALE_DIR, catalogue_path

LANGUAGES = ("ru", "kk")
PACKAGE_DIR = LOCALE_DIR.parent
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
PROJECT = "engagement-report"

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
    "(not stated)": "Category label of rows whose topic, channel, district or programme is blank.",
}

# Word lists of Python modules whose values templates pass through _(): (module, sequence, attribute).
_VALUE_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("engagement_report.figures", "METRICS", "definition"),
    ("engagement_report.comparisons", "HEADLINES", "label"),
)


@dataclass(frozen=True)
class Found:
    """One message found in a source."""

    msgid: str
    location: str
    comment: str | None = None


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
            if msgid:
                yield Found(msgid, _relative(path), " ".join(comments) or None)


def python_messages(package: Path | None = None) -> Iterator[Found]:
    """Every ``_()`` / ``gettext`` string literal in the package's modules (charts' words)."""
    root = package or PACKAGE_DIR
    for path in sorted(root.rglob("*.py")):
        if LOCALE_DIR in path.parents:
            continue
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


def build_template(found: Iterable[Found], creation_date: datetime | str | None = None) -> Catalog:
    """The ``messages.pot`` catalogue of ``found``."""
    template = Catalog(
        project=PROJECT,
        version=__version__,
        copyright_holder=PROJECT,
        charset="utf-8",
        creation_date=creation_date or datetime.now(UTC),
        fuzzy=False,
    )
    template.header_comment = (
        f"# Translations template for {PROJECT}: the report's fixed words.\n"
        f"# {_TRANSLATOR_NOTE}\n"
        "# Regenerate with: python -m engagement_report.locale.update\n#"
    )
    for item in found:
        existing = template.get(item.msgid)
        comments = [item.comment] if item.comment else []
        if existing is None:
            flags = ("python-format",) if "%(" in item.msgid else ()
            template.add(
                item.msgid, locations=[(item.location, 0)], auto_comments=comments, flags=flags
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


def _read(path: Path, lang: str | None = None) -> Catalog | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def render_template(found: Sequence[Found]) -> bytes:
    """The text of ``messages.pot``, keeping the old creation date when nothing else changed."""
    old = _read(POT_PATH)
    if old is not None:
        kept = _po_bytes(build_template(found, old.creation_date))
        if kept == POT_PATH.read_bytes():
            return kept
    return _po_bytes(build_template(found))


def merge(template: Catalog, lang: str) -> Catalog:
    """The catalogue of ``lang`` brought up to ``template`` (new messages empty or fuzzy)."""
    catalog = _read(catalogue_path(lang), lang)
    if catalog is None:
        catalog = Catalog(locale=lang, domain=DOMAIN, project=PROJECT, charset="utf-8", fuzzy=False)
    catalog.update(template, update_creation_date=False)
    catalog.project = PROJECT
    catalog.version = __version__
    return catalog


def render_catalogue(template: Catalog, lang: str) -> bytes:
    """The text of ``<lang>/LC_MESSAGES/messages.po`` after merging."""
    return _po_bytes(merge(template, lang), ignore_obsolete=True, include_previous=True)


def untranslated(catalog: Catalog) -> list[str]:
    """Msgids with an empty or fuzzy translation."""
    return [
        str(m.id)
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
    found = all_messages()
    outputs = {POT_PATH: render_template(found)}
    with io.BytesIO(outputs[POT_PATH]) as buffer:
        template = read_po(buffer)
    for lang in LANGUAGES:
        outputs[catalogue_path(lang)] = render_catalogue(template, lang)
    problems = 0
    for path, text in outputs.items():
        stale = not path.is_file() or path.read_bytes() != text
        if stale and args.check:
            print(f"stale: {path.relative_to(LOCALE_DIR.parent.parent)}")
            problems += 1
        elif stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
            print(f"wrote {path.relative_to(LOCALE_DIR.parent.parent)}")
    for lang in LANGUAGES:
        with io.BytesIO(outputs[catalogue_path(lang)]) as buffer:
            missing = untranslated(read_po(buffer, locale=lang))
        for msgid in missing:
            print(f"{lang}: untranslated or fuzzy: {msgid!r}")
        problems += len(missing) if args.check else 0
    print(f"{len(template)} messages; languages: {', '.join(LANGUAGES)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
