"""The press question log (issue 14): read as its own dataset, gathered into press events
(one date and one event name), combined day by day with a press-events sheet, and broken
down by outlet, speaker and topic. Every expectation is counted by hand from the rows.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from engagement_report import pipeline
from engagement_report.aggregates import event_partial, press_result
from engagement_report.config import Config, parse_config
from engagement_report.errors import InputError
from engagement_report.questions import (
    Asked,
    asked_parts,
    asked_rows,
    press_events_with_log,
    question_events,
)
from engagement_report.results import PressFigures, QuestionFigures
from tests.workbooks import write_xlsx

TODAY = date(2030, 1, 1)


def categories(*labels: str | None) -> pd.Series:
    return pd.Series(pd.Categorical(list(labels)))


def log(*rows: tuple[str, str | None, str | None, str | None, str | None]) -> pd.DataFrame:
    """A clean question log: (date, event, outlet, speaker, topic) per question."""
    dates, events, outlets, speakers, topics = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "date": pd.to_datetime(list(dates), format="ISO8601"),
            "event": categories(*events),
            "outlet": categories(*outlets),
            "speaker": categories(*speakers),
            "topic": categories(*topics),
        }
    )


def sheet(*rows: tuple[str, int | None, int | None, int | None]) -> pd.DataFrame:
    """A clean press-events sheet: (date, speakers, journalist_questions, publications)."""
    dates, speakers, questions, publications = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "date": pd.to_datetime(list(dates)),
            "topic": categories(*([None] * len(dates))),
            "speakers": pd.array(list(speakers), dtype="Int64"),
            "journalist_questions": pd.array(list(questions), dtype="Int64"),
            "publications": pd.array(list(publications), dtype="Int64"),
        }
    )


# 5 January: a press conference (3 questions: outlets A, B, A; speakers X, X, Y) and an
# interview (1 question: A, speaker X); 6 January: two questions with no event name
# (one event of that day: outlets C and blank, speakers blank and blank).
LOG = log(
    ("2021-01-05 10:00", "Briefing", "A", "X", "roads"),
    ("2021-01-05 10:05", "Briefing", "B", "X", "roads"),
    ("2021-01-05 10:10", "Briefing", "A", "Y", "schools"),
    ("2021-01-05 18:00", "TV interview", "A", "X", None),
    ("2021-01-06", None, "C", None, "roads"),
    ("2021-01-06", None, None, None, "roads"),
)


def test_an_event_is_one_date_and_one_event_name() -> None:
    events = question_events(LOG)
    assert list(events["date"].dt.strftime("%Y-%m-%d")) == [
        "2021-01-05",
        "2021-01-05",
        "2021-01-06",
    ]
    assert list(events["title"]) == ["Briefing", "TV interview", "(not stated)"]
    assert list(events["journalist_questions"]) == [3, 1, 2]
    assert list(events["speakers"]) == [2, 1, pd.NA]  # no question of 6 January names one
    assert list(events["outlets"]) == [2, 1, 1]  # the blank outlet is no outlet


def test_log_alone_totals() -> None:
    press = press_totals(_empty_sheet(), LOG)
    assert press.press_events == 3
    assert press.journalist_questions == 6
    assert press.questions_per_event == 2.0
    assert press.outlets == 2 + 1 + 1
    # 6 January's event names no speaker: the period's speakers are not recorded
    assert press.speakers is None and press.speakers_not_recorded == 1
    # a question log has no publications
    assert press.publications is None and press.publications_not_recorded == 3
    assert press.questions_logged == 6
    named = press_totals(_empty_sheet(), LOG[LOG["date"] < "2021-01-06"])
    assert (named.press_events, named.speakers, named.outlets) == (2, 3, 3)


def press_totals(events: pd.DataFrame, questions: pd.DataFrame) -> PressFigures:
    """The press totals of the sheet's ``events`` and the log's ``questions`` together, as
    both engines compute them (aggregates.event_partial)."""
    no_broadcasts = pd.DataFrame(
        {"questions_answered": pd.Series(dtype="Int64"), "tv_segments": pd.Series(dtype="Int64")}
    )
    return press_result(event_partial(no_broadcasts, events, questions))


def question_breakdowns(questions: pd.DataFrame) -> dict[str, tuple[QuestionFigures, ...]]:
    """The log's questions by outlet, speaker and topic (aggregates.finish's rows)."""
    parts = asked_parts(questions)
    return {d: asked_rows(parts.get(d, {}), len(questions)) for d in parts}


def _empty_sheet() -> pd.DataFrame:
    return sheet(("2021-01-01", 0, 0, 0))[:0]


def test_a_day_the_sheet_lists_is_counted_from_the_sheet() -> None:
    # The sheet lists 5 January (two events: 4 + 1 questions, 2 + 1 speakers) and
    # 7 January; the log covers 5 and 6 January.
    events = sheet(("2021-01-05", 2, 4, 10), ("2021-01-05", 1, 1, 3), ("2021-01-07", 1, 2, 5))
    combined = press_events_with_log(events, LOG)
    assert list(combined["date"].dt.strftime("%d")) == ["05", "05", "07", "06"]
    assert list(combined["journalist_questions"]) == [4, 1, 2, 2]
    assert list(combined["speakers"]) == [2, 1, 1, pd.NA]
    assert list(combined["publications"]) == [10, 3, 5, pd.NA]
    # 5 January's outlets are the log's (2 at the briefing + 1 at the interview), on the
    # day's first row; 7 January has no log: not recorded
    assert list(combined["outlets"]) == [3, 0, pd.NA, 1]
    press = press_totals(events, LOG)
    assert press.press_events == 4
    assert press.journalist_questions == 4 + 1 + 2 + 2
    assert press.publications is None and press.publications_not_recorded == 1
    assert press.outlets is None and press.outlets_not_recorded == 1
    assert press.questions_logged == 6


def test_without_a_log_nothing_changes() -> None:
    events = sheet(("2021-01-05", 2, 4, 10), ("2021-01-07", 1, 2, 5))
    press = press_totals(events, LOG[:0])
    assert (press.press_events, press.speakers, press.journalist_questions) == (2, 3, 6)
    assert press.publications == 15
    assert press.outlets is None and press.outlets_not_recorded == 2
    assert press.questions_logged == 0


def test_questions_by_outlet_speaker_and_topic() -> None:
    asked = question_breakdowns(LOG)
    assert asked["outlet"] == (
        QuestionFigures("A", 3, 3 / 6, 2),  # briefing and interview
        QuestionFigures("(not stated)", 1, 1 / 6, 1),
        QuestionFigures("B", 1, 1 / 6, 1),
        QuestionFigures("C", 1, 1 / 6, 1),
    )
    assert asked["speaker"] == (
        QuestionFigures("X", 3, 3 / 6, 2),
        QuestionFigures("(not stated)", 2, 2 / 6, 1),
        QuestionFigures("Y", 1, 1 / 6, 1),
    )
    assert asked["topic"] == (
        QuestionFigures("roads", 4, 4 / 6, 2),
        QuestionFigures("(not stated)", 1, 1 / 6, 1),
        QuestionFigures("schools", 1, 1 / 6, 1),
    )
    # the events an outlet asked at add up over pieces of whole days (an archive's months)
    merged: dict[str, Asked] = {}
    for piece in (LOG[LOG["date"] < "2021-01-06"], LOG[LOG["date"] >= "2021-01-06"]):
        for label, part in asked_parts(piece)["outlet"].items():
            merged[label] = merged.get(label, Asked()) + part
    assert asked_rows(merged, len(LOG)) == asked["outlet"]


# --- read from files -----------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


LOG_CSV = (
    "date,event,media outlet,speaker,topic\n"
    "05.01.2021,Briefing,A,X,roads\n"
    "05.01.2021,Briefing,B,X,roads\n"
    "05.01.2021,Briefing,A,Y,schools\n"
    "05.01.2021,TV interview,A,X,\n"
    "06.01.2021,,C,,roads\n"
    ",,,,\n"
    "Total,,,,\n"
    "yesterday,Briefing,A,X,roads\n"
)


def summary(paths: list[Path], config: Config | None = None, period: str = "2021-01") -> dict:
    records = pipeline.summarize(paths, config or Config(), period, TODAY, as_of=TODAY)
    return {
        (r.metric, r.dimension, r.category): r.value for r in records if r.dataset == "press_events"
    }


def test_every_row_of_a_log_is_accounted_for(tmp_path: Path) -> None:
    report = pipeline.check_inputs([write(tmp_path / "press_questions.csv", LOG_CSV)], Config())
    [source] = report.sources
    assert source.dataset == "press_questions"
    assert (source.rows_read, source.used, source.blank, source.total_rows, source.rejected) == (
        8,
        5,
        1,
        1,
        1,
    )
    every = source.used + source.duplicate + source.blank + source.total_rows + source.rejected
    assert every == source.rows_read
    [bad] = [p for p in report.problems if p.severity == "error"]
    assert (bad.code, bad.row, bad.column, bad.value) == ("invalid_date", 9, "date", "yesterday")
    blanks = sorted((p.row, p.column) for p in report.problems if p.code == "blank_category")
    assert blanks == [(5, "topic"), (6, "event"), (6, "speaker")]


def test_a_log_in_the_summary(tmp_path: Path) -> None:
    figures = summary([write(tmp_path / "press_questions.csv", LOG_CSV)])
    assert figures[("press_events", "total", "")] == 3
    assert figures[("journalist_questions", "total", "")] == 5
    assert figures[("speakers", "total", "")] is None  # 6 January's event names none
    assert figures[("outlets", "total", "")] == 2 + 1 + 1
    assert figures[("publications", "total", "")] is None
    assert figures[("journalist_questions", "outlet", "A")] == 3
    assert figures[("share_of_questions", "outlet", "A")] == 0.6
    assert figures[("press_events", "outlet", "A")] == 2
    assert figures[("journalist_questions", "speaker", "X")] == 3
    assert figures[("journalist_questions", "topic", "roads")] == 3
    assert figures[("journalist_questions", "topic", "(not stated)")] == 1


def test_without_a_log_no_outlet_rows(tmp_path: Path) -> None:
    events = write(
        tmp_path / "press_events.csv",
        "date,speakers,journalist_questions,publications\n05.01.2021,2,4,10\n",
    )
    figures = summary([events])
    assert figures[("press_events", "total", "")] == 1
    assert not [key for key in figures if key[0] == "outlets" or key[1] != "total"]


@pytest.mark.parametrize(
    ("sheet_questions", "warned"),
    [("4", True), ("3", False), ("", False)],  # the log holds 3 questions on 5 January
)
def test_a_count_the_log_contradicts_is_a_warning(
    tmp_path: Path, sheet_questions: str, warned: bool
) -> None:
    events = write(
        tmp_path / "press_events.csv",
        "date,title,speakers,journalist_questions,publications\n"
        "04.01.2021,Briefing,1,9,1\n"
        f"05.01.2021,Briefing,2,{sheet_questions},10\n",
    )
    questions = write(
        tmp_path / "press_questions.csv",
        "date,event,media outlet,speaker\n"
        "05.01.2021,Briefing,A,X\n05.01.2021,Briefing,B,X\n05.01.2021,Briefing,A,Y\n"
        "06.01.2021,Briefing,A,X\n",
    )
    report = pipeline.check_inputs([events, questions], Config())
    found = [p for p in report.problems if p.code == "press_log_mismatch"]
    if not warned:
        assert not found
        return
    [problem] = found
    assert (problem.file, problem.row, problem.column, problem.value) == (
        str(events),
        3,
        "journalist_questions",
        "4",
    )
    assert "count 4" in problem.message and "holds 3" in problem.message
    account = next(s for s in report.sources if s.dataset == "press_events")
    assert account.warnings == 1 and account.problem_counts == {"press_log_mismatch": 1}
    # the sheet's count is used for 5 January; 6 January is the log's
    figures = summary([events, questions])
    assert figures[("press_events", "total", "")] == 3
    assert figures[("journalist_questions", "total", "")] == 9 + 4 + 1
    assert figures[("speakers", "total", "")] == 1 + 2 + 1
    assert figures[("outlets", "total", "")] is None  # 4 January has no log
    assert figures[("journalist_questions", "outlet", "A")] == 3  # the log's questions
    # the log has no topic column: no topic breakdown, not one '(not stated)' row
    assert not [key for key in figures if key[1] == "topic"]


@pytest.mark.parametrize(
    "headers",
    [
        ["Дата", "Мероприятие", "СМИ", "Спикер", "Тема"],
        ["Күні", "Іс-шара", "БАҚ", "Жауап берген", "Тақырып"],
        ["Date", "Event", "Media outlet", "Respondent", "Topic"],
    ],
)
def test_a_log_is_recognised_by_its_headers(tmp_path: Path, headers: list[str]) -> None:
    path = write_xlsx(
        tmp_path / "export.xlsx",
        {"Sheet1": [headers, ["05.01.2021", "Briefing", "A", "X", "roads"]]},
    )
    [source] = pipeline.check_inputs([path], Config()).sources
    assert (source.dataset, source.recognised_by, source.used) == ("press_questions", "header", 1)
    assert set(source.mapping) == {"date", "event", "outlet", "speaker", "topic"}


def test_a_sheet_named_for_the_log_names_its_missing_outlet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "export.xlsx",
        {"Вопросы журналистов": [["Дата", "Спикер"], ["05.01.2021", "X"]]},
    )
    with pytest.raises(InputError, match="outlet"):
        pipeline.check_inputs([path], Config())


def test_an_event_list_without_outlets_is_no_log(tmp_path: Path) -> None:
    # date, event and topic alone: a list of events without counts, not questions
    path = write(tmp_path / "export.csv", "Дата,Мероприятие,Тема\n05.01.2021,Брифинг,дороги\n")
    with pytest.raises(InputError, match="not recognised"):
        pipeline.check_inputs([path], Config())


def test_swedish_headers_through_the_config(tmp_path: Path) -> None:
    config = parse_config(
        {
            "columns": {
                "press_questions": {
                    "date": "Datum",
                    "event": "Medium",
                    "outlet": "Intervjuare",
                    "speaker": "Respondent",
                    "topic": "Ämne",
                }
            }
        }
    )
    path = write(
        tmp_path / "fragor.csv",
        "Datum,Medium,Intervjuare,Respondent,Ämne\n"
        "2020-03-11,FHM presskonferens,DN,FHM: Tegnell,Smittspridning\n"
        "2020-03-11,SVT intervju,SVT,FHM: Tegnell,Smittspridning\n",
    )
    figures = summary([path], config, "2020-03")
    assert figures[("press_events", "total", "")] == 2
    assert figures[("speakers", "total", "")] == 2
    assert figures[("outlets", "total", "")] == 2


def test_the_figures_cache_keeps_the_log_s_figures(tmp_path: Path) -> None:
    from engagement_report.figures_cache import decode, encode

    questions = write(tmp_path / "press_questions.csv", LOG_CSV)
    result = pipeline.build(
        [questions], Config(), period="2021-01", out=tmp_path / "out", today=TODAY
    )
    figures = result.figures
    assert figures.by_outlet and figures.by_speaker and figures.by_question_topic
    assert decode(encode(figures)) == figures


# --- the agenda: citizens, journalists, officials ------------------------------------------


def test_the_agenda_is_three_way(tmp_path: Path) -> None:
    queries = write(
        tmp_path / "queries.csv",
        "received_at,status,topic\n"
        + "05.01.2021,answered,Roads\n" * 3
        + "06.01.2021,answered,Parks\n",
    )
    broadcasts = write(
        tmp_path / "broadcasts.csv",
        "date,topic,questions_answered\n07.01.2021,roads,10\n",
    )
    questions = write(
        tmp_path / "press_questions.csv",
        "date,event,media outlet,topic\n"
        "05.01.2021,Briefing,A,Roads\n05.01.2021,Briefing,B,Schools\n"
        "05.01.2021,Briefing,B,Schools\n05.01.2021,Briefing,C,\n",
    )
    result = pipeline.build(
        [queries, broadcasts, questions],
        Config(),
        period="2021-01",
        out=tmp_path / "o",
        today=TODAY,
    )
    rows = {
        row.topic: (
            row.queries,
            row.share_of_queries,
            row.journalist_questions,
            row.share_of_questions,
            row.broadcasts,
            row.press_events,
            row.unaddressed,
        )
        for row in result.context.agenda
    }
    assert rows == {
        "Roads": (3, 0.75, 1, 0.25, 1, 0, False),
        "Parks": (1, 0.25, 0, None, 0, 0, True),
        "Schools": (0, None, 2, 0.5, 0, 0, False),  # only journalists ask about it
    }
    text = result.files["report.md"].read_text(encoding="utf-8")
    assert "what journalists ask" in text
    assert "| Schools | 0 | — | 2 | 50.0% | 0 | 0 |" in text


def test_no_agenda_from_one_side_alone(tmp_path: Path) -> None:
    questions = write(tmp_path / "press_questions.csv", LOG_CSV)
    result = pipeline.build(
        [questions], Config(), period="2021-01", out=tmp_path / "o", today=TODAY
    )
    assert result.context.agenda == ()
    assert "Agenda" not in result.files["report.md"].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            ["Journalists' questions by outlet", "Media outlets that asked", "Press questions:"],
        ),
        ("ru", ["Вопросы журналистов по СМИ", "СМИ, задавшие вопросы", "вопросы журналистов"]),
        ("kk", ["Журналистердің сұрақтары БАҚ бойынша", "Сұрақ қойған БАҚ", "журналистердің"]),
    ],
)
def test_the_report_sections_in_each_language(tmp_path: Path, lang: str, words: list[str]) -> None:
    questions = write(tmp_path / "press_questions.csv", LOG_CSV)
    result = pipeline.build(
        [questions], Config(), period="2021-01", out=tmp_path / "o", today=TODAY, lang=lang
    )
    for name in ("report.md", "report.html"):
        text = result.files[name].read_text(encoding="utf-8")
        for word in words:
            assert word in text, (name, word)


def test_the_log_s_definitions_only_with_a_log(tmp_path: Path) -> None:
    events = write(
        tmp_path / "press_events.csv",
        "date,speakers,journalist_questions,publications\n05.01.2021,2,4,10\n",
    )
    without = pipeline.build([events], Config(), period="2021-01", out=tmp_path / "a", today=TODAY)
    text = without.files["report.md"].read_text(encoding="utf-8")
    assert "press_events.press_events" in text and "press_events.outlets" not in text
    assert "Media outlets" not in text and "Press questions:" not in text
    questions = write(tmp_path / "press_questions.csv", LOG_CSV)
    both = pipeline.build(
        [events, questions], Config(), period="2021-01", out=tmp_path / "b", today=TODAY
    )
    text = both.files["report.md"].read_text(encoding="utf-8")
    assert "press_events.outlets" in text and "press_events.share_of_questions" in text
    # 5 January is the sheet's (4 questions, as in the log), 6 January the log's (1)
    assert both.figures.press.journalist_questions == 4 + 1
    assert both.figures.press.questions_logged == 5


def test_the_year_to_date_counts_the_log_s_events(tmp_path: Path) -> None:
    # Two events in January and February 2020, three in January and February 2021.
    questions = write(
        tmp_path / "press_questions.csv",
        "date,event,media outlet\n"
        "10.01.2020,Briefing,A\n10.02.2020,Briefing,A\n"
        "11.01.2021,Briefing,A\n11.01.2021,Interview,B\n12.02.2021,Briefing,A\n",
    )
    result = pipeline.build(
        [questions], Config(), period="2021-02", out=tmp_path / "o", today=TODAY
    )
    ytd = result.figures.year_to_date
    assert ytd is not None
    [row] = [r for r in ytd.rows if r.dataset == "press_events"]
    assert (row.metric, row.now, row.then) == ("press_events", 3, 2)
    assert result.figures.press.press_events == 1


def test_the_agenda_s_remaining_row_adds_the_journalists_questions() -> None:
    from engagement_report.analysis.agenda_table import AgendaRow
    from engagement_report.analysis.topic_rule import ranked_agenda

    rows = [AgendaRow(f"t{i}", 12 - i, None, 0, 0, 2, 0.1) for i in range(10)]
    rows += [AgendaRow("a", 1, None, 0, 1, 3, 0.15), AgendaRow("b", 1, None, 1, 0, 0, None)]
    remaining = ranked_agenda(rows).remaining
    assert remaining is not None
    assert (remaining.journalist_questions, remaining.share_of_questions) == (3, 0.15)
    assert (remaining.queries, remaining.broadcasts, remaining.press_events) == (2, 1, 1)


# --- the one topic rule in the log's tables ------------------------------------------------


def _many_outlets_csv() -> str:
    """14 outlets on 5 January: O1 asks 14 questions, O2 13, ... O12 3; then "Other" (1
    question, its own outlet) and "Z" (2). Topics the same way, speakers two."""
    rows = ["date,event,media outlet,speaker,topic"]
    for i in range(1, 13):
        rows += [f"05.01.2021,Briefing,O{i},X,T{i}"] * (15 - i)
    rows += ["05.01.2021,Interview,Other,Y,Other"]
    rows += ["05.01.2021,Interview,Z,Y,Z"] * 2
    return "\n".join(rows) + "\n"


def test_the_log_s_tables_follow_the_one_topic_rule() -> None:
    from engagement_report.analysis.topic_rule import TOP_TOPICS, ranked_questions

    total = sum(15 - i for i in range(1, 13)) + 1 + 2  # 102 + 3 = 105
    rows = [QuestionFigures(f"O{i}", 15 - i, (15 - i) / total, 1) for i in range(1, 13)]
    rows += [QuestionFigures("Z", 2, 2 / total, 1), QuestionFigures("Other", 1, 1 / total, 1)]
    ranked = ranked_questions(rows)
    # the ten largest, then the data's own "Other" by name; O11, O12 and Z folded
    assert [r.category for r in ranked.shown] == [*(f"O{i}" for i in range(1, 11)), "Other"]
    assert ranked.folded == 3 == len(rows) - TOP_TOPICS - 1
    assert ranked.remaining == QuestionFigures("", 4 + 3 + 2, (4 + 3 + 2) / total, None)
    assert ranked_questions(rows[:10]).remaining is None


@pytest.mark.parametrize(
    ("lang", "outlets", "topics"),
    [
        ("en", "Remaining outlets (3)", "Remaining topics (3)"),
        ("ru", "Остальные СМИ (3)", "Остальные темы (3)"),
        ("kk", "Қалған БАҚ (3)", "Қалған тақырыптар (3)"),
    ],
)
def test_the_log_s_tables_in_the_report(
    tmp_path: Path, lang: str, outlets: str, topics: str
) -> None:
    questions = write(tmp_path / "press_questions.csv", _many_outlets_csv())
    result = pipeline.build(
        [questions], Config(), period="2021-01", out=tmp_path / "o", today=TODAY, lang=lang
    )
    # Babel's spaces in numbers (no-break, narrow no-break) read as plain spaces here.
    md, html = (
        result.files[name].read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")
        for name in ("report.md", "report.html")
    )
    # O11 (4), O12 (3) and Z (2) of 105 questions are folded: 9, 8.6%; "Other" is a row
    share = {"en": "8.6%", "ru": "8,6 %", "kk": "8,6%"}[lang]  # as Babel writes each
    assert f"| {outlets} | 9 | {share} | |" in md
    assert f"| {topics} | 9 | {share} | |" in md
    assert "| Other | 1 |" in md
    assert "| O10 | 5 |" in md and "| O11 |" not in md and "| Z |" not in md
    assert '<tr class="remaining"><th scope="row">' + outlets + "</th>" in html
    assert '<th scope="row">Other</th><td class="num">1</td>' in html
    # two speakers: no remaining row
    assert "Remaining speakers" not in md and "Остальные спикеры" not in md
    # the summary keeps every outlet
    assert len(result.figures.by_outlet) == 14


def test_the_cache_is_keyed_by_the_log_s_content_and_its_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.cache import store as cache_store
    from engagement_report.cache import wait

    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_store, "_warned", set())
    header = "Datum,Medium,Intervjuare,Respondent,Ämne,Kategori\n"
    log_file = write(tmp_path / "log.csv", header + "2021-01-05,SVT,DN,Tegnell,Skolan,A\n")

    def config(topic: str) -> Config:
        columns = {
            "date": "Datum",
            "event": "Medium",
            "outlet": "Intervjuare",
            "speaker": "Respondent",
            "topic": topic,
        }
        return parse_config({"columns": {"press_questions": columns}})

    def topics(cfg: Config) -> dict[str, float | int | None]:
        records = pipeline.summarize([log_file], cfg, "2021-01", TODAY, as_of=TODAY)
        return {
            r.category: r.value
            for r in records
            if r.dimension == "topic" and r.metric == "journalist_questions"
        }

    assert topics(config("Ämne")) == {"Skolan": 1}
    wait()  # the cache is written in the background
    assert list((tmp_path / "cache").glob("checked-*"))  # the checked log is kept
    assert topics(config("Ämne")) == {"Skolan": 1}  # from the cache
    # another column for the topic: the config is in the key
    assert topics(config("Kategori")) == {"A": 1}
    # the log's content is in the key
    wait()
    write(log_file, header + "2021-01-05,SVT,DN,Tegnell,Vaccin,A\n")
    assert topics(config("Ämne")) == {"Vaccin": 1}


def test_the_agenda_keeps_a_topic_called_other_apart_from_the_remaining_row() -> None:
    from engagement_report.analysis.agenda_table import AgendaRow
    from engagement_report.analysis.topic_rule import ranked_agenda

    # Twelve query topics, then "Other", which only journalists asked about (4 questions).
    rows = [AgendaRow(f"t{i}", 20 - i, None, 0, 0) for i in range(12)]
    rows += [AgendaRow("Other", 0, None, 0, 0, 4, 0.4)]
    ranked = ranked_agenda(rows)
    assert [row.topic for row in ranked.shown] == [*(f"t{i}" for i in range(10)), "Other"]
    assert ranked.remaining is not None and ranked.folded == 2
    assert (ranked.remaining.queries, ranked.remaining.journalist_questions) == (10 + 9, 0)


def test_a_note_under_the_press_table_is_no_table_row(tmp_path: Path) -> None:
    # Markdown takes a line right under a table for one of its rows: a blank line first.
    events = write(
        tmp_path / "press_events.csv",
        "date,speakers,journalist_questions,publications\n05.01.2021,,4,\n",
    )
    questions = write(tmp_path / "press_questions.csv", LOG_CSV)
    for inputs, out in (([events], "a"), ([events, questions], "b")):
        result = pipeline.build(inputs, Config(), period="2021-01", out=tmp_path / out, today=TODAY)
        lines = result.files["report.md"].read_text(encoding="utf-8").splitlines()
        assert any(line.startswith("Publications not recorded") for line in lines)
        for line, after in itertools.pairwise(lines):
            if line.startswith("|"):
                assert after.startswith("|") or not after.strip(), (line, after)
