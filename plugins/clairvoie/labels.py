"""French wording shown to residents: statuses, kinds, participation levels, dates, and
the icons and colours that go with the words.

The one place of each word: Python reads these tables and functions, templates too
(``template_globals``, ``template_filters``; the newsletter's emails as well).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, NamedTuple

from .model.french import MONTHS, WEEKDAYS, date_fr, days_fr, month_fr  # the model writes with them too
from .model.opening_hours import WeeklyHours
from .model.records import STATUS_TONE, Meeting, Project, Report, ReportStage, Service, WorksOrder


class StatusWords(NamedTuple):
    word: str  # on a badge: "Prévu"
    group: str  # heading the projects that have it: "Prévus"
    search: str  # its search filter, one of SEARCH_STATUSES: "À venir"


# The search page's status filters, in the order it offers them (outputs/search.py).
SEARCH_STATUSES = ("En cours", "À venir", "En retard", "Suspendu", "Terminé", "Annulé")

PROJECT_STATUS_WORDS = {
    "planned": StatusWords("Prévu", "Prévus", "À venir"),
    "in_progress": StatusWords("En cours", "En cours", "En cours"),
    "suspended": StatusWords("Suspendu", "Suspendus", "Suspendu"),
    "completed": StatusWords("Terminé", "Terminés", "Terminé"),
    "cancelled": StatusWords("Annulé", "Annulés", "Annulé"),
}
PROJECT_STATUS = {status: words.word for status, words in PROJECT_STATUS_WORDS.items()}
# A status in addresses: /secteurs/<id>/projets/<slug>/, /transparence/listes/projets-<slug>/.
PROJECT_STATUS_SLUGS = {"in_progress": "en-cours", "planned": "prevus", "suspended": "suspendus",
                        "completed": "termines", "cancelled": "annules"}
STATUS_GROUP = {status: words.group for status, words in PROJECT_STATUS_WORDS.items()}

# The icon beside each tone's word (never colour alone); static/js/recherche.js has its copy.
TONE_ICON = {"on-time": "●", "late": "▲", "stopped": "■", "done": "✓", "info": "●"}
BAD_NEWS_TONE = {"late": "late", "over_budget": "late", "suspended": "stopped",
                 "cancelled": "stopped", "works_cancelled": "stopped"}
UPDATE_TONE = {"delay": "late", "cost_overrun": "late", "suspension": "stopped",
               "cancellation": "stopped", "completion": "done"}


class EmailTone(NamedTuple):
    icon: str
    color: str  # the word's
    bg: str  # the card's
    line: str  # the card's left border


# The tones of the newsletter's email (templates/email/newsletter.html), written inline:
# email clients have no stylesheet of the site. "": an item that is neither bad news nor an end.
EMAIL_TONE = {
    "late": EmailTone(TONE_ICON["late"], "#8a3c00", "#fdf0e1", "#c05a00"),
    "stopped": EmailTone(TONE_ICON["stopped"], "#a3121b", "#fbe9ea", "#b3262e"),
    "done": EmailTone(TONE_ICON["done"], "#34495e", "#eaeef2", "#5a6b7d"),
    "": EmailTone(TONE_ICON["info"], "#17324f", "#f3f5f7", "#c9d0d8"),
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

# The bad news summed up (home and sector pages, /ce-qui-ne-va-pas/): what each count of
# model.records.BadNewsSummary counts, for one and for several (0 takes the singular), and
# the anchor of its list on /ce-qui-ne-va-pas/.
BAD_NEWS_COUNT = {
    "late": ("projet en retard", "projets en retard"),
    "suspended": ("projet suspendu", "projets suspendus"),
    "cancelled": ("projet annulé", "projets annulés"),
    "over_budget": ("budget dépassé", "budgets dépassés"),
    "works_cancelled": ("arrêté de travaux retiré", "arrêtés de travaux retirés"),
}
BAD_NEWS_ANCHOR = {
    "late": "en-retard",
    "suspended": "suspendus",
    "cancelled": "annules",
    "over_budget": "budgets-depasses",
    "works_cancelled": "arretes-retires",
}
# Where the whole bad-news list of the city is, one tap from the home page.
BAD_NEWS_PAGE = "ce-qui-ne-va-pas/"


def bad_news_words_fr(kind: str, count: int) -> str:
    """What follows a count of bad news: 3 « projets en retard », 1 « budget dépassé », 0 « projet annulé »."""
    one, several = BAD_NEWS_COUNT[kind]
    return several if count > 1 else one

# A residents' report's stages, as residents read them (docs/signalements.md).
REPORT_STAGE = {
    "received": "Reçu",
    "acknowledged": "Pris en charge",
    "scheduled": "Intervention prévue",
    "in_progress": "En cours",
    "resolved": "Résolu",
    "closed": "Clos sans suite",
    "duplicate": "Déjà signalé",
    "reopened": "Rouvert",
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

# Each step of a report's step line, in words for screen readers (never its shape or colour alone).
REPORT_STEP_STATE = {"done": "étape franchie", "current": "étape en cours", "to_come": "étape à venir"}
# What a report's stage says beyond its word: on its page (partials/reports.html) and in its feed.
REPORT_FACT = {
    "service_in_charge": "Service en charge :",
    "expected": "Intervention prévue le",
    "works": "Arrêté de travaux :",
    "project": "Projet :",
    "reason": "Raison :",
    "duplicate_of": "Déjà signalé : suivez le",
}
REPORT_SUBJECT = "Signalement n°\u00a0"


def report_title(report: Report) -> str:
    """« Signalement n° 2026-004512 », the same on its page, in feeds and in search."""
    return f"{REPORT_SUBJECT}{report.number}"


def report_tone(report: Report) -> str:
    if report.is_overdue:
        return "late"
    if report.is_open:
        return "on-time"
    return "done" if report.stage in ("resolved", "closed") else "info"


def report_status_fr(report: Report) -> str:
    """The word of a report's badge, saying "en retard" when it is: "Pris en charge, en retard"."""
    return REPORT_STAGE[report.stage] + (", en retard" if report.is_overdue else "")


