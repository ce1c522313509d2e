"""Charts: drawn for the sample data, well-formed, deterministic, readable in grayscale, escaped."""

from __future__ import annotations

import dataclasses
import pickle
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engagement_report.config import Config
from engagement_report.pipeline import compute, load_and_validate, render_reports, report_context
from engagement_report.render import svg as svg_writer
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
    """Every line of text as shown: a ``<text>``, or each ``<tspan>`` line of it."""
    lines = []
    for element in ET.fromstring(svg).iter(f"{SVG}text"):
        spans = element.findall(f"{SVG}tspan")
        lines += [s.text or "" for s in spans] if spans else ["".join(element.itertext())]
    return lines


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
    assert "Remaining topics (3)" in labels
    assert str(88 + 89 + 90) in labels
    assert chart.alt_text.endswith("Topic 9: 91; Remaining topics (3): 267.")


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


def drawings(chart: Chart) -> list[str]:
    """Both drawings of a chart: for a wide page and for a phone."""
    assert chart.narrow_svg
    return [chart.svg, chart.narrow_svg]


def test_ids_are_unique_across_the_page(ctx: ReportContext) -> None:
    # Both drawings of every chart are inline in one page.
    ids: list[str] = []
    for chart in ctx.charts.values():
        for drawing in drawings(chart):
            root = ET.fromstring(drawing)
            own = [e.get("id", "") for e in root.iter() if e.get("id")]
            assert all(i.startswith(f"{chart.name}-") for i in own)
            ids += own
            # Every reference points at an id of the same drawing.
            for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', drawing):
                assert ref in own
    assert len(ids) == len(set(ids))


def test_charts_are_byte_identical_when_redrawn(ctx: ReportContext) -> None:
    again = attach_charts(dataclasses.replace(ctx, charts={}))
    assert chart_files(again) == chart_files(ctx)
    assert again.charts == ctx.charts


def test_redrawing_in_another_process_gives_the_same_bytes(ctx: ReportContext) -> None:
    # Nothing in a chart depends on the process: no random ids, no hash order, no clock.
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


def test_drawing_charts_never_imports_matplotlib(ctx: ReportContext) -> None:
    # The charts are hand-written SVG: neither the package nor drawing needs matplotlib,
    # and the project no longer depends on it.
    code = (
        "import pickle, sys\n"
        "import engagement_report, engagement_report.render.charts as charts\n"
        "ctx = pickle.load(sys.stdin.buffer)\n"
        "assert len(charts.make_charts(ctx)) == 6\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        input=pickle.dumps(dataclasses.replace(ctx, charts={})),
        check=True,
    )
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("matplotlib")]


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
    d = ctx.figures.deadlines
    assert d is not None and not d.closed_undated  # the sample has no such segment
    drawn = {k: s for k, s in theme.DEADLINE_STYLES.items() if k != "closed_undated"}
    hatched = [s for s in drawn.values() if s["hatch"]]
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
    assert alt["trend"].startswith(
        "Queries per month (March 2020\u2009–\u2009February 2021). Received: 1,497;"
    )
    assert "Answered: 1,433;" in alt["trend"]
    # February's queries are still within their term at the cut-off: provisional.
    assert "95.7%" in alt["trend_share"]
    assert alt["trend_share"].endswith("72.7% (provisional).")
    assert "Public transport: 3,138;" in alt["topics"]
    # The data's own topic "Other" (669) stays apart from the remaining five (2,856).
    assert alt["topics"].endswith("Other: 669; Remaining topics (5): 2,856.")
    assert "109 call centre: 7,245;" in alt["channels"]
    assert "Auezov: 3,847;" in alt["districts"]
    d = ctx.figures.deadlines
    assert d is not None
    assert "February 28, 2021" in alt["deadlines"]
    for value in (d.on_time, d.late, d.open_not_due, d.open_overdue):
        assert f"{value:,}" in alt["deadlines"]
    assert "Answered on time: 19,606 (94.0%)" in alt["deadlines"]


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
    # Each chart beside its table: the breakdowns, the deadline classes, the trend.
    order = ["topics", "channels", "districts", "deadlines", "trend", "trend_share"]
    assert [line.rsplit("(", 1)[1] for line in lines] == [f"charts/{n}.svg)" for n in order]
    topics = next(line for line in lines if line.endswith("(charts/topics.svg)"))
    assert r"x\](http://example.org) \[y: 4" in topics
    assert "](http://example.org)" not in topics.replace(r"\]", "")


