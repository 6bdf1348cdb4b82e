"""Dates and durations in French words, as the model writes them into its own sentences (announcement
titles and summaries). ``labels.py`` shows dates with these same functions: one place each.
"""

from __future__ import annotations

import datetime as dt

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def date_fr(value: dt.date | dt.datetime | None, weekday: bool = False) -> str:
    """23 novembre 2026 (1er for the first day of the month, as French writes it)."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def month_fr(value: dt.date) -> str:
    """novembre 2026"""
    return f"{MONTHS[value.month - 1]} {value.year}"


def days_fr(count: int) -> str:
    return f"{count} jour" if abs(count) == 1 else f"{count} jours"
