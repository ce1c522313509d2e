"""``init``: a start kit of config and empty workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engagement_report import console
from engagement_report.cli.application import app
from engagement_report.cli.options import DebugOpt, Language, QuietOpt
from engagement_report.cli.running import _run
from engagement_report.config import load_config


@app.command()
def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder for engagement-report.toml and data/; default: the current folder.",
            show_default=False,
        ),
    ] = Path(),
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of sheets, headers, lists and comments; default from --config, else en.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the kit's files where they exist.")
    ] = False,
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Take settings and the topic, channel and district lists from this config.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Start a folder: a commented engagement-report.toml and empty workbooks in data/."""

    def action() -> None:
        console.configure(quiet=quiet)
        # Only an explicit --config: a new kit must not inherit whatever config is lying around.
        config = load_config(config_path)
        from engagement_report import pipeline

        written = pipeline.start_kit(
            folder, lang.value if lang else config.lang, config, overwrite=force
        )
        console.info(
            f"Wrote {', '.join(p.relative_to(folder).as_posix() for p in written)} to {folder}"
        )
        console.info(
            f"Fill in the workbooks in {folder / 'data'}, then run 'engagement-report validate' "
            f"and 'engagement-report build' in {folder}"
        )

    _run(debug, action)
