"""A small SVG writer: elements, numbers, estimated text widths, axis ticks, hatches.

Standard library only, and every function is pure: the same arguments give the same
text, in any process, so the charts built from it are byte-identical from run to run.
Text and attribute values are escaped here, so a label can never become markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

Value = str | float | None

# What XML 1.0 cannot hold at all, even escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def num(value: float) -> str:
    """A coordinate: ``12.5``, ``3``, ``0.33``; two decimals at most, never ``-0``."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite coordinate: {value!r}")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities, as ``xml.sax.saxutils.escape`` gives them
    (that module imports ``urllib.request`` and ``http.client``, which no chart needs)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An attribute value escaped and quoted, as ``xml.sax.saxutils.quoteattr`` gives it:
    line ends and tabs as character references, double quotes unless the value holds
    one (then single quotes, or ``&quot;`` when it holds both)."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def _plain(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _value(value: str | float) -> str:
    return value if isinstance(value, str) else num(value)


def attributes(attrs: Mapping[str, Value]) -> str:
    """`` key="value"`` pairs in the given order, escaped; None leaves the attribute out."""
    return "".join(
        f" {key}={quoteattr(_plain(_value(value)))}"
        for key, value in attrs.items()
        if value is not None
    )


def css(properties: Mapping[str, Value]) -> str:
    """A ``style`` value: ``fill: #fff; stroke-width: 0.5``; None leaves a property out."""
    return "; ".join(
        f"{key}: {_value(value)}" for key, value in properties.items() if value is not None
    )


def element(
    tag: str,
    attrs: Mapping[str, Value] | None = None,
    children: Iterable[str] = (),
    *,
    text: str | None = None,
    sep: str = "\n",
) -> str:
    """``<tag attrs>text children</tag>``, or ``<tag attrs/>`` when empty; ``text`` is escaped."""
    inner = sep.join(children)
    if text is not None:
        inner = escape(_plain(text)) + inner
    head = f"<{tag}{attributes(attrs or {})}"
    if not inner and text is None:
        return head + "/>"
    if sep and inner and text is None:
        inner = f"{sep}{inner}{sep}"
    return f"{head}>{inner}</{tag}>"


def text(
    x: float,
    y: float,
    lines: str | Sequence[str],
    *,
    style: str,
    anchor: str | None = None,
    line_height: float = 0.0,
    attrs: Mapping[str, Value] | None = None,
) -> str:
    """A ``<text>`` whose first baseline is at ``y``; more lines as ``<tspan>``s below it.

    No whitespace is written between the tspans: it would count in the anchoring.
    """
    lines = [lines] if isinstance(lines, str) else list(lines)
    own: dict[str, Value] = {"x": x, "y": y, "text-anchor": anchor, "style": style, **(attrs or {})}
    if len(lines) == 1:
        return element("text", own, text=lines[0])
    spans = [
        element("tspan", {"x": x, "dy": line_height if i else None}, text=line)
        for i, line in enumerate(lines)
    ]
    return element("text", own, spans, sep="")


def document(width: float, height: float, body: Iterable[str], *, background: str) -> str:
    """A standalone ``<svg>`` root (no XML declaration) with a background rect."""
    root: dict[str, Value] = {
        "xmlns": SVG_NS,
        "xmlns:xlink": XLINK_NS,
        "width": width,
        "height": height,
        "viewBox": f"0 0 {num(width)} {num(height)}",
    }
    ground = element("rect", {"width": width, "height": height, "style": css({"fill": background})})
    return element("svg", root, [ground, *body]) + "\n"


# --- text width ---------------------------------------------------------------------

# Advance widths in em, by class, rounded up from DejaVu Sans (wider than Liberation
# Sans or Arial, so a layout that fits DejaVu fits them too).  Estimates err wide.
_NARROW = 0.34
_SEMI = 0.42
_DIGIT = 0.64
_OTHER = 0.65
_UPPER = 0.79
_WIDE = 0.92
_WIDEST = 1.1
_CLASSES = {
    " \u00a0\u202f.,:;'|iljIJіІ": _NARROW,
    "!()[]/\\-ftr": _SEMI,
    "&мдцъ": _UPPER,
    "wMМыЫжшщюфФЪ#+<=>^~": _WIDE,
    "mWШЩЖЮ%@—…№": _WIDEST,
}
_WIDTHS = {ch: em for chars, em in _CLASSES.items() for ch in chars}
BOLD = 1.14  # DejaVu Sans Bold is about this much wider


