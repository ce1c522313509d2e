"""The TOML configuration, read and checked into a typed :class:`Config`.

Standard library only: the command line reads the config before it knows
whether it needs pandas. One module per job: the settings (``settings``), finding and
reading the file (``files``), checking its keys (``parsing``, ``sections``, ``values``).
"""

from engagement_report.config.accountability import (
    PopulationConfig,
    RatingsConfig,
    RepeatsConfig,
)
from engagement_report.config.files import (
    CONFIG_ENV,
    DEFAULT_CONFIG_NAME,
    find_config,
    load_config,
)
from engagement_report.config.parsing import parse_config
from engagement_report.config.sections import MAX_TERM_DAYS
from engagement_report.config.settings import (
    DATE_ORDERS,
    DEFAULT_FORMATS,
    ENGINES,
    FORMATS,
    HEADLINE_FIGURES,
    LANGUAGES,
    CalendarConfig,
    ComputeConfig,
    Config,
    DatesConfig,
    DeadlineConfig,
    OpenDataConfig,
    OverdueMarkConfig,
    ReportConfig,
)

__all__ = [
    "CONFIG_ENV",
    "DATE_ORDERS",
    "DEFAULT_CONFIG_NAME",
    "DEFAULT_FORMATS",
    "ENGINES",
    "FORMATS",
    "HEADLINE_FIGURES",
    "LANGUAGES",
    "MAX_TERM_DAYS",
    "CalendarConfig",
    "ComputeConfig",
    "Config",
    "DatesConfig",
    "DeadlineConfig",
    "OpenDataConfig",
    "OverdueMarkConfig",
    "PopulationConfig",
    "RatingsConfig",
    "RepeatsConfig",
    "ReportConfig",
    "find_config",
    "load_config",
    "parse_config",
]
