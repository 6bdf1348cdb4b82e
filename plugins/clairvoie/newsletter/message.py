"""One email of an issue, for one subscriber: headers (RFC 2369, 2919, 8058) and both parts.

Headers:

- ``Subject``: « <sector name> : <headline> », or « Projet « <title> » : <headline> » for a
  project's letter (``compose.py``);
- ``From`` (``CLAIRVOIE_NEWSLETTER_FROM``), ``To``, ``Reply-To`` (the sector's contact
  address, when it has one), ``Date``;
- ``Message-ID``: ``<lettre.<sector>.<number>.<hash of the address>@<domain>>`` (a project's
  letter: ``lettre.<project>.projet.<number>…``), the same
  for a given issue and subscriber: a copy sent again after a crash is recognisable;
- ``List-Id`` (RFC 2919), ``List-Archive`` (RFC 2369): the sector's archive page;
- ``List-Unsubscribe``: the city's unsubscribe page (``?token=…&secteur=…``, where
  ``secteur`` is the list id the subscriber wrote: ``secteur-4`` or ``projet:<id>``) and a
  ``mailto:``; ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): mail
  clients offer a one-click button that POSTs to that page.

``List-Unsubscribe`` and ``List-Id`` are written as they are, never as RFC 2047 encoded
words (mail clients would not read an encoded address): ``_Policy`` folds them only
between their parts.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import unicodedata
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy

from .render import Body, Site
from ..model.newsletter_issues import Issue

ONE_CLICK = "List-Unsubscribe=One-Click"
_LITERAL_HEADERS = {"list-unsubscribe", "list-id", "list-archive", "list-unsubscribe-post"}
_ADDRESS_HEADERS = {"from", "to", "reply-to"}


class _Policy(EmailPolicy):
    """SMTP policy (CRLF, 78 columns) that writes some headers itself.

    - the List-* headers as they are (never as encoded words), folded between their parts;
    - the subject and the addresses with the legacy ``email.header`` encoder: the modern
      folder loses the space before an encoded word (« projet« Rénovation »), the legacy
      one keeps every space inside the encoded words.
    """

    def _folded(self, name: str, value: str) -> str | None:
        lowered = name.lower()
        if lowered in _LITERAL_HEADERS:
            return f"{name}: {value.replace('>, <', f'>,{self.linesep} <')}{self.linesep}"
        if lowered == "subject":
            if value.isascii():
                return None
            encoded = Header(value, "utf-8", maxlinelen=self.max_line_length, header_name=name)
            return f"{name}: {encoded.encode(linesep=self.linesep)}{self.linesep}"
        if lowered in _ADDRESS_HEADERS:
            addresses = email.utils.getaddresses([value])
            return f"{name}: {', '.join(email.utils.formataddr(a, 'utf-8') for a in addresses)}{self.linesep}"
        return None

    def fold_binary(self, name, value):  # noqa: D102 (email.policy API)
        folded = self._folded(name, str(value))
        return folded.encode("ascii") if folded is not None else super().fold_binary(name, value)

    def fold(self, name, value):  # noqa: D102
        folded = self._folded(name, str(value))
        return folded if folded is not None else super().fold(name, value)


POLICY = _Policy(linesep="\r\n")


def ascii_phrase(text: str) -> str:
    """Letters without accents, dashes as hyphens: a List-Id phrase any client reads."""
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    # Guillemets go (« projet « X » »): the spaces they leave are folded into one.
    return " ".join("".join(c for c in plain if c not in '"\\<>').split())


def _dotted(issue: Issue) -> str:
    """The letter list as a dot-atom: « secteur-4 », « <project id>.projet »."""
    return f"{issue.project_id}.projet" if issue.is_project else issue.sector_id


def message_id(issue: Issue, address: str, domain: str) -> str:
    digest = hashlib.sha256(f"{issue.list_id}/{issue.number}/{address.strip().lower()}".encode()).hexdigest()
    return f"<lettre.{_dotted(issue)}.{issue.number}.{digest[:20]}@{domain}>"


def list_id(issue: Issue, domain: str) -> str:
    phrase = ascii_phrase(f"Lettre d'information du {issue.list_name}")
    return f'"{phrase}" <{_dotted(issue)}.lettres.{domain}>'


def build_message(issue: Issue, body: Body, site: Site, address: str, token: str,
                  date: dt.datetime) -> EmailMessage:
    """The email for one subscriber; ``body`` is the issue's, rendered once (render.py)."""
    unsubscribe = site.unsubscribe_link(issue.list_id, token)
    mine = body.for_subscriber(unsubscribe, site.manage_link(token))
    message = EmailMessage(policy=POLICY)
    message["Subject"] = issue.subject
    message["From"] = site.sender
    message["To"] = address
    if issue.reply_to:
        message["Reply-To"] = issue.reply_to
    message["Date"] = email.utils.format_datetime(date)
    message["Message-ID"] = message_id(issue, address, site.domain)
    message["List-Id"] = list_id(issue, site.domain)
    message["List-Archive"] = f"<{site.absolute(issue.archive)}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>, <{site.unsubscribe_mailto(issue.list_id, token)}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    message.set_content(mine.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(mine.html, subtype="html", charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = "fr"  # after: set_content clears the Content-* headers
    return message


def envelope_sender(site: Site) -> str:
    return email.utils.parseaddr(site.sender)[1]


def as_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=POLICY)