def report_late_fr(report: Report) -> str:
    """« En retard de 12 jours »: the headline of an overdue report."""
    return f"{REPORT_LATE} de {days_fr(report.days_overdue)}"


def report_overdue(report: Report) -> Phrase:
    """Why an overdue report is late: « L'intervention était prévue le … »."""
    if not report.is_overdue or report.due is None:
        return ()
    if report.expected is not None and report.due == report.expected:
        return ("L'intervention était prévue le ", report.due, ".")
    return (f"La ville s'engage à traiter ce type de signalement en "
            f"{days_fr(report.service.commitment_days or 0)}, soit au plus tard le ", report.due, ".")


def report_search_statuses(report: Report) -> list[str]:
    """The search filters a report is found by (SEARCH_STATUSES)."""
    if not report.is_open:
        return ["Terminé"]
    return ["En cours"] + (["En retard"] if report.is_overdue else [])


MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
DAY_MINUTES = 24 * 60


NEW_END = "Nouvelle date de fin prévue"


def new_end_fr(new_end: dt.date) -> str:
    """The fact of a re-planning, as feeds and newsletters state it."""
    return f"{NEW_END} : {date_fr(new_end)}"


def project_status_fr(project: Project) -> str:
    """The word of a project's badge, saying "en retard" when it is: "En cours, en retard"."""
    return PROJECT_STATUS[project.status] + (", en retard" if project.is_late else "")


# Text and dates, in order: a page puts each date in a <time> element (macros.html
# ``phrase``), a search result or a feed writes it out (``phrase_text``).
Phrase = tuple["str | dt.date", ...]


