"""Open311 GeoReport v2 (issue 14): ``requests.json`` through ``examples/open311.toml``.

The fixture ``tests/data/open311/requests.json`` is written by hand from the GeoReport v2
specification (GET Service Requests: every response field, W3C date-times with an offset
or ``Z``, nulls where a field "may not be returned"). Seven requests: six in January
2021, one in December 2020. Expected figures are worked out by hand below.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from engagement_report import pipeline
from engagement_report.config import load_config

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = Path(__file__).parent / "data" / "open311" / "requests.json"
CONFIG = ROOT / "examples" / "open311.toml"
# Every field GET Service Requests returns (GeoReport v2, "Response").
SPEC_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def totals(as_of: date) -> dict[str, float | None]:
    records = pipeline.summarize(
        [REQUESTS], load_config(CONFIG), "2021-01", date(2030, 1, 1), as_of=as_of, cache=False
    )
    return {r.metric: r.value for r in records if r.dataset == "queries" and r.dimension == "total"}


def test_the_fixture_holds_the_specs_fields_and_only_those() -> None:
    requests = json.loads(REQUESTS.read_text(encoding="utf-8"))
    for request in requests:
        # expected_datetime "may not be returned": request 105 leaves it out
        assert set(request) <= SPEC_FIELDS
        assert SPEC_FIELDS - set(request) <= {"expected_datetime"}
        assert request["status"] in ("open", "closed")


def test_every_request_is_read_and_mapped() -> None:
    data = pipeline.load_and_validate([REQUESTS], load_config(CONFIG), cache=False)
    [account] = data.report.sources
    assert (account.dataset, account.unit, account.rows_read, account.used) == (
        "queries",
        "record",
        7,
        7,
    )
    expected = {
        "query_id": "service_request_id",
        "status": "status",
        "topic": "service_name",
        "received_at": "requested_datetime",
        "answered_at": "updated_datetime",
        "deadline": "expected_datetime",
        "body": "agency_responsible",
        "address": "address",
    }
    assert account.mapping == expected
    # agency_responsible "may not be returned": 106 has none, and is said to have none;
    # the open requests 103 and 104 carry an updated_datetime, said once (on 103)
    blank, open_dated = sorted(data.report.problems, key=lambda p: p.code)
    assert (blank.code, blank.row, blank.unit) == ("blank_category", 6, "record")
    assert (open_dated.code, open_dated.row) == ("open_with_answer_date", 3)
    assert open_dated.message.startswith("2 queries in progress by status carry a date")
    # 2021-01-20T15:00:00Z is 07:00 in Los Angeles: offsets and Z are converted
    received = data.queries.set_index("query_id")["received_at"]
    assert str(received["106"]) == "2021-01-20 07:00:00"
    assert str(received["101"]) == "2021-01-04 09:00:00"


def test_january_figures_worked_out_by_hand() -> None:
    # Received in January: 101-106 (107 is December's). Closed: 101 (2 days), 102 (10),
    # 105 (1), 106 (1); open: 103, 104.
    figures = totals(date(2021, 1, 31))
    assert (figures["received"], figures["answered"], figures["in_progress"]) == (6, 4, 2)
    assert figures["median_response_days"] == 1.5  # median of 1, 1, 2, 10
    assert figures["p90_response_days"] == 7.6  # 2 + 0.7 x (10 - 2)
    # Deadlines are expected_datetime: 101 on time (6 Jan, due 8 Jan), 102 late (15 Jan,
    # due 12 Jan), 106 on time; 105 has none. On 31 January 103 (due 20 Jan) is overdue
    # and 104 (due 5 Feb) not yet due.
    assert (figures["on_time"], figures["late"]) == (2, 1)
    assert (figures["open_overdue"], figures["open_not_due"]) == (1, 1)
    assert figures["on_time_share"] == round(2 / 3, 6)


def test_agency_responsible_is_the_responsible_body() -> None:
    # January: Public Works 101, 102, 104; Street Lighting 103, 105; 106 names none.
    records = pipeline.summarize(
        [REQUESTS],
        load_config(CONFIG),
        "2021-01",
        date(2030, 1, 1),
        as_of=date(2021, 1, 31),
        cache=False,
    )
    received = {
        r.category: r.value for r in records if r.dimension == "body" and r.metric == "received"
    }
    assert received == {"Public Works": 3, "Street Lighting": 2, "(not stated)": 1}


def test_an_open_requests_updated_datetime_is_never_its_answer() -> None:
    # 103 is open and was updated on 12 January (a crew assigned): had that been read as
    # its answer, January would show 5 answered, a response time of 2 days among them and
    # 103 answered late, not open.
    figures = totals(date(2021, 1, 31))
    assert figures["answered"] == 4
    assert figures["open_overdue"] == 1
    # still open a year later: the deadline passed, no answer appears
    later = totals(date(2022, 1, 31))
    assert (later["answered"], later["open_overdue"], later["open_not_due"]) == (4, 2, 0)
