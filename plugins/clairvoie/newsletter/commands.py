"""``clairvoie newsletter …``: build, preview, send an issue, or hand it to listmonk.

::

    clairvoie newsletter build [--sector ID | --project ID] [--force]
    clairvoie newsletter preview [--sector ID | --project ID] [--issue N | --next] [--output DIR]
    clairvoie newsletter send (--sector ID | --project ID | --projects) --subscribers FILE|URL
                              [--dry-run DIR] [--issue N] [--rate N] [--ledger DIR]
    clairvoie newsletter listmonk --sector ID --lists 3[,4] [--issue N] [--template-id N]
                                  [--output FILE] [--create]

Staff documentation: docs/lettre.md.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import email.utils
import json
import os
import sys
import urllib.error
import urllib.request

from ..model import InvalidRecords, load_model, record_files
from ..model.records import Model
from ..outputs.site import site_domain
from ..pelican_sources import published_articles, read_pelican_settings
from ..settings import ClairvoieSettings
from .compose import compose, compose_project
from .message import as_bytes, build_message
from .render import Body, Site, render, theme_template_dirs
from .send import SendError, SubscriberList, deliver, read_subscribers, server_from_environment
from ..subscribers import is_database_url
from ..model.newsletter_issues import Issue, State, Store, project_list_id, project_of

PREVIEW_FOLDER = "apercu-lettres"
LEDGER_FOLDER = "lettres-envois"  # next to the subscribers file, outside the repository
PREVIEW_ADDRESS = "apercu@exemple.invalid"
PREVIEW_TOKEN = "apercu"
LISTMONK_UNSUBSCRIBE = "{{ UnsubscribeURL }}"
LISTMONK_MANAGE = "{{ ManageURL }}"  # listmonk's page where a subscriber chooses their lists


# --- shared ---------------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> tuple[dict, ClairvoieSettings]:
    pelican_settings = read_pelican_settings(args.settings)
    return pelican_settings, ClairvoieSettings.from_pelican(pelican_settings)


def _store(settings: ClairvoieSettings) -> Store:
    return Store(os.path.join(settings.site_root, settings.newsletter_path))


def _model(pelican_settings: dict, settings: ClairvoieSettings):
    return load_model(settings, pelican_settings["PATH"], pelican_settings["TIMEZONE"],
                      published_articles(pelican_settings))


def site_of(pelican_settings: dict, settings: ClairvoieSettings, site_url: str | None = None) -> Site:
    """The emails' view of the site; its address must be absolute (mail clients need it)."""
    url = (site_url or settings.newsletter_siteurl or pelican_settings.get("SITEURL") or "").rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise SendError("Les liens et les images d'une lettre doivent être des adresses complètes : "
                        "réglez CLAIRVOIE_NEWSLETTER_SITEURL (par exemple https://www.ville.fr), "
                        "utilisez les réglages de publication (-s publishconf.py) ou --site-url.")
    domain = site_domain(settings.feed_domain, url)
    name = pelican_settings.get("SITENAME", "")
    sender = settings.newsletter_from or email.utils.formataddr(
        (pelican_settings.get("AUTHOR") or name, f"lettre@{domain}"))
    if "@" not in email.utils.parseaddr(sender)[1]:
        raise SendError(f"CLAIRVOIE_NEWSLETTER_FROM n'est pas une adresse : « {sender} ».")
    return Site(
        url=url, name=name, domain=domain, sender=sender,
        unsubscribe_url=settings.newsletter_unsubscribe_url or (
            f"{settings.subscriptions_url.rstrip('/')}/desinscription" if settings.subscriptions_url
            else f"{url}/desinscription/"),
        unsubscribe_email=settings.newsletter_unsubscribe_email or f"desinscription@{domain}",
        template_dirs=theme_template_dirs(pelican_settings),
        manage_url=f"{settings.subscriptions_url.rstrip('/')}/gerer" if settings.subscriptions_url else "",
    )


def _sector_ids(settings: ClairvoieSettings) -> list[str]:
    """Sector ids from the sector files (no need to load the whole model)."""
    folder = settings.sectors_dir()
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.splitext(f)[0] for f in os.listdir(folder) if f.endswith((".yaml", ".yml")))