def project_when(project: Project) -> Phrase:
    """When a project ends (or ended), in words, the same on its card and in search results."""
    schedule = project.schedule
    if project.status == "completed":
        return ("Terminé", " le ", schedule.actual_end) if schedule.actual_end else ("Terminé",)
    if project.status == "cancelled":
        return ("Projet annulé",)
    if project.status == "suspended":
        return ("Chantier suspendu ; la fin était prévue le ", project.current_planned_end)
    if project.status == "planned":
        return ("Début prévu le ", schedule.planned_start, ", fin prévue le ", project.current_planned_end)
    return ("Fin prévue le ", project.current_planned_end)


def phrase_text(phrase: Phrase) -> str:
    return "".join(piece if isinstance(piece, str) else date_fr(piece) for piece in phrase)


def project_search_statuses(project: Project) -> list[str]:
    """The search filters a project is found by."""
    return [PROJECT_STATUS_WORDS[project.status].search] + (["En retard"] if project.is_late else [])


class SearchStatus(NamedTuple):
    filter: str  # one of SEARCH_STATUSES
    word: str  # shown on the result's badge
    tone: str


def works_search_status(order: WorksOrder) -> SearchStatus:
    if order.is_cancelled:
        return SearchStatus("Annulé", "Arrêté retiré", "stopped")
    if order.timing == "active":
        return SearchStatus("En cours", "En cours", "on-time")
    if order.timing == "past":
        return SearchStatus("Terminé", "Terminé", "done")
    return SearchStatus("À venir", WORKS_TIMING[order.timing], "info")


def meeting_search_status(meeting: Meeting) -> SearchStatus:
    if meeting.is_upcoming:
        return SearchStatus("À venir", "À venir", "info")
    return SearchStatus("Terminé", "Réunion passée", "done")


def datetime_fr(value: dt.date | dt.datetime | None) -> str:
    """23 novembre 2026 à 18 h 30, or only the date when there is no time."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return date_fr(value)
    minutes = f" {value.minute:02d}" if value.minute else ""
    return f"{date_fr(value)} à {value.hour} h{minutes}"


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


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def report_stage_text(stage: ReportStage) -> str:
    """A report's stage in sentences: its word, then what staff wrote publicly (reason, note),
    else the stage's facts: « Clos sans suite. Après vérification, aucune intervention n'est nécessaire. »"""
    # The import may copy a closing note into the reason: said once.
    said = dict.fromkeys(_sentence(text) for text in (stage.reason, stage.note) if text and text.strip())
    word = REPORT_STAGE[stage.stage]
    if said:
        return " ".join((_sentence(word), *said))
    if stage.stage == "scheduled" and stage.expected:
        return f"{word} le {date_fr(stage.expected)}."
    if stage.stage == "duplicate" and stage.duplicate_of:
        return f"{word} du signalement n° {stage.duplicate_of}."
    return _sentence(word)


def report_overdue_sentence(report: Report) -> str | None:
    """An overdue report's bad news, in a sentence; None when it is not overdue."""
    if not report.is_overdue or report.due is None:
        return None
    return (f"En retard de {days_fr(report.days_overdue)} : "
            f"la ville devait intervenir au plus tard le {date_fr(report.due)}.")


def commitment_fr(service: Service) -> str | None:
    """The handling time the city commits to for a kind of report, in a sentence."""
    if not service.commitment_days:
        return None
    return f"La ville s'engage à traiter ce type de signalement sous {days_fr(service.commitment_days)}."


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


def _days_fr(days: tuple[int, ...]) -> str:
    """(0, 1, 2, 3, 4) → « du lundi au vendredi » ; (2, 5) → « le mercredi et le samedi »."""
    if len(days) == 7:
        return "tous les jours"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) > 2:
            parts.append(f"du {WEEKDAYS[run[0]]} au {WEEKDAYS[run[-1]]}")
        else:
            parts += [f"le {WEEKDAYS[day]}" for day in run]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _clock_fr(minutes: int) -> str:
    hour, rest = divmod(minutes % DAY_MINUTES, 60)
    return f"{hour} h {rest:02d}" if rest else f"{hour} h"


