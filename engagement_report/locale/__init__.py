"""Gettext catalogues of the report's fixed words (``<lang>/LC_MESSAGES/messages.po``).

``messages.pot`` is the template; refresh it and merge the catalogues with
``python -m engagement_report.locale.update`` (``--check`` only reports).
"""
