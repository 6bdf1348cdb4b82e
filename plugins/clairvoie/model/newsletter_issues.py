"""What a newsletter (a sector's, or a project's) has already told, and the issues it told it in.

Written by ``clairvoie newsletter build`` (``newsletter/``), read by the site's archive
of issues (``outputs/newsletter_archive.py``): records, like the YAML files.

Kept in the content repository, next to ``content/`` and ``sectors/``, and committed
with them (``CLAIRVOIE_NEWSLETTER_PATH``, default ``newsletters``)::

    newsletters/<sector id>/state.json   what was already announced: never twice
    newsletters/<sector id>/<number>.json one file per issue, as it was composed
    newsletters/projets/<project id>/…    the same, for a project's own letters

A letter list is named by its *list id*, the value a subscriber writes in the
``sectors`` column: a sector id (``secteur-4``), or ``projet:<project id>``.

``state.json``::

    {"format": 1, "sector": "secteur-4", "since": "2026-10-25", "last_issue": 2,
     "last_date": "2026-12-08T09:00:00+01:00", "sent": ["projets/…/2026-11-20/delay", …]}

A project's state says ``"project": "<id>"`` instead of ``"sector"``.

``since`` is where the sector's first issue started (30 days before it, by default):
nothing older is ever announced. ``sent`` holds the key of every item already put in an
issue (the stable keys of ``model.announcements`` and the newsletter's own keys for
works, meetings). An issue file holds everything the email and the archive page say, so
that neither recomputes anything: the site build only reads these files.

Files are written whole and atomically (temporary file, fsync, rename); the issue before
the state, so that a crash between the two never leaves announced items unwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any

FORMAT = 1
STATE_FILE = "state.json"
PROJECT_PREFIX = "projet:"  # a project's list id: "projet:<project id>"
PROJECTS_FOLDER = "projets"  # newsletters/projets/<project id>/, the ledger's too
_ISSUE_FILE = re.compile(r"^([1-9][0-9]{0,5})\.json$")


# --- an issue -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Image:
    url: str  # relative to the site root
    width: int  # shown width, px
    height: int
    alt: str


@dataclass(frozen=True)
class Item:
    """One piece of news, in plain French text, the same in every rendering."""

    key: str  # in state.json once sent
    label: str  # kind, e.g. « Retard », « Route fermée », « Actualité »
    title: str
    url: str  # relative to the site root
    date: str  # ISO date or date-time: when it became news, or when it happens
    subtitle: str = ""
    text: str = ""
    facts: tuple[str, ...] = ()  # sentences: « Raison : … », « Du … au … »
    negative: bool = False
    tone: str = ""  # "late", "stopped" (bad news), "done" (ended) or ""
    image: Image | None = None
    also_keys: tuple[str, ...] = ()  # other keys this item settles (e.g. the order itself)


@dataclass(frozen=True)
class Section:
    id: str  # HTML id, e.g. "mauvaises-nouvelles"
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Issue:
    sector_id: str
    sector_name: str
    number: int
    date: dt.datetime  # aware: the build date
    since: dt.date  # news from this day on (the previous issue's date, or the first window)
    subject: str
    headline: str
    summary: str  # one sentence: how many pieces of news, how many bad
    sections: tuple[Section, ...]
    reply_to: str = ""  # the sector's (or project's) contact address, if any
    # A project's letter: sector_id and sector_name are "", and covered_by holds the
    # sectors whose letters already carry the project's news (its followers there get
    # those, not this one).
    project_id: str = ""
    project_title: str = ""
    covered_by: tuple[str, ...] = ()

    @property
    def is_project(self) -> bool:
        return bool(self.project_id)

    @property
    def list_id(self) -> str:
        """What a subscriber writes to follow this letter: « secteur-4 », « projet:<id> »."""
        return project_list_id(self.project_id) if self.is_project else self.sector_id

    @property
    def list_name(self) -> str:
        """Said after « Lettre d'information du » : « Secteur 4 – … », « projet « … » »."""
        return f"projet « {self.project_title} »" if self.is_project else self.sector_name

    @property
    def archive(self) -> str:
        """This letter list's archive, relative to the site root."""
        return project_archive_url(self.project_id) if self.is_project else archive_url(self.sector_id)

    @property
    def home(self) -> str:
        """The page of the sector, or of the project, relative to the site root."""
        return f"projets/{self.project_id}/" if self.is_project else f"secteurs/{self.sector_id}/"

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    @property
    def keys(self) -> list[str]:
        return sorted({k for item in self.items for k in (item.key, *item.also_keys)})

    @property
    def url(self) -> str:
        return f"{self.archive}{self.number}/"

    @property
    def is_empty(self) -> bool:
        return not self.items


RSS_FILE = "lettres.rss"  # in the sector's archive folder (outputs/newsletter_archive.py)


def archive_url(sector_id: str) -> str:
    """The sector's archive of issues, relative to the site root."""
    return f"secteurs/{sector_id}/lettres/"


def project_archive_url(project_id: str) -> str:
    """A project's archive of its own letters, beside its page and feeds."""
    return f"projets/{project_id}/lettres/"


def project_list_id(project_id: str) -> str:
    return f"{PROJECT_PREFIX}{project_id}"


def project_of(list_id: str) -> str | None:
    """The project id of a project's list id, None for a sector's."""
    return list_id[len(PROJECT_PREFIX):] if list_id.startswith(PROJECT_PREFIX) else None


def list_folder(list_id: str) -> str:
    """Where a letter list keeps its files, relative to the store (or the ledger)."""
    project_id = project_of(list_id)
    return os.path.join(PROJECTS_FOLDER, project_id) if project_id is not None else list_id


