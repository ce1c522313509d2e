"""The SVG writer: escaping, numbers, text widths, axis ticks, markers and hatches."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engagement_report.render import theme
from engagement_report.render.svg import (
    HATCH_SPACING,
    attributes,
    css,
    document,
    element,
    hatch_pattern,
    marker_path,
    nice_ticks,
    num,
    text,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (0, "0"),
        (3, "3"),
        (3.0, "3"),
        (12.5, "12.5"),
        (12.50, "12.5"),
        (1.234, "1.23"),
        (1.236, "1.24"),
        (0.1 + 0.2, "0.3"),
        (-1.5, "-1.5"),
        (-0.001, "0"),  # never "-0"
        (-0.0, "0"),
        (960, "960"),
        (1e6, "1000000"),
    ],
)
def test_coordinates_are_short_and_never_minus_zero(value: float, written: str) -> None:
    assert num(value) == written


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_a_coordinate_must_be_finite(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        num(value)


# --- nice ticks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        # Nothing to show: still one step, so the axis has a height.
        (0, [0, 1]),
        (-5, [0, 1]),
        (1, [0, 1]),
        (2.5, [0, 1, 2, 3]),
        (5, [0, 1, 2, 3, 4, 5]),
        (6, [0, 2, 4, 6]),  # 1 would need 6 steps
        (7, [0, 2, 4, 6, 8]),
        (11, [0, 5, 10, 15]),  # 2 would need 6 steps
        (100, [0, 20, 40, 60, 80, 100]),
        (101, [0, 25, 50, 75, 100, 125]),  # 25 × 10^0 is no integer step; 25 × 10^1 is
        (1497, [0, 500, 1000, 1500]),  # 250 would need 6 steps
        (1500, [0, 500, 1000, 1500]),  # the last tick may equal the maximum
        (1864.8, [0, 500, 1000, 1500, 2000]),
        (123_456_789, [0, 25_000_000, 50_000_000, 75_000_000, 100_000_000, 125_000_000]),
    ],
)
def test_nice_ticks_by_hand(maximum: float, ticks: list[int]) -> None:
    assert nice_ticks(maximum) == ticks


def test_nice_ticks_with_other_bins() -> None:
    assert nice_ticks(7, bins=1) == [0, 10]
    assert nice_ticks(7, bins=10) == [0, 1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(ValueError):
        nice_ticks(7, bins=0)
    with pytest.raises(ValueError):
        nice_ticks(float("nan"))


def test_nice_ticks_rules_hold_everywhere() -> None:
    allowed = {m * 10**k for k in range(12) for m in (1, 2, 5)} | {25 * 10**k for k in range(11)}
    for maximum in [*range(0, 3000), *range(3000, 10**7, 9973)]:
        ticks = nice_ticks(maximum)
        step = ticks[1]
        assert all(isinstance(t, int) for t in ticks)
        assert ticks == [i * step for i in range(len(ticks))]
        assert step in allowed
        assert 2 <= len(ticks) <= 6
        assert ticks[-1] >= maximum
        assert ticks[-2] < max(maximum, 1)  # no tick more than needed
        # No smaller allowed step would do within five steps.
        assert all(-(-maximum // s) > 5 for s in allowed if s < step)


# --- text width ---------------------------------------------------------------------


def test_text_width_grows_with_every_character_and_the_size() -> None:
    line = ""
    for ch in "Roads and sidewalks: 1,234 (5.6%) — Жилищно-коммунальное хозяйство":
        wider = line + ch
        assert text_width(wider, 12) > text_width(line, 12)
        line = wider
    assert text_width(line, 24) == pytest.approx(2 * text_width(line, 12))
    assert text_width(line, 12, bold=True) > text_width(line, 12)
    assert text_width("", 12) == 0


def test_text_width_by_character_class() -> None:
    # Narrow, digits (all one width in DejaVu Sans), ordinary, wide: in em at 1 px.
    assert text_width("i", 1) == text_width("l", 1) == text_width(".", 1) == text_width(",", 1)
    assert text_width("i", 1) == pytest.approx(0.34)
    assert {text_width(d, 1) for d in "0123456789"} == {text_width("0", 1)}
    assert text_width("0", 1) == pytest.approx(0.64)
    assert text_width("a", 1) == pytest.approx(0.65)
    assert text_width("i", 1) < text_width("a", 1) < text_width("A", 1) < text_width("W", 1)
    for wide in "mwMWШЩЖЮФЫ":
        assert text_width(wide, 1) >= 0.85, wide
    # A label of ordinary letters comes out as many px as letters × 0.65 em.
    assert text_width("abcde", 10) == pytest.approx(5 * 0.65 * 10)
    # Kazakh and Russian letters are measured, not treated as unknown.
    assert text_width("ш", 1) > text_width("и", 1)
    assert text_width("Ә", 1) > text_width("ә", 1)


# --- elements and escaping ----------------------------------------------------------


def test_text_and_attributes_are_escaped() -> None:
    hostile = "<script>alert('x & \"y\"')</script>"
    written = element("text", {"x": 1.5, "data-label": hostile}, text=hostile)
    assert "<script" not in written
    parsed = ET.fromstring(written)
    assert parsed.text == hostile
    assert parsed.get("data-label") == hostile
    assert parsed.get("x") == "1.5"


def test_characters_xml_cannot_hold_are_replaced() -> None:
    written = element("text", {"title": "a\x00b"}, text="c\x01d\x0be")
    parsed = ET.fromstring(written)  # still well-formed
    assert parsed.text == "c\ufffdd\ufffde"
    assert parsed.get("title") == "a\ufffdb"


def test_attributes_and_styles_leave_out_none() -> None:
    assert attributes({"a": None, "b": 0, "c": "x"}) == ' b="0" c="x"'
    assert css({"fill": "#fff", "stroke": None, "stroke-width": 0.5}) == (
        "fill: #fff; stroke-width: 0.5"
    )


def test_empty_elements_close_themselves() -> None:
    assert element("rect", {"width": 2}) == '<rect width="2"/>'
    assert element("text", {}, text="") == "<text></text>"
    assert element("g", {}, ["<a/>", "<b/>"]) == "<g>\n<a/>\n<b/>\n</g>"


def test_text_lines_become_tspans_without_whitespace() -> None:
    one = text(10, 20, "Roads", style="font-size: 12px", anchor="end")
    assert one == '<text x="10" y="20" text-anchor="end" style="font-size: 12px">Roads</text>'
    two = text(10, 20, ["Roads and", "sidewalks"], style="font-size: 12px", line_height=14.4)
    assert ">\n" not in two and "> <" not in two  # whitespace would shift anchored lines
    spans = ET.fromstring(two).findall("tspan")
    assert [(s.get("x"), s.get("dy"), s.text) for s in spans] == [
        ("10", None, "Roads and"),
        ("10", "14.4", "sidewalks"),
    ]


def test_document_is_a_standalone_svg_root() -> None:
    written = document(960, 120.5, ["<g/>"], background="#ffffff")
    assert written.startswith("<svg ") and written.endswith("</svg>\n")
    root = ET.fromstring(written)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 960 120.5"
    assert (root.get("width"), root.get("height")) == ("960", "120.5")
    ground = root.find(f"{SVG}rect")
    assert ground is not None and ground.get("style") == "fill: #ffffff"


# --- markers and hatches ------------------------------------------------------------


def test_marker_shapes_differ() -> None:
    shapes = {shape: marker_path(shape, 7) for shape in ("circle", "square", "diamond")}
    assert len(set(shapes.values())) == 3
    assert "A" in shapes["circle"]  # arcs
    assert shapes["square"] == "M-3.5,-3.5H3.5V3.5H-3.5Z"
    with pytest.raises(ValueError):
        marker_path("star", 7)


def test_every_theme_hatch_has_a_pattern() -> None:
    hatches = {theme.OTHER_BAR_HATCH} | {
        s["hatch"] for s in theme.DEADLINE_STYLES.values() if s["hatch"]
    }
    assert hatches <= set(HATCH_SPACING)
    for hatch in HATCH_SPACING:
        written = hatch_pattern("c-h_x", hatch, fill="#abcdef", ink=theme.INK, line_width=1)
        pattern = ET.fromstring(written)
        assert pattern.tag == "pattern"
        assert pattern.get("id") == "c-h_x"
        assert pattern.get("patternUnits") == "userSpaceOnUse"
        ground, lines = list(pattern)
        assert ground.tag == "rect" and "fill: #abcdef" in ground.get("style", "")
        assert lines.tag == "path" and f"stroke: {theme.INK}" in lines.get("style", "")
    # More slashes, denser lines; crossed has both diagonals; dashes are horizontal.
    assert HATCH_SPACING["/"] > HATCH_SPACING["//"] > HATCH_SPACING["///"]
    crossed = hatch_pattern("x", "xx", fill="#000", ink="#fff", line_width=1)
    single = hatch_pattern("x", "//", fill="#000", ink="#fff", line_width=1)
    assert crossed.count("M") == 2 * single.count("M")
    assert "M0,3.5L7,3.5" in hatch_pattern("x", "--", fill="#000", ink="#fff", line_width=1)
    with pytest.raises(ValueError):
        hatch_pattern("x", "+", fill="#000", ink="#fff", line_width=1)


@given(st.text(alphabet=st.sampled_from(list("ab &<>\"'\n\r\té;#"))))
def test_escaping_is_the_standard_librarys(text: str) -> None:
    # The charts' bytes must not move when the escaping is done here rather than by
    # xml.sax.saxutils (which imports urllib.request and http.client on every build).
    from xml.sax import saxutils

    from engagement_report.render import svg

    assert svg.escape(text) == saxutils.escape(text)
    assert svg.quoteattr(text) == saxutils.quoteattr(text)


def test_the_chart_writer_does_not_import_urllib() -> None:
    import subprocess
    import sys

    code = "import sys, engagement_report.render.svg; print('urllib.request' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
