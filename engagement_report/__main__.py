"""``python -m engagement_report`` runs the command-line tool."""

from engagement_report.cli import main

main()
