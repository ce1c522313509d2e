"""Rendered reports: a golden Markdown report, escaping, self-contained HTML, user templates.

Rewrite the golden file after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_render.py``
and review the diff.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import __version__
from engagement_report.cli import app

GOLDEN = Path(__file__).resolve().parent / "golden" / "report.md"
PERIOD, TODAY = "2021-03", "2021-04-15"

QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
M-1,2021-03-01 09:00,2021-03-02 21:00,answered,Public transport,109 call centre,Medeu
M-2,2021-03-02 10:00,2021-03-05 10:00,answered,Public transport,Instagram,Medeu
M-3,2021-03-03 11:00,2021-03-30 11:00,answered,Public transport,109 call centre,Almaly
M-4,2021-03-04 12:00,2021-03-09 12:00,answered,Roads and sidewalks,109 call centre,7
M-5,2021-03-05 13:00,,in progress,Roads and sidewalks,Telegram,7.0
M-6,2021-03-10 14:00,2021-03-11 09:00,redirected,,Instagram,Almaly
M-7,2021-03-12 15:00,2021-03-15 15:00,rejected,Public transport,109 call centre,Medeu
M-8,2021-03-29 16:00,,in progress,Public transport,109 call centre,Medeu
M-9,2021-02-26 09:00,2021-03-01 09:00,answered,Public transport,109 call centre,Medeu
"""
BROADCASTS = """\
date,program,speaker,topic,questions_answered,tv_segments
2021-03-04,Akimat LIVE,Head of Passenger Transport Department,Public transport,21,240
2021-03-18,District akim live,Akim of Medeu district,Roads and sidewalks,17,233
"""
PRESS_EVENTS = """\
date,title,topic,speakers,journalist_questions,publications
2021-03-05,Briefing: road repairs,Roads and sidewalks,3,12,610
2021-03-19,Press conference: bus fares,Public transport,2,9,455
"""


def build(folder: Path, out: Path, *extra: str | Path) -> tuple[str, str]:
    result = CliRunner().invoke(
        app,
        ["build", str(folder), "--out", str(out), "--period", PERIOD, "--today", TODAY]
        + [str(e) for e in extra],
    )
    assert result.exit_code == 0, result.stderr
    return (
        (out / "report.md").read_text(encoding="utf-8"),
        (out / "report.html").read_text(encoding="utf-8"),
    )


# Each build takes a second or two, so every fixture builds once per module.


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, write_csvs) -> tuple[str, str]:
    """(report.md, report.html) of the small fixture."""
    root = tmp_path_factory.mktemp("small")
    folder = write_csvs(
        root / "inputs", queries=QUERIES, broadcasts=BROADCASTS, press_events=PRESS_EVENTS
    )
    return build(folder, root / "out")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, write_csvs) -> tuple[str, str]:
    """(report.md, report.html) of labels that are markup or contain a table pipe."""
    root = tmp_path_factory.mktemp("hostile")
    queries = (
        "query_id,received_at,answered_at,status,topic,channel,district\n"
        "X-1,2021-03-01 09:00,2021-03-02 09:00,answered,<script>alert(1)</script>,Web,1\n"
        "X-2,2021-03-01 09:00,2021-03-02 09:00,answered,<img src=x onerror=alert(1)>,Web,1\n"
        'X-3,2021-03-01 09:00,,in progress,"Roads | sidewalks",Web,1\n'
        'X-4,2021-03-01 09:00,,in progress,"Roads | sidewalks",Web,1\n'
    )
    broadcasts = "date,program,questions_answered\n2021-03-04,<script>alert(2)</script> | live,10\n"
    folder = write_csvs(root / "inputs", queries=queries, broadcasts=broadcasts)
    return build(folder, root / "out")


@pytest.fixture(scope="module")
def customised(tmp_path_factory: pytest.TempPathFactory, write_csvs) -> tuple[str, str]:
    """(report.md, report.html) built with --templates: a report.md.j2 extending the
    default and overriding its headline block, and a replacement _breakdown.md.j2."""
    root = tmp_path_factory.mktemp("custom")
    templates = root / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text(
        '{% extends "default:report.md.j2" %}\n'
        "{% block headline %}\n"
        "## This month in one line\n"
        "{{ ctx.figures.queries.received | number }} queries, "
        "{{ ctx.figures.queries.answered_share | percent }} answered.\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    (templates / "_breakdown.md.j2").write_text(
        "BREAKDOWN {{ dimension }}: {{ f.breakdown(dimension) | map(attribute='category') "
        "| join(' / ') }}\n",
        encoding="utf-8",
    )
    folder = write_csvs(
        root / "inputs", queries=QUERIES, broadcasts=BROADCASTS, press_events=PRESS_EVENTS
    )
    return build(folder, root / "out", "--templates", templates)


