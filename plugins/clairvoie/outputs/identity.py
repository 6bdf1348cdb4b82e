"""How the site names itself in identifiers: feed entry ids, calendar UIDs, podcast GUIDs.

The domain comes from ``CLAIRVOIE_FEED_DOMAIN``, else from SITEURL's host
(without "www."), else a placeholder. Set the setting: ids must outlive a
change of the site's address, or readers and calendars show everything again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PLACEHOLDER_DOMAIN = "clairvoie.invalid"


def site_domain(feed_domain: str, site_url: str) -> str:
    domain = (feed_domain or "").strip().lower()
    if not domain:
        domain = (urlsplit(site_url or "").hostname or "").lower().removeprefix("www.")
    return domain or PLACEHOLDER_DOMAIN
