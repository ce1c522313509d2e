"""The HTML report in headless Chromium: no network, no console errors, charts drawn.

Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe``
(JSON messages separated by NUL bytes on file descriptors 3 and 4), so the test
needs nothing beyond the standard library and a ``chromium`` binary.  The
screenshots and the browser's log are kept in ``tests/artifacts/`` for people to
look at.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import page_fill

from engagement_report.config import Config
from engagement_report.pipeline import build, render_reports
from engagement_report.render.charts import attach_charts, chart_files

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDTH = 1280
TIMEOUT = 60.0
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    f"--window-size={WIDTH},4000",
    "--remote-debugging-pipe",
)

pytestmark = pytest.mark.slow


def chromium_binary() -> str:
    for name in ("chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium not installed (CI is set, so this is an error)")
    pytest.skip("chromium not installed")


class DevTools:
    """A minimal DevTools protocol client over Chromium's debugging pipe."""

    def __init__(self, binary: str, profile: Path, log: Path) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def child_fds() -> None:  # runs in the child between fork and exec
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            pass_fds=(3, 4),
            preexec_fn=child_fds,  # before our reader thread starts
            start_new_session=True,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next_id = 0
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 65536)
            if not chunk:
                self._messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(raw))

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        """The next message, or None at the deadline; events are recorded on the way."""
        try:
            message = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None
        if message is None:
            raise RuntimeError("chromium closed the debugging pipe")
        if "method" in message:
            self.events.append(message)
        return message

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message and message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
        raise TimeoutError(f"no answer to {method} within {TIMEOUT} s")

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        seen = len(self.events)
        deadline = time.monotonic() + TIMEOUT
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            if self._receive(deadline) is None:
                raise TimeoutError(f"no {method} within {TIMEOUT} s")

    def settle(self, seconds: float) -> None:
        """Record whatever events arrive for ``seconds`` (late requests, late errors)."""
        deadline = time.monotonic() + seconds
        while self._receive(deadline) is not None:
            pass

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                with contextlib.suppress(OSError, RuntimeError, TimeoutError):
                    self.send("Browser.close")
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    # Our own process group: the browser and the helpers it started.
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
        finally:
            os.close(self._to_browser)
            self._log.close()


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data's HTML report, charts included, as ``build`` writes it."""
    out = tmp_path_factory.mktemp("report")
    result = build([REPO / "sample_data"], Config(), out=out)
    if not result.context.charts:
        # The build does not draw charts yet: render the report with them ourselves.
        context = attach_charts(result.context)
        (out / "report.html").write_text(render_reports(context)["report.html"], encoding="utf-8")
        for name, text in chart_files(context).items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text, encoding="utf-8")
    return out / "report.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    binary = chromium_binary()
    ARTIFACTS.mkdir(exist_ok=True)
    devtools = DevTools(binary, tmp_path_factory.mktemp("profile"), ARTIFACTS / "chromium.log")
    try:
        yield devtools
    finally:
        devtools.close()


