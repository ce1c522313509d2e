"""Jinja environments: built-in templates, user overrides, filters bound to a locale.

Templates are looked up in the user's folder first (``--templates DIR``), then
among the built-ins; a built-in stays reachable as ``default:NAME`` so a
replacement can ``{% extends "default:report.html.j2" %}``.

A template is code: with a user's folder the environment is Jinja's
``SandboxedEnvironment``, so a template cannot reach Python's internals
(``ctx.__class__.__init__.__globals__``) or call anything unsafe, and an error in a
user's template (syntax, a missing include, a failing expression) is reported as
exit 2 naming its file and line, not as a bug of the tool.
"""

from __future__ import annotations

import contextlib
import threading
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from engagement_report.errors import TemplateError
from engagement_report.render import filters
from engagement_report.render.translations import DATA_WORDS, translations_for

Kind = Literal["html", "md"]


def builtin_templates_dir() -> Path:
    """The shipped templates: inside the wheel, or the checkout's top-level ``templates/``."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "report.md.j2").is_file():
            return candidate
    raise FileNotFoundError(
        f"built-in templates not found in {package / 'templates'} or {package.parent / 'templates'}"
    )


def _markdown_finalize(value: Any) -> Any:
    # Everything printed into Markdown is escaped unless a template marks it safe,
    # the same guarantee autoescaping gives HTML.
    if isinstance(value, Markup) or value is None:
        return value if value is not None else ""
    return filters.markdown_escape(value)


def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """The folders templates are looked up in, in order (for the cache key)."""
    return [*([user_dir] if user_dir is not None else []), builtin_templates_dir()]


def make_environment(kind: Kind, lang: str = "en", user_dir: Path | None = None) -> Environment:
    """An environment for HTML (autoescaped) or Markdown (escaped by finalize) in ``lang``.

    Templates are compiled in the process that renders them, never loaded compiled from
    a cache folder: compiled code from a folder is code another hand may have put there.
    With a ``user_dir`` the environment is sandboxed: the user's templates are code from
    outside the tool.
    """
    builtin = FileSystemLoader(str(builtin_templates_dir()))
    loaders: list[Any] = []
    if user_dir is not None:
        loaders.append(FileSystemLoader(str(user_dir)))
    loaders += [PrefixLoader({"default": builtin}, delimiter=":"), builtin]
    sandboxed = user_dir is not None
    env = (SandboxedEnvironment if sandboxed else Environment)(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        finalize=_markdown_finalize if kind == "md" else None,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    locale = {"en": "en", "ru": "ru", "kk": "kk"}.get(lang, "en")
    translations = translations_for(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        number=partial(filters.number, locale=locale),
        percent=partial(filters.percent, locale=locale),
        signed=partial(filters.signed, locale=locale),
        signed_percent=partial(filters.signed_percent, locale=locale),
        long_date=partial(filters.long_date, locale=locale),
        month_name=partial(filters.month_name, locale=locale),
        country_name=partial(filters.country_name, locale=locale),
        date_range=partial(filters.date_range, locale=locale),
        month_span=partial(filters.month_span, locale=locale),
        period_words=partial(filters.period_words, locale=locale),
        capitalised=filters.capitalised,
        month_code=partial(filters.month_code, locale=locale),
        in_words=partial(_in_words, locale=locale),
        translate=partial(filters.translate, translations=translations, words=DATA_WORDS),
        md=filters.markdown_escape,
        css_string=filters.css_string,
        page_counters=filters.page_counters,
    )
    return env


def _in_words(period: Any, *, locale: str) -> str:
    """A ``Period`` in words (``January 2021``), for ``{{ ctx.period | in_words }}``."""
    return filters.period_words(period.start, period.end, period.kind, locale=locale)


_prepared: dict[tuple[Kind, str, Path | None], Environment] = {}
_prepared_lock = threading.Lock()


def environment_for(kind: Kind, lang: str = "en", user_dir: Path | None = None) -> Environment:
    """The process's one environment of these settings (made on first use).

    Sharing it compiles each template once per process; Jinja checks each template's
    file for changes whenever it is fetched, so a long-lived process still sees a
    template edited on disk.
    """
    key = (kind, lang, user_dir)
    with _prepared_lock:
        if key not in _prepared:
            _prepared[key] = make_environment(kind, lang, user_dir)
        return _prepared[key]


def compile_templates(kind: Kind, lang: str = "en", user_dir: Path | None = None) -> None:
    """Compile every template of ``kind`` that :func:`render` may fetch, into the
    process's environment of these settings (:func:`environment_for`), where rendering
    then finds them compiled. A template that does not compile is left for
    :func:`render` to report, with its file and line."""
    env = environment_for(kind, lang, user_dir)
    suffixes = (".md.j2",) if kind == "md" else (".html.j2", ".css.j2")
    for name in env.list_templates(filter_func=lambda n: ":" not in n and n.endswith(suffixes)):
        with contextlib.suppress(Exception):
            env.get_template(name)


def render(
    template: str,
    kind: Kind,
    context: object,
    lang: str = "en",
    user_dir: Path | None = None,
) -> str:
    """Render one template with the report context as ``ctx``."""
    env = environment_for(kind, lang, user_dir)
    try:
        return env.get_template(template).render(ctx=context)
    except Exception as exc:
        if user_dir is None:
            raise  # the built-in templates failing is a bug of the tool
        where = _user_template_line(exc, user_dir)
        if where is None:
            raise
        message = str(exc) or type(exc).__name__
        if isinstance(exc, TemplateNotFound):
            message = f"no template {message!r} (neither in {user_dir} nor built in)"
        raise TemplateError(
            f"{where}: {message} ({type(exc).__name__}, in a template of --templates)"
        ) from None


def _user_template_line(exc: BaseException, user_dir: Path) -> str | None:
    """``FILE, line N`` of the deepest place in the user's templates where ``exc`` arose."""
    folder = user_dir.resolve()

    def inside(filename: str | None) -> bool:
        if not filename:
            return False
        with contextlib.suppress(OSError, ValueError):
            return Path(filename).resolve().is_relative_to(folder)
        return False

    if isinstance(exc, TemplateSyntaxError) and inside(exc.filename):
        return f"{exc.filename}, line {exc.lineno}"
    found = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        # Jinja rewrites a rendering traceback so template frames carry the template's
        # file name and line.
        if inside(tb.tb_frame.f_code.co_filename):
            found = f"{tb.tb_frame.f_code.co_filename}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return found
