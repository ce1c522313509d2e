"""What one piece of speed machinery saves: the same command with it and without it.

Each variant is a copy of the package with one piece taken out (see ``VARIANTS``), run
from its own folder (``PYTHONPATH``); the plain tree and the variant run turn about, as
``run.py`` runs a floor and its build, and the saving is reported per round as
``(without - with) / with``: the median and the lowest and highest round.

Usage::

    python benchmarks/generate.py
    python benchmarks/ab.py --rounds 7 no-early:xlsx no-early:csv no-os-exit:again ...

A case is ``xlsx`` or ``csv`` (a first build of the 1M rows, empty caches), ``again``
(the 1M workbook built again from the caches), ``other-changed`` (the 1M workbook
beside a small file that changes every round: only a cache of single files serves it)
or ``summary10m`` (``summary --no-cache`` of the 10M-row Parquet registry).
``--tree`` runs another checkout as the "with" side (and its variants).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import TIME, TODAY, workbook  # noqa: E402


def measure(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command`` (GNU time); its
    system time and peak memory (MB) go to ``measure.last``."""
    import re
    import time

    started = time.perf_counter()
    proc = subprocess.run(
        [TIME or "/usr/bin/time", "-v", *command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{proc.stderr[-800:]}")
    cpu = sum(
        float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", proc.stderr)
    )
    system = re.search(r"System time \(seconds\): ([0-9.]+)", proc.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): ([0-9]+)", proc.stderr)
    measure.last = (  # type: ignore[attr-defined]
        float(system.group(1)) if system else 0.0,
        int(peak.group(1)) / 1024 if peak else 0.0,
    )
    return elapsed, cpu


def _replace(old: str, new: str, file: str) -> Callable[[Path], None]:
    def patch(package: Path) -> None:
        path = package / file
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"{file}: {old!r} not found; the variant no longer applies")
        path.write_text(text.replace(old, new), encoding="utf-8")

    return patch


VARIANTS: dict[str, Callable[[Path], None]] = {
    # Inputs start being read only when the pipeline reads them.
    "no-early": _replace(
        "early.start(_inputs(inputs, config), cache=not no_cache)", "pass", "cli/reports.py"
    ),
    # The figures are always computed.
    "no-figures-cache": _replace(
        "if (kept := load_analysis(store, name)) is not None:", "if False:", "pipeline/building.py"
    ),
    # The report's templates are always rendered.
    "no-reports-cache": _replace(
        "if (kept := load_reports(store, name)) is not None:", "if False:", "pipeline/reporting.py"
    ),
    # The tree as it is, run with --no-cache (against --tree: what its caches save).
    "no-cache": lambda package: None,
    # The interpreter's own exit, with its teardown.
    "no-os-exit": _replace("    os._exit(code)", "    sys.exit(code)", "cli/__init__.py"),
    # Nothing prepared while a large input is read ahead (templates compiled and the
    # holiday calendars loaded after the read instead).
    "no-prepare": _replace(
        "    if early.reading():\n        prepare_while_reading(config, lang, templates)\n",
        "",
        "pipeline/building.py",
    ),
    # The workbook's inflating check runs before calamine's read instead of beside it.
    "no-check-beside": _replace(
        "        verify = threading.Thread(\n"
        '            target=_verify, args=(path, slot), name="early-verify", daemon=True\n'
        "        )\n"
        "        verify.start()\n"
        "        result = read_batches(path, inflate_check=False)\n"
        "        verify.join()\n",
        "        result = read_batches(path)\n",
        "loading/early.py",
    ),
    # The C library's and the kernel's own ways with memory (large blocks unmapped when
    # freed, huge pages where numpy asks for them).
    "no-keep-memory": _replace("    keep_freed_memory()\n", "", "cli/__init__.py"),
    # Freed memory kept and reused, but huge pages where numpy asks for them.
    "no-small-pages": _replace(
        "libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 and done", "done", "cli/memory.py"
    ),
}


def tree_copy(source: Path, variant: str | None, into: Path) -> Path:
    """A copy of ``source``'s package and templates, with ``variant`` applied."""
    target = into / (variant or "plain")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        source / "engagement_report",
        target / "engagement_report",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(source / "templates", target / "templates")
    if variant is not None:
        VARIANTS[variant](target / "engagement_report")
    # Compiled once, as an installed package is (this environment sets no bytecode writes).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(target / "engagement_report")], check=True
    )
    return target