def issue_to_json(issue: Issue) -> dict[str, Any]:
    def item(i: Item) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": i.key, "label": i.label, "title": i.title, "subtitle": i.subtitle,
            "url": i.url, "date": i.date, "text": i.text, "facts": list(i.facts),
            "negative": i.negative, "tone": i.tone,
        }
        if i.image:
            data["image"] = {"url": i.image.url, "width": i.image.width,
                             "height": i.image.height, "alt": i.image.alt}
        if i.also_keys:
            data["also_keys"] = list(i.also_keys)
        return data

    owner: dict[str, Any] = {"sector": issue.sector_id, "sector_name": issue.sector_name}
    if issue.is_project:
        owner = {"sector": "", "sector_name": "", "project": issue.project_id,
                 "project_title": issue.project_title, "covered_by": list(issue.covered_by)}
    return {
        "format": FORMAT,
        **owner,
        "number": issue.number,
        "date": issue.date.isoformat(),
        "since": issue.since.isoformat(),
        "subject": issue.subject,
        "headline": issue.headline,
        "summary": issue.summary,
        "reply_to": issue.reply_to,
        "sections": [{"id": s.id, "title": s.title, "items": [item(i) for i in s.items]}
                     for s in issue.sections],
        "keys": issue.keys,
    }


def issue_from_json(data: dict[str, Any]) -> Issue:
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r} inconnu (attendu : {FORMAT})")

    def item(d: dict[str, Any]) -> Item:
        image = d.get("image")
        return Item(
            key=d["key"], label=d["label"], title=d["title"], url=d["url"], date=d["date"],
            subtitle=d.get("subtitle", ""), text=d.get("text", ""), facts=tuple(d.get("facts", ())),
            negative=bool(d.get("negative")), tone=d.get("tone", ""),
            image=Image(image["url"], int(image["width"]), int(image["height"]), image["alt"]) if image else None,
            also_keys=tuple(d.get("also_keys", ())),
        )

    return Issue(
        sector_id=data["sector"], sector_name=data["sector_name"], number=int(data["number"]),
        date=dt.datetime.fromisoformat(data["date"]), since=dt.date.fromisoformat(data["since"]),
        subject=data["subject"], headline=data["headline"], summary=data.get("summary", ""),
        sections=tuple(Section(s["id"], s["title"], tuple(item(i) for i in s["items"]))
                       for s in data["sections"]),
        reply_to=data.get("reply_to", ""),
        project_id=data.get("project", ""), project_title=data.get("project_title", ""),
        covered_by=tuple(data.get("covered_by", ())),
    )


# --- the state of a letter list ------------------------------------------------------------
@dataclass
class State:
    list_id: str  # a sector id, or « projet:<id> »
    since: dt.date | None = None  # None: no issue yet
    last_issue: int = 0
    last_date: dt.datetime | None = None
    sent: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            **_owner_json(self.list_id),
            "since": self.since.isoformat() if self.since else None,
            "last_issue": self.last_issue,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "sent": sorted(self.sent),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "State":
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r} inconnu (attendu : {FORMAT})")
        return cls(
            list_id=project_list_id(data["project"]) if data.get("project") else data["sector"],
            since=dt.date.fromisoformat(data["since"]) if data.get("since") else None,
            last_issue=int(data.get("last_issue") or 0),
            last_date=dt.datetime.fromisoformat(data["last_date"]) if data.get("last_date") else None,
            sent=set(data.get("sent") or ()),
        )


def _owner_json(list_id: str) -> dict[str, str]:
    project_id = project_of(list_id)
    return {"project": project_id} if project_id is not None else {"sector": list_id}


class Store:
    """The newsletter folder of a site: ``<site root>/<newsletter_path>/``.

    Its methods take a list id: a sector id, or « projet:<id> ».
    """

    def __init__(self, root: str):
        self.root = root

    def list_dir(self, list_id: str) -> str:
        return os.path.join(self.root, list_folder(list_id))

    def project_ids(self) -> list[str]:
        """The projects that have a folder of letters."""
        folder = os.path.join(self.root, PROJECTS_FOLDER)
        if not os.path.isdir(folder):
            return []
        return sorted(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name)))

    def load_state(self, list_id: str) -> State:
        path = os.path.join(self.list_dir(list_id), STATE_FILE)
        if not os.path.exists(path):
            return State(list_id)
        with open(path, encoding="utf-8") as stream:
            return State.from_json(json.load(stream))

    def issue_numbers(self, list_id: str) -> list[int]:
        folder = self.list_dir(list_id)
        if not os.path.isdir(folder):
            return []
        return sorted(int(m.group(1)) for m in map(_ISSUE_FILE.match, os.listdir(folder)) if m)

    def issue_path(self, list_id: str, number: int) -> str:
        return os.path.join(self.list_dir(list_id), f"{number}.json")

    def load_issue(self, list_id: str, number: int) -> Issue:
        with open(self.issue_path(list_id, number), encoding="utf-8") as stream:
            return issue_from_json(json.load(stream))

    def issues(self, list_id: str) -> list[Issue]:
        """Every stored issue of a letter list, newest first."""
        return [self.load_issue(list_id, n) for n in reversed(self.issue_numbers(list_id))]

    def record(self, issue: Issue, state: State) -> str:
        """Write the issue, then the state that says its items were announced."""
        path = self.issue_path(issue.list_id, issue.number)
        write_json(path, issue_to_json(issue))
        state.last_issue = issue.number
        state.last_date = issue.date
        state.since = state.since or issue.since
        state.sent |= set(issue.keys)
        write_json(os.path.join(self.list_dir(issue.list_id), STATE_FILE), state.to_json())
        return path


def write_json(path: str, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_atomically(path, text.encode("utf-8"))


def write_atomically(path: str, data: bytes) -> None:
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from the web server's user
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: str) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
