"""The wheel works on its own: templates inside it, no help from the checkout.

The wheel is installed without dependencies into a fresh venv, which borrows this
environment's site-packages through a .pth file. A folder added by a .pth file is not
scanned for .pth files itself, so the editable install of the checkout stays invisible.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import openpyxl
import pytest

from engagement_report.starter import write_start_kit

REPO = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("ENGAGEMENT_REPORT_CONFIG", None)
    proc = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
def test_wheel_installs_and_builds_a_report(tmp_path: Path, sample_data: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO, cwd=REPO)
    (wheel,) = dist.glob("engagement_report-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "engagement_report/templates/report.html.j2" in names
    assert "engagement_report/templates/report.md.j2" in names
    assert "engagement_report/cli/__init__.py" in names
    for lang in ("ru", "kk"):  # the start kit's words (init) and the report's
        assert f"engagement_report/locale/{lang}/LC_MESSAGES/starter.po" in names
        assert f"engagement_report/locale/{lang}/LC_MESSAGES/messages.po" in names
    assert "engagement_report/starter/almaty.toml" in names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
    )
    site = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
    ).stdout.strip()
    (Path(site) / "_borrowed_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )

    where = run(
        python,
        "-c",
        "import engagement_report, sys\n"
        "from engagement_report.render.environment import builtin_templates_dir\n"
        "print(engagement_report.__file__)\n"
        "print(builtin_templates_dir())",
        cwd=tmp_path,
    ).stdout.splitlines()
    venv_root = venv.resolve()
    assert Path(where[0]).resolve().is_relative_to(venv_root), where
    assert Path(where[1]).resolve().is_relative_to(venv_root), where

    out = tmp_path / "out"
    run(python, "-m", "engagement_report", "build", sample_data, "--out", out, cwd=tmp_path)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Public engagement report" in html

    # The start kit from the installed wheel: the same bytes as from the checkout.
    kit = tmp_path / "kit"
    run(python, "-m", "engagement_report", "init", kit, "--lang", "kk", cwd=tmp_path)
    expected = tmp_path / "expected"
    write_start_kit(expected, "kk")
    written = sorted(p.relative_to(kit) for p in kit.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(expected) for p in expected.rglob("*") if p.is_file())
    for name in written:
        assert (kit / name).read_bytes() == (expected / name).read_bytes(), name
    assert "Өтініштер" in openpyxl.load_workbook(kit / "data" / "queries.xlsx").sheetnames
