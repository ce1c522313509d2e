"""Which config file a run uses, and reading it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from engagement_report.config.parsing import parse_config
from engagement_report.config.settings import Config
from engagement_report.errors import ConfigError

CONFIG_ENV = "ENGAGEMENT_REPORT_CONFIG"


DEFAULT_CONFIG_NAME = "engagement-report.toml"


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The config to use: ``--config``, else ``$ENGAGEMENT_REPORT_CONFIG``, else ``./engagement-report.toml``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
    return local if local.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and check a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)
