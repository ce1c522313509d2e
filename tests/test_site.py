"""``publish``: a static site of every period, rebuilt only where something changed,
whose links all resolve from ``file://`` (checked here and in headless Chromium)."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import frictionless
import pytest
from typer.testing import CliRunner

from engagement_report.cli import app

MONTHS = [f"2020-{m:02d}" for m in range(1, 13)] + ["2021-01", "2021-02"]
QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
Q1,2021-03-01 09:00,2021-03-02 21:00,answered,Roads,Web,Medeu
Q2,2021-03-02 10:00,2021-03-03 10:00,answered,Roads,Web,Medeu
Q3,2021-04-03 10:00,,in progress,Parks,Phone,Almaly
"""


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append(value)


def links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's SHA-256 and modification time, by relative path."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(sample_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = invoke("publish", sample_data, "--to", out, "--lang", "en", "--lang", "kk",
                  "--today", "2021-03-15")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Published 14 periods" in done.stderr
    return out


def test_every_month_has_its_reports_and_data(site: Path) -> None:
    assert sorted(p.name for p in (site / "periods").iterdir()) == MONTHS
    for month in MONTHS:
        names = {p.name for p in (site / "periods" / month).iterdir()}
        assert names == {
            "report.en.html", "report.kk.html", "summary.csv", "summary.json",
            "datapackage.json", "manifest.json",
        }  # fmt: skip
    assert (site / "index.html").is_file() and (site / "index.kk.html").is_file()


def test_previous_and_next_links(site: Path) -> None:
    first = links(site / "periods" / "2020-01" / "report.en.html")
    middle = links(site / "periods" / "2020-06" / "report.kk.html")
    last = links(site / "periods" / "2021-02" / "report.en.html")
    assert "../../index.html" in first and "../2020-02/report.en.html" in first
    assert not any(url.startswith("../2019") for url in first)
    assert "../../index.kk.html" in middle
    assert {"../2020-05/report.kk.html", "../2020-07/report.kk.html"} <= set(middle)
    assert "report.en.html" in middle  # the language switch
    assert "../2021-01/report.en.html" in last and not any("2021-03" in u for u in last)


def test_every_link_resolves_and_nothing_is_external(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 2 + 2 * len(MONTHS)
    for page in pages:
        for url in links(page):
            parsed = urlparse(url)
            assert not parsed.scheme and not parsed.netloc, (page, url)  # relative only
            if parsed.path:
                target = (page.parent / unquote(parsed.path)).resolve()
                assert target.is_file(), (page, url)


def test_the_index_shows_the_latest_figures_and_every_period(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    # February 2021, the latest month: as in its own summary.
    totals = {
        (r["dataset"], r["metric"]): r["value"]
        for r in json.loads((site / "periods/2021-02/summary.json").read_text(encoding="utf-8"))
        if r["dimension"] == "total"
    }
    assert "Latest period: 2021-02" in index
    assert f"{totals['queries', 'received']:,}" in index
    assert f"{totals['queries', 'answered_share'] * 100:.1f}%" in index
    for month in MONTHS:
        assert f'href="periods/{month}/report.en.html"' in index
    assert index.count('<figure class="chart"') == 2  # the long trend: received/answered, share
    assert "Соңғы кезең: 2021-02" in (site / "index.kk.html").read_text(encoding="utf-8")


def test_the_data_of_every_period_is_the_summary_by_month(site: Path, sample_data: Path) -> None:
    expected = invoke("summary", sample_data, "--period", "2020-01-01..2021-02-28",
                      "--by", "month", "--today", "2021-03-15")  # fmt: skip
    assert expected.exit_code == 0, expected.output
    assert (site / "data" / "summary.csv").read_text(encoding="utf-8") == expected.stdout
    records = json.loads((site / "data" / "summary.json").read_text(encoding="utf-8"))
    assert len(records) == len(expected.stdout.splitlines()) - 1
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])


def test_publishing_again_changes_nothing(site: Path, sample_data: Path) -> None:
    before = tree(site)
    done = invoke("publish", sample_data, "--to", site, "--lang", "en", "--lang", "kk",
                  "--today", "2021-03-15")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "0 built, 14 unchanged" in done.stderr
    assert tree(site) == before  # same bytes, not even rewritten


