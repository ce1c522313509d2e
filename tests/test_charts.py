"""Charts: drawn for the sample data, well-formed, deterministic, readable in grayscale, escaped."""

from __future__ import annotations

import dataclasses
import pickle
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engagement_report.config import Config
from engagement_report.pipeline import compute, load_and_validate, render_reports, report_context
from engagement_report.render import theme
from engagement_report.render.charts import (
    CHART_FILES,
    CHART_NAMES,
    Bar,
    Chart,
    attach_charts,
    chart_files,
    make_charts,
    top_categories,
)
from engagement_report.render.context import ReportContext
from engagement_report.results import CategoryFigures

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NAMES = ["trend", "trend_share", "topics", "channels", "districts", "deadlines"]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def plain_ctx() -> ReportContext:
    """The sample data's report context, without charts."""
    config = Config()
    data = load_and_validate([REPO / "sample_data"], config)
    from engagement_report.pipeline import resolve_period

    figures = compute(data, resolve_period(None, data, config), config)
    return report_context(data, figures, config)


@pytest.fixture(scope="module")
def ctx(plain_ctx: ReportContext) -> ReportContext:
    return attach_charts(plain_ctx)


def category(name: str, received: int) -> CategoryFigures:
    return CategoryFigures(
        category=name,
        received=received,
        answered=received,
        answered_share=1.0 if received else None,
        share_of_received=None,
        median_response_days=None,
        comparable=True,
    )


def with_topics(ctx: ReportContext, *rows: CategoryFigures) -> ReportContext:
    return dataclasses.replace(
        ctx, figures=dataclasses.replace(ctx.figures, by_topic=tuple(rows)), charts={}
    )


def style(element: ET.Element) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in element.get("style", "").split(";") if ":" in item)
    return {key.strip(): value.strip() for key, value in pairs}


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


# --- what is drawn ------------------------------------------------------------------


def test_every_chart_is_drawn_for_the_sample_data(ctx: ReportContext) -> None:
    assert list(ctx.charts) == NAMES == list(CHART_NAMES)
    assert list(chart_files(ctx)) == list(CHART_FILES)
    for name, chart in ctx.charts.items():
        assert isinstance(chart, Chart)
        assert chart.name == name
        assert chart.title and chart.title in texts(chart.svg)
        assert chart.path == f"charts/{name}.svg"


def test_nothing_to_draw_gives_no_charts(plain_ctx: ReportContext) -> None:
    empty = dataclasses.replace(
        plain_ctx,
        trend=(),
        figures=dataclasses.replace(
            plain_ctx.figures, by_topic=(), by_channel=(), by_district=(), deadlines=None
        ),
    )
    assert make_charts(empty) == {}
    assert chart_files(attach_charts(empty)) == {}


def test_top_ten_topics_and_the_rest_summed_by_hand() -> None:
    # 13 topics: the ten largest keep their bars, the last three are summed.
    rows = [category(f"T{i:02d}", 100 - i) for i in range(13)]
    rows.reverse()  # input order must not matter
    bars = top_categories(rows)
    assert [b.label for b in bars[:10]] == [f"T{i:02d}" for i in range(10)]
    assert [b.value for b in bars[:10]] == list(range(100, 90, -1))
    assert bars[10] == Bar("", 88 + 89 + 90, others=3)
    assert len(bars) == 11
    # Ties are broken by name; ten or fewer categories are all shown; None keeps all.
    tied = [category("b", 5), category("a", 5), category("c", 7)]
    assert [b.label for b in top_categories(tied)] == ["c", "a", "b"]
    assert [b.others for b in top_categories(rows[:10])] == [0] * 10
    assert len(top_categories(rows, None)) == 13
    # Eleven: the eleventh goes into "other", as in the report's topic table.
    eleven = [category(f"T{i:02d}", 100 - i) for i in range(11)]
    assert top_categories(eleven)[-1] == Bar("", 90, others=1)


def test_topic_chart_shows_the_other_bar(plain_ctx: ReportContext) -> None:
    rows = [category(f"Topic {i}", 100 - i) for i in range(13)]
    chart = make_charts(with_topics(plain_ctx, *rows))["topics"]
    labels = texts(chart.svg)
    assert "Topic 9" in labels and "Topic 10" not in labels
    assert "Other topics (3)" in labels
    assert str(88 + 89 + 90) in labels
    assert chart.alt_text.endswith("Topic 9: 91; Other topics (3): 267.")


# --- SVG text -----------------------------------------------------------------------


