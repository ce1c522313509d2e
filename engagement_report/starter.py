"""The start kit: a commented config and empty data-entry workbooks the loader reads back.

``write_start_kit(folder, "ru")`` writes::

    folder/engagement-report.toml      every setting, commented, inputs = ["data/*.xlsx"]
    folder/data/queries.xlsx           sheet "Обращения", header row, dropdowns, date checks
    folder/data/broadcasts.xlsx        sheet "Эфиры"
    folder/data/press_events.xlsx      sheet "Пресс-мероприятия"

Each workbook holds the data sheet (named after its dataset, headers that are aliases of
:mod:`engagement_report.schema`), an instructions sheet and, when it has dropdowns, a
hidden ``lists`` sheet the dropdowns point at. Neither extra sheet is named after a
dataset nor has a header row that names one, so the loader skips them.

Nothing depends on the clock: the same arguments give byte-identical files.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engagement_report.config import DEFAULT_CONFIG_NAME, LANGUAGES, Config
from engagement_report.errors import OutputError, UsageError
from engagement_report.loading.headers import match_headers
from engagement_report.schema import (
    COLUMNS,
    DATASETS,
    STATUS_CLASSES,
    Column,
    dataset_for_name,
    header_key,
)

__all__ = ["DATA_FOLDER", "LAST_ROW", "write_start_kit"]

DATA_FOLDER = "data"
LAST_ROW = 10_000  # validations and formats cover rows 2..LAST_ROW
LISTS_SHEET = "lists"
FIXED_TIME = datetime(2024, 1, 1)  # workbook properties: no clock in the files
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_EARLIEST, _LATEST = date(2000, 1, 1), date(2099, 12, 31)  # the date validations' range
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
_DATETIME_COLUMNS = frozenset({"received_at", "answered_at"})
_LIST_COLUMNS = ("status", "channel", "district", "topic")  # columns with a dropdown
_RELABEL_KEYS = {"topic": "topics", "channel": "channels", "district": "districts"}

# --- words -----------------------------------------------------------------------------

SHEET_NAMES: dict[str, dict[str, str]] = {
    "en": {"queries": "queries", "broadcasts": "broadcasts", "press_events": "press_events"},
    "ru": {"queries": "Обращения", "broadcasts": "Эфиры", "press_events": "Пресс-мероприятия"},
    "kk": {
        "queries": "Өтініштер",
        "broadcasts": "Эфирлер",
        "press_events": "Баспасөз іс-шаралары",
    },
}

INSTRUCTIONS_SHEET = {"en": "Instructions", "ru": "Инструкция", "kk": "Нұсқаулық"}

# Every header is the column's name or one of its aliases in schema.py (tests check it).
HEADERS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "queries": {
            "query_id": "Query ID",
            "received_at": "Received at",
            "answered_at": "Answered at",
            "status": "Status",
            "topic": "Topic",
            "channel": "Channel",
            "district": "District",
            "deadline": "Deadline",
            "extended_until": "Extended until",
        },
        "broadcasts": {
            "date": "Date",
            "program": "Program",
            "speaker": "Speaker",
            "topic": "Topic",
            "questions_answered": "Questions answered",
            "tv_segments": "TV segments",
        },
        "press_events": {
            "date": "Date",
            "title": "Title",
            "topic": "Topic",
            "speakers": "Speakers",
            "journalist_questions": "Journalist questions",
            "publications": "Publications",
        },
    },
    "ru": {
        "queries": {
            "query_id": "Номер обращения",
            "received_at": "Дата поступления",
            "answered_at": "Дата ответа",
            "status": "Статус",
            "topic": "Тема",
            "channel": "Канал",
            "district": "Район",
            "deadline": "Срок исполнения",
            "extended_until": "Продлено до",
        },
        "broadcasts": {
            "date": "Дата эфира",
            "program": "Программа",
            "speaker": "Спикер",
            "topic": "Тема",
            "questions_answered": "Отвечено вопросов",
            "tv_segments": "Телесюжеты",
        },
        "press_events": {
            "date": "Дата проведения",
            "title": "Мероприятие",
            "topic": "Тема",
            "speakers": "Количество спикеров",
            "journalist_questions": "Вопросы журналистов",
            "publications": "Публикации",
        },
    },
    "kk": {
        "queries": {
            "query_id": "Өтініш нөмірі",
            "received_at": "Түскен күні",
            "answered_at": "Жауап берілген күні",
            "status": "Мәртебесі",
            "topic": "Тақырып",
            "channel": "Арна",
            "district": "Аудан",
            "deadline": "Мерзімі",
            "extended_until": "Ұзартылды",
        },
        "broadcasts": {
            "date": "Эфир күні",
            "program": "Бағдарлама",
            "speaker": "Спикер",
            "topic": "Тақырып",
            "questions_answered": "Сұрақтар саны",
            "tv_segments": "Сюжеттер",
        },
        "press_events": {
            "date": "Күні",
            "title": "Іс-шара",
            "topic": "Тақырып",
            "speakers": "Спикерлер саны",
            "journalist_questions": "Журналистердің сұрақтары",
            "publications": "Жарияланымдар",
        },
    },
}

# English meanings are schema.Column.meaning; these are their translations.
MEANINGS: dict[str, dict[str, dict[str, str]]] = {
    "ru": {
        "queries": {
            "query_id": "номер обращения; строки с одним номером — одно обращение "
            "(учитывается последняя строка)",
            "received_at": "дата или дата и время поступления обращения",
            "answered_at": "дата или дата и время ответа",
            "status": "состояние обращения: отвечено, в работе, отказано или перенаправлено",
            "topic": "о чём обращение",
            "channel": "как поступило обращение (соцсеть, сайт, call-центр)",
            "district": "район города",
            "deadline": "срок ответа, если он указан явно; заменяет рассчитанный срок",
            "extended_until": "продление срока, принятое по закону",
        },
        "broadcasts": {
            "date": "когда вышел эфир",
            "program": "какая программа (передача)",
            "speaker": "кто отвечал на вопросы",
            "topic": "тема эфира",
            "questions_answered": "сколько вопросов граждан получили ответ в эфире",
            "tv_segments": "сколько телесюжетов вышло после эфира",
        },
        "press_events": {
            "date": "когда прошло мероприятие",
            "title": "что за мероприятие",
            "topic": "тема мероприятия",
            "speakers": "сколько спикеров выступило",
            "journalist_questions": "на сколько вопросов журналистов ответили",
            "publications": "сколько публикаций вышло после мероприятия",
        },
    },
    "kk": {
        "queries": {
            "query_id": "өтініш нөмірі; нөмірі бірдей жолдар бір өтініш болып саналады "
            "(соңғы жол есепке алынады)",
            "received_at": "өтініштің түскен күні немесе күні мен уақыты",
            "answered_at": "жауап берілген күн немесе күн мен уақыт",
            "status": "өтініштің мәртебесі: жауап берілді, қаралуда, қабылданбады немесе "
            "құзыреті бойынша жолданды",
            "topic": "өтініш неге қатысты",
            "channel": "өтініш қалай түсті (әлеуметтік желі, сайт, байланыс орталығы)",
            "district": "қала ауданы",
            "deadline": "нақты көрсетілген жауап мерзімі; есептелген мерзімнің орнына алынады",
            "extended_until": "заң бойынша ұзартылған мерзім",
        },
        "broadcasts": {
            "date": "эфир қашан өтті",
            "program": "қай бағдарлама",
            "speaker": "сұрақтарға кім жауап берді",
            "topic": "эфирдің тақырыбы",
            "questions_answered": "эфирде азаматтардың қанша сұрағына жауап берілді",
            "tv_segments": "эфирден кейін қанша телесюжет көрсетілді",
        },
        "press_events": {
            "date": "іс-шара қашан өтті",
            "title": "қандай іс-шара",
            "topic": "іс-шараның тақырыбы",
            "speakers": "қанша спикер сөйледі",
            "journalist_questions": "журналистердің қанша сұрағына жауап берілді",
            "publications": "іс-шарадан кейін қанша жарияланым шықты",
        },
    },
}

# One spelling per status class for the dropdown; each is written to the config's
# [statuses] too, so it is recognised even where schema.STATUS_SPELLINGS lacks it.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "answered": "answered",
        "in_progress": "in progress",
        "rejected": "rejected",
        "redirected": "redirected",
    },
    "ru": {
        "answered": "отвечено",
        "in_progress": "в работе",
        "rejected": "отказано",
        "redirected": "перенаправлено",
    },
    "kk": {
        "answered": "жауап берілді",
        "in_progress": "қаралуда",
        "rejected": "қабылданбады",
        "redirected": "құзыреті бойынша жолданды",
    },
}

# Almaty defaults for the dropdowns when the config has no relabel map of its own.
DEFAULT_LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "district": {
        "en": (
            "Alatau",
            "Almaly",
            "Auezov",
            "Bostandyk",
            "Medeu",
            "Nauryzbay",
            "Turksib",
            "Zhetysu",
        ),
        "ru": (
            "Алатауский",
            "Алмалинский",
            "Ауэзовский",
            "Бостандыкский",
            "Медеуский",
            "Наурызбайский",
            "Турксибский",
            "Жетысуский",
        ),
        "kk": (
            "Алатау",
            "Алмалы",
            "Әуезов",
            "Бостандық",
            "Медеу",
            "Наурызбай",
            "Түрксіб",
            "Жетісу",
        ),
    },
    "channel": {
        "en": (
            "109 call centre",
            "Open Almaty website",
            "eOtinish",
            "Instagram",
            "Telegram",
            "Facebook",
            "Personal visit",
        ),
        "ru": (
            "Call-центр 109",
            "Сайт Open Almaty",
            "eOtinish",
            "Instagram",
            "Telegram",
            "Facebook",
            "Личный приём",
        ),
        "kk": (
            "109 байланыс орталығы",
            "Open Almaty сайты",
            "eOtinish",
            "Instagram",
            "Telegram",
            "Facebook",
            "Жеке қабылдау",
        ),
    },
    "topic": {
        "en": (
            "Public transport",
            "Construction quality",
            "Roads and sidewalks",
            "Public safety",
            "Engineering networks",
            "Utilities and heating",
            "Landscaping and parks",
            "Ecology and air quality",
            "Healthcare",
            "Education",
            "Social support",
            "Housing",
            "Trade and services",
            "Land relations",
            "Stray animals",
            "Other",
        ),
        "ru": (
            "Общественный транспорт",
            "Качество строительства",
            "Дороги и тротуары",
            "Общественная безопасность",
            "Инженерные сети",
            "Коммунальные услуги и отопление",
            "Благоустройство и парки",
            "Экология и качество воздуха",
            "Здравоохранение",
            "Образование",
            "Социальная поддержка",
            "Жилищные вопросы",
            "Торговля и услуги",
            "Земельные отношения",
            "Бездомные животные",
            "Другое",
        ),
        "kk": (
            "Қоғамдық көлік",
            "Құрылыс сапасы",
            "Жолдар мен тротуарлар",
            "Қоғамдық қауіпсіздік",
            "Инженерлік желілер",
            "Коммуналдық қызметтер және жылу",
            "Абаттандыру және саябақтар",
            "Экология және ауа сапасы",
            "Денсаулық сақтау",
            "Білім беру",
            "Әлеуметтік қолдау",
            "Тұрғын үй",
            "Сауда және қызметтер",
            "Жер қатынастары",
            "Қаңғыбас жануарлар",
            "Басқа",
        ),
    },
}

# Headers of the hidden lists sheet: plural on purpose, so that no header is an alias.
LIST_HEADERS = {
    "en": {"status": "Statuses", "channel": "Channels", "district": "Districts", "topic": "Topics"},
    "ru": {"status": "Статусы", "channel": "Каналы", "district": "Районы", "topic": "Темы"},
    "kk": {
        "status": "Мәртебелер",
        "channel": "Арналар",
        "district": "Аудандар",
        "topic": "Тақырыптар",
    },
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "How to fill in the sheet “{sheet}”",
        "one_row": "One row per {item}; no merged cells, no empty rows between records, "
        "no total rows.",
        "headers": "Keep the headers in row 1 as they are: the report finds the columns by "
        "them. Your own columns may go on the right; the report ignores them.",
        "required": "Columns with a dark header are required.",
        "values": "Dates: type 15.01.2021 or 15.01.2021 10:30. Counts: whole numbers, 0 if "
        "there were none.",
        "lists": "Lists: select a cell and pick a value from its arrow; the lists are on the "
        "hidden sheet “lists”.",
        "check": "Check the data: engagement-report validate; "
        "the report: engagement-report build --period 2021-01",
        "column": "Column",
        "is_required": "Required",
        "meaning": "Meaning",
        "how": "How to fill in",
        "yes": "yes",
        "no": "no",
        "hint_date": "a date: 15.01.2021",
        "hint_datetime": "date and time: 15.01.2021 10:30 (or only the date)",
        "hint_count": "a whole number, 0 or more",
        "hint_status": "choose from the list: {values}",
        "hint_list": "choose from the list or type another value",
        "hint_text": "free text",
        "hint_id": "a number or code",
        "error_title": "Check the value",
        "error_date": "Type a date such as 15.01.2021 (or 15.01.2021 10:30).",
        "error_count": "Type a whole number, 0 or more.",
        "error_status": "Choose a status from the list.",
        "error_list": "This value is not in the list. Keep it anyway?",
    },
    "ru": {
        "title": "Как заполнять лист «{sheet}»",
        "one_row": "Одна строка — {item}; без объединённых ячеек, пустых строк между "
        "записями и строк «Итого».",
        "headers": "Не меняйте заголовки в строке 1: по ним отчёт находит столбцы. Свои "
        "столбцы можно добавлять справа — отчёт их не читает.",
        "required": "Столбцы с тёмным заголовком обязательны.",
        "values": "Даты: вводите 15.01.2021 или 15.01.2021 10:30. Количества: целые числа, "
        "0, если ничего не было.",
        "lists": "Списки: выделите ячейку и выберите значение по стрелке; списки — на "
        "скрытом листе «lists».",
        "check": "Проверка данных: engagement-report validate; "
        "отчёт: engagement-report build --period 2021-01",
        "column": "Столбец",
        "is_required": "Обязательный",
        "meaning": "Что означает",
        "how": "Как заполнять",
        "yes": "да",
        "no": "нет",
        "hint_date": "дата: 15.01.2021",
        "hint_datetime": "дата и время: 15.01.2021 10:30 (или только дата)",
        "hint_count": "целое число, 0 или больше",
        "hint_status": "выберите из списка: {values}",
        "hint_list": "выберите из списка или впишите своё значение",
        "hint_text": "свободный текст",
        "hint_id": "номер или код",
        "error_title": "Проверьте значение",
        "error_date": "Введите дату, например 15.01.2021 (или 15.01.2021 10:30).",
        "error_count": "Введите целое число, 0 или больше.",
        "error_status": "Выберите статус из списка.",
        "error_list": "Этого значения нет в списке. Всё равно оставить?",
    },
    "kk": {
        "title": "«{sheet}» парағын қалай толтыру керек",
        "one_row": "Бір жол — бір {item}; біріктірілген ұяшықтарсыз, жазбалар арасында бос "
        "жолдарсыз және «Барлығы» жолдарынсыз.",
        "headers": "1-жолдағы тақырыптарды өзгертпеңіз: есеп бағандарды солар арқылы табады. "
        "Өз бағандарыңызды оң жаққа қосуға болады — есеп оларды оқымайды.",
        "required": "Тақырыбы қою түсті бағандар міндетті.",
        "values": "Күндер: 15.01.2021 немесе 15.01.2021 10:30 түрінде енгізіңіз. Сандар: "
        "бүтін сандар, ештеңе болмаса 0.",
        "lists": "Тізімдер: ұяшықты белгілеп, мәнді көрсеткі арқылы таңдаңыз; тізімдер "
        "жасырын «lists» парағында.",
        "check": "Деректерді тексеру: engagement-report validate; "
        "есеп: engagement-report build --period 2021-01",
        "column": "Баған",
        "is_required": "Міндетті",
        "meaning": "Мағынасы",
        "how": "Қалай толтыру",
        "yes": "иә",
        "no": "жоқ",
        "hint_date": "күні: 15.01.2021",
        "hint_datetime": "күні мен уақыты: 15.01.2021 10:30 (немесе тек күні)",
        "hint_count": "бүтін сан, 0 немесе одан көп",
        "hint_status": "тізімнен таңдаңыз: {values}",
        "hint_list": "тізімнен таңдаңыз немесе өз мәніңізді жазыңыз",
        "hint_text": "еркін мәтін",
        "hint_id": "нөмір немесе код",
        "error_title": "Мәнді тексеріңіз",
        "error_date": "Күнді енгізіңіз, мысалы 15.01.2021 (немесе 15.01.2021 10:30).",
        "error_count": "0 немесе одан көп бүтін сан енгізіңіз.",
        "error_status": "Мәртебені тізімнен таңдаңыз.",
        "error_list": "Бұл мән тізімде жоқ. Сонда да қалдырасыз ба?",
    },
}

ITEMS = {
    "en": {"queries": "query", "broadcasts": "broadcast", "press_events": "press event"},
    "ru": {
        "queries": "одно обращение",
        "broadcasts": "один эфир",
        "press_events": "одно мероприятие",
    },
    "kk": {"queries": "өтініш", "broadcasts": "эфир", "press_events": "іс-шара"},
}

CONFIG_COMMENTS: dict[str, dict[str, str]] = {
    "en": {
        "head": "engagement-report settings for this folder, written by `engagement-report init`.\n"
        "Every key is optional: delete a line to get the default. More: README, “Configuration”.\n"
        "Fill in the workbooks in data/, then run `engagement-report validate` and\n"
        "`engagement-report build --period 2021-01` in this folder.",
        "timezone": "naive date-times are local; UTC/offset values are converted to it",
        "lang": "report language: en, ru, kk",
        "inputs": "used when no INPUT is given (globs allowed; relative to this file)",
        "output": "reports go to <output>/<period>/",
        "formats": "the files build writes",
        "min_category_size": "smaller categories are not ranked by answered share",
        "columns": "canonical column = the header in your files (a string or a list);\n"
        "the headers of the workbooks in data/ are known already",
        "statuses": "extra spellings for each class; the ones below fill the status dropdown",
        "relabel": "label in the data = label in the reports (also [channels], [districts]);\n"
        "the labels on the right fill the workbooks' dropdown lists",
        "answer_working_days": "days to answer (Administrative Procedural Code, art. 76)",
        "redirect_working_days": "days to forward a query to the competent body",
        "kind": 'or "calendar" (e.g. Russia\'s 30 days)',
        "country": "public holidays from the holidays package",
        "extra_holidays": 'days off announced for the year, e.g. ["2026-01-02"]',
        "extra_working_days": "working Saturdays announced for the year",
        "working_hours": "a query arriving after them, or on a day off, is registered the next working day (art. 64)",
    },
    "ru": {
        "head": "Настройки engagement-report для этой папки (создано `engagement-report init`).\n"
        "Все ключи необязательны: удалите строку, чтобы вернуть значение по умолчанию.\n"
        "Подробно: README, раздел «Configuration».\n"
        "Заполните книги в папке data/ и запустите в этой папке `engagement-report validate`,\n"
        "затем `engagement-report build --period 2021-01`.",
        "timezone": "даты без пояса — местные; UTC и смещения переводятся в этот пояс",
        "lang": "язык отчёта: en, ru, kk",
        "inputs": "читаются, если файлы не указаны (шаблоны можно; путь от этого файла)",
        "output": "отчёты пишутся в <output>/<период>/",
        "formats": "какие файлы пишет build",
        "min_category_size": "меньшие категории не сравниваются по доле отвеченных",
        "columns": "канонический столбец = заголовок в ваших файлах (строка или список);\n"
        "заголовки книг из data/ уже известны",
        "statuses": "дополнительные написания статусов; значения ниже — в выпадающем списке",
        "relabel": "название в данных = название в отчёте (также [channels], [districts]);\n"
        "названия справа заполняют выпадающие списки книг",
        "answer_working_days": "рабочих дней на ответ (АППК РК, статья 76)",
        "redirect_working_days": "рабочих дней на перенаправление по компетенции",
        "kind": 'или "calendar" (календарные дни, например 30 дней в России)',
        "country": "государственные праздники из пакета holidays",
        "extra_holidays": 'переносы выходных на год, например ["2026-01-02"]',
        "extra_working_days": "рабочие субботы, объявленные на год",
        "working_hours": "обращение, поступившее после них или в выходной, регистрируется на следующий рабочий день (статья 64)",
    },
    "kk": {
        "head": "Осы қалтаға арналған engagement-report баптаулары (`engagement-report init`).\n"
        "Барлық кілттер міндетті емес: әдепкі мәнге оралу үшін жолды өшіріңіз.\n"
        "Толығырақ: README, «Configuration» бөлімі.\n"
        "data/ қалтасындағы кітаптарды толтырып, осы қалтада `engagement-report validate`,\n"
        "содан кейін `engagement-report build --period 2021-01` іске қосыңыз.",
        "timezone": "белдеуі жоқ уақыт жергілікті; UTC және ығысулар осы белдеуге ауысады",
        "lang": "есеп тілі: en, ru, kk",
        "inputs": "файлдар берілмесе оқылады (үлгілерге болады; жол осы файлдан)",
        "output": "есептер <output>/<кезең>/ қалтасына жазылады",
        "formats": "build жазатын файлдар",
        "min_category_size": "кіші санаттар жауап үлесі бойынша салыстырылмайды",
        "columns": "канондық баған = сіздің файлдарыңыздағы тақырып (жол немесе тізім);\n"
        "data/ кітаптарының тақырыптары бұрыннан белгілі",
        "statuses": "мәртебелердің қосымша жазылуы; төмендегілер ашылмалы тізімде",
        "relabel": "деректегі атау = есептегі атау ([channels], [districts] үшін де);\n"
        "оң жақтағы атаулар кітаптардың ашылмалы тізімдерін толтырады",
        "answer_working_days": "жауап беруге жұмыс күндері (ҚР ӘРПК, 76-бап)",
        "redirect_working_days": "құзыреті бойынша жолдауға жұмыс күндері",
        "kind": 'немесе "calendar" (күнтізбелік күндер, мысалы Ресейдегі 30 күн)',
        "country": "мемлекеттік мерекелер holidays пакетінен",
        "extra_holidays": 'жылға жарияланған демалыс ауыстырулары, мысалы ["2026-01-02"]',
        "extra_working_days": "жылға жарияланған жұмыс сенбілері",
        "working_hours": "жұмыс уақытынан кейін немесе демалыста түскен өтініш келесі жұмыс күні тіркеледі (64-бап)",
    },
}

# --- the kit ---------------------------------------------------------------------------


def write_start_kit(
    folder: Path, lang: str = "en", config: Config | None = None, *, overwrite: bool = False
) -> list[Path]:
    """Write the config and the three empty workbooks into ``folder``; the paths written.

    Dropdowns of topic, channel and district offer the labels the config's relabel maps
    lead to (``[topics]`` etc.), else Almaty defaults in ``lang``. Existing files are
    left alone, and :class:`UsageError` names them, unless ``overwrite`` is set.
    """
    if lang not in LANGUAGES:
        raise UsageError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    config = config or Config()
    folder = Path(folder)
    targets = {DEFAULT_CONFIG_NAME: folder / DEFAULT_CONFIG_NAME}
    targets.update({d: folder / DATA_FOLDER / f"{d}.xlsx" for d in DATASETS})
    existing = [path for path in targets.values() if path.exists()]
    if existing and not overwrite:
        names = ", ".join(str(p) for p in existing)
        raise UsageError(
            f"{names}: already exist{'s' if len(existing) == 1 else ''}; nothing written "
            "(--force, or overwrite=True, replaces the kit's files)"
        )
    contents = {targets[DEFAULT_CONFIG_NAME]: config_text(lang, config).encode("utf-8")}
    for dataset in DATASETS:
        contents[targets[dataset]] = workbook_bytes(dataset, lang, config)
    written = []
    for path, data in contents.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        written.append(path)
    return written


def choices(column: str, lang: str, config: Config) -> tuple[str, ...]:
    """The values a column's dropdown offers, in order."""
    if column == "status":
        return tuple(STATUS_LABELS[lang][cls] for cls in STATUS_CLASSES)
    relabel: Mapping[str, str] = getattr(config, _RELABEL_KEYS[column])
    return tuple(_unique(relabel.values())) or DEFAULT_LISTS[column][lang]


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = header_key(value)
        if value.strip() and key not in seen:
            seen.add(key)
            out.append(value)
    return out


