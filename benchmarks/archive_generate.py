"""Archives of 13, 24, 60 and 120 months for the archive benchmark (seeded, reused).

Each archive ends with the same month and holds the same rows per month, so a monthly
report reads the same 13 months from each: only the months it does not need grow. The
rows are written as checked rows (the column types ``validate`` gives), month by month
through the archive's own writer, a year at a time (as a registry that imports its back
years, then one month a month), so the archive, its manifest and its partition files are
what ``engagement-report archive`` writes.

    python benchmarks/archive_generate.py                       # 20k queries a month
    python benchmarks/archive_generate.py --rows-per-month 420000   # 120 months ≈ 50M
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from engagement_report.archive import write_archive  # noqa: E402
from engagement_report.models import CleanData, ValidationReport  # noqa: E402
from engagement_report.models import SourceAccount as Account  # noqa: E402
from engagement_report.validation import empty_frame  # noqa: E402

LAST_MONTH = "2025-12"
SIZES = (13, 24, 60, 120)  # 24: the months a report of December reads in full
STATUSES = ["answered", "in_progress", "rejected", "redirected"]
TOPICS = [f"Topic {n:02d}" for n in range(24)]
CHANNELS = ["109 call centre", "eOtinish", "Instagram", "Telegram", "website", "visit"]
DISTRICTS = ["Almaly", "Alatau", "Auezov", "Bostandyk", "Zhetysu", "Medeu", "Nauryzbay", "Turksib"]
PROGRAMS = ["Akimat LIVE", "Open dialogue", "District akim live"]


def _category(rng: np.random.Generator, labels: list[str], n: int) -> pd.Categorical:
    weights = rng.dirichlet(np.ones(len(labels)) * 2)
    return pd.Categorical.from_codes(rng.choice(len(labels), n, p=weights), labels)


def month_queries(
    month: pd.Period, rows: int, rng: np.random.Generator, start_id: int
) -> pd.DataFrame:
    """A month of checked queries: received in the month, answered within weeks."""
    first = month.start_time.to_datetime64().astype("datetime64[ns]")
    span = np.int64(month.days_in_month * 86_400) * 10**9
    received = first + rng.integers(0, span, rows).astype("timedelta64[ns]")
    minutes = rng.gamma(2.0, 5 * 1440, rows).astype(np.int64)
    answered = received + (minutes * 60 * 10**9).astype("timedelta64[ns]")
    status = rng.choice(4, rows, p=[0.82, 0.1, 0.03, 0.05])
    answered = np.where(status == 1, np.datetime64("NaT", "ns"), answered)
    received_at = pd.Series(received).dt.floor("min")
    answered_at = pd.Series(answered).dt.floor("min")
    ok = answered_at.notna().to_numpy()
    days = ((answered_at - received_at).dt.total_seconds() / 86_400).where(ok)
    return pd.DataFrame(
        {
            "query_id": pd.array([f"Q-{start_id + i:09d}" for i in range(rows)], dtype="string"),
            "received_at": received_at,
            "answered_at": answered_at,
            "status": pd.Categorical.from_codes(status, STATUSES),
            "topic": _category(rng, TOPICS, rows),
            "channel": _category(rng, CHANNELS, rows),
            "district": _category(rng, DISTRICTS, rows),
            "deadline": pd.Series(np.full(rows, np.datetime64("NaT", "ns"))),
            "extended_until": pd.Series(np.full(rows, np.datetime64("NaT", "ns"))),
            "response_ok": ok,
            "response_days": days.astype(float),
            "answered_timed": ok,
            "deadline_timed": np.zeros(rows, dtype=bool),
            "_file": pd.Categorical([f"queries-{month}.csv"] * rows),
            "_sheet": pd.Categorical([""] * rows),
            "_row": np.arange(2, rows + 2, dtype=np.int64),
        }
    )


def month_events(month: pd.Period, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A month's broadcasts (a dozen) and press events (two dozen)."""
    first = month.start_time

    def dates(n: int) -> pd.Series:
        return pd.Series(first + pd.to_timedelta(rng.integers(0, month.days_in_month, n), "D"))

    b, p = 12, 24
    broadcasts = pd.DataFrame(
        {
            "date": dates(b).astype("datetime64[ns]"),
            "program": _category(rng, PROGRAMS, b),
            "speaker": pd.Categorical(["Akim"] * b),
            "topic": _category(rng, TOPICS, b),
            "questions_answered": pd.array(rng.integers(5, 60, b), dtype="Int64"),
            "tv_segments": pd.array(rng.integers(0, 4, b), dtype="Int64"),
            "_file": pd.Categorical([f"broadcasts-{month}.csv"] * b),
            "_sheet": pd.Categorical([""] * b),
            "_row": np.arange(2, b + 2, dtype=np.int64),
        }
    )
    press = pd.DataFrame(
        {
            "date": dates(p).astype("datetime64[ns]"),
            "title": pd.array([f"Briefing {i}" for i in range(p)], dtype="string"),
            "topic": _category(rng, TOPICS, p),
            "speakers": pd.array(rng.integers(1, 4, p), dtype="Int64"),
            "journalist_questions": pd.array(rng.integers(0, 20, p), dtype="Int64"),
            "publications": pd.array(rng.integers(0, 80, p), dtype="Int64"),
            "_file": pd.Categorical([f"press-{month}.csv"] * p),
            "_sheet": pd.Categorical([""] * p),
            "_row": np.arange(2, p + 2, dtype=np.int64),
        }
    )
    return broadcasts, press