def test_html_report_inlines_each_chart_once_beside_its_table(ctx: ReportContext) -> None:
    html = render_reports(ctx)["report.html"]
    assert "<?xml" not in html
    for name, chart in ctx.charts.items():
        assert html.count(f'<figure class="chart" id="chart-{name}">') == 1
        assert (
            f'<div class="wide" role="img" aria-label="{chart.title}" '
            f'aria-describedby="chart-{name}-data">'
        ) in html
        # The numbers in words are in a closed "data" block, not a visible caption.
        assert (
            f'<details class="chart-data"><summary>Chart data</summary>'
            f'<p id="chart-{name}-data">{chart.alt_text}</p></details>'
        ) in html
        assert html.count(chart.svg.strip()) == 1
    assert "<figcaption" not in html
    assert 'class="stack"' not in html  # the deadline bar is the chart, drawn once

    # Each chart comes after its section's heading and right before its table.
    for name, heading in (
        ("topics", "<h3>By topic</h3>"),
        ("channels", "<h3>By channel</h3>"),
        ("districts", "<h3>By district</h3>"),
        ("deadlines", 'id="h-deadlines"'),
        ("trend", 'id="h-trend"'),
        ("trend_share", 'id="h-trend"'),
    ):
        figure = html.index(f'id="chart-{name}"')
        assert html.index(heading) < figure
        assert html.index("</figure>", figure) < html.index("<table>", figure)
        between = html[html.index(heading) : figure]
        assert "<table>" not in between and "<h2" not in between.replace(heading, "")


def test_reports_without_charts_have_no_chart_section(plain_ctx: ReportContext) -> None:
    texts_ = render_reports(plain_ctx)
    assert "<figure" not in texts_["report.html"]
    assert "![" not in texts_["report.md"]


# --- layout -------------------------------------------------------------------------


def view_box(root: ET.Element) -> tuple[float, float]:
    x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert (x, y) == (0, 0)
    assert (root.get("width"), root.get("height")) == (f"{width:g}", f"{height:g}")
    return width, height


def text_extents(svg: str) -> list[tuple[str, float, float, float, float]]:
    """Each line of text with its estimated box: (text, left, right, top, bottom)."""
    boxes = []
    for element in ET.fromstring(svg).iter(f"{SVG}text"):
        font = style(element)
        size = float(font["font-size"].removesuffix("px"))
        bold = font.get("font-weight") == "bold"
        anchor = element.get("text-anchor", "start")
        lines = list(element.iter(f"{SVG}tspan")) or [element]
        x, y = float(element.get("x", "0")), float(element.get("y", "0"))
        for line in lines:
            x = float(line.get("x", x))
            y += float(line.get("dy", "0"))
            content = line.text or ""
            width = svg_writer.text_width(content, size, bold=bold)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            boxes.append((content, left, left + width, y - size, y + 0.25 * size))
    return boxes


def bar_rects(svg: str, name: str) -> list[ET.Element]:
    group = ET.fromstring(svg).find(f".//{SVG}g[@id='{name}-bars']")
    assert group is not None
    return group.findall(f"{SVG}rect")


def test_bars_are_proportional_and_the_longest_fits_with_its_number(
    plain_ctx: ReportContext,
) -> None:
    chart = make_charts(
        with_topics(plain_ctx, category("A", 300), category("B", 200), category("C", 100))
    )["topics"]
    width, _height = view_box(ET.fromstring(chart.svg))
    rects = bar_rects(chart.svg, "topics")
    lengths = [float(r.get("width", "")) for r in rects]
    # 300 : 200 : 100, to the 0.01 px the coordinates are written with.
    assert lengths[1] == pytest.approx(lengths[0] * 2 / 3, abs=0.02)
    assert lengths[2] == pytest.approx(lengths[0] / 3, abs=0.02)
    # All bars start at one axis; the longest ends where its number, 5 px after it and
    # of estimated width, reaches the right margin (4 px): the scale is as large as fits.
    assert len({r.get("x") for r in rects}) == 1
    end = float(rects[0].get("x", "")) + lengths[0]
    assert end + 5 + svg_writer.text_width("300", theme.VALUE_SIZE) == pytest.approx(
        width - theme.MARGIN, abs=0.02
    )
    # By hand, from the estimated widths: labels "A", "B", "C" are 0.79 em × 13 px =
    # 10.27 px, so bars start at 4 + 10.27 + 8 = 22.27; "300" is 3 × 0.64 em × 12 px =
    # 23.04 px, so the longest bar is 960 − 4 − 22.27 − 5 − 23.04 = 905.69 px.
    assert rects[0].get("x") == "22.27"
    assert [r.get("width") for r in rects] == ["905.69", "603.79", "301.9"]
    # The number is printed just after the bar's end.
    numbers = {content: left for content, left, *_ in text_extents(chart.svg)}
    assert numbers["300"] == pytest.approx(end + 5, abs=0.02)


