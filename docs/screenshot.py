"""Make the README's picture of the report: the top of the sample data's monthly report
in headless Chromium, 1280 px wide.

Run from a checkout after a change to the report's look::

    python docs/screenshot.py                      # docs/report-top.png, English, 2021-01
    python docs/screenshot.py --lang ru --width 400 --height 1600 --out /tmp/phone-ru.png

It needs Chromium (Debian: ``apt-get install chromium``). The report is built with the
library into a temporary folder, so nothing in the checkout changes but the picture.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the checkout's package, even when not installed

from engagement_report.config import Config  # noqa: E402
from engagement_report.pipeline import build  # noqa: E402


def chromium() -> str:
    """The Chromium binary, or exit 2 saying what to install."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("docs/screenshot.py: Chromium not found (Debian: apt-get install chromium)")


def screenshot(
    out: Path, *, lang: str = "en", period: str = "2021-01", width: int = 1280, height: int = 900
) -> Path:
    """Build the sample data's report of ``period`` in ``lang`` and take the top
    ``width`` × ``height`` CSS px of it as a PNG at ``out``."""
    binary = chromium()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report"
        build([REPO / "sample_data"], Config(), period=period, out=report, lang=lang,
              formats=["html"])  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={Path(folder) / 'profile'}",
                f"--window-size={width},{height}",
                f"--screenshot={out.resolve()}",
                (report / "report.html").resolve().as_uri(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report-top.png")
    parser.add_argument("--lang", default="en", choices=("en", "ru", "kk"))
    parser.add_argument("--period", default="2021-01")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    done = screenshot(
        args.out, lang=args.lang, period=args.period, width=args.width, height=args.height
    )
    print(done)


if __name__ == "__main__":
    main()
