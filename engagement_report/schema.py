"""The datasets: canonical columns, header aliases, status spellings.

Data, not logic. Every alias is compared after :func:`header_key` folding
(case, surrounding whitespace, inner runs of spaces, ``ё``→``е``). The names of the
datasets and the spellings of outcomes and ratings are in :mod:`engagement_report.spellings`.
"""

from __future__ import annotations

from dataclasses import dataclass

DATASETS = ("queries", "broadcasts", "press_events", "press_questions")

STATUS_CLASSES = ("answered", "in_progress", "rejected", "redirected")
#: The statuses that close a query: the one list the status figures, the backlog, the
#: deadline classes and the check for a closing status without an answer date share.
CLOSING_STATUSES = ("answered", "rejected", "redirected")


@dataclass(frozen=True)
class Column:
    """One canonical column of a dataset."""

    name: str
    kind: str  # "id", "date", "count", "category", "status", "text"
    required: bool
    aliases: tuple[str, ...] = ()
    meaning: str = ""
    # A blank cell is a count nobody recorded (unknown), not an error and never 0.
    blank_unknown: bool = False


QUERY_COLUMNS = (
    Column(
        "query_id",
        "id",
        False,
        ("id", "№", "номер", "номер обращения", "өтініш нөмірі", "query id", "unique key"),
        "identifier; rows sharing one are one query (the last row wins)",
    ),
    Column(
        "received_at",
        "date",
        True,
        (
            "received",
            "date received",
            "created",
            "created date",
            "дата поступления",
            "дата обращения",
            "дата регистрации",
            "түскен күні",
            "тіркелген күні",
        ),
        "date or date-time the query arrived",
    ),
    Column(
        "answered_at",
        "date",
        False,
        (
            "answered",
            "date answered",
            "closed",
            "closed date",
            "дата ответа",
            "дата исполнения",
            "дата закрытия",
            "жауап берілген күні",
        ),
        "date or date-time of the answer",
    ),
    Column(
        "status",
        "status",
        True,
        ("статус", "состояние", "мәртебесі", "мәртебе"),
        "answered, in_progress, rejected or redirected (spellings in three languages)",
    ),
    Column(
        "topic",
        "category",
        False,
        ("category", "тема", "тематика", "категория", "тақырып", "санат"),
        "what the query is about",
    ),
    Column(
        "channel",
        "category",
        False,
        ("source", "канал", "источник", "арна", "дереккөз"),
        "how the query arrived (social network, website, call centre)",
    ),
    Column("district", "category", False, ("район", "аудан"), "the city district"),
    Column(
        "deadline",
        "date",
        False,
        ("due date", "срок", "срок исполнения", "мерзімі"),
        "an explicit deadline that overrides the computed one",
    ),
    Column(
        "extended_until",
        "date",
        False,
        ("extended", "продлено до", "срок продлен до", "ұзартылды"),
        "a lawful extension of the deadline",
    ),
    Column(
        "body",
        "category",
        False,
        (
            "performer",
            "responsible",
            "responsible body",
            "agency responsible",
            "executor",
            "исполнитель",
            "ответственный",
            "ответственный исполнитель",
            "ответственный орган",
            "орындаушы",
            "жауапты орган",
            "жауапты орындаушы",
        ),
        "the body responsible for the answer (a department, a district akimat, an agency)",
    ),
    Column(
        "rating",
        "rating",
        False,
        (
            "score",
            "satisfaction",
            "citizen rating",
            "оценка",
            "оценка заявителя",
            "оценка ответа",
            "удовлетворенность",
            "баға",
            "бағалау",
        ),
        "the citizen's rating of the answer: 1-5, or yes/no satisfied ([ratings] scale)",
    ),
    Column(
        "outcome",
        "outcome",
        False,
        (
            "result",
            "resolution",
            "результат",
            "результат рассмотрения",
            "итог рассмотрения",
            "нәтиже",
            "қарау нәтижесі",
        ),
        "what the answer did: resolved, resolved on the spot, explained, refused or other "
        "(spellings in three languages, more under [outcomes])",
    ),
    Column(
        "applicant",
        "private",
        False,
        (
            "applicant id",
            "applicant phone",
            "phone",
            "e-mail",
            "email",
            "заявитель",
            "телефон",
            "телефон заявителя",
            "эл. почта",
            "электронная почта",
            "өтініш беруші",
            "телефон нөмірі",
        ),
        "who asked (an id, phone or e-mail): hashed with a salt as it is read, never kept "
        "or written in clear; used only to find repeat appeals",
    ),
    Column(
        "address",
        "private",
        False,
        ("problem address", "адрес", "адрес проблемы", "адрес обращения", "мекенжай"),
        "where the problem is: hashed like the applicant key; used only to find repeat appeals",
    ),
    Column(
        "overdue_mark",
        "mark",
        False,
        ("overdue", "просрочено", "просрочена", "мерзімі өткен"),
        "the export's own mark that the query is overdue (115.бел's Просрочено; words under "
        "[overdue_mark]): compared with the computed deadline class, never counted as one; "
        "may stand in another column's cells",
    ),
)

