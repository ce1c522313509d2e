"""What offices are held to account for: the responsible body, citizens' ratings, outcomes,
repeat appeals and queries per resident, on tiny inputs worked out by hand.

The inputs go through the real loader and validation (CSV files in tmp_path).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from engagement_report import pipeline
from engagement_report.config import (
    Config,
    PopulationConfig,
    RatingsConfig,
    load_config,
    parse_config,
)
from engagement_report.errors import ConfigError
from engagement_report.export import summary_records
from engagement_report.periods import parse_period
from engagement_report.results import Figures

TODAY = date(2021, 6, 1)
# March 2021, as of 31 March (the period's last day). Deadlines are given, so each
# query's class is read off its row.
BODY_ROWS = """\
query_id,received_at,answered_at,status,topic,body,deadline,rating,outcome
Q1,2021-03-01,2021-03-05,answered,Roads,Roads Dept,2021-03-10,5,меры приняты
Q2,2021-03-02,2021-03-20,answered,Roads,Roads Dept,2021-03-10,2,Разъяснено
Q3,2021-03-03,,in progress,Roads,Roads Dept,2021-03-15,4,what?
Q4,2021-03-04,2021-03-06,answered,Parks,Parks Dept,2021-03-10,abc,решено на месте
Q5,2021-03-05,,in progress,Parks,Parks Dept,2021-04-30,6,
Q6,2021-03-06,2021-04-02,answered,Parks,Parks Dept,2021-03-10,5,поддержано
"""


def compute(folder: Path, config: Config | None = None, period: str = "2021-03") -> Figures:
    config = config or Config()
    data = pipeline.load_and_validate([folder], config, cache=False)
    return pipeline.compute(data, parse_period(period), config, today=TODAY)


def rows(result: Figures, dimension: str) -> dict[str, object]:
    return {row.category: row for row in result.breakdown(dimension)}


# --- the responsible body ------------------------------------------------------------------


def test_body_breakdown_received_answered_on_time_and_open_overdue(write_inputs) -> None:
    result = compute(write_inputs(queries=BODY_ROWS), Config(min_category_size=1))
    parks, roads = result.by_body  # three each: by name
    # Roads Dept: Q1 on time, Q2 late (answered 20 March, due 10 March), Q3 open and overdue.
    assert (roads.category, roads.received, roads.answered) == ("Roads Dept", 3, 2)
    assert roads.answered_share == pytest.approx(2 / 3)
    assert roads.on_time_share == pytest.approx(1 / 2)
    assert roads.open_overdue == 1
    assert roads.median_response_days == pytest.approx(11.0)  # 4 and 18 days
    # Parks Dept: Q4 on time; Q5 open, not due; Q6 answered on 2 April, after the
    # cut-off: open at the cut-off and overdue.
    assert (parks.category, parks.received, parks.answered) == ("Parks Dept", 3, 1)
    assert parks.on_time_share == 1.0
    assert parks.open_overdue == 1
    assert parks.median_response_days == pytest.approx(2.0)


def test_body_is_read_from_its_aliases(write_inputs) -> None:
    for header in ("Исполнитель", "agency_responsible", "орындаушы", "Performer"):
        folder = write_inputs(
            queries=f"received_at,status,{header}\n2021-03-01,answered,Police\n"
            "2021-03-02,answered,Police\n"
        )
        result = compute(folder)
        assert [(r.category, r.received) for r in result.by_body] == [("Police", 2)]


def test_no_body_column_no_body_breakdown(write_inputs) -> None:
    folder = write_inputs(queries="received_at,status,topic\n2021-03-01,answered,Roads\n")
    result = compute(folder)
    assert result.by_body == ()
    assert not [r for r in summary_records(result) if r.dimension == "body"]


def test_body_rows_in_the_summary(write_inputs) -> None:
    result = compute(write_inputs(queries=BODY_ROWS), Config(min_category_size=1))
    body = {
        (r.metric, r.category): r.value for r in summary_records(result) if r.dimension == "body"
    }
    assert body[("received", "Roads Dept")] == 3
    assert body[("open_overdue", "Roads Dept")] == 1
    assert body[("on_time_share", "Roads Dept")] == 0.5
    assert body[("resolved", "Parks Dept")] == 1


# --- citizens' ratings ---------------------------------------------------------------------


def test_ratings_count_answered_queries_with_a_rating_on_the_scale(write_inputs) -> None:
    folder = write_inputs(queries=BODY_ROWS)
    result = compute(folder, Config(min_category_size=1))
    totals = result.accountability
    assert totals is not None
    # Answered by the cut-off: Q1, Q2, Q4. Rated among them: Q1 (5) and Q2 (2); Q4's 'abc'
    # is off the scale. Q3 (open) and Q6 (answered after the cut-off) do not count.
    assert totals.rated == 2
    assert totals.rated_share == pytest.approx(2 / 3)
    assert totals.rating_mean == pytest.approx(3.5)
    assert totals.satisfied_share == pytest.approx(1 / 2)
    roads, parks = rows(result, "body")["Roads Dept"], rows(result, "body")["Parks Dept"]
    assert (roads.rated, roads.rated_share, roads.rating_mean) == (2, 1.0, 3.5)  # type: ignore[attr-defined]
    assert (parks.rated, parks.rated_share, parks.rating_mean) == (0, 0.0, None)  # type: ignore[attr-defined]
    assert parks.satisfied_share is None  # type: ignore[attr-defined]
    topic = rows(result, "topic")["Roads"]
    assert topic.satisfied_share == pytest.approx(1 / 2)  # type: ignore[attr-defined]


def test_ratings_off_the_scale_are_warnings_with_positions(write_inputs) -> None:
    data = pipeline.load_and_validate([write_inputs(queries=BODY_ROWS)], Config(), cache=False)
    found = [(p.code, p.row, p.value) for p in data.report.problems if p.code == "invalid_rating"]
    assert found == [("invalid_rating", 5, "abc"), ("invalid_rating", 6, "6")]
    assert all(p.severity == "warning" for p in data.report.problems if p.code == "invalid_rating")


def test_yes_no_ratings(write_inputs) -> None:
    folder = write_inputs(
        queries="received_at,answered_at,status,удовлетворенность\n"
        "2021-03-01,2021-03-02,answered,да\n"
        "2021-03-01,2021-03-02,answered,Нет\n"
        "2021-03-01,2021-03-02,answered,иә\n"
        "2021-03-01,2021-03-02,answered,maybe\n"
        "2021-03-01,2021-03-02,answered,\n"
    )
    config = Config(ratings=RatingsConfig(scale="yes-no"))
    totals = compute(folder, config).accountability
    assert totals is not None
    # Rated: да, нет, иә; 'maybe' is neither (a warning), the blank is no rating.
    assert (totals.rated, totals.rating_mean) == (3, None)
    assert totals.satisfied_share == pytest.approx(2 / 3)
    assert totals.rated_share == pytest.approx(3 / 5)


def test_satisfied_from_is_configurable(write_inputs) -> None:
    folder = write_inputs(
        queries="received_at,answered_at,status,rating\n"
        + "".join(f"2021-03-01,2021-03-02,answered,{n}\n" for n in (1, 2, 3, 4, 5))
    )
    totals = compute(folder, Config(ratings=RatingsConfig(satisfied_from=3))).accountability
    assert totals is not None and totals.satisfied_share == pytest.approx(3 / 5)


# --- outcomes ------------------------------------------------------------------------------


def test_outcomes_resolved_over_answered(write_inputs) -> None:
    result = compute(write_inputs(queries=BODY_ROWS), Config(min_category_size=1))
    totals = result.accountability
    assert totals is not None
    # Answered by the cut-off: Q1 (меры приняты: resolved), Q2 (разъяснено: explained),
    # Q4 (решено на месте: resolved on the spot). Q6 (поддержано) was answered after it.
    assert (totals.outcome_recorded, totals.resolved, totals.resolved_on_the_spot) == (3, 2, 1)
    assert totals.resolved_share == pytest.approx(2 / 3)
    parks = rows(result, "body")["Parks Dept"]
    assert (parks.resolved, parks.resolved_share, parks.resolved_on_the_spot) == (1, 1.0, 1)  # type: ignore[attr-defined]


def test_unknown_outcome_is_a_warning_and_config_spellings_count(write_inputs) -> None:
    folder = write_inputs(queries=BODY_ROWS)
    data = pipeline.load_and_validate([folder], Config(), cache=False)
    found = [(p.code, p.row, p.value) for p in data.report.problems if p.code == "unknown_outcome"]
    assert found == [("unknown_outcome", 4, "what?")]
    config = parse_config({"outcomes": {"explained": ["What?"]}})
    data = pipeline.load_and_validate([folder], config, cache=False)
    assert not [p for p in data.report.problems if p.code == "unknown_outcome"]


def test_no_outcome_or_rating_column_no_such_figures(write_inputs) -> None:
    folder = write_inputs(queries="received_at,status\n2021-03-01,answered\n")
    result = compute(folder)
    totals = result.accountability
    assert totals is not None
    assert (totals.rated, totals.resolved, totals.repeats) == (None, None, None)
    metrics = {r.metric for r in summary_records(result)}
    assert not metrics & {"rated", "resolved", "repeats", "rating_mean"}


# --- repeat appeals ------------------------------------------------------------------------

REPEAT_ROWS = """\
query_id,received_at,answered_at,status,topic,телефон,адрес
A1,2021-02-01,2021-02-10,answered,Roads,+7 701 111 22 33,"ул. Абая, д. 10"
A2,2021-03-01,2021-03-05,answered,Roads,8 (701) 111-22-33,"АБАЯ, 10"
A3,2021-03-02,,in progress,Parks,8 701 111 22 33,
A4,2021-03-20,,in progress,Roads,,Абая 10
A5,2021-03-25,,in progress,Roads,+77011112233,
A6,2021-03-10 09:00,2021-03-10 09:00,answered,Roads,other@example.com,
A7,2021-03-10 09:00,,in progress,Roads,Other@Example.com,
A12,2021-03-11 09:00,2021-03-12,answered,Parks,+7 777 000 11 22,
A13,2021-03-12 10:00,,in progress,Parks,+7 777 000 11 22,
A8,2021-03-15,,in progress,Roads,X-999,
A9,2021-03-16,,in progress,Roads,x-999,
A10,2021-04-01,,in progress,Roads,+7 701 111 22 33,
"""


def test_repeats_by_applicant_key_or_address_and_topic(write_inputs) -> None:
    result = compute(write_inputs(queries=REPEAT_ROWS), Config(min_category_size=1))
    totals = result.accountability
    assert totals is not None
    # March: A2..A9. A2 repeats A1 (same phone, answered 10 Feb, within 30 days); A4
    # repeats A2 by address (answered 5 March); A5 repeats A2 by phone; A7 repeats A6
    # (answered at the moment A7 arrived, and A6 came first). A3 is another topic, A6 has
    # no earlier query, A9's earlier query A8 is not answered, and A13 arrived at 10:00
    # on the day A12 was answered with no time of day: perhaps before the answer, so no
    # repeat.
    assert totals.repeats == 4
    assert totals.repeat_share == pytest.approx(4 / 10)
    topics = rows(result, "topic")
    assert (topics["Roads"].repeats, topics["Parks"].repeats) == (4, 0)  # type: ignore[attr-defined]
    assert topics["Roads"].repeat_share == pytest.approx(4 / 7)  # type: ignore[attr-defined]


def test_repeat_window_is_configurable(write_inputs) -> None:
    folder = write_inputs(queries=REPEAT_ROWS)
    # 10 days: A2 (19 days after A1's answer) and A5 (20 days after A2's) are no repeats
    # any more; A4 (15 days) neither; A7 (same moment) still is.
    totals = compute(folder, parse_config({"repeats": {"window_days": 10}})).accountability
    assert totals is not None and totals.repeats == 1


def test_personal_values_are_hashed_in_the_clean_frame(write_inputs) -> None:
    data = pipeline.load_and_validate([write_inputs(queries=REPEAT_ROWS)], Config(), cache=False)
    values = data.queries[["applicant", "address"]].stack().astype("string")
    # Salted hashes only (hex), so no clear phone, address or e-mail can be among them;
    # a clear digit run such as "111" may well occur inside a hex hash by chance.
    assert len(values) and values.str.fullmatch(r"[0-9a-f]{24}").all()
    text = values.str.cat()
    for clear in ("1112233", "Абая", "абая", "example", "X-999", "x-999"):
        assert clear not in text


def test_personal_values_never_reach_outputs_or_the_cache(
    write_inputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.ipc as ipc

    cache = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(cache))
    # A rejected row (no date received) carries a phone and an address too.
    folder = write_inputs(
        queries=REPEAT_ROWS + 'A11,,,answered,Roads,+7 702 555 44 33,"пр. Достык, 5"\n'
    )
    out = tmp_path / "out"
    for _ in range(2):  # the second run reads the checked data from the cache
        pipeline.build([folder], Config(), period="2021-03", out=out, today=TODAY)
    clear = ("111 22 33", "1112233", "555 44 33", "5554433", "Абая", "Достык", "example.com")
    files = [p for p in [*out.rglob("*"), *cache.rglob("*")] if p.is_file()]
    assert any(p.suffix == ".arrow" for p in files) and (out / "rejected.csv").is_file()
    for path in files:
        blob = path.read_bytes()
        texts = [blob.decode("utf-8", "replace")]
        if path.suffix == ".arrow":  # compressed: read the columns back
            table = ipc.open_file(path).read_all() if blob[:6] == b"ARROW1" else None
            if table is None:
                table = ipc.open_stream(path).read_all()
            texts.append(table.to_pandas().astype("string").to_csv())
        for text in texts:
            for value in clear:
                assert value not in text, (path, value)
    assert "(hidden: personal data)" in (out / "rejected.csv").read_text(encoding="utf-8")


# --- queries per resident ------------------------------------------------------------------


def test_received_per_10k_residents(write_inputs) -> None:
    folder = write_inputs(
        queries="received_at,status,district\n"
        + "2021-03-01,answered,Alatau\n" * 3
        + "2021-03-01,answered,almaly\n"
        + "2021-03-01,answered,Bostandyk\n"
    )
    population = PopulationConfig({"Alatau": 200_000, "Almaly": 100_000}, 2021, "test figures")
    result = compute(folder, Config(population=population))
    districts = rows(result, "district")
    assert districts["Alatau"].received_per_10k == pytest.approx(0.15)  # type: ignore[attr-defined]
    assert districts["almaly"].received_per_10k == pytest.approx(0.1)  # type: ignore[attr-defined]
    assert districts["Bostandyk"].received_per_10k is None  # type: ignore[attr-defined]
    records = {
        (r.metric, r.category): r.value
        for r in summary_records(result)
        if r.dimension == "district"
    }
    assert records[("received_per_10k", "Alatau")] == 0.15
    assert records[("received_per_10k", "Bostandyk")] is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"ratings": {"scale": "1-10"}}, "ratings.scale must be '1-5' or 'yes-no'"),
        ({"ratings": {"satisfied_from": 7}}, "ratings.satisfied_from must be"),
        ({"ratings": {"yes": ["ok"], "no": ["OK"]}}, "listed under both yes and no"),
        ({"outcomes": {"solved": ["x"]}}, "unknown key 'outcomes.solved'"),
        ({"outcomes": {"resolved": ["x"], "refused": ["X"]}}, "listed under both"),
        ({"repeats": {"window_days": 0}}, "repeats.window_days must be"),
        ({"repeats": {"salt": "short"}}, "repeats.salt must be"),
        ({"population": {"Alatau": 1000}}, "population.source is required"),
        ({"population": {"source": "x", "Alatau": "many"}}, "population.Alatau must be"),
        ({"population": {"source": "x", "Alatau": 1, "ALATAU": 2}}, "name the same district"),
    ],
)
def test_bad_accountability_config(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_config(raw)


def test_sample_data_with_the_almaty_example_has_bodies(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    config = load_config(root / "examples" / "almaty.toml")
    records = pipeline.summarize([root / "sample_data"], config, "2021-01", TODAY)
    received = {
        r.category: r.value for r in records if r.dimension == "body" and r.metric == "received"
    }
    # Counted independently from the CSV: bodies of the queries received in January 2021.
    import pandas as pd

    frame = pd.read_csv(root / "sample_data" / "queries.csv", dtype=str, keep_default_na=False)
    january = frame[frame["received_at"].str.startswith("2021-01")]
    assert received == january["body"].value_counts().to_dict()
    assert sum(received.values()) == len(january)  # type: ignore[arg-type]


# --- the report's sections in three languages ----------------------------------------------

SECTIONS = {
    "en": (
        "Who answers late",
        "Citizens' ratings",
        "Outcomes of answers",
        "Repeat appeals",
        "Queries per 10,000 residents",
        "Answered is not resolved",
    ),
    "ru": (
        "Кто отвечает с опозданием",
        "Оценки граждан",
        "Результаты ответов",
        "Повторные обращения",
        "Обращения на 10 000 жителей",
        "Ответ — ещё не решение",
    ),
    "kk": (
        "Кім кешігіп жауап береді",
        "Азаматтардың бағалары",
        "Жауаптардың нәтижелері",
        "Қайталанған өтініштер",
        "10 000 тұрғынға шаққандағы өтініштер",
        "Жауап берілді — шешілді деген сөз емес",
    ),
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_report_sections_in_each_language(write_inputs, tmp_path: Path, lang: str) -> None:
    rows = BODY_ROWS.replace("rating,outcome\n", "rating,outcome,district,phone\n")
    lines = rows.splitlines()
    lines[1:] = [f"{line},Alatau,+7 701 000 00 0{i % 2}" for i, line in enumerate(lines[1:])]
    folder = write_inputs(queries="\n".join(lines) + "\n")
    config = Config(
        lang=lang,
        min_category_size=1,
        population=PopulationConfig({"Alatau": 200_000}, 2021, "test figures"),
    )
    out = tmp_path / lang
    pipeline.build([folder], config, period="2021-03", out=out, today=TODAY)
    for name in ("report.md", "report.html"):
        text = (out / name).read_text(encoding="utf-8").replace("\u00a0", " ")
        for heading in SECTIONS[lang]:
            assert heading in text, (name, heading)
    md = (out / "report.md").read_text(encoding="utf-8")
    if lang == "en":
        # Roads Dept has the most open overdue... both have one: the lower on-time share first.
        late = md.split("## Who answers late")[1]
        assert late.index("| Roads Dept | 3 |") < late.index("| Parks Dept | 3 |")
        assert "| Alatau | 6 | 200,000 | 0.3 |" in md
        assert "2 of 3 answered queries carry a citizen's rating (66.7%): mean 3.50" in md


def test_two_applicant_columns_are_named_without_their_values(write_inputs) -> None:
    folder = write_inputs(
        queries="received_at,status,телефон,phone\n2021-03-01,answered,+7 701 123 45 67,8 702 765 43 21\n"
    )
    data = pipeline.load_and_validate([folder], Config(), cache=False)
    [warning] = [p for p in data.report.problems if p.code == "duplicate_column"]
    assert warning.column == "applicant" and "personal data, not shown" in warning.message
    assert "123" not in warning.message + str(warning.value)
    assert "765" not in warning.message + str(warning.value)


def _repeats_by_hand(frame: pd.DataFrame, days: int) -> list[bool]:
    """The definition read literally, pair by pair (for small frames only)."""
    window = pd.Timedelta(days=days)
    rows = list(frame.itertuples(index=False))
    out = []
    for i, q in enumerate(rows):
        hit = False
        for j, p in enumerate(rows):
            earlier = p.received_at < q.received_at or (p.received_at == q.received_at and j < i)
            same_key = any(
                pd.notna(getattr(p, k))
                and pd.notna(getattr(q, k))
                and getattr(p, k) == getattr(q, k)
                for k in ("applicant", "address")
            )
            moment = p.answered_at
            if pd.notna(moment) and not p.answered_timed:
                moment = moment.normalize() + pd.Timedelta(days=1) - pd.Timedelta(1, unit="ns")
            answered = (
                p.status == "answered"
                and pd.notna(moment)
                and moment >= p.received_at
                and q.received_at - window <= moment <= q.received_at
            )
            hit |= j != i and earlier and same_key and p.topic == q.topic and answered
        out.append(bool(hit))
    return out


@pytest.mark.parametrize("seed", range(20))
def test_repeat_flags_match_the_definition_pair_by_pair(seed: int) -> None:
    import numpy as np

    from engagement_report.repeats import repeat_flags

    rng = np.random.default_rng(seed)
    n = 60
    # Whole days or whole hours: many queries arrive, and are answered, at one moment;
    # some answers carry no time of day.
    unit = "D" if seed % 2 else "h"
    received = pd.Timestamp("2021-03-01") + pd.to_timedelta(rng.integers(0, 40, n), unit=unit)
    answered = received + pd.to_timedelta(rng.integers(-2, 25, n), unit=unit)
    frame = pd.DataFrame(
        {
            "received_at": received,
            "answered_at": answered.where(rng.random(n) < 0.8),
            "answered_timed": rng.random(n) < 0.5,
            "status": rng.choice(["answered", "in_progress", "rejected"], n, p=[0.7, 0.2, 0.1]),
            "topic": rng.choice(["Roads", "Parks"], n),
            "applicant": pd.array(
                [None if x == 0 else f"a{x}" for x in rng.integers(0, 6, n)], dtype="string"
            ),
            "address": pd.array(
                [None if x == 0 else f"h{x}" for x in rng.integers(0, 4, n)], dtype="string"
            ),
        }
    )
    assert repeat_flags(frame, 10).tolist() == _repeats_by_hand(frame, 10)
