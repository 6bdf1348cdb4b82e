"""The consent sentence shown beside every sign-up form, by version.

A subscription keeps the version its resident read and the date: a new wording gets a new
version here (never edit an old one), so that what each resident agreed to stays known.
The static site's forms post the version they showed in the field ``consentement``.
"""

from __future__ import annotations

from ..subscribers.store import PENDING_DAYS

CURRENT = "2026-12"
WORDINGS = {
    "2026-12": ("{city} vous enverra par courriel la lettre d'information des secteurs et des projets "
                "que vous choisissez, à chaque nouvelle lettre (quand il y a du nouveau, au plus quelques "
                "fois par mois). Vous pouvez vous désinscrire en un clic depuis chaque lettre. Votre adresse "
                "est gardée par {city}, pour ces envois seulement, tant que vous êtes inscrit ; une demande "
                "non confirmée est effacée au bout de " + str(PENDING_DAYS) + " jours."),
}


# Subscribers brought over from the city's former CSV list (« clairvoie abonnements importer »):
# they consented there, in the city's own words. Never accepted from a form.
IMPORTED = "liste-importee"


def wording(version: str, city: str) -> str:
    return WORDINGS[version].format(city=city)
