"""How long browsers and the CDN may keep each published file, and its type: one table.

An S3 upload sets these headers on each object (``s3.py``); for a web server reached
by rsync, the same table is written as the server's configuration (``_headers`` for
Netlify-style hosts, ``.htaccess`` for Apache, a snippet for nginx).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ..fingerprints import FINGERPRINT_PATTERN

IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Rule:
    what: str
    # A regular expression on the path from the site's root, without the first "/";
    # one syntax for Python, nginx and Apache.
    pattern: str
    cache_control: str
    # Files that point at others (pages, feeds, the search entry) go up after the rest,
    # so that nothing they point at is missing, even for a moment.
    upload_last: bool = False

    def matches(self, path: str) -> bool:
        return re.fullmatch(self.pattern, path) is not None


# A page file, or the address of a folder's index.html on a server ("", "projets/lilas/").
PAGE = r"(?:.+/)?(?:[^/]+\.html)?"

# The first rule that matches a path applies.
RULES = (
    Rule("thème, noms à empreinte", rf"theme/.+{FINGERPRINT_PATTERN}", IMMUTABLE),
    Rule("index de recherche, noms à empreinte de Pagefind",
         r"pagefind/(?:(?:fragment|index|filter)/[^/]+|[^/]+\.pf_meta)", IMMUTABLE),
    Rule("pages", PAGE, "public, max-age=0, s-maxage=60, must-revalidate", upload_last=True),
    # pagefind.js and pagefind-entry.json name the index files of the day; the worker and
    # WebAssembly files must match pagefind.js's version.
    Rule("entrée de la recherche", r"pagefind/.+", "public, max-age=300", upload_last=True),
    Rule("panneaux lumineux", r"panneaux/[^/]+\.json", "public, max-age=60", upload_last=True),
    Rule("aperçus des panneaux", r"panneaux/.+", "public, max-age=300"),
    Rule("flux, agendas, podcast", r"(?:.+/)?(?:[^/]+\.(?:rss|atom|ics)|flux\.json)",
         "public, max-age=300", upload_last=True),
    Rule("navigation (Waze…)", r"navigation/.+", "public, max-age=300", upload_last=True),
    Rule("données ouvertes", r"opendata/.+", "public, max-age=3600", upload_last=True),
    Rule("thème, noms simples", r"theme/.+", "public, max-age=3600"),
    Rule("photos, images, sons, documents", r".+\.(?:jpe?g|png|webp|avif|gif|svg|mp3|pdf)",
         "public, max-age=86400"),
    Rule("autres fichiers", r".+", "public, max-age=300"),
)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    # MapLibre GL JS (the interactive map, carte-interactive/lib/): a module, refused under another type.
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    # Feeds as plain XML: browsers then show them through the theme's XSL (docs/flux.md).
    ".rss": "application/xml; charset=utf-8",
    ".atom": "application/xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".wasm": "application/wasm",
}
CONTENT_TYPES_BY_NAME = {"flux.json": "application/feed+json"}
# Pagefind's index files (.pf_fragment, .pagefind…) and anything unforeseen.
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Server configuration written beside the pages for rsync; never uploaded to S3.
SERVER_FILES = ("_headers", ".htaccess", "nginx-cache.conf")


def rule_for(path: str) -> Rule:
    return next(rule for rule in RULES if rule.matches(path))


def content_type(path: str) -> str:
    name = posixpath.basename(path)
    extension = posixpath.splitext(name)[1].lower()
    return CONTENT_TYPES_BY_NAME.get(name) or CONTENT_TYPES.get(extension, DEFAULT_CONTENT_TYPE)


# --- the same table as server configuration -------------------------------------------------
HEADER = "Écrit par « clairvoie publish » depuis plugins/clairvoie/publish/policy.py : ne pas modifier à la main."


def _uri_pattern(rule: Rule, base_path: str) -> str:
    return f"^{re.escape(base_path)}/{rule.pattern}$"


def netlify_headers(paths: list[str], base_path: str) -> str:
    """``_headers`` (Netlify, Cloudflare Pages): one block per address, since rules that
    overlap there add their headers up instead of the first one winning."""
    blocks = [f"# {HEADER}\n"]
    for path in sorted(paths):
        addresses = [f"{base_path}/{path}"]
        if posixpath.basename(path) == "index.html":
            addresses.insert(0, f"{base_path}/{path.removesuffix('index.html')}")
        for address in addresses:
            blocks.append(f"{address}\n  Cache-Control: {rule_for(path).cache_control}\n"
                          f"  Content-Type: {content_type(path)}\n")
    return "".join(blocks)


def apache_htaccess(base_path: str) -> str:
    lines = [f"# {HEADER}", "# Modules : mod_mime, mod_headers.", "<IfModule mod_mime.c>"]
    lines += [f'  AddType "{kind}" {extension}' for extension, kind in CONTENT_TYPES.items()]
    lines += ["</IfModule>"]
    lines += [f'<Files "{name}">\n  ForceType {kind}\n</Files>' for name, kind in CONTENT_TYPES_BY_NAME.items()]
    lines += ["<IfModule mod_headers.c>"]
    for index, rule in enumerate(RULES):
        opening = "If" if index == 0 else "ElseIf"
        lines += [f'  <{opening} "%{{REQUEST_URI}} =~ m#{_uri_pattern(rule, base_path)}#">',
                  f'    Header set Cache-Control "{rule.cache_control}"', f"  </{opening}>"]
    lines += ["</IfModule>"]
    return "\n".join(lines) + "\n"


def nginx_snippet(base_path: str) -> str:
    """For ``include`` inside the site's ``server { }`` block."""
    lines = [f"# {HEADER}", "# À inclure dans le bloc server { } du site."]
    # The last "set" that applies wins: the table's first rule goes last.
    for rule in reversed(RULES):
        lines.append(f'if ($uri ~ "{_uri_pattern(rule, base_path)}") '
                     f'{{ set $clairvoie_cache_control "{rule.cache_control}"; }}')
    lines.append("add_header Cache-Control $clairvoie_cache_control always;")
    # nginx takes the first regular-expression location that matches: names before extensions.
    for name, kind in CONTENT_TYPES_BY_NAME.items():
        lines.append(f'location ~ "/{re.escape(name)}$" {{ types {{ }} default_type "{kind}"; }}')
    for extension, kind in CONTENT_TYPES.items():
        lines.append(f'location ~ "{re.escape(extension)}$" {{ types {{ }} default_type "{kind}"; }}')
    return "\n".join(lines) + "\n"
