"""Helpers of the newsletter tests: an SMTP recorder, the subscribers, running the command."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from building import DEMO_EPOCH

SECTOR = "secteur-5"  # bad news, photos, works, meetings and articles in its first issue

@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: tuple  # the client's (host, port): one per connection


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every message, and can refuse or misbehave on cue."""

    messages: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address → SMTP answer to RCPT
    on_rcpt: object = None  # called with (count of RCPTs so far, address) before answering
    rcpt_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_count += 1
            count = self.rcpt_count
        if self.on_rcpt is not None:
            answer = self.on_rcpt(count, address)
            if answer:
                return answer
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content, session.peer))
        return "250 Message accepted for delivery"

    def copies(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.messages:
            for address in message.rcpt_tos:
                counts[address.lower()] = counts.get(address.lower(), 0) + 1
        return counts


def stored_issue(site: Path, sector_id: str = SECTOR, number: int = 1) -> dict:
    return json.loads((site / "newsletters" / sector_id / f"{number}.json").read_text(encoding="utf-8"))


SUBSCRIBERS = [
    # (email, sectors, token)
    ("alice@example.org", SECTOR, "tok-alice"),
    ("bruno@example.org", f"secteur-1;{SECTOR}", "tok-bruno"),
    ("chloe@example.org", "all", "tok-chloe"),
    ("djamel@example.org", "secteur-1", "tok-djamel"),  # another sector: gets nothing
    ("pas-une-adresse", SECTOR, "tok-bad"),  # reported, the others go on
    ("emma@example.org", SECTOR, "tok-emma"),
    ("farid@example.org", "secteur-2;secteur-5", "tok-farid"),
    ("gaelle@example.org", SECTOR, "tok-gaelle"),
    ("hugo@example.org", "all", "tok-hugo"),
]
AUDIENCE = ["alice@example.org", "bruno@example.org", "chloe@example.org", "emma@example.org",
            "farid@example.org", "gaelle@example.org", "hugo@example.org"]


def send(site: Path, subscribers: Path, smtp_url: str, *args: str):
    env = {"CLAIRVOIE_SMTP_URL": smtp_url}
    return run_clairvoie_env(site, env, "newsletter", "send", "--sector", SECTOR,
                             "--subscribers", str(subscribers), "--rate", "0", *args)


def run_clairvoie_env(site: Path, env: dict[str, str], *args: str):
    full = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, **env}
    return subprocess.run([sys.executable, "-m", "clairvoie.cli", *args], cwd=site, env=full,
                          capture_output=True, text=True, timeout=600)


# --- reading what was received ------------------------------------------------------------------
def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def parts(message) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    body = message.get_body(preferencelist=("html",)).get_content()
    return text, body


class _Page(HTMLParser):
    """The words a reader sees, and every link and image of an HTML body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.links: list[str] = []
        self.images: list[dict] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("style", "title") or "preheader" in (attributes.get("class") or ""):
            self._skip += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "img":
            self.images.append(attributes)

    def handle_endtag(self, tag):
        if tag in ("style", "title", "div") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def read_html(body: str) -> _Page:
    page = _Page()
    page.feed(body)
    return page


def flat(text: str) -> str:
    """Whitespace (line breaks of the wrapped text part included) as single spaces."""
    return " ".join(text.split())


def item_strings(issue: dict, site_url: str) -> list[str]:
    """What both parts must carry for every item: title, subtitle, text, facts, address."""
    strings = []
    for section in issue["sections"]:
        strings.append(section["title"])
        for item in section["items"]:
            strings += [item["title"], item["label"], f"{site_url}/{item['url']}", *item["facts"]]
            strings += [s for s in (item["subtitle"], item["text"]) if s]
    return strings


def media_rules_only(css: str) -> bool:
    """Whether a stylesheet holds @media blocks and nothing else."""
    depth, outside, i = 0, [], 0
    while i < len(css):
        if depth == 0 and css.startswith("@media", i):
            j = css.index("{", i)
            depth, i = 1, j + 1
            continue
        char = css[i]
        if depth:
            depth += {"{": 1, "}": -1}.get(char, 0)
        else:
            outside.append(char)
        i += 1
    return not "".join(outside).strip()