# --- the config ------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_string(text: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX) are TOML's; TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def _commented(assignment: str, comment: str) -> str:
    return f"{assignment:<40}# {comment}" if len(assignment) < 40 else f"{assignment}  # {comment}"


def _comment_block(text: str) -> list[str]:
    return [f"# {line}" if line else "#" for line in text.split("\n")]


def config_text(lang: str, config: Config) -> str:
    """The commented ``engagement-report.toml`` of the kit, from ``config``'s settings."""
    c = CONFIG_COMMENTS[lang]
    lines = [*_comment_block(c["head"]), ""]
    lines += [
        _commented(f"timezone = {_toml_string(config.timezone)}", c["timezone"]),
        _commented(f"lang = {_toml_string(lang)}", c["lang"]),
        _commented(f'inputs = ["{DATA_FOLDER}/*.xlsx"]', c["inputs"]),
        _commented('output = "reports"', c["output"]),
        _commented(f"formats = {_toml_list(config.formats)}", c["formats"]),
        _commented(f"min_category_size = {config.min_category_size}", c["min_category_size"]),
        "",
    ]
    lines += _comment_block(c["columns"])
    if config.columns:
        for dataset, mapping in config.columns.items():
            lines.append(f"[columns.{dataset}]")
            lines += [f"{_toml_key(col)} = {_toml_list(hs)}" for col, hs in mapping.items()]
    else:
        lines += [
            "# [columns.queries]",
            '# received_at = "Created Date"',
            '# topic = ["Complaint Type", "Тип жалобы"]',
        ]
    lines += ["", *_comment_block(c["statuses"]), "[statuses]"]
    for cls in STATUS_CLASSES:
        spellings = _unique([STATUS_LABELS[lang][cls], *config.statuses.get(cls, ())])
        lines.append(f"{cls} = {_toml_list(spellings)}")
    for column in ("topic", "channel", "district"):
        key = _RELABEL_KEYS[column]
        relabel: Mapping[str, str] = getattr(config, key) or {
            v: v for v in DEFAULT_LISTS[column][lang]
        }
        lines += ["", *(_comment_block(c["relabel"]) if column == "topic" else []), f"[{key}]"]
        lines += [f"{_toml_key(k)} = {_toml_string(v)}" for k, v in relabel.items()]
    deadlines, calendar = config.deadlines, config.calendar
    lines += [
        "",
        "[deadlines]",
        _commented(
            f"answer_working_days = {deadlines.answer_working_days}", c["answer_working_days"]
        ),
        _commented(
            f"redirect_working_days = {deadlines.redirect_working_days}",
            c["redirect_working_days"],
        ),
        _commented(f"kind = {_toml_string(deadlines.kind)}", c["kind"]),
        "",
        "[calendar]",
        _commented(f"country = {_toml_string(calendar.country)}", c["country"]),
        _commented(
            f"extra_holidays = {_toml_list(d.isoformat() for d in calendar.extra_holidays)}",
            c["extra_holidays"],
        ),
        _commented(
            "extra_working_days = "
            + _toml_list(d.isoformat() for d in calendar.extra_working_days),
            c["extra_working_days"],
        ),
        _commented(
            "working_hours = "
            + _toml_string("-".join(t.strftime("%H:%M") for t in calendar.working_hours)),
            c["working_hours"],
        ),
        "",
    ]
    return "\n".join(lines)