def _project_ids(pelican_settings: dict, settings: ClairvoieSettings) -> list[str]:
    """Project ids from the project files' names (no need to load the whole model)."""
    paths = record_files(settings, pelican_settings["PATH"])["project"]
    return sorted(os.path.splitext(os.path.basename(path))[0] for path in paths)


def _option(list_id: str) -> str:
    """The command-line option naming a letter list: « --sector secteur-4 », « --project x »."""
    project_id = project_of(list_id)
    return f"--project {project_id}" if project_id is not None else f"--sector {list_id}"


def _stored_issue(store: Store, list_id: str, number: int | None) -> Issue:
    numbers = store.issue_numbers(list_id)
    if not numbers:
        raise SendError(f"Aucune lettre n'a encore été préparée pour {list_id} : "
                        f"lancez d'abord « clairvoie newsletter build {_option(list_id)} ».")
    number = numbers[-1] if number is None else number
    if number not in numbers:
        raise SendError(f"La lettre n° {number} de {list_id} n'existe pas "
                        f"(lettres préparées : {', '.join(map(str, numbers))}).")
    return store.load_issue(list_id, number)


def _check_sector(sector_id: str | None, known: list[str]) -> None:
    if sector_id is not None and sector_id not in known:
        raise SendError(f"Secteur inconnu : « {sector_id} ». Secteurs : {', '.join(known)}.")


def _check_project(project_id: str | None, known: list[str]) -> None:
    if project_id is not None and project_id not in known:
        raise SendError(f"Projet inconnu : « {project_id} » (l'identifiant est le nom de son fichier, "
                        "sans .yaml, dans content/projects/).")


def _chosen_lists(args: argparse.Namespace, sectors: list[str], projects: list[str]) -> list[str]:
    """The letter lists a command works on: the one named, else every sector and every project."""
    _check_sector(args.sector, sectors)
    _check_project(args.project, projects)
    if args.sector:
        return [args.sector]
    if args.project:
        return [project_list_id(args.project)]
    return sectors + [project_list_id(p) for p in projects]


def _outside(path: str, site_root: str, what: str) -> str:
    """Subscriber addresses stay out of the content repository (it may be public)."""
    path = os.path.abspath(path)
    root = os.path.abspath(site_root)
    if os.path.commonpath([path, root]) == root:
        raise SendError(f"{what} ({path}) est dans le dossier du site : gardez-le en dehors du dépôt, "
                        "il contient les adresses des abonnés.")
    return path


def _fail(error: Exception) -> int:
    print(str(error), file=sys.stderr)
    return 2


# --- build ----------------------------------------------------------------------------------
def _compose(model: Model, list_id: str, state: State, settings: ClairvoieSettings) -> Issue:
    project_id = project_of(list_id)
    if project_id is not None:
        return compose_project(model, project_id, state, settings.newsletter_first_days,
                               settings.newsletter_works_days)
    return compose(model, list_id, state, settings.newsletter_first_days, settings.newsletter_works_days)


def build(args: argparse.Namespace) -> int:
    pelican_settings, settings = _settings(args)
    try:
        model = _model(pelican_settings, settings)
    except InvalidRecords as error:
        print(error.report(), file=sys.stderr)
        return 1
    try:
        chosen = _chosen_lists(args, [s.id for s in model.sectors], [p.id for p in model.projects])
    except SendError as error:
        return _fail(error)
    store = _store(settings)
    quiet_projects = 0  # projects without news: counted, not listed one by one
    for list_id in chosen:
        state = store.load_state(list_id)
        issue = _compose(model, list_id, state, settings)
        # --force makes an empty letter for the list named, or every sector: never every project.
        forced = args.force and (not issue.is_project or bool(args.project))
        if issue.is_empty and not forced:
            if issue.is_project and not args.project:
                quiet_projects += 1
                continue
            since = (f"la lettre n° {state.last_issue}" if state.last_issue
                     else f"le {issue.since.isoformat()}")
            print(f"{list_id} : rien de nouveau depuis {since}, pas de lettre "
                  "(--force pour en préparer une quand même).")
            continue
        path = store.record(issue, state)
        shown = os.path.relpath(path, settings.site_root)
        print(f"{list_id} : lettre n° {issue.number} préparée, {len(issue.items)} nouvelle(s) → {shown}")
        print(f"  Objet : {issue.subject}")
    if quiet_projects:
        print(f"Projets sans nouvelle, pas de lettre : {quiet_projects}.")
    return 0


