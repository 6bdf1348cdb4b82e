"""Markdown to safe HTML for every Markdown field of the records.

Record text comes from many hands; whatever HTML or script it carries must
never run on a resident's screen, so the rendered HTML is sanitised.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "img",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"},
    "img": {"src", "alt", "width", "height"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _same_site_images_only(tag: str, attribute: str, value: str) -> str | None:
    # Residents' browsers must not call third parties: images come from the site.
    if tag == "img" and attribute == "src" and (value.startswith("//") or ":" in value.split("/")[0]):
        return None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        attribute_filter=_same_site_images_only,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener",
    )


_HEADING = re.compile(r"<(/?)h[1-6]\b")


_converters = threading.local()


def _markdown_converter() -> markdown.Markdown:
    """One converter per thread: making one costs more than most conversions, and one is not thread-safe."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=["tables", "sane_lists"],
                                                             output_format="html")
    return converter


def markdown_to_html(text: str | None) -> Markup:
    """Record text as safe HTML; its headings become h3, under the page's h2 sections."""
    if not text:
        return Markup("")
    return _record_html(text)


# Records repeat texts (detours, notices), and rebuilds in one process (pelican --autoreload)
# repeat them all: room for every text of a large city (size L: some 14,000), yet bounded.
@lru_cache(maxsize=1 << 17)
def _record_html(text: str) -> Markup:
    html = _markdown_converter().reset().convert(text)
    return Markup(sanitize_html(_HEADING.sub(r"<\1h3", html)))