# --- the workbooks ---------------------------------------------------------------------

_REQUIRED_FILL = "1F4E78"  # dark blue, white text
_OPTIONAL_FILL = "DDEBF7"  # light blue, dark text
_WIDTHS = {"id": 16, "date": 14, "count": 14, "status": 18, "category": 26, "text": 40}


def _number_format(column: Column) -> str | None:
    if column.kind != "date":
        return None
    return DATETIME_FORMAT if column.name in _DATETIME_COLUMNS else DATE_FORMAT


def _hint(column: Column, lang: str, has_list: bool) -> str:
    t = TEXT[lang]
    if column.kind == "date":
        return t["hint_datetime"] if column.name in _DATETIME_COLUMNS else t["hint_date"]
    if column.kind == "count":
        return t["hint_count"]
    if column.kind == "status":
        return t["hint_status"].format(values=", ".join(STATUS_LABELS[lang].values()))
    if has_list:
        return t["hint_list"]
    return t["hint_id"] if column.kind == "id" else t["hint_text"]


def meaning(dataset: str, column: Column, lang: str) -> str:
    """What ``column`` holds, in ``lang`` (English: ``Column.meaning``)."""
    if lang == "en":
        return column.meaning
    return MEANINGS[lang][dataset].get(column.name, column.meaning)