# --- preview --------------------------------------------------------------------------------
def preview(args: argparse.Namespace) -> int:
    pelican_settings, settings = _settings(args)
    store = _store(settings)
    try:
        site = site_of(pelican_settings, settings, args.site_url)
        chosen = _chosen_lists(args, _sector_ids(settings), _project_ids(pelican_settings, settings))
        if args.next:
            model = _model(pelican_settings, settings)
            issues = [_compose(model, s, store.load_state(s), settings) for s in chosen]
            if not (args.sector or args.project):  # every sector, and only the projects with news
                issues = [i for i in issues if not (i.is_project and i.is_empty)]
        else:
            lists = chosen if (args.sector or args.project) else [s for s in chosen if store.issue_numbers(s)]
            if not lists:
                raise SendError("Aucune lettre n'a encore été préparée : lancez « clairvoie newsletter build » "
                                "(ou « preview --next » pour voir la prochaine).")
            issues = [_stored_issue(store, s, args.issue) for s in lists]
    except InvalidRecords as error:
        print(error.report(), file=sys.stderr)
        return 1
    except SendError as error:
        return _fail(error)
    folder = os.path.abspath(args.output or PREVIEW_FOLDER)
    os.makedirs(folder, exist_ok=True)
    for issue in issues:
        body = render(issue, site)
        personal = body.for_subscriber(site.unsubscribe_link(issue.list_id, PREVIEW_TOKEN),
                                       site.manage_link(PREVIEW_TOKEN))
        name = f"projet-{issue.project_id}" if issue.is_project else issue.sector_id
        stem = os.path.join(folder, f"{name}-{issue.number}")
        for suffix, data in ((".html", personal.html.encode("utf-8")), (".txt", personal.text.encode("utf-8")),
                             (".eml", as_bytes(build_message(issue, body, site, PREVIEW_ADDRESS,
                                                             PREVIEW_TOKEN, issue.date)))):
            with open(stem + suffix, "wb") as stream:
                stream.write(data)
        draft = " (brouillon : rien n'est enregistré)" if args.next else ""
        print(f"{issue.list_id} : lettre n° {issue.number}{draft} — {issue.subject}")
        print(f"  {stem}.html\n  {stem}.txt\n  {stem}.eml")
    return 0


# --- send -----------------------------------------------------------------------------------
def _issues_to_send(args: argparse.Namespace, store: Store, sectors: list[str],
                    projects: list[str]) -> list[Issue]:
    """The issue named (--sector or --project), or the latest letter of every project (--projects)."""
    if not args.projects:
        [list_id] = _chosen_lists(args, sectors, projects)
        return [_stored_issue(store, list_id, args.issue)]
    if args.issue is not None:
        raise SendError("--issue choisit la lettre d'un secteur ou d'un projet : pas avec --projects.")
    lists = [project_list_id(p) for p in store.project_ids() if p in projects]
    return [_stored_issue(store, list_id, None) for list_id in lists if store.issue_numbers(list_id)]


