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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


def open_page(browser: DevTools, html: Path, shots: str | None = None) -> dict[str, Any]:
    """Open ``html`` in a new tab: its requests, errors and text; screenshots if ``shots``."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=WIDTH,
        height=4000,
        deviceScaleFactor=1,
        mobile=False,
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
    if shots:
        result["charts"] = evaluate(
            "[...document.querySelectorAll('figure.chart')].map(f => {"
            " const svg = f.querySelector('svg'); const r = svg.getBoundingClientRect();"
            " return {id: f.id, width: r.width, height: r.height, top: r.top + scrollY,"
            " texts: svg.querySelectorAll('text').length,"
            " main: document.querySelector('main').getBoundingClientRect().width}; })"
        )
        section = evaluate(
            "(() => { const r = document.querySelector('section.charts').getBoundingClientRect();"
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
    browser.send("Target.closeTarget", targetId=target)
    return result


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
    # Alt texts are visible captions.
    assert "Received: 1,497;" in page["text"]


def test_charts_are_drawn_within_the_page(page: dict[str, Any]) -> None:
    charts = page["charts"]
    assert [c["id"] for c in charts] == [
        "chart-trend",
        "chart-trend_share",
        "chart-topics",
        "chart-channels",
        "chart-districts",
        "chart-deadlines",
    ]
    for chart in charts:
        assert chart["texts"] > 0
        assert 0 < chart["width"] <= chart["main"]
        assert chart["height"] > 50
    tops = [c["top"] for c in charts]
    assert tops == sorted(tops)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    assert (ARTIFACTS / "report-charts.png").stat().st_size > 10_000