def test_a_changed_input_rebuilds_and_a_new_month_links_in(write_inputs, tmp_path: Path) -> None:
    inputs = write_inputs(queries=QUERIES)
    out = tmp_path / "site"
    assert invoke("publish", inputs, "--to", out, "--today", "2021-06-01").exit_code == 0
    assert sorted(p.name for p in (out / "periods").iterdir()) == ["2021-03", "2021-04"]
    assert "../2021-04/report.en.html" in links(out / "periods/2021-03/report.en.html")
    before = tree(out)

    again = invoke("publish", inputs, "--to", out, "--today", "2021-06-01")
    assert "0 built, 2 unchanged" in again.stderr and tree(out) == before

    (inputs / "queries.csv").write_text(
        QUERIES + "Q4,2021-05-04 10:00,2021-05-05 10:00,answered,Parks,Phone,Almaly\n",
        encoding="utf-8",
    )
    changed = invoke("publish", inputs, "--to", out, "--today", "2021-06-01")
    assert changed.exit_code == 0, changed.output
    assert "3 built" in changed.stderr
    assert "../2021-05/report.en.html" in links(out / "periods/2021-04/report.en.html")
    summary = (out / "data/summary.csv").read_text(encoding="utf-8")
    assert "2021-05-01,2021-05-31,queries,received,total,,1\n" in summary
    assert "2021-03-01,2021-03-31,queries,received,total,,2\n" in summary
    manifest = json.loads((out / "periods/2021-03/manifest.json").read_text(encoding="utf-8"))
    assert [i["sha256"] for i in manifest["inputs"]] == [
        hashlib.sha256((inputs / "queries.csv").read_bytes()).hexdigest()
    ]


def test_a_month_without_rows_is_left_out_and_said(write_inputs, tmp_path: Path) -> None:
    gap = QUERIES.replace("2021-04-03", "2021-05-03")
    inputs = write_inputs(queries=gap)
    done = invoke("publish", inputs, "--to", tmp_path / "site", "--today", "2021-06-01")
    assert done.exit_code == 0, done.output
    assert "2021-04: no rows of any dataset; not published" in done.stderr
    assert sorted(p.name for p in (tmp_path / "site/periods").iterdir()) == ["2021-03", "2021-05"]
    assert "../2021-05/report.en.html" in links(tmp_path / "site/periods/2021-03/report.en.html")


def test_by_quarter(write_inputs, tmp_path: Path) -> None:
    inputs = write_inputs(queries=QUERIES)
    done = invoke("publish", inputs, "--to", tmp_path / "site", "--by", "quarter",
                  "--today", "2021-12-01")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "site/periods").iterdir()) == ["2021-Q1", "2021-Q2"]
    summary = (tmp_path / "site/data/summary.csv").read_text(encoding="utf-8")
    assert re.search(r"^2021-01-01,2021-03-31,queries,received,total,,2$", summary, re.M)


# --- in headless Chromium ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from test_browser import ARTIFACTS, DevTools, chromium_binary

    binary = chromium_binary()
    ARTIFACTS.mkdir(exist_ok=True)
    devtools = DevTools(binary, tmp_path_factory.mktemp("profile"), ARTIFACTS / "site-chromium.log")
    try:
        yield devtools
    finally:
        devtools.close()


