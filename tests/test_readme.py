"""The README's reference tables are generated from the code, and must be up to date.

Options, exit codes, the data dictionary, figures and problem codes are written by
``docs/readme_tables.py`` through cog; deleting or editing a row by hand, or changing a
definition in the code without regenerating, fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cogapp import Cog

ROOT = Path(__file__).resolve().parent.parent
REFRESH = "python -m cogapp -r -I docs README.md"


def _cog_check(readme: Path) -> int:
    return Cog().main(["cog", "--check", "-I", str(ROOT / "docs"), str(readme)])


def test_readme_tables_match_the_code() -> None:
    assert _cog_check(ROOT / "README.md") == 0, f"README.md is out of date: run `{REFRESH}`"


@pytest.mark.parametrize(
    "generated_row",
    [
        "| `queries.answered_share` |",  # a figure
        "| 70 |",  # an exit code
        "| `unknown_status` |",  # a problem code
        "| `--fail-on` |",  # an option
        "| queries | `received_at` |",  # a column
    ],
)
def test_a_row_deleted_by_hand_is_caught(tmp_path: Path, generated_row: str) -> None:
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    lines = readme.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(generated_row)]
    assert len(kept) == len(lines) - 1
    readme.write_text("".join(kept), encoding="utf-8")
    assert _cog_check(readme) != 0


def test_every_table_is_generated() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for table in ("options", "exit_codes", "data_dictionary", "figures", "problem_codes"):
        assert f"readme_tables.{table}()" in text
