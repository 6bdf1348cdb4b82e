"""Pelican settings of the demo city, Villebrune-sur-Lise.

Clairvoie's own settings are the CLAIRVOIE_* names (see
plugins/clairvoie/settings.py for every one and its default).
"""

AUTHOR = "Ville de Villebrune-sur-Lise"
SITENAME = "Villebrune-sur-Lise — Travaux et projets"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
THEME = "themes/clairvoie"

PLUGINS = ["clairvoie"]

# Identity of feed entries and calendar events (tag: URIs, UIDs): keep it when the
# site's address changes, or readers would show every entry again.
CLAIRVOIE_FEED_DOMAIN = "villebrune-sur-lise.fr"

# News articles live under /actualites/; the home page is Clairvoie's.
ARTICLE_URL = "actualites/{slug}/"
ARTICLE_SAVE_AS = "actualites/{slug}/index.html"
INDEX_SAVE_AS = "actualites/index.html"
INDEX_URL = "actualites/"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# /actualites/ lists 100 news items a page (a large city's thousands would weigh megabytes):
# then /actualites/page/2/, /actualites/page/3/…
DEFAULT_PAGINATION = 100
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Lists Pelican would make by default but residents do not need.
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
TAG_SAVE_AS = TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""

# Feeds are Clairvoie's (per sector); Pelican's own are off.
FEED_ALL_ATOM = FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

# Record folders are read by Clairvoie, not by Pelican's readers.
ARTICLE_EXCLUDES = ["projects", "works", "events", "photos", "documents", "media", "signalements"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["media", "images"]

JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# The build date comes from SOURCE_DATE_EPOCH when set: builds are reproducible.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# The city's podcast (/podcast.rss): the articles with "Audio:".
CLAIRVOIE_PODCAST_TITLE = "Le point travaux de Villebrune-sur-Lise"
CLAIRVOIE_PODCAST_OWNER_EMAIL = "communication@villebrune-sur-lise.fr"

# The sector newsletters (docs/lettre.md): the site's address in the emails' links and
# images, and who sends them. Subscribers and the SMTP server are never set here.
CLAIRVOIE_NEWSLETTER_SITEURL = "https://www.villebrune-sur-lise.fr"
CLAIRVOIE_NEWSLETTER_FROM = "Ville de Villebrune-sur-Lise <lettre@villebrune-sur-lise.fr>"