def _check_headers(dataset: str, headers: Sequence[str], config: Config) -> None:
    """The loader must map every header back to its column under ``config``."""
    match = match_headers(headers, dataset, config)
    expected = {c.name: i for i, c in enumerate(COLUMNS[dataset])}
    if match.mapping != expected:
        wrong = [
            h
            for c, h in zip(COLUMNS[dataset], headers, strict=True)
            if match.mapping.get(c.name) != expected[c.name]
        ]
        raise UsageError(
            f"the config's [columns.{dataset}] claims the header(s) "
            f"{', '.join(repr(w) for w in wrong)} for other columns; the start kit's "
            f"{dataset} workbook would not be read back correctly"
        )


def workbook_bytes(dataset: str, lang: str, config: Config) -> bytes:
    """The empty data-entry workbook of ``dataset`` as xlsx bytes (no clock in them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    t = TEXT[lang]
    columns = COLUMNS[dataset]
    headers = [HEADERS[lang][dataset][c.name] for c in columns]
    _check_headers(dataset, headers, config)
    sheet_name = SHEET_NAMES[lang][dataset]
    assert dataset_for_name(sheet_name) == dataset

    book = Workbook()
    book.properties.creator = "engagement-report"
    book.properties.title = sheet_name
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    sheet = book.active
    sheet.title = sheet_name
    instructions = book.create_sheet(INSTRUCTIONS_SHEET[lang])
    listed = [c for c in columns if c.name in _LIST_COLUMNS]
    lists = book.create_sheet(LISTS_SHEET) if listed else None

    thin = Side(style="thin", color="8EA9C1")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def style_header(cell: Any, required: bool) -> None:
        cell.font = Font(bold=True, color="FFFFFF" if required else "1F1F1F")
        cell.fill = PatternFill("solid", fgColor=_REQUIRED_FILL if required else _OPTIONAL_FILL)
        cell.border = border
        cell.alignment = wrap

    # Lists first: the data sheet's dropdowns point at their ranges.
    ranges: dict[str, str] = {}
    if lists is not None:
        lists.sheet_state = "hidden"
        for position, column in enumerate(listed, start=1):
            letter = get_column_letter(position)
            values = choices(column.name, lang, config)
            head = lists.cell(1, position, LIST_HEADERS[lang][column.name])
            head.font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                lists.cell(row, position, value)
            width = max((len(v) for v in values), default=10)
            lists.column_dimensions[letter].width = min(max(width + 3, 14), 50)
            ranges[column.name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"

    earliest, latest = (str(int(to_excel(d))) for d in (_EARLIEST, _LATEST))
    for position, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
        letter = get_column_letter(position)
        style_header(sheet.cell(1, position, header), column.required)
        dimension = sheet.column_dimensions[letter]
        width = _WIDTHS[column.kind]
        if column.name in _DATETIME_COLUMNS:
            width = 18
        if column.name in ranges:
            longest = max((len(v) for v in choices(column.name, lang, config)), default=0)
            width = max(width, min(longest + 4, 40))
        dimension.width = max(width, min(len(header) + 3, 24))
        number_format = _number_format(column)
        if number_format:
            dimension.number_format = number_format
        cells = f"{letter}2:{letter}{LAST_ROW}"
        validation = None
        if column.kind == "date":
            validation = DataValidation(
                type="date",
                operator="between",
                formula1=earliest,
                formula2=latest,
                error=t["error_date"],
            )
        elif column.kind == "count":
            validation = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", error=t["error_count"]
            )
        elif column.name in ranges:
            is_status = column.kind == "status"
            validation = DataValidation(
                type="list",
                formula1=ranges[column.name],
                errorStyle="stop" if is_status else "warning",
                error=t["error_status"] if is_status else t["error_list"],
            )
        if validation is not None:
            validation.allow_blank = True
            validation.showErrorMessage = True
            validation.errorTitle = t["error_title"][:32]
            validation.showInputMessage = True
            validation.promptTitle = header[:32]
            validation.prompt = meaning(dataset, column, lang)[:255]
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"

    _fill_instructions(instructions, dataset, lang, headers, bool(listed), style_header)

    buffer = io.BytesIO()
    from openpyxl.writer.excel import ExcelWriter

    # ExcelWriter rather than Workbook.save: save() stamps the current time as "modified".
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _stable_zip(buffer.getvalue())


def _fill_instructions(
    sheet: Any, dataset: str, lang: str, headers: Sequence[str], has_lists: bool, style: Any
) -> None:
    from openpyxl.styles import Alignment, Font

    t = TEXT[lang]
    sheet.cell(1, 1, t["title"].format(sheet=SHEET_NAMES[lang][dataset])).font = Font(
        bold=True, size=14
    )
    notes = [t["one_row"].format(item=ITEMS[lang][dataset]), t["headers"], t["required"]]
    notes += [t["values"], *([t["lists"]] if has_lists else []), t["check"]]
    row = 2
    for note in notes:
        sheet.cell(row, 1, note)
        row += 1
    row += 1
    for position, text in enumerate((t["column"], t["is_required"], t["meaning"], t["how"]), 1):
        style(sheet.cell(row, position, text), False)
    listed = set(_LIST_COLUMNS)
    top = Alignment(wrap_text=True, vertical="top")
    for column, header in zip(COLUMNS[dataset], headers, strict=True):
        row += 1
        values = (
            header,
            t["yes"] if column.required else t["no"],
            meaning(dataset, column, lang),
            _hint(column, lang, column.name in listed),
        )
        for position, value in enumerate(values, 1):
            cell = sheet.cell(row, position, value)
            cell.alignment = top
            if position == 1:
                cell.font = Font(bold=column.required)
    for letter, width in zip("ABCD", (26, 14, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width


def _stable_zip(data: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