# --- golden ----------------------------------------------------------------------------


def test_markdown_report_matches_golden(small: tuple[str, str]) -> None:
    md, _ = small
    # The tool's version is in the methodology note; keep the golden file version-free.
    md = md.replace(f"engagement-report {__version__}.", "engagement-report VERSION.")
    # The made-on day is the day the test runs: the golden file holds a placeholder.
    md = re.sub(r"(?m)^- Report made on: .+$", "- Report made on: DAY OF THE RUN", md)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(md, encoding="utf-8", newline="\n")
    assert GOLDEN.is_file(), "no golden file: run with UPDATE_GOLDEN=1 and review it"
    assert md == GOLDEN.read_text(encoding="utf-8")


def test_golden_holds_the_hand_computed_figures() -> None:
    # A guard against blessing a wrong golden file: figures worked out by hand.
    golden = GOLDEN.read_text(encoding="utf-8")
    assert "| Queries received | 8 |" in golden  # M-9 was received in February
    assert "Answered share: 50.0% (previous period: +50.0 pp, provisional;" in golden  # 4 of 8
    # M-5 and M-8 are open at 31 March and still within their term: provisional.
    assert "**Provisional: queries still within their term: 2.**" in golden
    # The legal on-time share over the queries due: M-1..M-4, M-6, M-7 on time, none late
    # or overdue (M-5, M-8 not yet due).
    assert "| On time within the legal term, of queries due | 100.0% |" in golden
    assert "Answered within the legal term: 100.0% of the queries already due (6 of 6)." in golden
    # 8 against 1 in February: exact binomial p = 2 · 10/512 = 0.039, beyond chance; no
    # percentage on a base of 1.
    assert "| Queries received | 8 | ▲ +7, beyond chance | no comparable data |" in golden
    assert "# Public engagement report, March 2021" in golden
    assert "| Median response time, days | 4.0 |" in golden  # 1.5, 3, 27, 5 → (3 + 5) / 2
    assert "Live broadcasts: 2 (previous period: no comparable data;" in golden
    assert "| Questions per broadcast | 19.0 |" in golden  # (21 + 17) / 2
    assert "| Publications per press event | 532.5 |" in golden  # (610 + 455) / 2
    # Five queries reach min_category_size (5): the share is shown, not "too few".
    assert "| Public transport | 5 | 62.5% | 3 | 60.0% |" in golden
    assert "| Roads and sidewalks | 2 | 25.0% | 1 | too few to compare |" in golden
    assert "| (not stated) | 1 | 12.5% | 0 | too few to compare |" in golden
    assert "| 7 | 2 | 25.0% | 1 | too few to compare |" in golden
    assert "| TV segments aired afterwards | 473 |" in golden


# --- escaping --------------------------------------------------------------------------


def test_html_escapes_hostile_labels(hostile: tuple[str, str]) -> None:
    _, html = hostile
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt; | live" in html


def test_markdown_escapes_hostile_labels(hostile: tuple[str, str]) -> None:
    md, _ = hostile
    # Only backslash-escaped tags: Markdown shows them as text, never as HTML.
    assert not re.search(r"(?<!\\)</?(script|img)", md, re.IGNORECASE)
    assert r"| \<script\>alert(1)\</script\> | 1 |" in md
    assert r"| \<img src=x onerror=alert(1)\> | 1 |" in md
    assert r"| Roads \| sidewalks | 2 |" in md


SEPARATOR = re.compile(r"\|(\s*:?-{3,}:?\s*\|)+")


def split_cells(line: str) -> list[str]:
    """Cells of a Markdown table row: split on pipes not escaped by a backslash."""
    inner = line.strip()
    assert inner.startswith("|") and inner.endswith("|"), line
    return re.split(r"(?<!\\)\|", inner[1:-1])


