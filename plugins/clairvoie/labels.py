"""French wording shown to residents: statuses, kinds, participation levels, dates."""

from __future__ import annotations

import datetime as dt

from .model.opening_hours import WeeklyHours
from .model.records import STATUS_TONE

PROJECT_STATUS = {
    "planned": "Prévu",
    "in_progress": "En cours",
    "suspended": "Suspendu",
    "completed": "Terminé",
    "cancelled": "Annulé",
}

UPDATE_KIND = {
    "progress": "Avancement",
    "info": "Information",
    "decision": "Décision",
    "resumption": "Reprise",
    "completion": "Fin du chantier",
    "delay": "Retard",
    "cost_overrun": "Dépassement de budget",
    "suspension": "Suspension",
    "cancellation": "Annulation",
}

BAD_NEWS_KIND = {
    "late": "En retard",
    "over_budget": "Budget dépassé",
    "suspended": "Suspendu",
    "cancelled": "Annulé",
    "works_cancelled": "Arrêté retiré",
}

WORKS_KIND = {
    "closure": "Route fermée",
    "lane_restriction": "Voie rétrécie",
    "parking_ban": "Stationnement interdit",
    "detour": "Déviation",
    "alternating_traffic": "Circulation alternée",
    "noise": "Travaux bruyants",
    "other": "Autres travaux",
}

WORKS_TIMING = {
    "past": "Terminé",
    "active": "En cours",
    "upcoming": "Bientôt",
    "future": "À venir",
}

DIRECTION = {"both": "dans les deux sens", "one": "dans un seul sens"}

PHOTO_STAGE = {"before": "Avant", "during": "Pendant", "after": "Après"}

PARTICIPATION = {
    "inform": {
        "name": "Information",
        "can": "Vous êtes informés de ce qui a été décidé et pouvez poser vos questions.",
        "cannot": "Le projet est déjà décidé : cette réunion ne le modifie pas.",
    },
    "consult": {
        "name": "Consultation",
        "can": "Vous donnez votre avis ; il est recueilli et la réponse qui lui est faite est publiée.",
        "cannot": "La décision finale reste aux élus du conseil municipal.",
    },
    "concert": {
        "name": "Concertation",
        "can": "Vous construisez le projet avec la ville : vos propositions peuvent le changer.",
        "cannot": "Le budget et le calendrier fixés par le conseil municipal ne sont pas remis en cause.",
    },
    "codecide": {
        "name": "Codécision",
        "can": "Vous décidez avec les élus : le choix retenu ensemble sera appliqué.",
        "cannot": "Seules les options qui respectent la loi et le budget voté peuvent être retenues.",
    },
}

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
DAY_MINUTES = 24 * 60


def date_fr(value: dt.date | dt.datetime | None, weekday: bool = False) -> str:
    """23 novembre 2026 (1er for the first day of the month, as French writes it)."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def datetime_fr(value: dt.date | dt.datetime | None) -> str:
    """23 novembre 2026 à 18 h 30, or only the date when there is no time."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return date_fr(value)
    minutes = f" {value.minute:02d}" if value.minute else ""
    return f"{date_fr(value)} à {value.hour} h{minutes}"


def month_fr(value: dt.date) -> str:
    """novembre 2026"""
    return f"{MONTHS[value.month - 1]} {value.year}"


def month_short_fr(value: dt.date) -> str:
    """nov."""
    return MONTHS_SHORT[value.month - 1]


def time_fr(value: dt.datetime) -> str:
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def money_fr(value: float | None) -> str:
    """125 000 € (narrow no-break space between thousands, as French typography)."""
    if value is None:
        return ""
    whole = f"{round(value):,}".replace(",", "\u202f")
    return f"{whole}\u00a0€"


def days_fr(count: int) -> str:
    return f"{count} jour" if abs(count) == 1 else f"{count} jours"


def _hour_fr(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{hour}h{minute:02d}" if minute else f"{hour}h"


def _weekdays_fr(days: tuple[int, ...]) -> str:
    """lun.-ven. ; mer., sam. ; lun.-jeu."""
    groups: list[list[int]] = []
    for day in sorted(days):
        if groups and day == groups[-1][-1] + 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    parts = []
    for group in groups:
        if len(group) >= 3:
            parts.append(f"{WEEKDAYS_SHORT[group[0]]}-{WEEKDAYS_SHORT[group[-1]]}")
        else:
            parts.extend(WEEKDAYS_SHORT[d] for d in group)
    return ", ".join(parts)


def hours_fr(hours: WeeklyHours | None) -> str | None:
    """The hours in short French: "lun.-ven. 7h30-17h30", "24h/24"; None when unread."""
    if hours is None:
        return None
    if hours.continuous:
        text = "24h/24"
    else:
        by_days: dict[tuple[int, ...], list[str]] = {}
        for slot in hours.slots:
            end = slot.time.end if slot.time.end == DAY_MINUTES else slot.time.end % DAY_MINUTES
            by_days.setdefault(slot.days, []).append(
                f"{_hour_fr(slot.time.start)}-{_hour_fr(end)}")
        parts = []
        for days, times in by_days.items():
            prefix = "" if len(days) == 7 else _weekdays_fr(days) + " "
            parts.append(prefix + ", ".join(times))
        text = " ; ".join(parts)
    return text + (", sauf fériés" if hours.public_holidays_off else "")


def template_filters() -> dict[str, object]:
    return {
        "date_fr": date_fr,
        "datetime_fr": datetime_fr,
        "time_fr": time_fr,
        "month_fr": month_fr,
        "month_short_fr": month_short_fr,
        "money_fr": money_fr,
        "days_fr": days_fr,
    }


def template_globals() -> dict[str, object]:
    return {
        "PROJECT_STATUS": PROJECT_STATUS,
        "STATUS_TONE": STATUS_TONE,
        "UPDATE_KIND": UPDATE_KIND,
        "BAD_NEWS_KIND": BAD_NEWS_KIND,
        "WORKS_KIND": WORKS_KIND,
        "WORKS_TIMING": WORKS_TIMING,
        "DIRECTION": DIRECTION,
        "PHOTO_STAGE": PHOTO_STAGE,
        "PARTICIPATION": PARTICIPATION,
    }