def command(tree: Path, *args: str) -> list[str]:
    return ["env", f"PYTHONPATH={tree}", sys.executable, "-m", "engagement_report", *args]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", nargs="+", help="variant:case, e.g. no-early:xlsx")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tree", type=Path, default=HERE.parent)
    parser.add_argument("--json", type=Path, help="append each result as a JSON line here")
    args = parser.parse_args(argv)
    one = generate.generate("1m", ("xlsx", "csv"), quiet=True)
    if any(pair.endswith(":summary10m") for pair in args.pairs):
        generate.generate("10m", ("parquet",), quiet=True)
    scratch = Path(tempfile.mkdtemp(prefix="er-ab-"))
    try:
        plain = tree_copy(args.tree, None, scratch)
        for pair in args.pairs:
            variant, case = pair.split(":")
            other = tree_copy(args.tree, variant, scratch)
            print(json.dumps(ab(plain, other, variant, case, args.rounds, scratch)), flush=True)
            if args.json:
                with args.json.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(ab.last) + "\n")  # type: ignore[attr-defined]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    del one


def ab(plain: Path, other: Path, variant: str, case: str, rounds: int, scratch: Path) -> dict:
    one = {fmt: generate.folder_for("1m", fmt) for fmt in ("xlsx", "csv")}
    out = scratch / "out"
    build = ["build", "--today", TODAY, "--quiet", "--out", str(out)]
    extra: list[str] = []
    inputs = one["csv"] if case == "csv" else one["xlsx"]
    changing: Path | None = None
    if case == "other-changed":
        inputs = scratch / "with-other"
        inputs.mkdir(exist_ok=True)
        link = inputs / workbook(one["xlsx"]).name
        if not link.exists():
            link.symlink_to(workbook(one["xlsx"]))
        changing = inputs / "пресс-мероприятия.csv"
    if variant == "no-cache":
        extra = ["--no-cache"]
    sides = {
        "with": command(plain, *build, str(inputs)),
        "without": command(other, *build, *extra, str(inputs)),
    }
    if case == "summary10m":
        summary = ["summary", "--today", TODAY, "--no-cache"]
        parquet = str(generate.folder_for("10m", "parquet"))
        sides = {
            "with": command(plain, *summary, parquet),
            "without": command(other, *summary, parquet),
        }
    caches = {side: scratch / f"cache-{side}" for side in sides}
    times: dict[str, list[float]] = {side: [] for side in sides}
    cpus: dict[str, list[float]] = {side: [] for side in sides}
    systems: dict[str, list[float]] = {side: [] for side in sides}
    peaks: dict[str, list[float]] = {side: [] for side in sides}
    warm = case in ("again", "other-changed")
    for side, cmd in sides.items():
        shutil.rmtree(caches[side], ignore_errors=True)
        if warm:
            if changing is not None:
                changing.write_text(press(0), encoding="utf-8")
            measure(cmd, env(caches[side]), scratch)  # fills the caches, untimed
    for run in range(rounds):
        order = list(sides) if run % 2 == 0 else list(sides)[::-1]
        if changing is not None:
            changing.write_text(press(run + 1), encoding="utf-8")
        for side in order:
            if not warm:
                shutil.rmtree(caches[side], ignore_errors=True)
            elapsed, cpu = measure(sides[side], env(caches[side]), scratch)
            times[side].append(elapsed)
            cpus[side].append(cpu)
            systems[side].append(measure.last[0])  # type: ignore[attr-defined]
            peaks[side].append(measure.last[1])  # type: ignore[attr-defined]
    savings = [(b - a) / a for a, b in zip(times["with"], times["without"], strict=True)]
    result = {
        "variant": variant,
        "case": case,
        "with_median_s": round(statistics.median(times["with"]), 2),
        "without_median_s": round(statistics.median(times["without"]), 2),
        "saving_median": round(statistics.median(savings), 3),
        "saving_low": round(min(savings), 3),
        "saving_high": round(max(savings), 3),
        "with_cpu_median_s": round(statistics.median(cpus["with"]), 2),
        "without_cpu_median_s": round(statistics.median(cpus["without"]), 2),
        "cpu_saving_median": round(
            statistics.median(
                (b - a) / a for a, b in zip(cpus["with"], cpus["without"], strict=True)
            ),
            3,
        ),
        "with_system_median_s": round(statistics.median(systems["with"]), 2),
        "without_system_median_s": round(statistics.median(systems["without"]), 2),
        "with_peak_mb": round(max(peaks["with"])),
        "without_peak_mb": round(max(peaks["without"])),
        "rounds": rounds,
    }
    ab.last = result  # type: ignore[attr-defined]
    return result


def press(number: int) -> str:
    """A small press-events file that differs every round."""
    return (
        f"Дата;Количество спикеров;Вопросы журналистов;Публикации\n05.01.2021;2;10;{300 + number}\n"
    )


def env(cache: Path) -> dict[str, str]:
    import os

    values = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEMENT_REPORT")}
    values["NO_COLOR"] = "1"
    values["ENGAGEMENT_REPORT_CACHE_DIR"] = str(cache)
    return values


if __name__ == "__main__":
    main()
