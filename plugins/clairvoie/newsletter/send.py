"""Deliver an issue over SMTP to its subscribers (a sector's, or a project's), each exactly once.

- The server comes from ``CLAIRVOIE_SMTP_URL`` (never from the repository)::

      smtp://host:25                          plain (a relay on the same machine, tests)
      smtp+starttls://user:password@host:587  STARTTLS, then login
      smtps://user:password@host:465          TLS from the start, then login

  User and password are percent-encoded in the URL (``@`` is ``%40``).
- Subscribers come from the subscription service's database (a ``sqlite:///…`` or
  ``postgresql://…`` URL: its confirmed subscribers, the ledger in that database,
  subscribers/ledger.py), or from a CSV file kept outside the repository, header
  ``email,sectors,token``; ``sectors`` is ``;``-separated sector ids, or ``all``, and
  projects followed on their own, ``projet:<project id>``; ``token`` is the
  subscriber's unsubscribe token (letters, digits, ``-_.~``). A bad row is reported
  and skipped; the others are sent.
- A project's letter goes to those who follow the project and none of the sectors whose
  letters already tell its news (``Issue.covered_by``): nobody reads the same news twice.
- One connection is reused for every message (opened again if the server drops it),
  at most ``rate`` messages per second.
- The ledger (``<ledger>/<sector>/<number>/delivered.txt``, a project's letter
  ``<ledger>/projets/<project>/<number>/…``) gets one address per line,
  appended and flushed to disk (fsync) as soon as the server accepted the message; it
  is read first, so that a send stopped midway (killed, network down) and started again
  sends the rest only. Addresses the server refuses for good (5xx) go to
  ``failed.txt`` and are reported at the end of each run, not tried again; temporary
  refusals (4xx) are reported and tried again by the next run. A lock stops two runs of
  the same issue at once.
- ``dry_run``: the messages are written as ``.eml`` files instead; nothing is sent and
  the ledger is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .message import as_bytes, build_message, envelope_sender
from .render import Body, Site
from ..model.newsletter_issues import Issue, list_folder, project_of

SMTP_URL_VARIABLE = "CLAIRVOIE_SMTP_URL"
SCHEMES = {"smtp": (25, None), "smtp+starttls": (587, "starttls"), "smtps": (465, "tls")}
ALL_SECTORS = "all"
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+\.[^@\s<>(),;:\"\[\]\\.]{2,}$")
_TOKEN = re.compile(r"^[A-Za-z0-9._~-]{1,200}$")
RECONNECTIONS = 3  # in a row, before giving up (the next run goes on from the ledger)
TIMEOUT = 60


class SendError(Exception):
    """Something that stops a send before it starts: told in French to the staff."""


# --- configuration --------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str | None  # None, "starttls" or "tls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        how = {None: "sans chiffrement", "starttls": "STARTTLS", "tls": "TLS"}[self.security]
        who = f", compte {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({how}{who})"


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise SendError(f"{SMTP_URL_VARIABLE} doit commencer par smtp://, smtp+starttls:// ou smtps:// "
                        f"(reçu : « {parts.scheme or url} »).")
    if not parts.hostname:
        raise SendError(f"{SMTP_URL_VARIABLE} ne nomme pas de serveur (exemple : smtps://compte:motdepasse@smtp.example.fr:465).")
    default_port, security = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise SendError(f"{SMTP_URL_VARIABLE} : port invalide ({error}).") from None
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return SmtpServer(parts.hostname, port, security, user, password)


def server_from_environment(environ: dict[str, str] | None = None) -> SmtpServer:
    environ = os.environ if environ is None else environ
    url = environ.get(SMTP_URL_VARIABLE, "").strip()
    if not url:
        raise SendError(f"La variable d'environnement {SMTP_URL_VARIABLE} n'est pas définie : elle donne le "
                        "serveur d'envoi, par exemple smtps://compte:motdepasse@smtp.example.fr:465.")
    return parse_smtp_url(url)


# --- subscribers ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Subscriber:
    email: str
    token: str
    sectors: tuple[str, ...]  # the column's entries: sector ids, "all", "projet:<id>"

    def wants(self, sector_id: str) -> bool:
        return ALL_SECTORS in self.sectors or sector_id in self.sectors

    def receives(self, issue: Issue) -> bool:
        """A sector's letter: its followers. A project's: its followers who do not get its news
        already, in the letter of one of its sectors."""
        if not issue.is_project:
            return self.wants(issue.sector_id)
        return issue.list_id in self.sectors and not any(self.wants(s) for s in issue.covered_by)


@dataclass
class SubscriberList:
    subscribers: list[Subscriber]
    problems: list[str]  # « ligne 4 : adresse invalide (…) »


def _unknown(entries: tuple[str, ...], known_sectors: list[str] | None,
             known_projects: list[str] | None) -> list[str]:
    """« secteur inconnu x », « projet inconnu y »: entries naming nothing that exists."""
    found = []
    for entry in entries:
        project_id = project_of(entry)
        if project_id is not None:
            if known_projects is not None and project_id not in known_projects:
                found.append(f"projet inconnu « {project_id} »")
        elif entry != ALL_SECTORS and known_sectors is not None and entry not in known_sectors:
            found.append(f"secteur inconnu {entry}")
    return found


def read_subscribers(path: str, known_sectors: list[str] | None = None,
                     known_projects: list[str] | None = None) -> SubscriberList:
    if _is_database(path):  # the subscription service's database (subscribers/ledger.py)
        return _database_subscribers(path, known_sectors, known_projects)
    try:
        stream = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise SendError(f"Impossible de lire la liste des abonnés {path} : {error.strerror}.") from None
    subscribers: dict[str, Subscriber] = {}
    problems: list[str] = []
    with stream:
        reader = csv.DictReader(stream)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not {"email", "sectors", "token"} <= set(header):
            raise SendError(f"{path} : la première ligne doit être « email,sectors,token » "
                            f"(reçu : « {','.join(reader.fieldnames or [])} »).")
        reader.fieldnames = header
        for row in reader:
            line = reader.line_num
            address = (row.get("email") or "").strip()
            token = (row.get("token") or "").strip()
            sectors = tuple(s.strip() for s in (row.get("sectors") or "").split(";") if s.strip())
            if not address and not token and not sectors:
                continue
            if not _ADDRESS.match(address):
                problems.append(f"ligne {line} : adresse invalide « {address} », ignorée")
                continue
            if not _TOKEN.match(token):
                problems.append(f"ligne {line} : {address} n'a pas de jeton de désinscription valide "
                                "(lettres, chiffres, - _ . ~), ignorée")
                continue
            if not sectors:
                problems.append(f"ligne {line} : {address} n'est inscrit à aucun secteur, ignorée")
                continue
            unknown = _unknown(sectors, known_sectors, known_projects)
            if unknown:
                problems.append(f"ligne {line} : {address} : {', '.join(unknown)}")
            key = address.lower()
            if key in subscribers:
                previous = subscribers[key]
                subscribers[key] = Subscriber(previous.email, previous.token,
                                              tuple(dict.fromkeys(previous.sectors + sectors)))
                continue
            subscribers[key] = Subscriber(address, token, sectors)
    return SubscriberList(list(subscribers.values()), problems)


def _database_subscribers(url: str, known_sectors: list[str] | None,
                          known_projects: list[str] | None) -> SubscriberList:
    from ..subscribers.ledger import confirmed_subscribers
    from ..subscribers.store import StoreError

    try:
        confirmed = confirmed_subscribers(url)
    except StoreError as error:
        raise SendError(str(error)) from None
    subscribers, problems = [], []
    for address, token, lists in confirmed:
        unknown = _unknown(lists, known_sectors, known_projects)
        if unknown:
            problems.append(f"{address} : {', '.join(unknown)}")
        subscribers.append(Subscriber(address, token, lists))
    return SubscriberList(subscribers, problems)


# --- the ledger -----------------------------------------------------------------------------
class Ledger:
    """What this issue already did, one file per outcome, appended and synced line by line."""

    DELIVERED = "delivered.txt"
    FAILED = "failed.txt"  # address<TAB>code<TAB>server's answer

    def __init__(self, folder: str):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.delivered = set(self._lines(self.DELIVERED))
        self.failed: dict[str, str] = {}
        for line in self._lines(self.FAILED):
            address, _, reason = line.partition("\t")
            self.failed[address] = reason.replace("\t", " ")

    def _lines(self, name: str) -> Iterator[str]:
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            return iter(())
        with open(path, encoding="utf-8") as stream:
            # A line cut by a crash has no newline: the message was not confirmed.
            return iter([line[:-1].lower() if name == self.DELIVERED else line[:-1]
                         for line in stream if line.endswith("\n")])

    def done(self, address: str) -> bool:
        return address.lower() in self.delivered or address.lower() in self.failed

    def _append(self, name: str, line: str) -> None:
        path = os.path.join(self.folder, name)
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")
            stream.flush()
            os.fsync(stream.fileno())

    def mark_delivered(self, address: str) -> None:
        self._append(self.DELIVERED, address.lower())
        self.delivered.add(address.lower())

    def mark_failed(self, address: str, code: int, answer: str) -> None:
        answer = " ".join(answer.split())
        self._append(self.FAILED, f"{address.lower()}\t{code}\t{answer}")
        self.failed[address.lower()] = f"{code} {answer}"

    @contextmanager
    def lock(self) -> Iterator[None]:
        path = os.path.join(self.folder, "lock")
        stream = open(path, "w")
        try:
            try:
                import fcntl

                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except ImportError:  # not on Linux or macOS: no lock
                pass
            except OSError:
                raise SendError(f"Un autre envoi de cette lettre est en cours ({self.folder}).") from None
            yield
        finally:
            stream.close()


def _is_database(text: str) -> bool:
    from ..subscribers import is_database_url

    return is_database_url(text)


def open_ledger(root: str, issue: Issue):
    """The file ledger under ``root``; or, ``root`` a database URL, its ``deliveries`` table."""
    if _is_database(root):
        from ..subscribers.ledger import DatabaseLedger
        from ..subscribers.store import StoreError

        try:
            return DatabaseLedger(root, issue.list_id, issue.number, busy=SendError)
        except StoreError as error:
            raise SendError(str(error)) from None
    return Ledger(ledger_folder(root, issue))


def ledger_folder(root: str, issue: Issue) -> str:
    return os.path.join(root, list_folder(issue.list_id), str(issue.number))


# --- sending --------------------------------------------------------------------------------
@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # delivered by an earlier run
    failed: dict[str, str] = field(default_factory=dict)  # refused for good: address → answer
    temporary: dict[str, str] = field(default_factory=dict)  # 4xx, or not reached: try again
    problems: list[str] = field(default_factory=list)  # bad rows of the list
    stopped: str = ""  # why the run stopped early, if it did

    @property
    def complete(self) -> bool:
        return not (self.failed or self.temporary or self.stopped)

    def lines(self, dry_run: bool = False) -> list[str]:
        verb = "écrits" if dry_run else "envoyés"
        out = [f"Messages {verb} : {len(self.sent)}."]
        if self.already:
            out.append(f"Déjà reçus lors d'un envoi précédent (non renvoyés) : {len(self.already)}.")
        for problem in self.problems:
            out.append(f"Liste des abonnés, {problem}.")
        if self.failed:
            out.append(f"Adresses refusées définitivement par le serveur ({len(self.failed)}) :")
            out += [f"  {address} : {answer}" for address, answer in sorted(self.failed.items())]
        if self.temporary:
            out.append(f"Non envoyés pour le moment ({len(self.temporary)}), relancez la même commande "
                       "plus tard :")
            out += [f"  {address} : {answer}" for address, answer in sorted(self.temporary.items())]
        if self.stopped:
            out.append(f"Envoi interrompu : {self.stopped}")
        return out


def _open(server: SmtpServer, local_hostname: str | None = None) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.security == "tls":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                                    context=context, local_hostname=local_hostname)
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT, local_hostname=local_hostname)
    connection.ehlo()
    if server.security == "starttls":
        connection.starttls(context=context)
        connection.ehlo()
    if server.user:
        connection.login(server.user, server.password or "")
    return connection


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        try:
            connection.close()
        except OSError:
            pass


def _refusal(error: Exception, address: str) -> tuple[int, str]:
    """(SMTP code, server's answer) of a refusal; code 0: no answer (connection trouble)."""
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return 553, f"le serveur n'accepte pas cette adresse ({error})"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()), (0, b""))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, answer = error.smtp_code, error.smtp_error
    else:
        return 0, str(error)
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    return int(code), " ".join(str(answer).split())