def _account(dataset: str, frame: pd.DataFrame) -> Account:
    columns = [c for c in frame.columns if not c.startswith("_")]
    n = len(frame)
    return Account(
        f"{dataset}.csv",
        None,
        dataset,
        1,
        "name",
        {c: c for c in columns},
        (),
        n,
        n,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    )


def generate(months: int, rows: int, folder: Path, seed: int = 15) -> Path:
    """An archive of ``months`` months up to LAST_MONTH, ``rows`` queries each."""
    if folder.exists():
        shutil.rmtree(folder)
    last = pd.Period(LAST_MONTH, "M")
    periods = [last - k for k in range(months - 1, -1, -1)]
    # Seeded by month, so the last 13 months are the same rows in every archive.
    for start in range(0, months, 12):
        import_months(periods[start : start + 12], rows, folder, seed)
    return folder


def import_months(chunk: list[pd.Period], rows: int, folder: Path, seed: int = 15) -> None:
    """Import the generated rows of ``chunk``'s months into the archive at ``folder``."""
    parts: dict[str, list[pd.DataFrame]] = {"queries": [], "broadcasts": [], "press_events": []}
    for month in chunk:
        rng = np.random.default_rng([seed, month.year, month.month])
        parts["queries"].append(month_queries(month, rows, rng, (month.ordinal % 10**5) * 10**6))
        broadcasts, press = month_events(month, rng)
        parts["broadcasts"].append(broadcasts)
        parts["press_events"].append(press)
    frames = {d: pd.concat(f, ignore_index=True) for d, f in parts.items()}
    for d in ("queries", "broadcasts", "press_events"):
        for column in frames[d]:
            if isinstance(parts[d][0][column].dtype, pd.CategoricalDtype):
                frames[d][column] = frames[d][column].astype("category")
    report = ValidationReport(tuple(_account(d, f) for d, f in frames.items()), ())
    data = CleanData(
        queries=frames["queries"],
        broadcasts=frames["broadcasts"],
        press_events=frames["press_events"],
        press_questions=empty_frame("press_questions"),  # no question log
        rejected_rows=pd.DataFrame(columns=["file", "sheet", "row", "column", "reason"]),
        report=report,
        present=frozenset(frames),
    )
    write_archive(data, (), folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-per-month", type=int, default=20_000)
    parser.add_argument("--months", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "archives")
    parser.add_argument(
        "--append-month", help="import this month (YYYY-MM) into the archive --into: a cron import"
    )
    parser.add_argument("--into", type=Path)
    args = parser.parse_args()
    if args.append_month:
        import_months([pd.Period(args.append_month, "M")], args.rows_per_month, args.into)
        return
    for months in args.months:
        folder = args.out / f"{months}m-{args.rows_per_month}"
        if (folder / "archive.json").exists():
            print(f"{folder}: kept", flush=True)
            continue
        began = time.perf_counter()
        generate(months, args.rows_per_month, folder)
        size = sum(p.stat().st_size for p in folder.rglob("*.parquet")) / 1e6
        print(
            f"{folder}: {months} months × {args.rows_per_month:,} queries, {size:,.0f} MB, "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