def _time_range_fr(start: int, end: int) -> str:
    if start == 0 and end == DAY_MINUTES:
        return "toute la journée"
    text = f"de {_clock_fr(start)} à {_clock_fr(end)}"
    return f"{text} le lendemain" if end > DAY_MINUTES else text


def _time_ranges_by_days(hours: WeeklyHours, say: Callable[[int, int], str]) -> dict[tuple[int, ...], list[str]]:
    """Each set of days with its time ranges said by ``say(start, end)``, in the slots' order."""
    by_days: dict[tuple[int, ...], list[str]] = {}
    for slot in hours.slots:
        by_days.setdefault(slot.days, []).append(say(slot.time.start, slot.time.end))
    return by_days


def hours_fr(hours: WeeklyHours | None) -> str | None:
    """A works order's hours as every channel a person reads says them: « du lundi au vendredi,
    de 8 h à 12 h et de 13 h 30 à 16 h 30 ; le samedi, de 9 h à 12 h ; sauf les jours fériés »,
    a night shift « de 22 h à 5 h le lendemain ». None without hours. (The OpenStreetMap text
    stays for machines only: open data and navigation feeds.)"""
    if hours is None:
        return None
    if hours.continuous:
        text = "jour et nuit, 7 jours sur 7"
    else:
        text = " ; ".join(f"{_days_fr(days)}, {' et '.join(times)}"
                          for days, times in _time_ranges_by_days(hours, _time_range_fr).items())
    return text + (" ; sauf les jours fériés" if hours.public_holidays_off else "")


def _short_range_fr(start: int, end: int) -> str:
    return f"{_hour_fr(start)}-{_hour_fr(end if end == DAY_MINUTES else end % DAY_MINUTES)}"


def hours_short_fr(hours: WeeklyHours | None) -> str | None:
    """The hours in short French, for a sign panel that has no room for ``hours_fr``:
    "lun.-ven. 7h30-17h30", "24h/24"; None without hours."""
    if hours is None:
        return None
    if hours.continuous:
        text = "24h/24"
    else:
        text = " ; ".join(("" if len(days) == 7 else _weekdays_fr(days) + " ") + ", ".join(times)
                          for days, times in _time_ranges_by_days(hours, _short_range_fr).items())
    return text + (", sauf fériés" if hours.public_holidays_off else "")


# The consent sentence beside every sign-up form (the site's and the subscription service's), by
# version: a new wording gets a new version (never edit an old one), so that what each resident
# agreed to stays known; a subscription keeps its version and date.
SUBSCRIPTION_PENDING_DAYS = 7  # an unconfirmed sign-up is erased after this many days
SUBSCRIPTION_CONSENT_VERSION = "2026-12"
SUBSCRIPTION_CONSENT = {
    "2026-12": ("{city} vous enverra par courriel la lettre d'information des secteurs et des projets "
                "que vous choisissez, à chaque nouvelle lettre (quand il y a du nouveau, au plus quelques "
                "fois par mois). Vous pouvez vous désinscrire en un clic depuis chaque lettre. Votre adresse "
                "est gardée par {city}, pour ces envois seulement, tant que vous êtes inscrit ; une demande "
                "non confirmée est effacée au bout de {days} jours."),
}


def subscription_consent(version: str, city: str) -> str:
    return SUBSCRIPTION_CONSENT[version].format(city=city, days=SUBSCRIPTION_PENDING_DAYS)


REPORT_OVERDUE = "Signalement en retard"  # an overdue report's badge, as a late project's "En retard"
REPORT_LATE = "En retard"  # what an overdue report's feed entry and headline start with
# The badge (tone, word) of an open report, by whether it is overdue: on /rues/ and "Près de chez moi".
REPORT_BADGE = {True: ("late", REPORT_OVERDUE), False: ("info", "Signalement en cours")}


def report_overdue_fr(report: Report) -> str:
    """"en retard de 12 jours" (negative news, said in words); "" when the report is not overdue."""
    return f"en retard de {days_fr(report.days_overdue)}" if report.is_overdue else ""