def send(args: argparse.Namespace) -> int:
    pelican_settings, settings = _settings(args)
    store = _store(settings)
    try:
        sectors, projects = _sector_ids(settings), _project_ids(pelican_settings, settings)
        site = site_of(pelican_settings, settings, args.site_url)
        issues = _issues_to_send(args, store, sectors, projects)
        database = is_database_url(args.subscribers)  # the subscription service's: its ledger too
        if database and args.subscribers.startswith("sqlite:///"):
            _outside(args.subscribers[len("sqlite:///"):], settings.site_root, "La base des abonnés")
        subscribers_path = args.subscribers if database else _outside(args.subscribers, settings.site_root,
                                                                      "La liste des abonnés")
        subscribers = read_subscribers(subscribers_path, sectors, projects)
        server = ledger = None
        if not args.dry_run and database and not args.ledger:
            server, ledger = server_from_environment(), subscribers_path
            print(f"Serveur : {server.describe()} ; registre : la base des abonnés")
        elif not args.dry_run:
            server = server_from_environment()
            ledger = args.ledger or os.path.join(os.path.dirname(subscribers_path), LEDGER_FOLDER)
            ledger = _outside(ledger, settings.site_root, "Le registre des envois")
            print(f"Serveur : {server.describe()} ; registre : {ledger}")
    except SendError as error:
        return _fail(error)
    for problem in subscribers.problems:  # once, whatever the number of letters
        print(f"Liste des abonnés, {problem}.")
    listed = SubscriberList(subscribers.subscribers, [])
    rate = settings.newsletter_rate if args.rate is None else args.rate
    complete = True
    for issue in issues:
        if args.projects and not any(s.receives(issue) for s in listed.subscribers):
            continue  # nobody follows this project alone: nothing to say
        print(f"Lettre n° {issue.number} du {issue.list_name} : « {issue.subject} »")
        body = render(issue, site)
        try:
            report = deliver(issue, body, site, listed, server=server, ledger_root=ledger,
                             dry_run=args.dry_run, rate=rate,
                             progress=lambda line: print("  " + line, flush=True))
        except SendError as error:
            return _fail(error)
        for line in report.lines(dry_run=bool(args.dry_run)):
            print(line)
        complete = complete and report.complete
    if args.projects and not issues:
        print("Aucune lettre de projet n'a encore été préparée.")
    if args.dry_run:
        print(f"Rien n'a été envoyé : les messages sont dans {os.path.abspath(args.dry_run)}.")
    return 0 if complete else 1


# --- listmonk -------------------------------------------------------------------------------
def listmonk_campaign(issue: Issue, body: Body, site: Site, lists: list[int],
                      template_id: int | None = None) -> dict:
    """The body of listmonk's POST /api/campaigns: a draft, HTML with its plain-text altbody."""
    def go_safe(text: str) -> str:  # listmonk reads bodies as Go templates
        return text.replace("{{", '{{ "{{" }}')

    mine = Body(go_safe(body.html), go_safe(body.text)).for_subscriber(LISTMONK_UNSUBSCRIBE, LISTMONK_MANAGE)
    campaign = {
        "name": f"Lettre n° {issue.number} — {issue.sector_name}",
        "subject": issue.subject,
        "lists": lists,
        "from_email": site.sender,
        "type": "regular",
        "content_type": "html",
        "messenger": "email",
        "body": mine.html,
        "altbody": mine.text,
        "tags": ["clairvoie", issue.sector_id, f"lettre-{issue.number}"],
    }
    if template_id is not None:
        campaign["template_id"] = template_id
    return campaign


