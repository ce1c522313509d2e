"""``datapackage.json`` beside ``summary.csv``: a Frictionless Data Package that
``frictionless validate`` accepts, with the figures' definitions, licence and source."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pytest

from engagement_report import pipeline
from engagement_report.config import parse_config
from engagement_report.figures import METRICS

OPEN_DATA = {
    "license": "CC-BY-4.0",
    "source": "Akimat of Almaty, public engagement office",
    "source_url": "https://www.gov.kz/memleket/entities/almaty",
}


@pytest.fixture(scope="module")
def built(sample_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    config = parse_config({"open_data": OPEN_DATA, "formats": ["csv"]})
    pipeline.build([sample_data], config, period="2021-01", out=out)
    return out


def test_frictionless_accepts_the_package(built: Path) -> None:
    report = frictionless.validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert (
        report.tasks[0].stats["rows"]
        == len((built / "summary.csv").read_text(encoding="utf-8").splitlines()) - 1
    )


def test_the_package_describes_the_summary(built: Path) -> None:
    package = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}
    ]
    assert package["sources"] == [{"title": OPEN_DATA["source"], "path": OPEN_DATA["source_url"]}]
    (resource,) = package["resources"]
    assert resource["path"] == "summary.csv"
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert list(fields) == [
        "period_start", "period_end", "dataset", "metric", "dimension", "category", "value",
    ]  # fmt: skip
    assert (fields["period_start"]["type"], fields["value"]["type"]) == ("date", "number")
    metric = fields["metric"]
    for m in METRICS:  # every definition, once, as the figures module words it
        assert f"{m.dataset}.{m.name}: {m.definition}" in metric["description"]
    labels = {c["value"]: c["label"] for c in metric["categories"]}
    assert "publications / press_events" in labels["publications_per_event"]
    summary_metrics = {
        line.split(",")[3]
        for line in (built / "summary.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    assert summary_metrics <= set(metric["constraints"]["enum"])


def test_a_summary_that_breaks_the_schema_fails_validation(built: Path, tmp_path: Path) -> None:
    package = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"][0].pop("hash")  # the file is changed on purpose below
    package["resources"][0].pop("bytes")
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    lines = (built / "summary.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",received,", ",invented_metric,")
    (tmp_path / "summary.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["constraint-error"]


def test_a_changed_summary_no_longer_matches_its_hash(built: Path, tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_bytes((built / "datapackage.json").read_bytes())
    text = (built / "summary.csv").read_text(encoding="utf-8")
    (tmp_path / "summary.csv").write_text(text.replace(",24525", ",24526"), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid


def test_without_open_data_settings_there_is_no_licence(sample_data: Path, tmp_path: Path) -> None:
    pipeline.build(
        [sample_data], parse_config({"formats": ["csv"]}), period="2021-01", out=tmp_path
    )
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in package and "sources" not in package
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_no_csv_no_package(sample_data: Path, tmp_path: Path) -> None:
    pipeline.build(
        [sample_data], parse_config({"formats": ["json"]}), period="2021-01", out=tmp_path
    )
    assert not (tmp_path / "datapackage.json").exists()


def test_unknown_open_data_key_is_a_config_error() -> None:
    from engagement_report.errors import ConfigError

    with pytest.raises(ConfigError, match=r"open_data\.licence"):
        parse_config({"open_data": {"licence": "CC-BY-4.0"}})
