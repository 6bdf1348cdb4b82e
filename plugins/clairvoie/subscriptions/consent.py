"""The consent sentence shown beside every sign-up form, by version (worded in labels.py, where
the static site's forms read it too).

A subscription keeps the version its resident read and the date: a new wording gets a new
version (never edit an old one), so that what each resident agreed to stays known.
The static site's forms post the version they showed in the field ``consentement``.
"""

from __future__ import annotations

from ..labels import SUBSCRIPTION_CONSENT as WORDINGS  # the static site's forms show the same
from ..labels import SUBSCRIPTION_CONSENT_VERSION as CURRENT
from ..labels import subscription_consent

__all__ = ["CURRENT", "IMPORTED", "WORDINGS", "wording"]


# Subscribers brought over from the city's former CSV list (« clairvoie abonnements importer »):
# they consented there, in the city's own words. Never accepted from a form.
IMPORTED = "liste-importee"


def wording(version: str, city: str) -> str:
    return subscription_consent(version, city)
