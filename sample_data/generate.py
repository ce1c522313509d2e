"""Write the seeded sample data set: ``queries.csv``, ``broadcasts.csv``, ``press_events.csv``.

The figures published by the Almaty akimat ("listening state" article, 2021) are reproduced
exactly (see README.md); everything else is invented but plausible. The output is
deterministic: running the script twice gives byte-identical files.

Usage: ``python sample_data/generate.py [--out DIR]`` (default: the folder of this script).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2021
HERE = Path(__file__).resolve().parent
CUTOFF = np.datetime64("2021-02-28T23:59", "m")  # date of the extract: nothing answered later
# Kazakhstan's days off in 2020-2021 (no transfers of weekend days: an approximation).
_DAYS_OFF = (
    "01-01 01-02 01-07 03-08 03-21 03-22 03-23 05-01 05-07 05-09 07-06 08-30 12-01 12-16 12-17"
)
HOLIDAYS = np.array([f"{y}-{d}" for y in (2020, 2021) for d in _DAYS_OFF.split()], "datetime64[D]")

# topic | base share in % | department | subjects of press events. The first five rows are the
# published top five, in this order; their base shares sum to 58.5 %.
_TOPIC_TABLE = """
Public transport|16.0|Passenger Transport Department|public transport tariffs;new bus routes
Construction quality|13.0|Construction Control Department|quality of new housing;unfinished sites
Roads and sidewalks|11.5|Urban Mobility Department|road repairs;sidewalk reconstruction
Public safety|10.0|Police Department|road safety;crime prevention
Engineering networks|8.0|Energy and Utilities Department|water supply networks;sewerage upgrades
Utilities and heating|5.0|Energy and Utilities Department|utility tariffs;hot water outages
Landscaping and parks|5.5|Natural Resources Department|new parks;tree planting
Ecology and air quality|4.0|Ecology Department|air quality;gasification of private homes
Healthcare|4.5|Health Department|coronavirus situation;hospital capacity
Education|3.5|Education Department|school admissions;distance learning
Social support|3.5|Social Programmes Department|social assistance;employment programmes
Housing|3.5|Housing Department|housing queue;rental housing
Trade and services|3.0|Entrepreneurship Department|support for small business;markets
Land relations|2.5|Land Relations Department|land plot allocation
Stray animals|2.5|Veterinary Department|stray animal control
Other|3.5|Akimat Press Service|results of the week;city news
"""
_ROWS = [line.split("|") for line in _TOPIC_TABLE.strip().splitlines()]
TOPICS = {t: (float(share), dept, tuple(subj.split(";"))) for t, share, dept, subj in _ROWS}
TOPIC_NAMES = list(TOPICS)
WINTER_SUBJECTS = {"Roads and sidewalks": "snow removal", "Utilities and heating": "heating season"}
# channel -> share in % in January 2020 and in February 2021 (Telegram grows, Facebook fades)
CHANNEL_SHARES = {
    "109 call centre": (37, 33),
    "Open Almaty website": (21, 19),
    "Instagram": (17, 19),
    "Telegram": (7, 13),
    "Facebook": (11, 7),
    "eOtinish": (7, 9),
}
CHANNELS = list(CHANNEL_SHARES)
CHANNELS_START, CHANNELS_END = np.array(list(CHANNEL_SHARES.values())).T / 100
DISTRICTS = ["Alatau", "Almaly", "Auezov", "Bostandyk", "Medeu", "Nauryzbay", "Turksib", "Zhetysu"]
DISTRICT_P = np.array([14, 12, 18, 17, 11, 7, 12, 9]) / 100  # roughly by population
# Requests arrive mostly in working hours, some in the evening, few at night.
HOUR_W = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 14, 20, 22, 22, 18, 20, 21, 20, 18, 14, 11, 9, 7, 5, 3, 2]
)
# Volume by calendar month: more in winter (heating, snow), fewer in the summer holidays.
MONTH_FACTOR = np.array([1.12, 1.08, 1.0, 1.06, 0.97, 0.94, 0.9, 0.9, 0.97, 1.0, 1.05, 1.1])
ON_AIR_TOPICS = TOPIC_NAMES[:13]  # land relations, stray animals, "other": never an agenda on air
DEPUTY_AKIMS = {
    "Deputy akim for urban development": "Construction quality",
    "Deputy akim for urban economy": "Engineering networks",
    "Deputy akim for social affairs": "Social support",
}
# The six live broadcasts of January-February 2021: date | programme | speaker | agenda topic.
BROADCASTS_2021 = """
2021-01-14|Akimat LIVE|Head of Energy and Utilities Department|Utilities and heating
2021-01-21|District akim live|Akim of Alatau district|Roads and sidewalks
2021-01-28|Akimat LIVE|Head of Passenger Transport Department|Public transport
2021-02-04|Almaty TV: Open dialogue|Akim of Almaty B. Sagintayev|Construction quality
2021-02-11|Akimat LIVE|Head of Health Department|Healthcare
2021-02-25|Akimat LIVE|Deputy akim for urban economy|Engineering networks
"""


def allocate(
    rng: np.random.Generator, total: int, weights: np.ndarray, low: int, high: int
) -> np.ndarray:
    """Random integers in [low, high], roughly proportional to weights, summing exactly to total."""
    w = np.asarray(weights, dtype=float)
    if not len(w) * low <= total <= len(w) * high:
        raise ValueError(f"cannot split {total} into {len(w)} parts within [{low}, {high}]")
    out = np.full(len(w), low, dtype=np.int64)
    while (rest := total - int(out.sum())) > 0:  # multinomial draws, capped, until exact
        p = np.where(out < high, w, 0.0)
        out += np.minimum(rng.multinomial(rest, p / p.sum()), high - out)
    return out


def weekday(days: np.ndarray) -> np.ndarray:
    """Day of the week of datetime64[D] values, Monday = 0 (1970-01-01 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def workdays(start: str, end: str) -> np.ndarray:
    """Working days (weekdays minus days off) from start to end inclusive."""
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    return days[np.is_busday(days, holidays=HOLIDAYS)]


def wd_after(days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """The n-th working day counting from the day after ``days`` (n=15: the legal deadline)."""
    return np.busday_offset(days + 1, np.asarray(n) - 1, roll="forward", holidays=HOLIDAYS)


def topic_p(year: int, month: int) -> np.ndarray:
    """Topic probabilities for a month, with the seasons and the pandemic."""
    w = {t: v[0] for t, v in TOPICS.items()}
    if month in (11, 12, 1, 2, 3):  # heating season: burst pipes, cold radiators, smog
        w["Engineering networks"] *= 1.3
        w["Utilities and heating"] *= 1.6
        w["Ecology and air quality"] *= 1.4
    if year == 2020 and 3 <= month <= 7:  # COVID-19 lockdown and the summer wave
        w["Healthcare"] *= 2.5
        w["Social support"] *= 1.5
    if 5 <= month <= 9:
        w["Landscaping and parks"] *= 1.5
    p = np.array(list(w.values()))
    return p / p.sum()


def fmt_minutes(values: np.ndarray) -> np.ndarray:
    """datetime64[m] -> 'YYYY-MM-DD HH:MM', NaT -> ''."""
    text = np.char.replace(np.datetime_as_string(values, unit="m"), "T", " ")
    return np.where(np.isnat(values), "", text)


def make_queries(rng: np.random.Generator) -> pd.DataFrame:
    """Citizens' queries received from 2020-01-01 to 2021-02-28, with their outcome."""
    parts = []
    months = pd.period_range("2020-01", "2021-02", freq="M")
    for i, m in enumerate(months):
        factor = MONTH_FACTOR[m.month - 1] * (1.04 if m.year == 2021 else 1.0)  # slow growth
        n = int(np.clip(1450 * factor * rng.normal(1, 0.04), 1200, 1800))
        days = np.arange(np.datetime64(str(m), "D"), np.datetime64(str(m + 1), "D"))
        dw = np.choose(weekday(days), [1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.45])  # weekday-heavy
        dw[np.isin(days, HOLIDAYS)] = 0.5
        day = rng.choice(days, n, p=dw / dw.sum())
        minute = rng.choice(24, n, p=HOUR_W / HOUR_W.sum()) * 60 + rng.integers(0, 60, n)
        chan_p = CHANNELS_START + (CHANNELS_END - CHANNELS_START) * i / (len(months) - 1)
        parts.append(
            pd.DataFrame(
                {
                    "received": day.astype("datetime64[m]") + minute.astype("timedelta64[m]"),
                    "topic": rng.choice(TOPIC_NAMES, n, p=topic_p(m.year, m.month)),
                    "channel": rng.choice(CHANNELS, n, p=chan_p),
                    "district": rng.choice(DISTRICTS, n, p=DISTRICT_P),
                }
            )
        )
    df = pd.concat(parts).sort_values("received", kind="stable").reset_index(drop=True)
    rec = df["received"].to_numpy().astype("datetime64[m]")
    day = rec.astype("datetime64[D]")
    n = len(df)

    # Exact status counts: 94 % answered, 1.5 % rejected, 2.5 % redirected, the rest in progress.
    n_ans, n_rej, n_red = round(0.94 * n), round(0.015 * n), round(0.025 * n)
    n_prog = n - n_ans - n_rej - n_red
    old = np.flatnonzero((day >= np.datetime64("2020-10-01")) & (day < np.datetime64("2021-02-01")))
    stragglers = rng.choice(old, 12, replace=False)  # forgotten queries, months overdue
    recent = np.flatnonzero(day >= np.datetime64("2021-02-01"))
    age = (CUTOFF - rec[recent]).astype(float) / 1440  # days before the extract
    w = np.exp(-age / 6)  # the newer the query, the likelier it is still open
    in_prog = rng.choice(recent, n_prog - 12, replace=False, p=w / w.sum())
    status = np.full(n, "answered", dtype=object)
    status[np.concatenate([stragglers, in_prog])] = "in_progress"
    closed = rng.permutation(np.flatnonzero(status == "answered"))
    status[closed[:n_rej]] = "rejected"
    status[closed[n_rej : n_rej + n_red]] = "redirected"

    # Answer day: normal answers take a few working days (median ~4); some are same-day,
    # ~4.5 % late (1-19 days after the deadline), ~1 % lawfully extended (up to 2 months).
    deadline = wd_after(day, 15)
    kind = rng.choice(4, n, p=[0.005, 0.94, 0.045, 0.01])  # same day, normal, late, extended
    kind[(kind == 0) & (rec - day.astype("datetime64[m]") > np.timedelta64(16 * 60, "m"))] = 1
    normal = np.clip(np.rint(rng.lognormal(np.log(4), 0.6, n)), 1, 15).astype(int)
    ans_day = wd_after(day, normal)
    late = np.busday_offset(deadline + rng.integers(1, 20, n), 0, roll="forward", holidays=HOLIDAYS)
    ans_day = np.where(kind == 2, late, ans_day)
    ext_until = day + rng.integers(35, 61, n)  # within two months after receipt
    room = np.busday_count(deadline, ext_until, holidays=HOLIDAYS)  # >= 7 working days
    extended = np.busday_offset(deadline, rng.integers(1, room), holidays=HOLIDAYS)
    ans_day = np.where(kind == 3, extended, ans_day)
    is_red, is_rej = status == "redirected", status == "rejected"
    ans_day[is_red] = wd_after(
        day[is_red], rng.choice(5, is_red.sum(), p=[0.35, 0.3, 0.2, 0.1, 0.05]) + 1
    )
    ans_day[is_rej] = wd_after(day[is_rej], rng.integers(1, 11, is_rej.sum()))
    office_time = (9 * 60 + rng.integers(0, 600, n)).astype("timedelta64[m]")  # 09:00-18:59
    answered = ans_day.astype("datetime64[m]") + office_time
    same_day = rec + rng.integers(20, 300, n).astype("timedelta64[m]")
    answered = np.where((kind == 0) & (status == "answered"), same_day, answered)
    # Near the extract date an answer cannot lie in the future: answer before the cutoff.
    future = answered > CUTOFF
    span = (CUTOFF - rec[future]).astype(np.int64) + 1
    answered[future] = rec[future] + (rng.random(future.sum()) * span).astype("timedelta64[m]")
    answered[status == "in_progress"] = np.datetime64("NaT")
    has_ext = (kind == 3) & (status == "answered") & ~future

    # A few rows carry an explicit, shortened deadline (urgent queries: 5 or 10 working days).
    override = rng.choice(np.flatnonzero(~has_ext), round(0.005 * n), replace=False)
    explicit = np.full(n, "", dtype=object)
    explicit[override] = np.datetime_as_string(
        wd_after(day[override], rng.choice([5, 10], len(override)))
    )
    year = day.astype("datetime64[Y]").astype(int) + 1970
    seq = pd.Series(year).groupby(year).cumcount() + 1  # numbering restarts each year
    return pd.DataFrame(
        {
            "query_id": [f"OA-{y}-{s:06d}" for y, s in zip(year, seq, strict=True)],
            "received_at": fmt_minutes(rec),
            "answered_at": fmt_minutes(answered),
            "status": status,
            "topic": df["topic"],
            "channel": df["channel"],
            "district": df["district"],
            "deadline": explicit,
            "extended_until": np.where(has_ext, np.datetime_as_string(ext_until), ""),
            "body": responsible_bodies(df["topic"].to_numpy(), df["district"].to_numpy()),
        }
    )


# Local topics a district akimat answers in part: the share of such queries sent there.
DISTRICT_TOPICS = {
    "Roads and sidewalks": 0.4,
    "Landscaping and parks": 0.5,
    "Housing": 0.3,
    "Stray animals": 0.6,
}


def responsible_bodies(topics: np.ndarray, districts: np.ndarray) -> np.ndarray:
    """The body that answers each query: the topic's department, or for local topics
    sometimes the district's akimat. A generator of its own (seed 2021 + 14), so the
    other columns are what they were before this column existed."""
    rng = np.random.default_rng(SEED + 14)
    bodies = np.array([TOPICS[t][1] for t in topics], dtype=object)
    share = np.array([DISTRICT_TOPICS.get(t, 0.0) for t in topics])
    local = rng.random(len(topics)) < share
    bodies[local] = [f"Akimat of {d} district" for d in districts[local]]
    bodies[topics == "Other"] = "Akimat reception office"
    return bodies


def make_broadcasts(rng: np.random.Generator) -> pd.DataFrame:
    """Live broadcasts: 96 in 2020 (2,400 questions), 6 in Jan-Feb 2021 (165 questions)."""
    share = np.array([TOPICS[t][0] for t in ON_AIR_TOPICS])
    heads = {f"Head of {TOPICS[t][1]}": t for t in ON_AIR_TOPICS} | DEPUTY_AKIMS
    names = list(heads)
    speaker_w = np.array([TOPICS[heads[s]][0] for s in names])  # transport is on air most
    # Akimat LIVE airs on Thursdays, except on days off and during a two-week summer break.
    days = workdays("2020-01-01", "2020-12-31")
    thursdays = days[weekday(days) == 3]
    live = thursdays[
        (thursdays < np.datetime64("2020-07-20")) | (thursdays > np.datetime64("2020-08-02"))
    ]
    others = days[weekday(days) != 3]
    district_days = np.sort(rng.choice(others, 32, replace=False))  # each district akim 4 times
    dialogue_days = np.sort(rng.choice(others, 96 - len(live) - 32, replace=False))
    rows = []
    for d in live:
        s = rng.choice(names, p=speaker_w / speaker_w.sum())
        rows.append((d, "Akimat LIVE", s, heads[s]))
    local = {
        "Landscaping and parks": 0.25,
        "Roads and sidewalks": 0.3,
        "Utilities and heating": 0.15,
        "Public safety": 0.14,
        "Housing": 0.13,
        "Stray animals": 0.03,
    }  # stray animals: rare
    for d, district in zip(district_days, rng.permutation(np.repeat(DISTRICTS, 4)), strict=True):
        topic = rng.choice(list(local), p=list(local.values()))
        rows.append((d, "District akim live", f"Akim of {district} district", topic))
    for d in dialogue_days:
        topic = rng.choice(ON_AIR_TOPICS, p=share / share.sum())
        rows.append((d, "Almaty TV: Open dialogue", f"Head of {TOPICS[topic][1]}", topic))
    df = pd.DataFrame(rows, columns=["date", "program", "speaker", "topic"])
    weight = df["program"].map({"Akimat LIVE": 1.2, "District akim live": 0.8}).fillna(1.0)
    df["questions_answered"] = allocate(rng, 2400, weight * rng.gamma(8, size=96), 8, 45)
    df["tv_segments"] = rng.integers(10, 61, 96)
    # 2021: the six live broadcasts of January-February, one with the city akim himself.
    y21 = pd.DataFrame(
        [row.split("|") for row in BROADCASTS_2021.strip().splitlines()],
        columns=["date", "program", "speaker", "topic"],
    )
    weight = np.array([1.0, 0.7, 1.0, 1.8, 1.1, 0.9])  # the akim's broadcast gets the most
    y21["questions_answered"] = allocate(rng, 165, weight, 15, 50)
    y21["tv_segments"] = allocate(rng, int(rng.integers(1501, 1601)), weight, 150, 600)
    df["date"] = np.datetime_as_string(df["date"].to_numpy().astype("datetime64[D]"))
    df = pd.concat([df, y21]).sort_values(["date", "program"], kind="stable")
    return df[["date", "program", "speaker", "topic", "questions_answered", "tv_segments"]]


def press_events(
    rng: np.random.Generator,
    days: np.ndarray,
    n: int,
    speakers: int | None = None,
    questions: int | None = None,
    publications: int | None = None,
) -> pd.DataFrame:
    """n press events on the given working days; the totals given are hit exactly."""
    dw = np.where(
        (days >= np.datetime64("2020-03-16")) & (days <= np.datetime64("2020-05-31")), 1.8, 1.0
    )
    dates = np.sort(rng.choice(days, n, p=dw / dw.sum()))  # daily COVID briefings in spring 2020
    when = pd.DatetimeIndex(dates)
    topics = [rng.choice(TOPIC_NAMES, p=topic_p(d.year, d.month)) for d in when]
    titles: list[str] = []
    seen: set[str] = set()  # titles already used on the current day
    for i, (d, t) in enumerate(zip(when, topics, strict=True)):
        if i and dates[i] != dates[i - 1]:
            seen = set()
        subjects = list(TOPICS[t][2])
        if d.month in (11, 12, 1, 2, 3) and t in WINTER_SUBJECTS:
            subjects.append(WINTER_SUBJECTS[t])
        options = [f"Briefing of the {TOPICS[t][1]}"]
        options += [
            f"{kind}: {subj}" for kind in ("Briefing", "Press conference") for subj in subjects
        ]
        # The same title twice on one day would be one event: avoid it.
        options = [o for o in options if o not in seen] or [f"Press approach: {t.lower()}"]
        titles.append(options[rng.integers(len(options))])
        seen.add(titles[-1])
    if speakers is None:
        spk = rng.choice([1, 2, 3, 4], n, p=[0.35, 0.35, 0.2, 0.1])
    else:
        spk = allocate(rng, speakers, rng.gamma(2, size=n), 1, 4)
    if questions is None:
        qst = np.clip(rng.poisson(3.2 * spk), 0, 25)
    else:
        qst = allocate(rng, questions, spk * rng.gamma(3, size=n), 0, 25)
    if publications is None:
        pub = np.rint(rng.lognormal(np.log(450), 0.4, n)).astype(int)
    else:
        pub = allocate(rng, publications, rng.lognormal(0, 0.4, n), 150, 1500)
    return pd.DataFrame(
        {
            "date": np.datetime_as_string(dates),
            "title": titles,
            "topic": topics,
            "speakers": spk,
            "journalist_questions": qst,
            "publications": pub,
        }
    )


def make_press_events(rng: np.random.Generator) -> pd.DataFrame:
    """Press events of 2020 (3,048 questions, 623 speakers), January and February 2021."""
    y2020 = press_events(
        rng,
        workdays("2020-01-01", "2020-12-31"),
        int(rng.integers(270, 311)),
        speakers=623,
        questions=3048,
    )
    jan = press_events(
        rng,
        workdays("2021-01-01", "2021-01-31"),
        45,
        speakers=84,
        questions=293,
        publications=int(rng.integers(24001, 24601)),
    )
    feb = press_events(rng, workdays("2021-02-01", "2021-02-28"), int(rng.integers(35, 46)))
    return pd.concat([y2020, jan, feb], ignore_index=True)


def main(out_dir: Path | None = None) -> list[Path]:
    """Write the three CSV files into out_dir (default: this folder); return their paths."""
    out = Path(out_dir) if out_dir is not None else HERE
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    tables = {
        "queries.csv": make_queries(rng),
        "broadcasts.csv": make_broadcasts(rng),
        "press_events.csv": make_press_events(rng),
    }
    paths = []
    for name, table in tables.items():
        path = out / name
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: here)")
    for written in main(parser.parse_args().out):
        print(written)
