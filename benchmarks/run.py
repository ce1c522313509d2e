"""Benchmark the whole command against the floors its speed targets are measured by.

Every case is a whole process (``engagement-report build …``), run several times; the
median wall time and the largest peak resident memory are reported. The floors are
measured in the same run, each in turn with the build it is the floor of (the speed of
a virtual machine drifts from minute to minute), and each ratio is the median of the
rounds' ratios, so the ratios hold on any machine:

* xlsx: ``fastexcel`` alone reading the 1M-row sheet into Arrow (target: build ≤ 1.5×);
* CSV: ``import pandas`` plus ``pyarrow.csv.read_csv`` of the same rows (target: ≤ 3.5×);
* the second build of the same workbook, from the caches (target: ≤ 0.2× the first).

Usage::

    python benchmarks/run.py            # generate (or reuse) the data, run, write README.md
    python benchmarks/run.py --quick    # one run per case, no 10M case
    python benchmarks/run.py --tree /path/to/other/checkout --no-readme   # e.g. "before"

Takes about 7 minutes on 2 cores once the data exist (generating them: about 3 more).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the generator beside this file)

TODAY = "2021-01-15"  # pins relative dates so every run computes the same
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
XLSX_SHEET = "Обращения"

# Each floor runs with the memory settings the command line gives itself
# (engagement_report/cli/memory.py: freed memory kept, small pages). Without them a plain
# process here faults in every fresh page from the host: the CSV floor took 3.9-4.6 s
# (5.9-6.9 s of system time) right after a build and 0.7 s otherwise, and the ratio measured
# that rather than the work. With them: 0.75-0.76 s every time. The module is run from its
# file (argv[1]), so the floor pays no import of the command line (Typer) for it.
KEEP_MEMORY = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('memory', sys.argv.pop(1))\n"
    "memory = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(memory)\n"
    "memory.keep_freed_memory()\n"
)
FLOOR_XLSX = KEEP_MEMORY + (
    "import sys, fastexcel\n"
    "reader = fastexcel.read_excel(sys.argv[1])\n"
    "reader.load_sheet(sys.argv[2], header_row=None, eager=True)\n"
)
FLOOR_CSV = KEEP_MEMORY + (
    "import sys, pandas, pyarrow.csv as csv\n"
    "csv.read_csv(sys.argv[1], parse_options=csv.ParseOptions(delimiter=';'),\n"
    "             read_options=csv.ReadOptions(autogenerate_column_names=True))\n"
)
# Without /usr/bin/time: run the command as the only child of this wrapper and read the
# children's peak resident size.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass
class Result:
    """One case: its wall times and peak memory over the runs."""

    name: str
    rows: str
    times: list[float] = field(default_factory=list)
    peaks_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_kb) / 1024 if self.peaks_kb else float("nan")


@dataclass
class Ratio:
    """A build's time over its floor's, one value per round."""

    rounds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    def __str__(self) -> str:
        return f"{self.median:.2f} ({min(self.rounds):.2f}–{max(self.rounds):.2f})"


def measure(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Wall time and peak resident memory (KB) of one run of ``command``."""
    wrapped = [TIME, "-v", *command] if TIME else [sys.executable, "-c", WRAPPER, *command]
    started = time.perf_counter()
    proc = subprocess.run(wrapped, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(
            f"failed ({proc.returncode}): {' '.join(command)}\n{proc.stderr[-800:]}",
            file=sys.stderr,
        )
        return float("nan"), 0
    pattern = r"Maximum resident set size \(kbytes\): (\d+)" if TIME else r"MAXRSS_KB (\d+)"
    found = re.search(pattern, proc.stderr)
    return elapsed, int(found.group(1)) if found else 0


class Bench:
    """Runs cases with one interpreter and environment."""

    def __init__(
        self, runs: int, tree: Path | None, python: str, rounds: int | None = None
    ) -> None:
        self.runs = runs
        self.rounds = rounds if rounds is not None else runs
        self.python = python
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEMENT_REPORT")}
        self.env["NO_COLOR"] = "1"
        if tree is not None:
            self.env["PYTHONPATH"] = str(tree)
        self.scratch = Path(tempfile.mkdtemp(prefix="er-bench-"))
        self.results: list[Result] = []

    def tool(self, *args: str) -> list[str]:
        return [self.python, "-m", "engagement_report", *args]

    def case(
        self,
        name: str,
        rows: str,
        command: list[str],
        *,
        cache: str = "fresh",
    ) -> Result:
        """Run ``command`` ``self.runs`` times; ``cache``: fresh (empty), warm (kept)."""
        result = Result(name, rows)
        warm = self.scratch / f"cache-{len(self.results)}"
        for run in range(self.runs):
            self._once(result, command, warm if cache == "warm" else None, run)
        self._done(result)
        return result

    def pair(
        self, floor: tuple[str, str, list[str]], build: tuple[str, str, list[str]]
    ) -> tuple[Result, Ratio]:
        """Run a floor and a build turn about (floor first in odd rounds, build first in
        even ones), so both see the same minutes of a machine whose speed drifts; the ratio
        is the median of each round's build time over its floor time."""
        first, second = Result(*floor[:2]), Result(*build[:2])
        for run in range(self.rounds):
            order = ((first, floor[2]), (second, build[2]))
            for result, command in order if run % 2 == 0 else order[::-1]:
                self._once(result, command, None, run)
        self._done(first)
        self._done(second)
        return second, Ratio([b / a for a, b in zip(first.times, second.times, strict=True)])

    def _once(self, result: Result, command: list[str], warm: Path | None, run: int) -> None:
        env = dict(self.env)
        folder = warm or self.scratch / f"cache-{len(self.results)}-{result.name}-{run}"
        env["ENGAGEMENT_REPORT_CACHE_DIR"] = str(folder)
        elapsed, peak = measure(command, env, self.scratch)
        result.times.append(elapsed)
        result.peaks_kb.append(peak)
        if warm is None:
            shutil.rmtree(folder, ignore_errors=True)

    def _done(self, result: Result) -> None:
        self.results.append(result)
        print(
            f"{result.name:45s} {result.median:7.2f} s  {result.peak_mb:7.0f} MB", file=sys.stderr
        )

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def compiled(tree: Path, python: str) -> None:
    """Byte-compile the package measured, as installing it from a wheel does: a checkout
    run with ``PYTHONDONTWRITEBYTECODE=1`` (as these sessions run) would otherwise compile
    every module of the package again in each timed run."""
    subprocess.run(
        [python, "-m", "compileall", "-q", str(tree / "engagement_report")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def preflight(python: str, tree: Path) -> None:
    """Stop at once, with one line, when the interpreter cannot run the tool: a
    benchmark of a missing module would otherwise print a failure for every run."""
    needed = "import engagement_report, fastexcel, pandas, pyarrow"
    proc = subprocess.run(
        [python, "-c", needed], cwd=tree, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        sys.exit(
            f"{python} cannot run the tool ({last}); install it with '.[test]' or pass --python"
        )


def workbook(folder: Path) -> Path:
    return next(p for p in folder.glob("*.xlsx") if "обращений" in p.name)


def run(args: argparse.Namespace) -> dict[str, object]:
    sizes = ["100k", "1m"] if args.quick else ["100k", "1m", "10m"]
    tree = args.tree or HERE.parent
    preflight(args.python, tree)
    compiled(tree, args.python)
    data = {size: generate.generate(size, generate.DEFAULT_PLAN[size]) for size in sizes}
    bench = Bench(
        1 if args.quick else args.runs, args.tree, args.python, 1 if args.quick else args.rounds
    )
    out = bench.scratch / "out"
    # the tree measured's own memory settings, for the floors (KEEP_MEMORY)
    memory = str(tree / "engagement_report" / "cli" / "memory.py")
    try:
        one = data["1m"]
        build = ["build", "--today", TODAY, "--quiet", "--out", str(out)]
        xlsx, xlsx_ratio = bench.pair(
            (
                "floor: fastexcel reads the sheet",
                "1M",
                [args.python, "-c", FLOOR_XLSX, memory, str(workbook(one["xlsx"])), XLSX_SHEET],
            ),
            ("build xlsx", "1M", bench.tool(*build, str(one["xlsx"]))),
        )
        _, csv_ratio = bench.pair(
            (
                "floor: import pandas + pyarrow reads the CSV",
                "1M",
                [args.python, "-c", FLOOR_CSV, memory, str(one["csv"] / "обращения.csv")],
            ),
            ("build csv", "1M", bench.tool(*build, str(one["csv"]))),
        )
        # The second build of an unchanged workbook: the cache filled by one untimed run.
        warm_env = dict(bench.env)
        warm_env["ENGAGEMENT_REPORT_CACHE_DIR"] = str(bench.scratch / f"cache-{len(bench.results)}")
        measure(bench.tool(*build, str(one["xlsx"])), warm_env, bench.scratch)
        cached = bench.case(
            "build xlsx again (caches)",
            "1M",
            bench.tool(*build, str(one["xlsx"])),
            cache="warm",
        )
        bench.case(
            "summary parquet", "1M", bench.tool("summary", "--today", TODAY, str(one["parquet"]))
        )
        small = data["100k"]
        bench.case("build xlsx", "100k", bench.tool(*build, str(small["xlsx"])))
        bench.case("build csv", "100k", bench.tool(*build, str(small["csv"])))
        bench.case(
            "summary parquet",
            "100k",
            bench.tool("summary", "--today", TODAY, str(small["parquet"])),
        )
        if "10m" in data:
            bench.case(
                "summary parquet",
                "10M",
                bench.tool("summary", "--today", TODAY, str(data["10m"]["parquet"])),
            )
        bench.case("--help", "", bench.tool("--help"))
        bench.case("--version", "", bench.tool("--version"))
        ratios = {
            "build xlsx / fastexcel floor (≤ 1.5)": xlsx_ratio,
            "build csv / pandas+pyarrow floor (≤ 3.5)": csv_ratio,
            "second build / first build, xlsx (≤ 0.2)": Ratio([cached.median / xlsx.median]),
        }
    finally:
        bench.close()
    return {
        "results": bench.results,
        "ratios": ratios,
        "runs": bench.runs,
        "rounds": bench.rounds,
    }


def machine() -> list[str]:
    """What ran the benchmark: CPU, cores, memory, versions."""
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", info)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    memory = ""
    try:
        total = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        memory = f"{int(total.group(1)) / 1024**2:.0f} GB" if total else ""
    except OSError:
        pass
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pandas, pyarrow, fastexcel, numpy; print(sys.version.split()[0], "
            "pandas.__version__, pyarrow.__version__, fastexcel.__version__, numpy.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
        f"- {platform.system()} {platform.release()}",
        f"- Python {versions[0]}, pandas {versions[1]}, pyarrow {versions[2]}, "
        f"fastexcel {versions[3]}, numpy {versions[4]}",
    ]


def table(outcome: dict[str, object]) -> str:
    results: list[Result] = outcome["results"]  # type: ignore[assignment]
    ratios: dict[str, Ratio] = outcome["ratios"]  # type: ignore[assignment]
    lines = [
        f"Median of {outcome['runs']} run(s) per case ({outcome['rounds']} for the two 1M builds "
        "and their floors), each a whole process; peak = largest maximum resident set size. "
        "Measured on:",
        "",
        *machine(),
        "",
        "| case | rows | time (s) | peak memory (MB) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r.name} | {r.rows} | {r.median:.2f} | {r.peak_mb:,.0f} |" for r in results]
    lines += [
        "",
        "Each floor ran in turn with its build; a ratio is the median of the rounds' ratios",
        "(in brackets: the lowest and highest round).",
        "",
        "| ratio | measured |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {ratio} |" for name, ratio in ratios.items()]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8") if README.exists() else ""
    if START in current and END in current:
        head, rest = current.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    else:
        README.write_text(f"{current}\n{START}\n{text}\n{END}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per case, no 10M case")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rounds", type=int, default=9, help="rounds of each floor taken in turn with its build"
    )
    parser.add_argument("--tree", type=Path, help="benchmark the checkout at this path instead")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run the tool with")
    parser.add_argument("--no-readme", action="store_true", help="print, do not write README.md")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcome = run(args)
    text = table(outcome)
    print(text)
    if args.json:
        results: list[Result] = outcome["results"]  # type: ignore[assignment]
        args.json.write_text(
            json.dumps(
                {
                    "results": [
                        {"name": r.name, "rows": r.rows, "times": r.times, "peak_mb": r.peak_mb}
                        for r in results
                    ],
                    "ratios": {
                        name: ratio.rounds
                        for name, ratio in outcome["ratios"].items()  # type: ignore[attr-defined]
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    if not args.no_readme and args.tree is None:
        write_readme(text)
    print(f"benchmark took {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