def test_svg_is_well_formed_and_ready_to_inline(ctx: ReportContext) -> None:
    for chart in ctx.charts.values():
        root = ET.fromstring(chart.svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox")
        assert not chart.svg.lstrip().startswith("<?xml")
        assert "<!DOCTYPE" not in chart.svg
        assert "<!--" not in chart.svg
    files = chart_files(ctx)
    assert list(files) == [f"charts/{name}.svg" for name in NAMES]
    for text in files.values():
        assert text.startswith("<?xml")
        ET.fromstring(text.encode("utf-8"))


def test_svg_refers_to_nothing_outside_itself(ctx: ReportContext) -> None:
    for chart in ctx.charts.values():
        root = ET.fromstring(chart.svg)
        assert root.find(f".//{SVG}image") is None
        assert root.find(f".//{SVG}script") is None
        assert root.find(f".//{SVG}metadata") is None
        for element in root.iter():
            for key in ("href", XLINK_HREF):
                if element.get(key) is not None:
                    assert element.get(key, "").startswith("#"), element.attrib
        # The only URLs are the SVG and XLink namespace names.
        without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", chart.svg)
        assert "http" not in without_namespaces
        for reference in re.findall(r"url\(([^)]*)\)", chart.svg):
            assert reference.startswith("#")


def test_text_stays_text_with_a_generic_family(ctx: ReportContext) -> None:
    for chart in ctx.charts.values():
        root = ET.fromstring(chart.svg)
        text_elements = list(root.iter(f"{SVG}text"))
        assert text_elements
        for element in text_elements:
            assert style(element)["font-family"].endswith("sans-serif")
        # No glyph outlines embedded (svg.fonttype = "path" would define DejaVuSans-XX paths).
        assert "DejaVuSans-" not in chart.svg


def test_ids_are_unique_across_the_page(ctx: ReportContext) -> None:
    ids: list[str] = []
    for chart in ctx.charts.values():
        root = ET.fromstring(chart.svg)
        own = [e.get("id", "") for e in root.iter() if e.get("id")]
        assert all(i.startswith(f"{chart.name}-") for i in own)
        ids += own
        # Every reference points at an id of the same chart.
        for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', chart.svg):
            assert ref in own
    assert len(ids) == len(set(ids))


def test_charts_are_byte_identical_when_redrawn(ctx: ReportContext) -> None:
    again = attach_charts(dataclasses.replace(ctx, charts={}))
    assert chart_files(again) == chart_files(ctx)
    assert again.charts == ctx.charts


def test_redrawing_in_another_process_gives_the_same_bytes(ctx: ReportContext) -> None:
    # The SVG ids are hashes salted from the theme, never from a random uuid.
    code = (
        "import pickle, sys\n"
        "from engagement_report.render.charts import make_charts\n"
        "ctx = pickle.load(sys.stdin.buffer)\n"
        "sys.stdout.write(make_charts(ctx)['topics'].svg)\n"
    )
    small = with_topics(ctx, category("A", 3), category("B", 2))
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=pickle.dumps(small),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert out == make_charts(small)["topics"].svg


def test_matplotlib_settings_do_not_leak(ctx: ReportContext) -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    make_charts(with_topics(ctx, category("A", 1)))
    assert dict(matplotlib.rcParams) == before


def test_importing_charts_does_not_import_matplotlib() -> None:
    code = (
        "import sys, engagement_report.render.charts, engagement_report.render.theme\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- grayscale ----------------------------------------------------------------------


def test_trend_lines_differ_in_dashes_and_markers(ctx: ReportContext) -> None:
    root = ET.fromstring(ctx.charts["trend"].svg)
    dashes, markers = {}, {}
    for series in ("received", "answered"):
        group = root.find(f".//{SVG}g[@id='trend-{series}']")
        assert group is not None
        line = group.find(f"{SVG}path")
        assert line is not None
        dashes[series] = style(line).get("stroke-dasharray")
        uses = group.findall(f".//{SVG}use")
        assert len(uses) == 12  # one marker per month
        marker_id = uses[0].get(XLINK_HREF, "")[1:]
        marker = root.find(f".//{SVG}path[@id='{marker_id}']")
        assert marker is not None
        markers[series] = marker.get("d")
    assert dashes["received"] is None  # solid
    assert dashes["answered"]  # dashed
    assert markers["received"] != markers["answered"]  # circle vs square
    share = ET.fromstring(ctx.charts["trend_share"].svg)
    group = share.find(f".//{SVG}g[@id='trend_share-answered-share']")
    assert group is not None and group.find(f".//{SVG}use") is not None


def test_deadline_classes_differ_in_pattern_and_lightness() -> None:
    styles = theme.DEADLINE_STYLES
    assert len({s["hatch"] for s in styles.values()}) == len(styles)

    def lightness(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    # Beyond the hatches, the pairs that sit side by side differ in lightness too.
    assert abs(lightness(styles["on_time"]["color"]) - lightness(styles["late"]["color"])) > 60
    assert (
        abs(lightness(styles["open_not_due"]["color"]) - lightness(styles["open_overdue"]["color"]))
        > 60
    )


def test_deadline_chart_uses_hatch_patterns(ctx: ReportContext) -> None:
    root = ET.fromstring(ctx.charts["deadlines"].svg)
    patterns = root.findall(f".//{SVG}pattern")
    hatched = [s for s in theme.DEADLINE_STYLES.values() if s["hatch"]]
    assert len(patterns) == len(hatched)
    fills = re.findall(r"fill: url\(#(deadlines-h\w+)\)", ctx.charts["deadlines"].svg)
    # Bar segments and legend keys both use the patterns.
    assert set(fills) == {p.get("id") for p in patterns}


# --- alt text -----------------------------------------------------------------------


def test_alt_texts_state_the_numbers(ctx: ReportContext) -> None:
    alt = {name: chart.alt_text for name, chart in ctx.charts.items()}
    for point in ctx.trend:
        assert f"{point.received:,}" in alt["trend"]
        assert f"{point.answered:,}" in alt["trend"]
    assert alt["trend"].startswith("Queries per month from 2020-03 to 2021-02. Received: 1,497;")
    assert "Answered: 1,433;" in alt["trend"]
    assert "95.7%" in alt["trend_share"] and alt["trend_share"].endswith("72.7%.")
    assert "Public transport: 3,138;" in alt["topics"]
    assert alt["topics"].endswith("Other topics (6): 3,525.")
    assert "109 call centre: 7,245;" in alt["channels"]
    assert "Auezov: 3,847;" in alt["districts"]
    d = ctx.figures.deadlines
    assert d is not None
    assert "February 28, 2021" in alt["deadlines"]
    for value in (d.on_time, d.late, d.open_not_due, d.open_overdue):
        assert f"{value:,}" in alt["deadlines"]
    assert "Answered on time: 19,568 (93.9%)" in alt["deadlines"]


def test_language_and_translation_reach_the_chart(ctx: ReportContext) -> None:
    words = {"Queries received by topic": "Обращения по темам"}
    ru = dataclasses.replace(ctx, lang="ru", charts={})
    chart = make_charts(ru, lambda s: words.get(s, s))["topics"]
    assert chart.title == "Обращения по темам"
    assert "Обращения по темам" in texts(chart.svg)
    assert "3\xa0138" in texts(chart.svg)  # ru groups digits with a no-break space
    months = texts(make_charts(ru, lambda s: s)["trend"].svg)
    assert "янв." in months or "янв" in months


# --- escaping -----------------------------------------------------------------------


def test_a_script_label_is_escaped_in_svg_and_html(plain_ctx: ReportContext) -> None:
    hostile = attach_charts(with_topics(plain_ctx, category(SCRIPT, 5), category("Roads", 3)))
    svg = hostile.charts["topics"].svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<script" not in svg
    assert SCRIPT in texts(svg)  # shown as written
    html = render_reports(hostile)["report.html"]
    assert "<script" not in html


def test_dollar_signs_are_not_mathtext(plain_ctx: ReportContext) -> None:
    label = "Costs $5 and $10"
    chart = make_charts(with_topics(plain_ctx, category(label, 5)))["topics"]
    assert label in texts(chart.svg)


def test_markdown_links_the_files_and_escapes_alt_text(plain_ctx: ReportContext) -> None:
    tricky = attach_charts(with_topics(plain_ctx, category("x](http://example.org) [y", 4)))
    md = render_reports(tricky)["report.md"]
    lines = [line for line in md.splitlines() if line.startswith("![")]
    assert [line.rsplit("(", 1)[1] for line in lines] == [f"charts/{n}.svg)" for n in NAMES]
    topics = next(line for line in lines if line.endswith("(charts/topics.svg)"))
    assert r"x\](http://example.org) \[y: 4" in topics
    assert "](http://example.org)" not in topics.replace(r"\]", "")


def test_html_report_inlines_each_chart_as_a_labelled_figure(ctx: ReportContext) -> None:
    html = render_reports(ctx)["report.html"]
    assert "<?xml" not in html
    for name, chart in ctx.charts.items():
        assert f'<figure class="chart" id="chart-{name}">' in html
        assert f'<div role="img" aria-labelledby="chart-{name}-caption">' in html
        caption = f'<figcaption id="chart-{name}-caption" class="muted">'
        assert caption in html
        assert chart.svg.strip() in html
    # Charts come right after the headline figures.
    assert html.index('id="h-charts"') < html.index('id="h-queries"')


def test_reports_without_charts_have_no_chart_section(plain_ctx: ReportContext) -> None:
    texts_ = render_reports(plain_ctx)
    assert 'id="h-charts"' not in texts_["report.html"]
    assert "![" not in texts_["report.md"]
