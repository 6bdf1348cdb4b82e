"""Settings for the public site: the demo settings plus the public address.

``make publish`` builds with these settings, then puts output/ online at
CLAIRVOIE_PUBLISH_TARGET (docs/publier.md).
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("CLAIRVOIE_SITEURL", "https://www.villebrune-sur-lise.fr")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True

# The city's subscription service (clairvoie abonnements serve, docs/abonnements.md): the sign-up
# forms of the sector, project and home pages post there. Empty: the pages give the sector's
# contact instead of a form.
CLAIRVOIE_SUBSCRIPTIONS_URL = os.environ.get("CLAIRVOIE_SUBSCRIPTIONS_URL", "")
