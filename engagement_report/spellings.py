"""The words an export may use, besides headers and statuses, in three languages: a
dataset's name (of a sheet or a file), an answer's outcome and a yes/no rating. Data,
compared after :func:`~engagement_report.schema.header_key` folding; the config adds
more spellings (``[outcomes]``, ``[ratings]``).
"""

from __future__ import annotations

from engagement_report.schema import header_key

DATASET_NAMES: dict[str, tuple[str, ...]] = {
    "queries": ("queries", "обращения", "өтініштер"),
    "broadcasts": ("broadcasts", "эфиры", "прямые эфиры", "эфирлер"),
    "press_events": (
        "press_events",
        "press events",
        "press-events",
        "пресс-мероприятия",
        "баспасөз іс-шаралары",
    ),
    "press_questions": (
        "press_questions",
        "press questions",
        "press-questions",
        "journalist questions",
        "question log",
        "вопросы журналистов",
        "журналистердің сұрақтары",
    ),
}


def dataset_for_name(name: str) -> str | None:
    """The dataset a sheet or file stem names, or None."""
    key = header_key(name)
    for dataset, names in DATASET_NAMES.items():
        for candidate in names:
            folded = header_key(candidate)
            if key == folded or key.startswith(folded + " ") or key.startswith(folded + "-"):
                return dataset
    return None


# The outcome of an answer (a query's ``outcome`` column), each class's spellings in three
# languages; the config's [outcomes] adds more. Russia's ССТУ vocabulary ("поддержано",
# "меры приняты", "разъяснено", "не поддержано") and Open Almaty's "решено на месте".
OUTCOME_CLASSES = ("resolved", "resolved_on_the_spot", "explained", "refused", "other")

OUTCOME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "resolved": (
        "resolved",
        "solved",
        "measures taken",
        "supported",
        "решено",
        "решен",
        "меры приняты",
        "приняты меры",
        "поддержано",
        "поддержано, меры приняты",
        "поддержано, в том числе меры приняты",
        "шешілді",
        "шаралар қабылданды",
        "қолдау көрсетілді",
    ),
    "resolved_on_the_spot": (
        "resolved on the spot",
        "решено на месте",
        "решен на месте",
        "орнында шешілді",
    ),
    "explained": ("explained", "разъяснено", "дано разъяснение", "түсіндірілді"),
    "refused": (
        "refused",
        "not supported",
        "не поддержано",
        "отказано",
        "қолдау көрсетілмеді",
        "бас тартылды",
    ),
    "other": ("other", "другое", "иное", "басқа"),
}

# A yes/no rating ("were you satisfied with the answer?"): the config's [ratings] yes and
# no add more spellings.
RATING_YES = (
    "yes",
    "y",
    "satisfied",
    "true",
    "да",
    "удовлетворен",
    "удовлетворена",
    "доволен",
    "довольна",
    "иә",
    "риза",
)
RATING_NO = (
    "no",
    "n",
    "not satisfied",
    "dissatisfied",
    "false",
    "нет",
    "не удовлетворен",
    "не удовлетворена",
    "не доволен",
    "не довольна",
    "жоқ",
    "риза емес",
    "наразы",
)
