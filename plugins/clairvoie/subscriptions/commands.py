"""``clairvoie abonnements``: the subscription service and residents' data rights (RGPD).

    clairvoie abonnements serve [--host H] [--port P] [--database URL] [--proxy-ips IPS]
    clairvoie abonnements export EMAIL [--database URL]
    clairvoie abonnements oublier EMAIL [--database URL]
    clairvoie abonnements importer FICHIER.csv [--database URL]

``--database``: ``sqlite:///chemin/abonnes.db`` (the default: ``abonnes.db`` beside the site's
folder, outside the repository) or ``postgresql://compte:motdepasse@serveur/base``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from ..model import InvalidRecords, load_model
from ..pelican_sources import published_articles, read_pelican_settings
from ..settings import ClairvoieSettings
from ..subscribers.store import Store, StoreError

DEFAULT_DATABASE = "abonnes.db"
DATABASE_VARIABLE = "CLAIRVOIE_SUBSCRIPTIONS_DATABASE"


def _database(args: argparse.Namespace, settings: ClairvoieSettings) -> str:
    """The option, else the environment, else a SQLite file beside the site's folder."""
    url = args.database or os.environ.get(DATABASE_VARIABLE, "")
    if url:
        return url
    outside = os.path.join(os.path.dirname(settings.site_root.rstrip(os.sep)), "clairvoie-abonnements")
    return "sqlite:///" + os.path.join(outside, DEFAULT_DATABASE)


def _open_store(args: argparse.Namespace) -> tuple[dict, ClairvoieSettings, Store] | None:
    """The site's settings and the subscriptions' database; None (the reason printed) if it cannot open."""
    from ..newsletter.commands import _outside
    from ..newsletter.send import SendError

    pelican_settings = read_pelican_settings(args.settings)
    settings = ClairvoieSettings.from_pelican(pelican_settings)
    url = _database(args, settings)
    try:
        # Addresses never in the site's folder, which is the content repository.
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            _outside(url[len("sqlite:///"):], settings.site_root, "La base des abonnés")
        if getattr(args, "file", None):
            _outside(args.file, settings.site_root, "La liste CSV des abonnés")
        return pelican_settings, settings, Store(url)
    except (StoreError, SendError) as error:
        print(error, file=sys.stderr)
        return None