BROADCAST_COLUMNS = (
    Column(
        "date",
        "date",
        True,
        ("дата", "күні", "дата эфира", "эфир күні"),
        "when the broadcast was aired",
    ),
    Column(
        "program",
        "category",
        False,
        ("programme", "программа", "передача", "бағдарлама"),
        "which programme",
    ),
    Column("speaker", "category", False, ("спикер", "ведущий"), "who answered"),
    Column("topic", "category", False, ("тема", "тематика", "тақырып"), "the broadcast's agenda"),
    Column(
        "questions_answered",
        "count",
        True,
        ("questions", "количество вопросов", "вопросов", "отвечено вопросов", "сұрақтар саны"),
        "citizens' questions answered on air",
    ),
    Column(
        "tv_segments",
        "count",
        False,
        ("segments", "телесюжеты", "сюжеты", "сюжеттер"),
        "TV segments aired after the broadcast",
    ),
)

PRESS_EVENT_COLUMNS = (
    Column("date", "date", True, ("дата", "күні", "дата проведения"), "when the event was held"),
    Column(
        "title",
        "text",
        False,
        ("event", "мероприятие", "название", "іс-шара"),
        "what the event was",
    ),
    Column("topic", "category", False, ("тема", "тематика", "тақырып"), "the event's agenda"),
    Column(
        "speakers",
        "count",
        True,
        ("количество спикеров", "спикеры", "спикерлер саны"),
        "speakers at the event",
        blank_unknown=True,
    ),
    Column(
        "journalist_questions",
        "count",
        True,
        ("вопросы журналистов", "журналистердің сұрақтары", "questions from journalists"),
        "journalists' questions answered",
        blank_unknown=True,
    ),
    Column(
        "publications",
        "count",
        True,
        ("materials", "публикации", "материалы", "жарияланымдар"),
        "publications that followed the event",
        blank_unknown=True,
    ),
)

# A press office's question log: one row per journalist question. Its questions are
# gathered into press events (one date and one event name): see engagement_report/press.py.
PRESS_QUESTION_COLUMNS = (
    Column(
        "date",
        "date",
        True,
        ("дата", "күні", "дата вопроса", "сұрақ күні"),
        "when the question was asked",
    ),
    Column(
        "event",
        "category",
        False,
        (
            "event",
            "event name",
            "мероприятие",
            "событие",
            "формат",
            "іс-шара",
        ),
        "the press conference, briefing or interview it was asked at (one date and one "
        "event name are one press event; without this column, one event per date)",
    ),
    Column(
        "outlet",
        "category",
        True,
        (
            "media outlet",
            "media",
            "сми",
            "издание",
            "редакция",
            "бақ",
            "басылым",
        ),
        "the media outlet whose journalist asked (required: it is what makes a sheet a "
        "question log)",
    ),
    Column(
        "speaker",
        "category",
        False,
        ("respondent", "спикер", "отвечал", "отвечающий", "жауап берген"),
        "the official who answered",
    ),
    Column(
        "topic",
        "category",
        False,
        ("category", "тема", "тематика", "тақырып"),
        "what the question was about",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "queries": QUERY_COLUMNS,
    "broadcasts": BROADCAST_COLUMNS,
    "press_events": PRESS_EVENT_COLUMNS,
    "press_questions": PRESS_QUESTION_COLUMNS,
}

STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "answered": (
        "answered",
        "resolved",
        "closed",
        "отвечено",
        "исполнено",
        "рассмотрено",
        "жауап берілді",
        "done",
    ),
    "in_progress": (
        "in_progress",
        "in progress",
        "open",
        "в работе",
        "на рассмотрении",
        "қаралуда",
        "pending",
    ),
    "rejected": ("rejected", "отказано", "қабылданбады"),
    "redirected": (
        "redirected",
        "перенаправлено",
        "направлено по компетенции",
        "құзыреті бойынша жолданды",
        "жолданды",
    ),
}

TOTAL_ROW_WORDS = ("итого", "всего", "барлығы", "жиыны", "total")


# Format characters with no glyph (zero-width space and joiners, direction marks and
# embeddings, word joiner, BOM, soft hyphen): pasted into a header or label, they make
# two identical-looking texts differ.
_INVISIBLE_TABLE = dict.fromkeys(
    (
        0x00AD,
        0x180E,
        0xFEFF,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
    )
)


def drop_invisible(text: str) -> str:
    """``text`` without invisible format characters."""
    return text.translate(_INVISIBLE_TABLE)


def header_key(text: object) -> str:
    """Fold a header or name for comparison: case, spaces, ``ё``/``е``, underscores,
    invisible format characters."""
    folded = drop_invisible(str(text)).replace("\u00a0", " ").strip().casefold()
    folded = folded.replace("ё", "е")
    folded = folded.replace("_", " ")
    return " ".join(folded.split())