def visit(browser, page: Path) -> dict:
    """Open ``page`` from file://: its requests, failures, errors and the links it shows."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session)
    start = len(browser.events)
    browser.send("Page.navigate", session, url=page.resolve().as_uri())
    browser.wait_for("Page.loadEventFired", session)
    browser.settle(0.5)
    events = [e for e in browser.events[start:] if e.get("sessionId") == session]
    answer = browser.send(
        "Runtime.evaluate",
        session,
        expression="[...document.querySelectorAll('a[href]')].map(a => a.href)",
        returnByValue=True,
    )
    browser.send("Target.closeTarget", targetId=target)
    return {
        "requests": [
            e["params"]["request"]["url"]
            for e in events
            if e["method"] == "Network.requestWillBeSent"
        ],
        "failed": [e["params"] for e in events if e["method"] == "Network.loadingFailed"],
        "errors": [e["params"] for e in events if e["method"] == "Runtime.exceptionThrown"]
        + [
            e["params"]
            for e in events
            if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error"
        ]
        + [
            e["params"]["entry"]
            for e in events
            if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ],
        "links": answer["result"]["value"],
    }


@pytest.mark.slow
def test_in_chromium_every_link_resolves_without_errors(browser, site: Path) -> None:
    pages = [
        site / "index.html",
        site / "index.kk.html",
        site / "periods/2020-01/report.en.html",
        site / "periods/2021-02/report.kk.html",
    ]
    seen: set[str] = set()
    for page in pages:
        result = visit(browser, page)
        assert result["errors"] == [] and result["failed"] == [], (page, result)
        assert all(url.startswith("file://") for url in result["requests"]), result["requests"]
        assert result["links"], page
        for url in result["links"]:
            parsed = urlparse(url)
            assert parsed.scheme == "file", (page, url)
            assert Path(unquote(parsed.path)).is_file(), (page, url)
            seen.add(Path(unquote(parsed.path)).name)
    assert {"summary.csv", "datapackage.json", "report.kk.html", "index.kk.html"} <= seen


# --- the README's monthly job -------------------------------------------------------------


def test_readme_monthly_job_builds_writes_the_database_and_publishes(tmp_path: Path) -> None:
    import sqlite3

    from test_unattended import (
        SCRIPT,
        bare_env,
        code_blocks,
        last_month,
        readme_section,
        recent_queries,
        run_job,
    )

    section = readme_section("Publishing")
    srv = tmp_path / "srv"

    def local(text: str) -> str:
        text = text.replace("/srv/engagement/.venv/bin/engagement-report", str(SCRIPT))
        return text.replace("/srv/", f"{srv}/")

    config_text = next(b for b in code_blocks(section, "toml") if "[output]" in b and "inputs" in b)
    [cron] = code_blocks(section, "cron")
    [line] = [row for row in cron.splitlines() if row and not row.startswith("#")]
    fields = local(line).split(None, 5)
    assert fields[:5] == ["0", "6", "1", "*", "*"]
    assert "build --period last-month" in fields[5] and "publish --to" in fields[5]
    job = srv / "engagement"
    (job / "incoming").mkdir(parents=True)
    (job / "engagement-report.toml").write_text(local(config_text), encoding="utf-8")
    label = last_month()
    (job / "incoming" / "queries.csv").write_text(recent_queries(label), encoding="utf-8")

    proc = run_job(["/bin/sh", "-c", fields[5]], cwd=tmp_path, env=bare_env(tmp_path / "home"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""  # --quiet: cron mails nothing
    if label != last_month():
        pytest.skip("the month changed during the run")
    assert (srv / "reports" / label / "summary.csv").is_file()
    with sqlite3.connect(job / "figures.db") as db:
        received = db.execute(
            "SELECT value FROM engagement_summary WHERE metric = 'received' "
            "AND dimension = 'total' AND strftime('%Y-%m', period_start) = ?",
            (label,),
        ).fetchall()
    assert received == [(3.0,)]
    site = srv / "www" / "engagement"
    assert (site / "index.html").is_file() and (site / "index.kk.html").is_file()
    assert (site / "periods" / label / "report.ru.html").is_file()
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_a_date_typed_years_ahead_is_a_warning_not_a_period_as_in_build(
    write_inputs, tmp_path: Path
) -> None:
    # Q4's year typed 2201 for 2021: build warns (date_in_future) and leaves it out of the
    # default period; publish must do the same, not publish a page for March 2201 (nor
    # walk the 2,160 months up to it), and its manifest must count the same warning.
    typo = QUERIES + "Q4,2201-03-04 10:00,,in progress,Parks,Phone,Almaly\n"
    inputs = write_inputs(queries=typo)
    done = invoke("publish", inputs, "--to", tmp_path / "site", "--today", "2021-06-01")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "site/periods").iterdir()) == ["2021-03", "2021-04"]
    assert "not published" not in done.stderr
    built = invoke("build", inputs, "--period", "2021-03", "--out", tmp_path / "b",
                   "--today", "2021-06-01")  # fmt: skip
    assert built.exit_code == 0, built.output

    def manifest(folder: Path) -> dict:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))

    published, build = manifest(tmp_path / "site/periods/2021-03"), manifest(tmp_path / "b")
    assert build["sources"][0]["warnings"] == 1
    for key in ("period", "inputs", "sources", "figures"):
        assert published[key] == build[key], key
