"""The start kit: a commented config and empty data-entry workbooks the loader reads back.

``write_start_kit(folder, "ru")`` writes::

    folder/engagement-report.toml      every setting, commented, inputs = ["data/*.xlsx"]
    folder/data/queries.xlsx           sheet "Обращения", header row, dropdowns, date checks
    folder/data/broadcasts.xlsx        sheet "Эфиры"
    folder/data/press_events.xlsx      sheet "Пресс-мероприятия"
    folder/data/press_questions.xlsx   sheet "Вопросы журналистов" (one row per question)

The modules, one job each: :mod:`.words` (the English words, translated by the
``starter`` gettext catalogue in ``locale/``), :mod:`.lists` (what the dropdowns offer;
Almaty's defaults are data in ``almaty.toml``), :mod:`.config_text` (the commented
config) and :mod:`.workbook` (one workbook).

Nothing depends on the clock: the same arguments give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from engagement_report.config import DEFAULT_CONFIG_NAME, LANGUAGES, Config
from engagement_report.errors import OutputError, UsageError
from engagement_report.schema import DATASETS
from engagement_report.starter.config_text import DATA_FOLDER, config_text
from engagement_report.starter.workbook import LAST_ROW, workbook_bytes

__all__ = ["DATA_FOLDER", "LAST_ROW", "write_start_kit"]


def write_start_kit(
    folder: Path, lang: str = "en", config: Config | None = None, *, overwrite: bool = False
) -> list[Path]:
    """Write the config and the empty workbooks (one per dataset) into ``folder``; the paths written.

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
