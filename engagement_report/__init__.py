"""engagement-report: how a city office listens to citizens, in figures.

The data flows one way: load → validate → compute → render/export.
The public entry points live in :mod:`engagement_report.pipeline`.
"""

__version__ = "0.5.3"
