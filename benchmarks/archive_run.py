"""A monthly report's cost against the size of the archive it reads (issue 15).

For each archive of ``archive_generate.py`` (same rows per month, same last month), runs
``build --period LAST`` and ``summary --period LAST`` as whole processes (caches off),
turn about across the archives so that the machine's drift falls on all of them alike,
and records the median wall time and the largest peak resident memory (GNU time). With
``--dask`` it also runs ``summary --engine dask`` on a LocalCluster of two workers
beside the pandas engine, over the year up to LAST, and ``build --engine dask`` of LAST
(on the largest archive); and the monthly cron import (one new
month, generated, into a copy of each archive: the generation is in its time). Rewrites the section between the
``archive:start``/``archive:end`` marks of benchmarks/README.md unless ``--no-write``.

    python benchmarks/archive_run.py --rows-per-month 50000 --runs 3 --dask
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from archive_generate import LAST_MONTH, SIZES  # noqa: E402

TODAY = "2026-06-01"
README = ROOT / "README.md"


def timed(
    args: list[str], env: dict[str, str], program: tuple[str, ...] = ("-m", "engagement_report")
) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one whole process (GNU time -v)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        done = subprocess.run(
            [
                "/usr/bin/time",
                "-v",
                "-o",
                report.name,
                sys.executable,
                *program,
                *args,
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
        text = report.read()
    clock = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    assert clock is not None
    hours, minutes, seconds = clock.groups()
    wall = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    assert peak is not None
    return wall, int(peak.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-per-month", type=int, default=20_000)
    parser.add_argument("--months", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "archives")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent), "NO_COLOR": "1"}
    archives = {m: args.data / f"{m}m-{args.rows_per_month}" for m in args.months}
    for months, folder in archives.items():
        if not (folder / "archive.json").exists():
            raise SystemExit(
                f"{folder}: missing; run benchmarks/archive_generate.py --months {months} "
                f"--rows-per-month {args.rows_per_month}"
            )
    cases: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs):
            for months, folder in archives.items():
                common = ["--period", LAST_MONTH, "--today", TODAY, "--no-cache", "--quiet"]
                out = Path(scratch) / f"out-{months}-{run}"
                build = ["build", str(folder), *common, "--out", str(out)]
                cases.setdefault(("build", months), []).append(timed(build, env))
                summary = ["summary", str(folder), *common]
                cases.setdefault(("summary", months), []).append(timed(summary, env))
                if args.dask and months == max(archives):
                    year = ["summary", str(folder), "--period", LAST_MONTH[:4], "--today", TODAY]
                    year += ["--no-cache", "--quiet"]
                    cases.setdefault(("summary year, pandas", months), []).append(timed(year, env))
                    on_dask = [*year, "--engine", "dask"]
                    cases.setdefault(("summary year, dask", months), []).append(timed(on_dask, env))
                    dask_build = [*build, "--engine", "dask"]
                    cases.setdefault(("build, dask", months), []).append(timed(dask_build, env))
                # The monthly cron import: one new month into a copy of the archive.
                copy = Path(scratch) / f"copy-{months}-{run}"
                shutil.copytree(folder, copy)
                append = ["--append-month", "2026-01", "--into", str(copy)]
                append += ["--rows-per-month", str(args.rows_per_month)]
                generator = (str(ROOT / "archive_generate.py"),)
                cases.setdefault(("import a new month", months), []).append(
                    timed(append, env, generator)
                )
                shutil.rmtree(copy)
                print(f"run {run + 1}: {months} months done", flush=True)
    rows = []
    for (case, months), results in cases.items():
        wall = statistics.median(r[0] for r in results)
        peak = max(r[1] for r in results)
        rows.append((case, months, wall, peak))
    smallest = min(archives)
    base = {case: wall for case, months, wall, _ in rows if months == smallest}
    # A report of December reads 24 months in full (its year to date and the same part of
    # last year): the archive that holds just those is the fair base for "grows with the
    # archive"; the 13-month one holds less than the report reads.
    read = {case: wall for case, months, wall, _ in rows if months == 24}
    lines = [
        f"Median of {args.runs} run(s) per case, each a whole process with the caches off; "
        f"{args.rows_per_month:,} queries a month (plus 12 broadcasts and 24 press events); "
        f"the report is of {LAST_MONTH}. Load average at the start: "
        f"{os.getloadavg()[0]:.1f}. {platform.python_version()}, {os.cpu_count()} cores.",
        "",
        "| case | months in the archive | queries in the archive | time (s) | × the "
        f"{smallest}-month archive | × the 24-month archive | peak memory (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case, months, wall, peak in sorted(rows, key=lambda r: (r[0], r[1])):
        ratio = f"{wall / base[case]:.2f}" if case in base else ""
        to_read = f"{wall / read[case]:.2f}" if case in read else ""
        lines.append(
            f"| {case} | {months} | {months * args.rows_per_month:,} | {wall:.2f} | "
            f"{ratio} | {to_read} | {peak:,.0f} |"
        )
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        text = README.read_text(encoding="utf-8")
        start, end = "<!-- archive:start -->", "<!-- archive:end -->"
        if start in text:
            head, rest = text.split(start, 1)
            text = head + start + "\n" + table + "\n" + end + rest.split(end, 1)[1]
            README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