def _config(pelican_settings: dict, settings: ClairvoieSettings, model, host: str, port: int):
    from ..newsletter.commands import site_of
    from ..newsletter.send import SendError, server_from_environment
    from .app import ServiceConfig, _origin

    display_host = f"[{host}]" if ":" in host else host
    public_url = (settings.subscriptions_url or f"http://{display_host}:{port}").rstrip("/")
    site_url = (settings.newsletter_siteurl or pelican_settings.get("SITEURL") or "").rstrip("/")
    try:
        site = site_of(pelican_settings, settings)
    except SendError:  # no absolute site address in these settings: the service's own
        site = site_of(pelican_settings, settings, site_url=public_url)
    origins = {_origin(url) for url in (site_url, pelican_settings.get("SITEURL") or "", public_url)} - {""}
    stylesheet = os.path.join(pelican_settings["THEME"], "static", "css", "clairvoie.css")
    return ServiceConfig(
        site_name=pelican_settings.get("SITENAME", ""),
        city=pelican_settings.get("AUTHOR") or pelican_settings.get("SITENAME", "La ville"),
        site_url=site_url if site_url.startswith(("https://", "http://")) else "",
        public_url=public_url,
        sectors={sector.id: sector.name for sector in model.sectors},
        projects={project.id: project.title for project in model.projects},
        smtp=server_from_environment(), sender=site.sender, domain=site.domain,
        client_limit=settings.subscriptions_client_limit, address_limit=settings.subscriptions_address_limit,
        allowed_origins=origins,
        stylesheet=open(stylesheet, "rb").read() if os.path.exists(stylesheet) else b"",
    )


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..newsletter.send import SendError
    from .app import create_app

    from .app import AddressFreeFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(AddressFreeFormatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("alembic").setLevel(logging.WARNING)
    opened = _open_store(args)
    if opened is None:
        return 1
    pelican_settings, settings, store = opened
    try:
        # The model once, at start-up: the sectors and projects a form may name.
        model = load_model(settings, pelican_settings["PATH"], pelican_settings["TIMEZONE"],
                           published_articles(pelican_settings))
    except InvalidRecords as error:
        print(error.report(), file=sys.stderr)
        return 1
    try:
        config = _config(pelican_settings, settings, model, args.host, args.port)
    except SendError as error:
        print(error, file=sys.stderr)
        return 1
    app = create_app(config, store, store.secret())
    print(f"Service d'abonnement : http://{args.host}:{args.port}/inscription "
          f"(adresse publique {config.public_url}) — Ctrl+C pour arrêter", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_config=None,
                proxy_headers=bool(args.proxy_ips), forwarded_allow_ips=args.proxy_ips or None,
                server_header=False)
    store.close()
    return 0


def export(args: argparse.Namespace) -> int:
    opened = _open_store(args)
    if opened is None:
        return 1
    store = opened[2]
    found = store.export(args.email)
    store.close()
    print(json.dumps(found, ensure_ascii=False, indent=2))
    if found["abonnement"] is None and not found["demandes_en_attente"] and not found["lettres"]:
        print("Rien n'est gardé sur cette adresse.", file=sys.stderr)
    return 0


def forget(args: argparse.Namespace) -> int:
    opened = _open_store(args)
    if opened is None:
        return 1
    store = opened[2]
    erased = store.forget(args.email)
    store.close()
    if not any(erased.values()):
        print("Rien n'était gardé sur cette adresse : rien à effacer.")
        return 0
    print(f"Adresse effacée : abonnement {erased['abonnement']}, demandes en attente {erased['demandes']}, "
          f"lettres envoyées notées {erased['envois']}.")
    return 0


def import_csv(args: argparse.Namespace) -> int:
    """The city's former list (CSV email,sectors,token, as « newsletter send » read it) into the
    database: confirmed already, their unsubscribe token kept when it is free."""
    from ..newsletter.send import SendError, read_subscribers
    from . import consent

    opened = _open_store(args)
    if opened is None:
        return 1
    pelican_settings, settings, store = opened
    try:
        model = load_model(settings, pelican_settings["PATH"], pelican_settings["TIMEZONE"],
                           published_articles(pelican_settings))
        listed = read_subscribers(args.file, [s.id for s in model.sectors], [p.id for p in model.projects])
    except (SendError, InvalidRecords) as error:
        print(error.report() if isinstance(error, InvalidRecords) else error, file=sys.stderr)
        store.close()
        return 1
    every_sector = tuple(sector.id for sector in model.sectors)
    added = joined = 0
    for subscriber in listed.subscribers:
        # « all » becomes every sector of today: the service lists sectors one by one.
        lists = tuple(dict.fromkeys(s for entry in subscriber.sectors
                                    for s in (every_sector if entry == "all" else (entry,))))
        if store.import_subscriber(subscriber.email, lists, subscriber.token, consent.IMPORTED):
            added += 1
        else:
            joined += 1
    store.close()
    for problem in listed.problems:
        print(f"Liste des abonnés, {problem}.", file=sys.stderr)
    print(f"Abonnés importés : {added} nouveaux, {joined} déjà présents (secteurs et projets ajoutés).")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("abonnements", help="le service d'abonnement à la lettre (docs/abonnements.md)")
    actions = group.add_subparsers(dest="abonnements_command", required=True)
    database_help = ("sqlite:///chemin/abonnes.db ou postgresql://compte:motdepasse@serveur/base "
                     f"(par défaut : la variable {DATABASE_VARIABLE}, sinon clairvoie-abonnements/abonnes.db "
                     "à côté du dossier du site)")
    run = actions.add_parser("serve", help="démarrer le service d'abonnement")
    run.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (par défaut 127.0.0.1)")
    run.add_argument("--port", type=int, default=8010)
    run.add_argument("--database", help=database_help)
    run.add_argument("--proxy-ips", default="",
                     help="adresses du serveur mandataire (reverse proxy) dont l'en-tête X-Forwarded-For est cru, "
                          "par exemple 127.0.0.1")
    run.set_defaults(run=serve)
    show = actions.add_parser("export", help="tout ce qui est gardé sur une adresse (droit d'accès)")
    show.add_argument("email")
    show.add_argument("--database", help=database_help)
    show.set_defaults(run=export)
    erase = actions.add_parser("oublier", help="effacer une adresse partout (droit à l'effacement)")
    erase.add_argument("email")
    erase.add_argument("--database", help=database_help)
    erase.set_defaults(run=forget)
    bring = actions.add_parser("importer", help="reprendre la liste CSV des abonnés (email,sectors,token)")
    bring.add_argument("file", metavar="FICHIER")
    bring.add_argument("--database", help=database_help)
    bring.set_defaults(run=import_csv)
