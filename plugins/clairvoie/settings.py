"""Clairvoie's settings: typed defaults, read from Pelican's settings by prefix.

Every knob a site may turn lives here, named ``CLAIRVOIE_<NAME>`` in
``pelicanconf.py``. There is deliberately no knob that hides negative news.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_CATEGORIES = (
    "voirie",
    "éclairage",
    "espaces verts",
    "bâtiments",
    "eau et assainissement",
    "mobilité",
    "propreté",
    "écoles",
    "sport",
    "culture",
)

PREFIX = "CLAIRVOIE_"
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class ClairvoieSettings:
    # Where sector files live; relative paths are taken from the site root
    # (the parent folder of Pelican's PATH).
    sectors_path: str = "sectors"
    # Record folders, relative to Pelican's PATH (content/).
    projects_dir: str = "projects"
    works_dir: str = "works"
    events_dir: str = "events"
    # Categories a project may use: the spec's list plus the site's own.
    extra_categories: tuple[str, ...] = ()
    # Works orders starting within this many days count as "coming soon".
    upcoming_works_days: int = 14
    # How many news items a sector page lists.
    sector_news_count: int = 5
    # Widths (px) of published photo renditions, each written in WebP and JPEG;
    # a width larger than the original is not made (photos are never enlarged).
    photo_widths: tuple[int, ...] = (480, 960, 1600)
    # Encoder quality (1-100) of both formats, and of the social cards.
    photo_quality: int = 80
    # Font file (TrueType/OpenType, path from the site root) for the social cards
    # drawn for each project; empty: the font shipped with Pillow, the same on
    # every machine, so that the cards do not depend on the fonts installed.
    photo_card_font: str = ""
    # Feeds (outputs/feeds.py): at most this many entries per feed, newest first; and the
    # domain that makes entry ids (tag:<domain>,2026:<key>) unique. Set it once and never
    # change it, even when SITEURL changes: readers would show every entry again.
    # Empty: the host of SITEURL, else "clairvoie.invalid".
    feed_entries: int = 50
    feed_domain: str = ""
    # The city's podcast (/podcast.rss, outputs/podcast.py): the articles with "Audio:".
    # Its name; empty: « Le podcast de » and the site's name.
    podcast_title: str = ""
    # What the podcast is about, shown by podcast apps.
    podcast_description: str = ("Les travaux et les projets de la ville en quelques minutes : "
                                "l'avancement des chantiers, les bonnes et les mauvaises nouvelles, "
                                "ce qui change près de chez vous.")
    # Who publishes it; empty: Pelican's AUTHOR, else the site's name.
    podcast_author: str = ""
    # The address podcast directories (Apple Podcasts…) write to: a service's
    # address, not a person's. Apple requires one.
    podcast_owner_email: str = ""
    # Apple Podcasts category (its English name, from Apple's list) and, optionally,
    # one of its subcategories.
    podcast_category: str = "Government"
    podcast_subcategory: str = ""
    # Whether episodes may contain explicit language (itunes:explicit).
    podcast_explicit: bool = False
    # Picture (path from the site root) the square cover is cut from; empty: a
    # cover drawn with the podcast's name, in the colours of the theme.
    podcast_cover: str = ""
    # Sign panels: the most messages a panel rotates through (bad news is never cut).
    panels_max_messages: int = 10
    # Sector newsletters (docs/lettre.md). Issues and what was sent, from the site root.
    newsletter_path: str = "newsletters"
    # A sector's first issue tells the news of this many days before it, no older.
    newsletter_first_days: int = 30
    # Works orders starting within this many days are announced.
    newsletter_works_days: int = 21
    # Absolute address of the site for the emails' links and images; empty: SITEURL.
    newsletter_siteurl: str = ""
    # The emails' From:, e.g. "Ville de … <lettre@…>"; empty: AUTHOR <lettre@<domain>>.
    newsletter_from: str = ""
    # The city's unsubscribe page (gets ?token=…&secteur=…, by GET and by one-click POST)
    # and mailbox; empty: <site>/desinscription/ and desinscription@<domain>.
    newsletter_unsubscribe_url: str = ""
    newsletter_unsubscribe_email: str = ""
    # Where residents subscribe (the city's form, listmonk's page); empty: no link.
    newsletter_subscribe_url: str = ""
    # At most this many emails per second (0: no limit).
    newsletter_rate: float = 5.0
    # The subscription service (docs/abonnements.md): its public base URL, where the site's
    # forms post and the letters' links lead; empty: no service (the CSV list is used).
    subscriptions_url: str = ""
    # A city already on listmonk (docs/abonnements.md): {"url": listmonk's root URL, "lists":
    # {sector id: the UUID of that sector's public listmonk list, …}}. When set, the site's forms
    # post to listmonk's public subscription form instead of the subscription service, and offer
    # the sectors that have a list. Empty: not used.
    listmonk: dict[str, Any] = field(default_factory=dict)
    # Sign-up requests one client (IP address) may make in ten minutes; beyond: « 429 ».
    subscriptions_client_limit: int = 30
    # Confirmation e-mails one address may get in a day; beyond, the same answer, no e-mail.
    subscriptions_address_limit: int = 3
    # Search (docs/recherche.md): residents' words for the records' terms, relative to
    # Pelican's PATH; empty, or no such file: no synonyms.
    search_synonyms: str = "search/synonymes.yaml"
    # Plain French (docs/francais-simple.md): the city's glossary, relative to Pelican's PATH,
    # added to the one Clairvoie ships; empty, or no such file: the shipped glossary only.
    plain_french_glossary: str = "lexique.yaml"
    # A text of 30 words or more whose French Flesch score (0-100, Kandel & Moles) is under
    # this gets a remark; Yoast calls under 60 hard to read, under 50 very hard.
    plain_french_min_score: float = 50.0
    # True: every plain-French remark stops « clairvoie validate » and the build, as a
    # problem in a record does; False: remarks are only shown.
    plain_french_strict: bool = False
    # Residents' reports (docs/signalements.md): their folder, relative to Pelican's PATH, with
    # services.yaml and one file per report; no such folder: no reports.
    reports_dir: str = "signalements"
    # The file (from the site root) mapping the request tool's states and CSV columns for
    # « clairvoie signalements import »; empty: the defaults of report_import/stages.py.
    reports_import_mapping: str = ""
    # Maps (docs/cartes.md): the commune's OpenStreetMap extract (.osm.pbf, made with
    # « osmium extract »), relative to Pelican's PATH; its streets, water and parks are drawn
    # on the static maps. Empty: outlines only; a missing or unreadable file: a warning, outlines.
    osm_extract: str = "osm/commune.osm.pbf"
    # The online editor (docs/editer-en-ligne.md): Decap CMS's ``backend`` mapping for the
    # forge it commits to (GitHub, GitLab, Gitea; ``publish_mode: editorial_workflow`` for
    # draft, review, publish); None: only the local backend of « make edit ».
    admin_backend: dict[str, Any] | None = field(default=None, compare=False)
    # The address of decap-server the editor writes through on localhost (« make edit »);
    # empty: Decap's own, http://localhost:8081/api/v1.
    admin_local_backend: str = ""
    # The transparency pages (docs/transparence.md): a figure's list of more rows than this
    # gets pages of its own, linked from the figure, of at most figure_list_rows_per_page rows.
    figure_list_inline_rows: int = 50
    figure_list_rows_per_page: int = 500
    # The same for the lists under each sector's map, whose rows carry their symbol (an SVG):
    # about 480 bytes a row, so that a page of them stays under about 200 kB.
    map_list_rows_per_page: int = 250
    # /ce-qui-ne-va-pas/ (docs/transparence.md): its cards, latest first, this many a page.
    bad_news_cards_per_page: int = 50
    # Builds (docs/publier.md): processes that render pages; 0: one per CPU.
    build_processes: int = 0
    # Render again only the pages whose records changed since the last build of the
    # same output folder, keeping the others, and write a rebuild in the same process in
    # place (staging.py); False: every page is rendered, every build swapped in whole.
    incremental: bool = True
    site_root: str = field(default="", compare=False)

    @property
    def categories(self) -> tuple[str, ...]:
        return DEFAULT_CATEGORIES + tuple(
            c for c in self.extra_categories if c not in DEFAULT_CATEGORIES
        )

    def sectors_dir(self) -> str:
        return os.path.normpath(os.path.join(self.site_root, self.sectors_path))

    def listmonk_problems(self, sector_ids: list[str]) -> list[str]:
        """What is wrong with CLAIRVOIE_LISTMONK, in French: a form posting there must work."""
        from . import messages

        if not self.listmonk:
            return []
        if not isinstance(self.listmonk, dict):
            return [messages.LISTMONK_SHAPE]
        found = []
        url = self.listmonk.get("url")
        if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
            found.append(messages.LISTMONK_URL)
        lists = self.listmonk.get("lists")
        if not isinstance(lists, dict) or not lists:
            return found + [messages.LISTMONK_LISTS]
        for sector_id, list_uuid in lists.items():
            if sector_id not in sector_ids:
                found.append(messages.listmonk_unknown_sector(sector_id, sector_ids))
            if not isinstance(list_uuid, str) or not _UUID.fullmatch(list_uuid):
                found.append(messages.listmonk_bad_uuid(sector_id, list_uuid))
        return found

    @classmethod
    def from_pelican(cls, pelican_settings: dict[str, Any]) -> "ClairvoieSettings":
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = PREFIX + f.name.upper()
            if key in pelican_settings:
                value = pelican_settings[key]
                values[f.name] = tuple(value) if isinstance(value, list) else value
        content_path = os.path.abspath(pelican_settings.get("PATH", "content"))
        values["site_root"] = os.path.dirname(content_path)
        return cls(**values)
