"""Gettext catalogues: ``<lang>/LC_MESSAGES/messages.po`` (the report's fixed words) and
``<lang>/LC_MESSAGES/starter.po`` (the start kit's words, ``engagement-report init``).

``messages.pot`` and ``starter.pot`` are the templates; refresh them and merge the
catalogues with ``python -m engagement_report.locale.update`` (``--check`` only reports).
"""