def test_a_two_line_label_makes_a_taller_row(plain_ctx: ReportContext) -> None:
    short = make_charts(with_topics(plain_ctx, category("Roads", 5), category("Parks", 3)))
    long_name = "Landscaping, parks and public gardens of the city"  # 49 characters: two lines
    long = make_charts(with_topics(plain_ctx, category(long_name, 5), category("Parks", 3)))
    _, short_height = view_box(ET.fromstring(short["topics"].svg))
    _, long_height = view_box(ET.fromstring(long["topics"].svg))
    assert long_height == short_height + theme.BAR_ROW_EXTRA
    root = ET.fromstring(long["topics"].svg)
    spans = [t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None]
    assert len(spans) == 1
    assert [s.text for s in spans[0].iter(f"{SVG}tspan")] == [
        "Landscaping, parks and public",
        "gardens of the city",
    ]
    assert long_name in long["topics"].alt_text  # the alt text keeps the name whole


def test_no_text_leaves_the_chart(ctx: ReportContext) -> None:
    long_names = [
        category("ЖИЛИЩНО-КОММУНАЛЬНОЕ ХОЗЯЙСТВО И БЛАГОУСТРОЙСТВО ДВОРОВ", 123_456_789),
        category("m" * 40, 98_765_432),
        category("Тема", 1),
    ]
    cases = [
        ctx.charts,
        make_charts(dataclasses.replace(ctx, lang="ru", charts={})),
        make_charts(dataclasses.replace(ctx, lang="kk", charts={})),
        make_charts(dataclasses.replace(with_topics(ctx, *long_names), lang="ru")),
    ]
    for charts in cases:
        for chart in charts.values():
            for drawing in drawings(chart):
                width, height = view_box(ET.fromstring(drawing))
                for content, left, right, top, bottom in text_extents(drawing):
                    where = (chart.name, width, content)
                    assert left >= 0 and right <= width, where
                    assert top >= 0 and bottom <= height, where


def test_no_two_texts_overlap(ctx: ReportContext) -> None:
    # On a phone's 400 px the months' names, the percentages over the points and the
    # segments' numbers would run into each other: some are left out, never overlaid.
    for lang in ("en", "ru", "kk"):
        for chart in make_charts(dataclasses.replace(ctx, lang=lang, charts={})).values():
            for drawing in drawings(chart):
                boxes = text_extents(drawing)
                for i, (a, a_left, a_right, a_top, a_bottom) in enumerate(boxes):
                    for b, b_left, b_right, b_top, b_bottom in boxes[i + 1 :]:
                        # (The boxes are estimates with a descender below every line:
                        # the lines of one label may touch by a pixel.)
                        apart = (
                            a_right <= b_left
                            or b_right <= a_left
                            or a_bottom <= b_top + 1
                            or b_bottom <= a_top + 1
                        )
                        assert apart, (lang, chart.name, a, b)


def test_the_phone_drawing_keeps_the_text_size_in_a_narrower_chart(ctx: ReportContext) -> None:
    # A phone shows the 400 px drawing at about its own size, so its text is as large
    # as the wide drawing's on a desk (the wide one shrunk to 400 px showed ~4 px text).
    for chart in ctx.charts.values():
        wide, narrow = (ET.fromstring(d) for d in drawings(chart))
        assert view_box(wide)[0] == theme.WIDTH
        assert view_box(narrow)[0] == theme.NARROW_WIDTH

        def sizes(root: ET.Element) -> set[float]:
            return {
                float(style(e)["font-size"].removesuffix("px")) for e in root.iter(f"{SVG}text")
            }

        assert min(sizes(narrow)) >= 12
        assert sizes(narrow) <= sizes(wide)
    # The topics' long names stand above their bars on a phone, beside them on a desk.
    topics = ctx.charts["topics"]
    for drawing, beside in ((topics.svg, True), (topics.narrow_svg, False)):
        labels = ET.fromstring(drawing).find(f".//{SVG}g[@id]")
        assert labels is not None
        label = next(b for b in text_extents(drawing) if b[0] == "Public transport")
        bar = bar_rects(drawing, labels.get("id", "").rsplit("-", 1)[0])[0]
        assert (label[2] <= float(bar.get("x", "0"))) is beside