def report_state_fr(report: Report) -> str:
    """Its stage, and its delay when overdue: "Intervention prévue, en retard de 12 jours"."""
    overdue = report_overdue_fr(report)
    return f"{REPORT_STAGE[report.stage]}, {overdue}" if overdue else REPORT_STAGE[report.stage]


# The word of the announcements of residents' reports (model/announcements.py), for the
# channels that label each announcement by its kind (feeds, newsletter).
REPORT_ANNOUNCEMENT_KIND = {"report_overdue": REPORT_OVERDUE, "reports_month": "Signalements réglés"}


def reports_count_fr(open_count: int, overdue_count: int) -> str:
    """« 12 signalements en cours, dont 3 en retard »: a sector's or the city's open reports."""
    if not open_count:
        return "Aucun signalement en cours"
    if open_count == 1:
        return "1 signalement en cours, en retard" if overdue_count else "1 signalement en cours, pas en retard"
    late = {0: "aucun en retard", 1: "dont 1 en retard"}.get(overdue_count, f"dont {overdue_count} en retard")
    return f"{open_count} signalements en cours, {late}"


def reports_fr(count: int) -> str:
    """« 1 signalement », « 3 signalements »."""
    return f"{count} signalement" if count == 1 else f"{count} signalements"


def template_filters() -> dict[str, object]:
    return {
        "date_fr": date_fr,
        "datetime_fr": datetime_fr,
        "time_fr": time_fr,
        "month_fr": month_fr,
        "month_short_fr": month_short_fr,
        "money_fr": money_fr,
        "days_fr": days_fr,
        "phrase_text": phrase_text,
        "hours_fr": hours_fr,
    }


def template_globals() -> dict[str, object]:
    return {
        "PROJECT_STATUS": PROJECT_STATUS,
        "STATUS_GROUP": STATUS_GROUP,
        "PROJECT_STATUS_SLUGS": PROJECT_STATUS_SLUGS,
        "NEW_END": NEW_END,
        "STATUS_TONE": STATUS_TONE,
        "TONE_ICON": TONE_ICON,
        "BAD_NEWS_TONE": BAD_NEWS_TONE,
        "UPDATE_TONE": UPDATE_TONE,
        "EMAIL_TONE": EMAIL_TONE,
        "project_status_fr": project_status_fr,
        "project_when": project_when,
        "subscription_consent": subscription_consent,
        "SUBSCRIPTION_CONSENT_VERSION": SUBSCRIPTION_CONSENT_VERSION,
        "project_search_statuses": project_search_statuses,
        "works_search_status": works_search_status,
        "meeting_search_status": meeting_search_status,
        "UPDATE_KIND": UPDATE_KIND,
        "BAD_NEWS_KIND": BAD_NEWS_KIND,
        "BAD_NEWS_ANCHOR": BAD_NEWS_ANCHOR,
        "BAD_NEWS_PAGE": BAD_NEWS_PAGE,
        "bad_news_words_fr": bad_news_words_fr,
        "WORKS_KIND": WORKS_KIND,
        "WORKS_TIMING": WORKS_TIMING,
        "DIRECTION": DIRECTION,
        "PHOTO_STAGE": PHOTO_STAGE,
        "PARTICIPATION": PARTICIPATION,
        "REPORT_STAGE": REPORT_STAGE,
        "REPORT_BADGE": REPORT_BADGE,
        "report_overdue_fr": report_overdue_fr,
        "report_state_fr": report_state_fr,
        "REPORT_OVERDUE": REPORT_OVERDUE,
        "reports_count_fr": reports_count_fr,
        "reports_fr": reports_fr,
        "REPORT_STEP_STATE": REPORT_STEP_STATE,
        "REPORT_FACT": REPORT_FACT,
        "report_title": report_title,
        "report_tone": report_tone,
        "report_status_fr": report_status_fr,
        "report_overdue": report_overdue,
        "report_late_fr": report_late_fr,
        "report_search_statuses": report_search_statuses,
    }
