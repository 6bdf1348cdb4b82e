"""What the channels that publish RSS and Atom share: entry ids, browser stylesheets, dates.

An entry's id is the tag URI ``tag:<domain>,2026:<key>`` (RFC 4151), ``<domain>`` being
the site's identity (``Site.domain``): the news feeds, the podcast and the newsletters'
archive name their entries the same way, so an article keeps one id everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlsplit

from feedgen.ext.base import BaseExtension
from lxml import etree

# The date part of the tag URIs: Clairvoie's sites hold their domain on 1 January 2026.
TAG_DATE = "2026"
TAG_SAFE = "/:@-._~!$&'()*+,;="  # characters RFC 4151 allows as they are in the specific part
# In the theme's static folder: the XSL that turns a feed into a page (it loads feed.css),
# and the CSS of the raw feed, for browsers without XSLT.
STYLESHEET_FOLDER = "feeds"
XSL = "feed.xsl"
XML_CSS = "feed-xml.css"
# The date of a feed that has no entry yet (any fixed date: never the build time).
EMPTY_FEED_DATE = dt.date(2026, 1, 1)


def entry_id(domain: str, key: str) -> str:
    """tag:<domain>,2026:<key> — the announcement's key, percent-encoded where RFC 4151 asks."""
    return f"tag:{domain},{TAG_DATE}:{quote(key, safe=TAG_SAFE)}"


class XmlStylesheet(BaseExtension):
    """feedgen extension: <?xml-stylesheet?> instructions before the feed's root element.

    feedgen has no such option; its extensions receive the root element, and lxml
    serialises the root's preceding siblings (here, the instructions) after the XML
    declaration, in order. ``stylesheets`` is a list of (media type, address).
    """

    stylesheets: tuple[tuple[str, str], ...] = ()

    def _add(self, root: Any) -> Any:
        for media_type, href in self.stylesheets:
            root.addprevious(etree.ProcessingInstruction(
                "xml-stylesheet", f'type="{media_type}" href="{href}"'))
        return root

    def extend_rss(self, feed: Any) -> Any:
        return self._add(feed)

    def extend_atom(self, feed: Any) -> Any:
        return self._add(feed)


def stylesheets(settings: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The browser stylesheets of RSS and Atom: the XSL first, then the CSS that styles the
    raw XML where XSLT is gone. Addresses from the site root, on the feed's own server
    (browsers apply only same-origin XSL), under SITEURL's path when the site lives in a folder."""
    base = urlsplit(settings.get("SITEURL", "") or "").path.rstrip("/")
    folder = f"{base}/{settings.get('THEME_STATIC_DIR', 'theme')}/{STYLESHEET_FOLDER}"
    return (("text/xsl", f"{folder}/{XSL}"), ("text/css", f"{folder}/{XML_CSS}"))