def test_pipe_in_a_label_keeps_every_table_row_whole(hostile: tuple[str, str]) -> None:
    md, _ = hostile
    lines = md.splitlines()
    checked = 0
    for i, line in enumerate(lines):
        if not SEPARATOR.fullmatch(line):
            continue
        header = split_cells(lines[i - 1])
        row = i + 1
        while row < len(lines) and lines[row].startswith("|"):
            assert len(split_cells(lines[row])) == len(header), lines[row]
            checked += "sidewalks" in lines[row] or "alert(2)" in lines[row]
            row += 1
    # The topic appears in the breakdown and on-time tables at least; the programme once.
    assert checked >= 3


# --- self-contained HTML ---------------------------------------------------------------


def test_html_is_self_contained(small: tuple[str, str]) -> None:
    _, html = small
    assert '<html lang="en">' in html
    # Inline SVG may declare its XML namespaces: names, never fetched. Nothing else
    # may point outside the file.
    namespaces = re.compile(r'\sxmlns(:\w+)?="http://www\.w3\.org/(2000/svg|1999/xlink)"')
    rest = namespaces.sub("", html)
    assert "http://" not in rest and "https://" not in rest
    assert not re.search(r"\b(src|srcset)\s*=", rest, re.IGNORECASE)
    hrefs = re.findall(r'href\s*=\s*"([^"]*)"', rest, re.IGNORECASE)
    # In-page fragments, and the links of "about this report" to the summary files
    # written beside it (followed by a reader, never loaded by the page).
    beside = {"summary.csv", "summary.json"}
    assert all(h.startswith("#") or h in beside for h in hrefs), hrefs
    assert beside <= set(hrefs)
    assert "url(" not in rest.replace("url(#", "") and "@import" not in rest
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert re.search(r"<style>\s*\S", html)  # the stylesheet is inline and not empty
    assert html.lstrip().lower().startswith("<!doctype html>")


# --- user templates --------------------------------------------------------------------


def test_user_template_extends_the_default(customised: tuple[str, str]) -> None:
    md, html = customised
    assert "## This month in one line\n8 queries, 50.0% answered.\n" in md
    assert "## Headline figures" not in md
    assert "## Citizens' queries" in md  # the rest of the default report is kept
    assert "## Methodology" in md
    assert "Headline figures" in html  # report.html.j2 was not replaced


def test_user_partial_replaces_the_builtin(customised: tuple[str, str]) -> None:
    md, html = customised
    assert "BREAKDOWN topic: Public transport / Roads and sidewalks / (not stated)\n" in md
    assert "BREAKDOWN channel: 109 call centre / Instagram / Telegram\n" in md
    assert "BREAKDOWN district: Medeu / 7 / Almaly\n" in md
    assert "### By topic" not in md
    assert "By topic" in html  # _breakdown.html.j2 was not replaced


def test_a_changed_override_is_rendered_anew(tmp_path: Path) -> None:
    from engagement_report.render.environment import render

    user = tmp_path / "templates"
    user.mkdir()
    page = user / "page.md.j2"
    page.write_text("v1 {{ ctx }}\n", encoding="utf-8")
    assert render("page.md.j2", "md", "x", user_dir=user) == "v1 x\n"
    page.write_text("v2 {{ ctx }}\n", encoding="utf-8")  # Jinja checks the file's time
    os.utime(page, (time.time() + 5, time.time() + 5))
    assert render("page.md.j2", "md", "x", user_dir=user) == "v2 x\n"


def test_an_override_is_rendered_among_the_built_in_partials(tmp_path: Path) -> None:
    from engagement_report.config import Config
    from engagement_report.pipeline import compute, load_and_validate, report_context
    from engagement_report.render import environment

    repo = Path(__file__).resolve().parent.parent
    config = Config()
    data = load_and_validate([repo / "sample_data"], config)
    from engagement_report.periods import parse_period

    ctx = report_context(data, compute(data, parse_period("2021-01"), config), config)
    user = tmp_path / "mine"
    user.mkdir()
    (user / "_quality.md.j2").write_text("QUALITY {{ ctx.period.label }}\n", encoding="utf-8")
    ahead = environment.render("report.md.j2", "md", ctx, "en", user)
    env = environment.environment_for("md", "en", user)
    assert env.cache is not None and len(env.cache) >= 9  # report, partials, the override
    fresh = environment.make_environment("md", "en", user).get_template("report.md.j2")
    assert ahead == fresh.render(ctx=ctx)
    assert "QUALITY 2021-01" in ahead