def open_page(
    browser: DevTools,
    html: Path,
    shots: str | None = None,
    *,
    width: int = WIDTH,
    measure: bool = False,
    pdf: Path | None = None,
) -> dict[str, Any]:
    """Open ``html`` in a new tab ``width`` px wide (a phone's below 800): its requests,
    errors and text; screenshots if ``shots``; the page's width and its charts' smallest
    text if ``measure``; printed to ``pdf`` (A4) if given."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session)
    phone = width < 800
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=900 if phone else 4000,
        deviceScaleFactor=1,
        # A phone honours the page's viewport tag, and widens the page to its content
        # when something is too wide: scrollWidth then shows it.
        mobile=phone,
    )
    start = len(browser.events)
    url = html.resolve().as_uri()
    browser.send("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired", session)
    browser.settle(1.0)
    events = [e for e in browser.events[start:] if e.get("sessionId") == session]

    def evaluate(expression: str) -> Any:
        answer = browser.send(
            "Runtime.evaluate", session, expression=expression, returnByValue=True
        )
        return answer["result"].get("value")

    result: dict[str, Any] = {
        "url": url,
        "requests": [
            e["params"]["request"]["url"]
            for e in events
            if e["method"] == "Network.requestWillBeSent"
        ],
        "failed": [e["params"] for e in events if e["method"] == "Network.loadingFailed"],
        "exceptions": [
            e["params"]["exceptionDetails"]
            for e in events
            if e["method"] == "Runtime.exceptionThrown"
        ],
        "console": [
            {"type": e["params"]["type"], "args": [a.get("value") for a in e["params"]["args"]]}
            for e in events
            if e["method"] == "Runtime.consoleAPICalled"
        ],
        "log": [e["params"]["entry"] for e in events if e["method"] == "Log.entryAdded"],
        "text": evaluate("document.body.innerText"),
    }
    if measure:
        result["layout"] = evaluate(LAYOUT_PROBE)
    if pdf is not None:
        printed = browser.send(
            "Page.printToPDF", session, preferCSSPageSize=True, displayHeaderFooter=False
        )
        pdf.write_bytes(base64.b64decode(printed["data"]))
    if shots and not measure:
        result["charts"] = evaluate(
            "[...document.querySelectorAll('figure.chart')].map(f => {"
            " const svg = f.querySelector('svg'); const r = svg.getBoundingClientRect();"
            " return {id: f.id, width: r.width, height: r.height, top: r.top + scrollY,"
            " texts: svg.querySelectorAll('text').length,"
            " main: document.querySelector('main').getBoundingClientRect().width}; })"
        )
        section = evaluate(
            "(() => { const r = document.querySelector('#chart-topics').getBoundingClientRect();"
            " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; })()"
        )
        height = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]["height"]
        for name, clip in (
            (f"{shots}.png", {"x": 0, "y": 0, "width": WIDTH, "height": height}),
            (f"{shots}-charts.png", section),
        ):
            shot = browser.send(
                "Page.captureScreenshot",
                session,
                format="png",
                captureBeyondViewport=True,
                clip={**clip, "scale": 1},
            )
            (ARTIFACTS / name).write_bytes(base64.b64decode(shot["data"]))
        log = {k: result[k] for k in ("url", "requests", "failed", "exceptions", "console", "log")}
        (ARTIFACTS / f"{shots}-browser-log.json").write_text(
            json.dumps(log, indent=2), encoding="utf-8"
        )
    if shots and measure:
        height = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]["height"]
        shot = browser.send(
            "Page.captureScreenshot",
            session,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": min(height, 3000), "scale": 1},
        )
        (ARTIFACTS / f"{shots}.png").write_bytes(base64.b64decode(shot["data"]))
    browser.send("Target.closeTarget", targetId=target)
    return result


# The page's width against the window's, what reaches past the window, and the
# smallest text of the charts on show (font size times the SVG's scale), in CSS px.
LAYOUT_PROBE = """(() => {
  const inner = window.innerWidth;
  const past = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > inner + 0.5 && !e.closest('.table-wrap'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  const sizes = [...document.querySelectorAll('figure.chart svg text')]
    .filter(t => t.getClientRects().length)
    .map(t => {
      const svg = t.ownerSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return parseFloat(getComputedStyle(t).fontSize) * scale;
    });
  const shown = [...document.querySelectorAll('figure.chart')]
    .filter(f => [...f.querySelectorAll('svg')].some(s => s.getClientRects().length)).length;
  const cards = [...document.querySelectorAll('.cards .card')]
    .map(c => Math.round(c.getBoundingClientRect().top));
  const grid = document.querySelector('.cards');
  const last = [...document.querySelectorAll('.cards .card')].pop();
  const gap = grid && last ? Math.round(grid.getBoundingClientRect().right
    - last.getBoundingClientRect().right) : null;
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: inner, past,
          smallestChartText: sizes.length ? Math.min(...sizes) : null,
          textCount: sizes.length, figures: document.querySelectorAll('figure.chart').length,
          shown, cardTops: cards, gapAfterLastCard: gap};
})()"""


@pytest.fixture(scope="module")
def page(browser: DevTools, report_html: Path) -> dict[str, Any]:
    """What the report page requested, logged and showed."""
    return open_page(browser, report_html, shots="report")


def test_the_probe_sees_requests_and_errors(browser: DevTools, tmp_path: Path) -> None:
    # Without this, "no request, no error" could just mean the probe is deaf.
    html = tmp_path / "noisy.html"
    html.write_text(
        "<!DOCTYPE html><html><body><p>noisy</p>"
        '<img src="http://127.0.0.1:9/pixel.png" alt="">'
        '<script>console.error("boom"); throw new Error("bang");</script>'
        "</body></html>",
        encoding="utf-8",
    )
    noisy = open_page(browser, html)
    assert "http://127.0.0.1:9/pixel.png" in noisy["requests"]
    assert [c["args"] for c in noisy["console"] if c["type"] == "error"] == [["boom"]]
    assert noisy["exceptions"]
    assert noisy["text"].strip() == "noisy"


def test_page_makes_no_network_request(page: dict[str, Any]) -> None:
    assert page["requests"] == [page["url"]]
    assert page["failed"] == []


def test_page_logs_no_error(page: dict[str, Any]) -> None:
    assert page["exceptions"] == []
    assert [c for c in page["console"] if c["type"] in ("error", "assert")] == []
    assert [e for e in page["log"] if e["level"] == "error"] == []


def test_headline_figures_are_on_the_page(page: dict[str, Any]) -> None:
    assert "20,849" in page["text"]
    assert "94.0%" in page["text"]
    # A chart's numbers in words are in its closed "Chart data" block, not a visible
    # caption repeating the table beside it.
    assert "Chart data" in page["text"]
    assert "Received: 1,497;" not in page["text"]


def test_charts_are_drawn_within_the_page(page: dict[str, Any]) -> None:
    charts = page["charts"]
    assert [c["id"] for c in charts] == [
        # each beside its table: the breakdowns, the deadline classes, the trend
        "chart-topics",
        "chart-channels",
        "chart-districts",
        "chart-deadlines",
        "chart-trend",
        "chart-trend_share",
    ]
    for chart in charts:
        assert chart["texts"] > 0
        assert 0 < chart["width"] <= chart["main"]
        assert chart["height"] > 50
    tops = [c["top"] for c in charts]
    assert tops == sorted(tops)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    assert (ARTIFACTS / "report-charts.png").stat().st_size > 10_000


# --- layout at a desk, on a phone and on paper, in every language ---------------------

LANGS = ("en", "ru", "kk")
PHONE = 400
MONTH = "2021-01"  # a monthly report: the one an office makes most
IN_WORDS = {"en": "January 2021", "ru": "январь 2021 г.", "kk": "2021 жылғы қаңтар"}
READABLE_PX = 9.0  # the smallest chart text a phone may show (it was about 4 px)


@pytest.fixture(scope="module")
def month_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample data's January 2021 report in each language (HTML and WeasyPrint's PDF)."""
    reports = {}
    for lang in LANGS:
        out = tmp_path_factory.mktemp(f"month-{lang}")
        build([REPO / "sample_data"], Config(), period=MONTH, out=out, lang=lang,
              formats=["html", "pdf"])  # fmt: skip
        reports[lang] = out / "report.html"
    return reports