def test_the_phone_drawing_names_the_latest_month_and_its_share(ctx: ReportContext) -> None:
    for lang, month in (("en", "Feb"), ("ru", "февр."), ("kk", "ақп.")):
        charts = make_charts(dataclasses.replace(ctx, lang=lang, charts={}))
        for name in ("trend", "trend_share"):
            shown = texts(charts[name].narrow_svg)
            assert month in shown, (lang, name)
        latest = charts["trend_share"].alt_text.rstrip(".").rsplit("; ", 1)[-1]
        latest = latest.split(" (")[0]  # the alt text's "(provisional)" mark: the drawing rings it
        assert latest in texts(charts["trend_share"].narrow_svg)


def test_trend_legend_stays_off_the_title(ctx: ReportContext) -> None:
    for lang in ("en", "ru", "kk"):
        chart = make_charts(dataclasses.replace(ctx, lang=lang, charts={}))["trend"]
        boxes = text_extents(chart.svg)
        title = next(b for b in boxes if b[0] == chart.title)
        for _content, left, _right, top, bottom in boxes:
            if top < title[4] and bottom > title[3] and left > title[1]:  # on the title's line
                assert left >= title[2] + 24


def test_deadline_numbers_sit_on_large_segments_in_readable_colours(
    plain_ctx: ReportContext,
) -> None:
    deadlines = plain_ctx.figures.deadlines
    assert deadlines is not None

    def numbers(on_time: int, late: int, not_due: int, overdue: int) -> list[tuple[str, str]]:
        figures = dataclasses.replace(
            deadlines, on_time=on_time, late=late, open_not_due=not_due, open_overdue=overdue
        )
        ctx = dataclasses.replace(
            plain_ctx, figures=dataclasses.replace(plain_ctx.figures, deadlines=figures)
        )
        bar = ET.fromstring(make_charts(ctx)["deadlines"].svg).find(
            f".//{SVG}g[@id='deadlines-bar']"
        )
        assert bar is not None
        return [(t.text or "", style(t)["fill"]) for t in bar.iter(f"{SVG}text")]

    white, ink = theme.BACKGROUND, theme.INK
    assert numbers(10, 10, 10, 10) == [("10", white), ("10", ink), ("10", ink), ("10", white)]
    # 8 % of the total or more gets its number: 8 of 100 does, 7 does not.
    assert numbers(78, 7, 7, 8) == [("78", white), ("8", white)]
    assert numbers(19_568, 864, 394, 23) == [("19,568", white)]
    # Nothing to show: no chart.
    assert "deadlines" not in make_charts(
        dataclasses.replace(
            plain_ctx,
            figures=dataclasses.replace(
                plain_ctx.figures,
                deadlines=dataclasses.replace(
                    deadlines, on_time=0, late=0, open_not_due=0, open_overdue=0
                ),
            ),
        )
    )


def test_share_chart_prints_each_month_and_breaks_at_a_missing_one(ctx: ReportContext) -> None:
    root = ET.fromstring(ctx.charts["trend_share"].svg)
    shown = texts(ctx.charts["trend_share"].svg)
    for point in ctx.trend:
        assert f"{point.answered_share:.1%}" in shown
    assert [t for t in shown if t.endswith("%") and t[:-1].isdigit()] == [
        "0%",
        "25%",
        "50%",
        "75%",
        "100%",
    ]
    group = root.find(f".//{SVG}g[@id='trend_share-answered-share']")
    assert group is not None
    assert len(group.findall(f"{SVG}use")) == 12
    line = group.find(f"{SVG}path")
    assert line is not None and line.get("d", "").count("M") == 1

    trend = list(ctx.trend)
    trend[4] = dataclasses.replace(trend[4], answered_share=None)
    gap = make_charts(dataclasses.replace(ctx, trend=tuple(trend), charts={}))["trend_share"]
    group = ET.fromstring(gap.svg).find(f".//{SVG}g[@id='trend_share-answered-share']")
    assert group is not None
    assert len(group.findall(f"{SVG}use")) == 11
    line = group.find(f"{SVG}path")
    assert line is not None and line.get("d", "").count("M") == 2
    assert "—" in gap.alt_text  # the missing month is stated as missing


def test_trend_axis_ticks_are_round_numbers(ctx: ReportContext) -> None:
    shown = texts(ctx.charts["trend"].svg)
    # Highest month 1,774: ticks every 500 up to 2,000.
    assert [t for t in shown if t in {"0", "500", "1,000", "1,500", "2,000", "2,500"}] == [
        "0",
        "500",
        "1,000",
        "1,500",
        "2,000",
    ]
    # One label per month, with the year under the first month and under January.
    root = ET.fromstring(ctx.charts["trend"].svg)
    years = [
        [s.text for s in t.iter(f"{SVG}tspan")]
        for t in root.iter(f"{SVG}text")
        if t.find(f"{SVG}tspan") is not None
    ]
    assert years == [["Mar", "2020"], ["Jan", "2021"]]
