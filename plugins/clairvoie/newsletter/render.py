"""An issue as an email body: HTML (theme's Jinja template, CSS inlined) and plain text.

Both come from the theme's ``templates/email/newsletter.html`` and ``newsletter.txt``,
fed the same stored issue (``state.Issue``), so they carry the same items, facts and
links. The HTML's ``<style>`` rules are inlined by css-inline; only its ``@media`` rules
(small screens, dark mode) stay in a ``<style>`` block, where clients that know them
apply them: the layout never depends on them.

Every link and image is absolute (``Site.url``). The unsubscribe address and the
« Gérer mon abonnement » one differ for each subscriber: a body is rendered once per
issue with ``UNSUBSCRIBE_PLACEHOLDER`` and ``MANAGE_PLACEHOLDER``, which
``Body.for_subscriber`` replaces. The second is there only when the city runs the
subscription service (or listmonk), where the subscriber's page to manage lives.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from urllib.parse import urlencode

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..labels import date_fr, template_filters, template_globals
from ..model.newsletter_issues import RSS_FILE, Issue
from ..outputs.site import absolute

UNSUBSCRIBE_PLACEHOLDER = "https://desinscription.invalid/clairvoie-lettre"
MANAGE_PLACEHOLDER = "https://gerer.invalid/clairvoie-lettre"
HTML_TEMPLATE = "email/newsletter.html"
TEXT_TEMPLATE = "email/newsletter.txt"


@dataclass(frozen=True)
class Site:
    """What the emails need to know of the site: where it is, and who sends.

    Not ``outputs.site.Site``: an email writes no file, and its address must be absolute
    (CLAIRVOIE_NEWSLETTER_SITEURL); addresses are made by the same ``absolute``.
    """

    url: str  # absolute, without trailing slash, e.g. https://www.villebrune-sur-lise.fr
    name: str  # SITENAME
    domain: str  # outputs.site.site_domain
    sender: str  # From:, e.g. "Ville de Villebrune-sur-Lise <lettre@villebrune-sur-lise.fr>"
    unsubscribe_url: str  # the city's page; ?token=…&secteur=… are added
    unsubscribe_email: str
    template_dirs: tuple[str, ...]
    # the service's « Gérer mon abonnement » page (?token=… is added); "" without a service
    manage_url: str = ""

    def absolute(self, path: str) -> str:
        return absolute(self.url, path)

    def unsubscribe_link(self, list_id: str, token: str) -> str:
        """``secteur`` is the list id as the subscriber wrote it: « secteur-4 », « projet:<id> »."""
        separator = "&" if "?" in self.unsubscribe_url else "?"
        return f"{self.unsubscribe_url}{separator}{urlencode({'token': token, 'secteur': list_id})}"

    def unsubscribe_mailto(self, list_id: str, token: str) -> str:
        return f"mailto:{self.unsubscribe_email}?subject=desinscription%20{list_id}%20{token}"

    def manage_link(self, token: str) -> str:
        """The subscriber's page for every list at once (the service's), or "" without one."""
        if not self.manage_url:
            return ""
        separator = "&" if "?" in self.manage_url else "?"
        return f"{self.manage_url}{separator}{urlencode({'token': token})}"


@dataclass(frozen=True)
class Body:
    html: str
    text: str

    def for_subscriber(self, unsubscribe_url: str, manage_url: str = "") -> "Body":
        """The body one subscriber gets; ``manage_url`` is needed when the site has a manage page."""
        links = ((UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url), (MANAGE_PLACEHOLDER, manage_url))
        if MANAGE_PLACEHOLDER in self.text and not manage_url:
            raise ValueError("this letter links to the subscriber's manage page: give its address")
        html_body, text_body = self.html, self.text
        for placeholder, url in links:
            html_body = html_body.replace(placeholder, html.escape(url, quote=True))
            text_body = text_body.replace(placeholder, url)
        return Body(html_body, text_body)


def environment(template_dirs: tuple[str, ...]) -> Environment:
    env = Environment(loader=FileSystemLoader(list(template_dirs)),
                      autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    env.filters.update(template_filters())
    env.globals.update(template_globals())
    return env


def context(issue: Issue, site: Site) -> dict:
    return {
        "issue": issue,
        "site": site,
        "absolute": site.absolute,
        "issue_date": date_fr(issue.date),
        "since_date": date_fr(issue.since),
        "archive_url": site.absolute(issue.url),
        "archive_index_url": site.absolute(issue.archive),
        "rss_url": site.absolute(issue.archive + RSS_FILE),
        "home_url": site.absolute(issue.home),  # the sector's page, or the project's
        "list_kind": "projet" if issue.is_project else "secteur",
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "manage_url": MANAGE_PLACEHOLDER if site.manage_url else "",
    }


def inline_css(document: str) -> str:
    """Inline every rule; keep the @media ones in a <style> block; fetch nothing."""
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    return inliner.inline(document)


def render(issue: Issue, site: Site) -> Body:
    env = environment(site.template_dirs)
    variables = context(issue, site)
    html_body = inline_css(env.get_template(HTML_TEMPLATE).render(**variables))
    text_body = env.get_template(TEXT_TEMPLATE).render(**variables)
    return Body(html_body, text_body)


def theme_template_dirs(pelican_settings: dict) -> tuple[str, ...]:
    """Where Pelican itself looks for the theme's templates: overrides first."""
    overrides = tuple(pelican_settings.get("THEME_TEMPLATES_OVERRIDES") or ())
    return (*overrides, os.path.join(pelican_settings["THEME"], "templates"))