def char_width(ch: str) -> float:
    """One character's estimated advance width in em."""
    em = _WIDTHS.get(ch)
    if em is not None:
        return em
    if ch.isdigit():
        return _DIGIT
    return _UPPER if ch.isupper() else _OTHER


def text_width(text: str, size_px: float, *, bold: bool = False) -> float:
    """The estimated width of one line of ``text`` in px at ``size_px``."""
    return sum(map(char_width, text)) * size_px * (BOLD if bold else 1.0)


# --- axis ticks ---------------------------------------------------------------------


def _steps() -> Iterator[int]:
    yield from (1, 2, 5)
    power = 10
    while True:
        yield from (power, 2 * power, 5 * power // 2, 5 * power)
        power *= 10


def nice_ticks(maximum: float, bins: int = 5) -> list[int]:
    """Integer ticks ``0, step, …`` up to the first at or above ``maximum``.

    ``step`` is the smallest of 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, … that
    needs no more than ``bins`` steps; there is always at least one step, so
    ``nice_ticks(0) == [0, 1]``.  ``7 → [0, 2, 4, 6, 8]``, ``1497 → [0, 500, 1000, 1500]``.
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if not math.isfinite(maximum):
        raise ValueError(f"not a finite maximum: {maximum!r}")
    for step in _steps():
        count = max(1, math.ceil(maximum / step))
        if count <= bins:
            return [i * step for i in range(count + 1)]
    raise AssertionError("unreachable")  # pragma: no cover


# --- markers and hatches ------------------------------------------------------------


def marker_path(shape: str, size: float) -> str:
    """Path data of a marker ``size`` px across, centred on 0,0."""
    r = size / 2
    if shape == "circle":
        return (
            f"M{num(-r)},0A{num(r)},{num(r)} 0 1 0 {num(r)},0A{num(r)},{num(r)} 0 1 0 {num(-r)},0Z"
        )
    if shape == "square":
        return f"M{num(-r)},{num(-r)}H{num(r)}V{num(r)}H{num(-r)}Z"
    if shape == "diamond":
        r *= 1.2  # the same visual weight as a square of the same size
        return f"M0,{num(-r)}L{num(r)},0L0,{num(r)}L{num(-r)},0Z"
    raise ValueError(f"unknown marker shape: {shape!r}")


#: Tile size, px, of each hatch: the lines' spacing.
HATCH_SPACING = {"/": 14.0, "//": 10.0, "///": 7.0, "--": 7.0, "xx": 10.0, "||": 7.0}


def _hatch_lines(hatch: str, s: float) -> list[tuple[float, float, float, float]]:
    half = s / 2
    rising = [(0, s, s, 0), (-half, half, half, -half), (half, s + half, s + half, half)]
    falling = [(0, 0, s, s), (-half, half, half, s + half), (half, -half, s + half, half)]
    if set(hatch) == {"/"}:
        return rising
    if set(hatch) == {"x"}:
        return rising + falling
    if set(hatch) == {"-"}:
        return [(0, half, s, half)]
    if set(hatch) == {"|"}:
        return [(half, 0, half, s)]
    raise ValueError(f"unknown hatch: {hatch!r}")


def hatch_pattern(pattern_id: str, hatch: str, *, fill: str, ink: str, line_width: float) -> str:
    """A ``<pattern>``: ``fill`` behind lines of ``ink``, as the theme's hatch says.

    ``/``, ``//``, ``///``: rising diagonals, each denser; ``--``: horizontal lines;
    ``xx``: crossed diagonals; ``||``: vertical lines.
    """
    if hatch not in HATCH_SPACING:
        raise ValueError(f"unknown hatch: {hatch!r}")
    s = HATCH_SPACING[hatch]
    d = "".join(
        f"M{num(x1)},{num(y1)}L{num(x2)},{num(y2)}" for x1, y1, x2, y2 in _hatch_lines(hatch, s)
    )
    ground = element("rect", {"width": s, "height": s, "style": css({"fill": fill})})
    lines = element(
        "path",
        {
            "d": d,
            "style": css(
                {
                    "fill": "none",
                    "stroke": ink,
                    "stroke-width": line_width,
                    "stroke-linecap": "square",
                }
            ),
        },
    )
    attrs: dict[str, Value] = {
        "id": pattern_id,
        "patternUnits": "userSpaceOnUse",
        "width": s,
        "height": s,
    }
    return element("pattern", attrs, [ground, lines])
