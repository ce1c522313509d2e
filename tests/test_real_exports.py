"""Real 311 exports (NYC, Los Angeles, San Francisco) read with the example configs.

The files in tests/data/real are the first 300 records of public extracts, unchanged (see
tests/data/real/SOURCES.md). Every expected figure is computed here independently with
pandas from the raw CSV, never from the tool's own output.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(__file__).parent / "data" / "real"
EXAMPLES = ROOT / "examples"
NYC = REAL / "nyc311_sample_2014-2019.csv"
LA = REAL / "la311_2017_subset.csv"
SF = REAL / "sf311_2019_bigquery_sample.csv"
US_TIME = "%m/%d/%Y %I:%M:%S %p"
TODAY = dt.date(2030, 1, 1)


def raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def validate_json(config: Path, path: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        app, ["validate", "--format", "json", "--config", str(config), str(path)]
    )
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def totals(
    path: Path,
    config: Path,
    period: str,
    dimension: str = "total",
    as_of: dt.date | None = TODAY,
) -> dict:
    """metric → value (dimension total) or (metric, category) → value for a breakdown.

    As of 2030 by default: every answer in the extract (taken years later) counts, so
    the figures read the statuses as the export gives them.
    """
    records = pipeline.summarize([path], load_config(config), period, TODAY, as_of)
    rows = [r for r in records if r.dataset == "queries" and r.dimension == dimension]
    if dimension == "total":
        return {r.metric: r.value for r in rows}
    return {(r.metric, r.category): r.value for r in rows}


def in_span(dates: pd.Series, first: str, last: str) -> pd.Series:
    day = dates.dt.normalize()
    return (day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))


@pytest.mark.parametrize(
    ("config", "path"),
    [("nyc311.toml", NYC), ("la311.toml", LA), ("sf311.toml", SF)],
)
def test_every_row_accounted_for(config: str, path: Path) -> None:
    code, report = validate_json(EXAMPLES / config, path)
    assert code == 0  # nothing rejected: every request has a usable creation date
    [source] = report["sources"]
    assert source["dataset"] == "queries"
    assert source["header_row"] == 1
    assert source["rows"] == {
        "read": 300,
        "used": 300,
        "duplicate": 0,
        "blank": 0,
        "total_rows": 0,
        "rejected": 0,
    }
    assert report["skipped"] == []


def test_example_configs_map_every_query_column() -> None:
    for name, path in [("nyc311.toml", NYC), ("la311.toml", LA), ("sf311.toml", SF)]:
        data = pipeline.load_and_validate([path], load_config(EXAMPLES / name))
        [source] = data.report.sources
        assert set(source.mapping) >= {
            "query_id",
            "received_at",
            "answered_at",
            "status",
            "topic",
            "channel",
            "district",
        }, name
        # every status spelling in the file is known to the config
        assert not [p for p in data.report.problems if p.code == "unknown_status"], name


# --- New York -----------------------------------------------------------------------------


def test_nyc_figures() -> None:
    frame = raw(NYC)
    created = pd.to_datetime(frame["Created Date"], format=US_TIME)
    closed = pd.to_datetime(frame["Closed Date"], format=US_TIME, errors="coerce")
    config = EXAMPLES / "nyc311.toml"
    for period, (first, last) in {
        "2018": ("2018-01-01", "2018-12-31"),
        "2017-Q4": ("2017-10-01", "2017-12-31"),
        "2014-01-01..2019-12-31": ("2014-01-01", "2019-12-31"),
    }.items():
        inside = in_span(created, first, last)
        figures = totals(NYC, config, period)
        assert figures["received"] == inside.sum(), period
        assert figures["answered"] == (inside & (frame["Status"] == "Closed")).sum(), period
        in_progress = frame["Status"].isin(["Open", "Pending", "Assigned", "In Progress"])
        assert figures["in_progress"] == (inside & in_progress).sum(), period
        assert figures["other_status"] == 0
    whole = totals(NYC, config, "2014-01-01..2019-12-31")
    assert (whole["received"], whole["answered"], whole["in_progress"]) == (300, 286, 14)
    # response times leave out the two requests closed before they were created
    timed = (frame["Status"] == "Closed") & closed.notna() & (closed >= created)
    days = (closed[timed] - created[timed]).dt.total_seconds() / 86400
    assert whole["median_response_days"] == pytest.approx(days.median(), abs=1e-6)


def test_nyc_closed_before_created_are_warnings() -> None:
    frame = raw(NYC)
    created = pd.to_datetime(frame["Created Date"], format=US_TIME)
    closed = pd.to_datetime(frame["Closed Date"], format=US_TIME, errors="coerce")
    early = closed < created
    expected_rows = [int(i) + 2 for i in early[early].index]  # header is row 1
    assert expected_rows == [238, 276]
    data = pipeline.load_and_validate([NYC], load_config(EXAMPLES / "nyc311.toml"))
    warned = [p for p in data.report.problems if p.code == "answered_before_received"]
    assert [p.row for p in warned] == expected_rows
    assert {p.severity for p in warned} == {"warning"}
    assert data.report.rejected == 0
    # both are "Pending" requests carrying a closed date a day before creation: kept,
    # counted as in progress, never timed
    assert frame.loc[early, "Status"].tolist() == ["Pending", "Pending"]
    kept = data.queries.set_index("_row").loc[expected_rows]
    assert kept["status"].tolist() == ["in_progress", "in_progress"]
    assert not kept["response_ok"].any()


def test_nyc_breakdowns_and_deadlines() -> None:
    frame = raw(NYC)
    config = EXAMPLES / "nyc311.toml"
    by_channel = totals(NYC, config, "2014-01-01..2019-12-31", "channel")
    expected = frame["Open Data Channel Type"].value_counts()
    assert {c: by_channel[("received", c)] for c in expected.index} == expected.to_dict()
    by_district = totals(NYC, config, "2014-01-01..2019-12-31", "district")
    assert by_district[("received", "Unspecified")] == (frame["Borough"] == "Unspecified").sum()
    assert by_district[("received", "BROOKLYN")] == (frame["Borough"] == "BROOKLYN").sum()
    data = pipeline.load_and_validate([NYC], load_config(config))
    due = pd.to_datetime(frame["Due Date"], format=US_TIME, errors="coerce")
    assert data.queries["deadline"].notna().sum() == due.notna().sum() == 148
    assert data.queries["deadline"].dropna().tolist() == due.dropna().tolist()


def test_nyc_without_the_config_warns_about_unknown_statuses() -> None:
    # Read by its built-in aliases ("Created Date", "Closed Date", "Status", "Unique Key");
    # "Assigned" is NYC's own word and needs the config.
    data = pipeline.load_and_validate([NYC], Config())
    [source] = data.report.sources
    assert (source.recognised_by, source.used) == ("header", 300)
    unknown = [p for p in data.report.problems if p.code == "unknown_status"]
    assert [(p.value, p.row) for p in unknown] == [
        ("Assigned", int(raw(NYC).index[raw(NYC)["Status"] == "Assigned"][0]) + 2)
    ]


# --- Los Angeles --------------------------------------------------------------------------


def test_la_figures() -> None:
    frame = raw(LA)
    created = pd.to_datetime(frame["CreatedDate"], format=US_TIME)
    config = EXAMPLES / "la311.toml"
    for period, (first, last) in {
        "2017-12": ("2017-12-01", "2017-12-31"),
        "2017-12-30..2017-12-31": ("2017-12-30", "2017-12-31"),
        "2017-12-31..2017-12-31": ("2017-12-31", "2017-12-31"),
    }.items():
        inside = in_span(created, first, last)
        figures = totals(LA, config, period)
        assert figures["received"] == inside.sum(), period
        assert figures["answered"] == (inside & (frame["Status"] == "Closed")).sum(), period
        assert figures["rejected"] == (inside & (frame["Status"] == "Cancelled")).sum(), period
    december = totals(LA, config, "2017-12")
    assert (december["received"], december["answered"], december["rejected"]) == (300, 293, 7)
    # As of the month's last day, only the requests closed by then count as answered.
    closed = pd.to_datetime(frame["ClosedDate"], format=US_TIME, errors="coerce")
    by_then = (frame["Status"] == "Closed") & (closed.isna() | (closed < "2018-01-01"))
    at_month_end = totals(LA, config, "2017-12", as_of=None)
    assert at_month_end["answered"] == by_then.sum() == 11
    assert at_month_end["in_progress"] == 300 - 11 - at_month_end["rejected"]


def test_la_districts_are_council_numbers() -> None:
    frame = raw(LA)
    data = pipeline.load_and_validate([LA], load_config(EXAMPLES / "la311.toml"))
    assert data.report.sources[0].mapping["district"] == "CD"
    assert sorted(data.queries["district"].unique()) == sorted(frame["CD"].unique())
    assert all(d.isdigit() for d in data.queries["district"])
    channels = data.queries["channel"].value_counts().to_dict()
    assert channels == frame["RequestSource"].value_counts().to_dict()


def test_la_district_falls_back_to_the_neighbourhood_council(tmp_path: Path) -> None:
    frame = raw(LA).drop(columns=["CD", "CDMember"])
    path = tmp_path / "la_without_cd.csv"
    frame.to_csv(path, index=False)
    data = pipeline.load_and_validate([path], load_config(EXAMPLES / "la311.toml"))
    assert data.report.sources[0].mapping["district"] == "NCName"
    named = frame["NCName"] != ""
    expected = frame.loc[named, "NCName"].value_counts().to_dict()
    assert data.queries["district"].value_counts().to_dict() == expected
    # the two requests without a neighbourhood council are kept, with a warning each
    blank = [p.row for p in data.report.problems if p.code == "blank_category"]
    assert blank == [int(i) + 2 for i in frame.index[~named]]
    assert len(data.queries) == 300


# --- San Francisco ------------------------------------------------------------------------


def sf_local(text: pd.Series) -> pd.Series:
    utc = pd.to_datetime(text.str.removesuffix(" UTC"), format="%Y-%m-%d %H:%M:%S", utc=True)
    return utc.dt.tz_convert("America/Los_Angeles").dt.tz_localize(None)


def test_sf_utc_times_are_taken_in_san_francisco() -> None:
    frame = raw(SF)
    created = sf_local(frame["created_date"])
    naive_utc = pd.to_datetime(frame["created_date"].str.removesuffix(" UTC"))
    # the conversion matters here: some requests fall on another day, and another month
    assert (created.dt.date != naive_utc.dt.date).sum() > 0
    data = pipeline.load_and_validate([SF], load_config(EXAMPLES / "sf311.toml"))
    by_row = data.queries.set_index("_row")["received_at"]
    assert by_row.loc[2] == pd.Timestamp("2019-10-05 17:05:55")  # 2019-10-06 00:05:55 UTC
    assert by_row.sort_index().tolist() == created.tolist()

    config = EXAMPLES / "sf311.toml"
    months = sorted(created.dt.strftime("%Y-%m").unique())
    moved = [
        m
        for m in months
        if (created.dt.strftime("%Y-%m") == m).sum() != (naive_utc.dt.strftime("%Y-%m") == m).sum()
    ]
    for month in ["2019-10", *moved[:2]]:
        inside = created.dt.strftime("%Y-%m") == month
        figures = totals(SF, config, month)
        assert figures["received"] == inside.sum(), month
        assert figures["answered"] == (inside & (frame["status"] == "Closed")).sum(), month
        assert figures["in_progress"] == (inside & (frame["status"] == "Open")).sum(), month


def test_sf_whole_extract_figures_and_warnings() -> None:
    frame = raw(SF)
    created = sf_local(frame["created_date"])
    closed_text = frame["closed_date"].mask(frame["closed_date"] == "")
    closed = sf_local(closed_text.fillna("1970-01-01 00:00:00 UTC")).where(closed_text.notna())
    first, last = created.min().date(), created.max().date()
    figures = totals(SF, EXAMPLES / "sf311.toml", f"{first}..{last}")
    assert figures["received"] == 300
    assert figures["answered"] == (frame["status"] == "Closed").sum() == 291
    data = pipeline.load_and_validate([SF], load_config(EXAMPLES / "sf311.toml"))
    early = closed < created
    warned = [p.row for p in data.report.problems if p.code == "answered_before_received"]
    assert warned == [int(i) + 2 for i in early[early].index]
    assert len(warned) == 3
    districts = data.queries["district"].value_counts().to_dict()
    assert districts == frame["supervisor_district"].value_counts().to_dict()
