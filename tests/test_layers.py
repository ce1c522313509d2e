"""The layers hold in the imports: load → validate → compute → render/export.

The contract is ``[tool.importlinter]`` in pyproject.toml; this runs import-linter on it,
and shows the contract can fail by checking a copy of the package with one wrong import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(extra_path or ROOT), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_the_layers_contract_is_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_upwards_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "engagement_report", tmp_path / "engagement_report")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    module = tmp_path / "engagement_report" / "loading" / "discover.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nfrom engagement_report import figures  # noqa\n",
        encoding="utf-8",
    )
    result = _lint(tmp_path, tmp_path)
    assert result.returncode != 0
    assert "engagement_report.loading is not allowed to import engagement_report.figures" in (
        result.stdout
    )