def listmonk(args: argparse.Namespace) -> int:
    pelican_settings, settings = _settings(args)
    store = _store(settings)
    try:
        _check_sector(args.sector, _sector_ids(settings))
        site = site_of(pelican_settings, settings, args.site_url)
        issue = _stored_issue(store, args.sector, args.issue)
        lists = [int(x) for x in args.lists.split(",") if x.strip()]
    except ValueError:
        return _fail(SendError("--lists : des numéros de listes listmonk séparés par des virgules (ex. 3,4)."))
    except SendError as error:
        return _fail(error)
    # listmonk has its own page where subscribers manage their lists
    body = render(issue, dataclasses.replace(site, manage_url=LISTMONK_MANAGE))
    campaign = listmonk_campaign(issue, body, site, lists, args.template_id)
    data = json.dumps(campaign, ensure_ascii=False, indent=1).encode("utf-8")
    if args.output:
        with open(args.output, "wb") as stream:
            stream.write(data)
        print(f"Campagne listmonk écrite dans {args.output}.")
    if not args.create:
        if not args.output:
            sys.stdout.write(data.decode("utf-8") + "\n")
        return 0
    base = os.environ.get("CLAIRVOIE_LISTMONK_URL", "").rstrip("/")
    user = os.environ.get("CLAIRVOIE_LISTMONK_USER", "")
    token = os.environ.get("CLAIRVOIE_LISTMONK_TOKEN", "")
    if not (base and user and token):
        return _fail(SendError("Pour créer la campagne, définissez CLAIRVOIE_LISTMONK_URL, "
                               "CLAIRVOIE_LISTMONK_USER et CLAIRVOIE_LISTMONK_TOKEN."))
    request = urllib.request.Request(
        f"{base}/api/campaigns", data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        return _fail(SendError(f"listmonk n'a pas créé la campagne : {error}"))
    campaign_id = (answer.get("data") or {}).get("id")
    print(f"Campagne listmonk n° {campaign_id} créée en brouillon : relisez-la et lancez-la depuis listmonk.")
    return 0


# --- the command line -----------------------------------------------------------------------
def add_commands(commands: argparse._SubParsersAction) -> None:
    newsletter = commands.add_parser("newsletter", help="lettre d'information des secteurs")
    actions = newsletter.add_subparsers(dest="newsletter_command", required=True)

    build_parser = actions.add_parser("build", help="préparer la prochaine lettre de chaque secteur")
    only = build_parser.add_mutually_exclusive_group()
    only.add_argument("--sector", help="un seul secteur (identifiant, ex. secteur-4)")
    only.add_argument("--project", help="un seul projet (identifiant, ex. voie-verte-des-pres)")
    build_parser.add_argument("--force", action="store_true",
                              help="préparer une lettre même sans nouvelle (chaque secteur, ou le projet nommé)")
    build_parser.set_defaults(run=build)

    preview_parser = actions.add_parser("preview", help="écrire une lettre en HTML, texte et .eml")
    shown = preview_parser.add_mutually_exclusive_group()
    shown.add_argument("--sector")
    shown.add_argument("--project", help="la lettre d'un projet suivi à part (identifiant)")
    which = preview_parser.add_mutually_exclusive_group()
    which.add_argument("--issue", type=int, help="numéro de la lettre (par défaut : la dernière)")
    which.add_argument("--next", action="store_true", help="la prochaine lettre, sans rien enregistrer")
    preview_parser.add_argument("--output", help=f"dossier (par défaut : {PREVIEW_FOLDER}/)")
    preview_parser.add_argument("--site-url", help="adresse du site dans les liens (remplace le réglage)")
    preview_parser.set_defaults(run=preview)

    send_parser = actions.add_parser("send", help="envoyer une lettre aux abonnés d'un secteur ou d'un projet")
    to = send_parser.add_mutually_exclusive_group(required=True)
    to.add_argument("--sector", help="la lettre de ce secteur")
    to.add_argument("--project", help="la lettre de ce projet, à ceux qui le suivent hors de ses secteurs")
    to.add_argument("--projects", action="store_true",
                    help="la dernière lettre de chaque projet, à ceux qui le suivent hors de ses secteurs")
    send_parser.add_argument("--subscribers", required=True, metavar="FICHIER|URL",
                             help="liste des abonnés (CSV email,sectors,token), hors du dépôt, ou la base du "
                                  "service d'abonnement (sqlite:///…, postgresql://…)")
    send_parser.add_argument("--dry-run", metavar="DOSSIER", help="écrire les .eml au lieu d'envoyer")
    send_parser.add_argument("--issue", type=int, help="numéro de la lettre (par défaut : la dernière)")
    send_parser.add_argument("--rate", type=float, help="messages par seconde au plus (0 : sans limite)")
    send_parser.add_argument("--ledger", metavar="DOSSIER",
                             help=f"registre des envois (par défaut : {LEDGER_FOLDER}/ à côté de la liste)")
    send_parser.add_argument("--site-url", help="adresse du site dans les liens (remplace le réglage)")
    send_parser.set_defaults(run=send)

    listmonk_parser = actions.add_parser("listmonk", help="confier une lettre à listmonk (campagne)")
    listmonk_parser.add_argument("--sector", required=True)
    listmonk_parser.add_argument("--lists", required=True, help="numéros des listes listmonk, ex. 3,4")
    listmonk_parser.add_argument("--issue", type=int)
    listmonk_parser.add_argument("--template-id", type=int, help="modèle listmonk qui entoure la lettre")
    listmonk_parser.add_argument("--output", metavar="FICHIER", help="écrire la campagne (JSON) dans ce fichier")
    listmonk_parser.add_argument("--create", action="store_true",
                                 help="créer la campagne (brouillon) par l'API de listmonk")
    listmonk_parser.add_argument("--site-url", help="adresse du site dans les liens (remplace le réglage)")
    listmonk_parser.set_defaults(run=listmonk)