class _Pacer:
    """At most ``rate`` messages per second (0: as fast as the server takes them)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if now < self.next:
            self.sleep(self.next - now)
            now = self.next
        self.next = now + self.interval


def deliver(issue: Issue, body: Body, site: Site, subscribers: SubscriberList, *,
            server: SmtpServer | None = None, ledger_root: str | None = None,
            dry_run: str | None = None, rate: float = 0, date: dt.datetime | None = None,
            progress: Callable[[str], None] = lambda line: None) -> Report:
    """Send (or write, ``dry_run``) the issue to every subscriber who receives it."""
    # The Date header says when the message left: the clock, not the build date.
    date = date or dt.datetime.now(dt.timezone.utc)
    report = Report(problems=list(subscribers.problems))
    audience = [s for s in subscribers.subscribers if s.receives(issue)]
    if dry_run is not None:
        os.makedirs(dry_run, exist_ok=True)
        for index, subscriber in enumerate(audience, 1):
            message = build_message(issue, body, site, subscriber.email, subscriber.token, date)
            safe = re.sub(r"[^A-Za-z0-9@._-]+", "_", subscriber.email)
            stem = list_folder(issue.list_id).replace(os.sep, "-")
            path = os.path.join(dry_run, f"{stem}-{issue.number}-{index:05d}-{safe}.eml")
            with open(path, "wb") as stream:
                stream.write(as_bytes(message))
            report.sent.append(subscriber.email)
        return report
    if server is None or ledger_root is None:
        raise SendError("Il manque le serveur d'envoi ou le dossier du registre des envois.")
    ledger = open_ledger(ledger_root, issue)
    sender = envelope_sender(site)
    pacer = _Pacer(rate)
    with ledger.lock():
        todo = []
        for subscriber in audience:
            if subscriber.email.lower() in ledger.delivered:
                report.already.append(subscriber.email)
            elif subscriber.email.lower() in ledger.failed:
                report.failed[subscriber.email] = ledger.failed[subscriber.email.lower()]
            else:
                todo.append(subscriber)
        connection: smtplib.SMTP | None = None
        failures_in_a_row = 0
        index = 0
        try:
            while index < len(todo):
                subscriber = todo[index]
                if connection is None:
                    try:
                        connection = _open(server)
                    except smtplib.SMTPAuthenticationError as error:
                        code, answer = _refusal(error, "")
                        report.stopped = (f"le serveur {server.describe()} refuse le compte ou le mot de passe "
                                          f"({code} {answer}).")
                        break
                    except (smtplib.SMTPException, OSError) as error:
                        failures_in_a_row += 1
                        if failures_in_a_row > RECONNECTIONS:
                            report.stopped = f"le serveur {server.describe()} ne répond pas ({error})."
                            break
                        time.sleep(min(2 ** failures_in_a_row, 30))
                        continue
                message = as_bytes(build_message(issue, body, site, subscriber.email, subscriber.token, date))
                pacer.wait()
                try:
                    connection.sendmail(sender, [subscriber.email], message)
                except smtplib.SMTPSenderRefused as error:
                    # Our own address is refused: every message would be; stop here.
                    code, answer = _refusal(error, subscriber.email)
                    report.stopped = f"le serveur refuse l'adresse d'expédition {sender} ({code} {answer})."
                    break
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPNotSupportedError) as error:
                    code, answer = _refusal(error, subscriber.email)
                    if 500 <= code < 600:
                        ledger.mark_failed(subscriber.email, code, answer)
                        report.failed[subscriber.email] = f"{code} {answer}"
                    else:
                        report.temporary[subscriber.email] = f"{code} {answer}"
                    progress(f"refusé : {subscriber.email} ({code} {answer})")
                    _reset(connection)
                    index += 1
                    failures_in_a_row = 0
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    # Connection lost (or the server answered nonsense): open another and
                    # try this subscriber again. SMTPException is an OSError: it comes last.
                    _close(connection)
                    connection = None
                    failures_in_a_row += 1
                    if failures_in_a_row > RECONNECTIONS:
                        report.stopped = f"connexion perdue avec {server.describe()} ({error})."
                        break
                    continue
                ledger.mark_delivered(subscriber.email)
                report.sent.append(subscriber.email)
                progress(f"envoyé : {subscriber.email}")
                failures_in_a_row = 0
                index += 1
        finally:
            _close(connection)
        for subscriber in todo[index:]:
            report.temporary.setdefault(subscriber.email, "non envoyé (envoi interrompu)")
    return report


def _reset(connection: smtplib.SMTP) -> None:
    try:
        connection.rset()
    except (smtplib.SMTPException, OSError):
        pass