@pytest.fixture(scope="module")
def layouts(browser: DevTools, month_reports: dict[str, Path]) -> dict[tuple[str, int], Any]:
    """Each report measured at 1280 px and at a phone's 400 px (screenshots kept)."""
    return {
        (lang, width): open_page(
            browser, html, shots=f"report-{lang}-{width}", width=width, measure=True
        )["layout"]
        for lang, html in month_reports.items()
        for width in (WIDTH, PHONE)
    }


@pytest.mark.parametrize("width", [WIDTH, PHONE])
@pytest.mark.parametrize("lang", LANGS)
def test_no_page_scrolls_sideways(
    layouts: dict[tuple[str, int], Any], lang: str, width: int
) -> None:
    # Russian and Kazakh tables reached 1,646 px at 1280: their numeric headers never wrapped.
    layout = layouts[lang, width]
    assert layout["innerWidth"] == width
    assert layout["scrollWidth"] <= layout["innerWidth"], layout["past"]
    assert layout["past"] == []


@pytest.mark.parametrize("width", [WIDTH, PHONE])
@pytest.mark.parametrize("lang", LANGS)
def test_chart_text_stays_readable(
    layouts: dict[tuple[str, int], Any], lang: str, width: int
) -> None:
    # The 960 px charts shrunk to a phone's width showed their text at about 4 px.
    layout = layouts[lang, width]
    assert layout["figures"] == 6
    assert layout["shown"] == 6  # every chart has a drawing on show, at either width
    assert layout["smallestChartText"] >= READABLE_PX


