"""Markdown to HTML for every Markdown field of the records and for articles.

One rule for HTML typed into text: Markdown fields and articles are Markdown
only. Raw HTML (tags, comments), links that are not web, mail or telephone
addresses, images from other sites and images without a description are
refused at validation, each with a French message (``markdown_problems``):
nothing is half-cleaned. Plain-text fields are escaped wherever they are shown.
The sanitiser still runs on what Markdown produced, as a last guard.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup

from . import messages

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
    return _rendered(text)[0] if text else Markup("")


@dataclass(frozen=True)
class MarkdownProblem:
    """What a Markdown text may not carry: the offending text as typed, and why (French)."""

    typed: str
    message: str


def markdown_problems(text: str | None) -> tuple[MarkdownProblem, ...]:
    """Why a Markdown text cannot be published as it is; () when it can."""
    return _rendered(text)[1] if text else ()


_TAG_NAME = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_LINK_SCHEMES = ("http", "https", "mailto", "tel")


# Records repeat texts (detours, notices), and rebuilds in one process (pelican --autoreload)
# repeat them all: room for every text of a large city (size L: some 14,000), yet bounded.
@lru_cache(maxsize=1 << 17)
def _rendered(text: str) -> tuple[Markup, tuple[MarkdownProblem, ...]]:
    converter = _markdown_converter().reset()
    html = converter.convert(text)
    found: list[MarkdownProblem] = []
    made_by_markdown = html
    for raw in map(str, converter.htmlStash.rawHtmlBlocks):  # raw HTML; entities (&amp;) are stashed too
        typed = raw.strip().splitlines()[0] if raw.strip() else ""
        if typed.startswith("<!--"):
            found.append(MarkdownProblem(typed, messages.HTML_COMMENT_REFUSED))
        elif typed.startswith("<"):
            tag = _TAG_NAME.match(typed)
            found.append(MarkdownProblem(typed, messages.html_refused(f"<{tag[1]}>" if tag else typed[:20])))
        made_by_markdown = made_by_markdown.replace(raw, "")
    links = _Links()
    links.feed(made_by_markdown)
    for href in links.hrefs:
        scheme = _SCHEME.match(href.strip())
        if scheme and scheme[1].lower() not in _LINK_SCHEMES:
            found.append(MarkdownProblem(href, messages.link_refused(href)))
    for src, alt in links.images:
        if src.startswith("//") or _SCHEME.match(src):
            found.append(MarkdownProblem(src, messages.image_from_elsewhere(src)))
        if not alt.strip():
            found.append(MarkdownProblem(src, messages.IMAGE_WITHOUT_DESCRIPTION))
    safe = Markup(sanitize_html(_HEADING.sub(r"<\1h3", html)))
    return safe, tuple(dict.fromkeys(found))


class _Links(HTMLParser):
    """The links and images Markdown made of a text (attribute values decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.images: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            self.hrefs.append(values["href"])
        elif tag == "img":
            self.images.append((values.get("src", ""), values.get("alt", "")))