@pytest.mark.parametrize("lang", LANGS)
def test_cards_stand_two_to_a_row_on_a_phone(
    layouts: dict[tuple[str, int], Any], lang: str
) -> None:
    first, second, third, fourth = layouts[lang, PHONE]["cardTops"]
    assert first == second < third == fourth
    assert layouts[lang, PHONE]["gapAfterLastCard"] == 0


@pytest.mark.parametrize("lang", LANGS)
def test_the_four_cards_fill_one_row_at_a_desk(
    layouts: dict[tuple[str, int], Any], lang: str
) -> None:
    # auto-fill columns of 170 px made five at 1280 px: the fifth stood empty.
    tops = layouts[lang, WIDTH]["cardTops"]
    assert len(tops) == 4 and len(set(tops)) == 1
    assert layouts[lang, WIDTH]["gapAfterLastCard"] == 0


def _pdf_pages(pdf: Path) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(pdf)
    # NFKC: a ligature such as "ﬁ" in "Deﬁnition" reads as the two letters.
    texts = (unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages)
    return [" ".join(text.split()) for text in texts]


def _last_headers(html: str) -> list[str]:
    """The last column header of every table of ``html``."""
    import re
    from html import unescape

    return [
        unescape(re.sub(r"<[^>]+>", "", cells[-1]))
        for head in re.findall(r"<thead>(.*?)</thead>", html, re.S)
        if (cells := re.findall(r"<th[^>]*>(.*?)</th>", head, re.S))
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_printed_pages_keep_every_column(
    browser: DevTools, month_reports: dict[str, Path], lang: str
) -> None:
    """Chromium's print and WeasyPrint's report.pdf: few pages, a running footer on
    each, and the last column of every table on paper."""
    import re

    html = month_reports[lang]
    printed = ARTIFACTS / f"report-{lang}.pdf"
    open_page(browser, html, pdf=printed)
    headers = _last_headers(html.read_text(encoding="utf-8"))
    assert len(headers) >= 10
    text = html.read_text(encoding="utf-8")
    parts = re.findall(r'<section class="part"[^>]*>\s*<h2[^>]*>(.*?)</h2>', text)
    assert len(parts) == 2  # queries onwards; data quality and methodology
    for pdf in (printed, html.with_name("report.pdf")):
        pages = _pdf_pages(pdf)
        # A month took 13 to 16 A4 pages, several a fifth full: now a page ends short
        # only before a major part, and at the end.
        assert len(pages) <= 14, (
            pdf,
            len(pages),
        )  # 12 for the sample's January with every view so far
        fills = page_fill(pdf)
        # The page before the first one that opens with each part's heading (the footer
        # comes first in Chromium's text, last in WeasyPrint's).
        ends = {next(i for i, page in enumerate(pages) if h in page[:200]) - 1 for h in parts}
        short = [i + 1 for i, fill in enumerate(fills[:-1]) if fill < 0.5 and i not in ends]
        assert short == [], (pdf, fills)
        # The footer names the period in words, as the title does (it read "2021-01").
        assert all(IN_WORDS[lang] in page for page in pages), pages[0][:300]
        squeezed = re.sub(r"[\s\-\u00ad]", "", " ".join(pages))
        missing = [h for h in headers if re.sub(r"[\s\-\u00ad]", "", h) not in squeezed]
        assert missing == [], pdf
