"""The ``clairvoie`` command: validate records, create new ones, preview and publish the site,
import residents' reports."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources

from . import messages
from .model import InvalidRecords, load_model
from .model import plain_french
from .model.build import RESERVED_SECTOR_IDS, is_slug
from .pelican_sources import published_articles, read_pelican_settings
from .settings import ClairvoieSettings

NEW_RECORD_KINDS = {
    # command word: (template file, folder setting name or fixed folder; None: sectors/)
    "projet": ("projet.yaml", "projects_dir"),
    "travaux": ("travaux.yaml", "works_dir"),
    "reunion": ("reunion.yaml", "events_dir"),
    "secteur": ("secteur.yaml", None),
    "actualite": ("actualite.md", "actualites"),
}


def validate(args: argparse.Namespace) -> int:
    pelican_settings = read_pelican_settings(args.settings)
    settings = ClairvoieSettings.from_pelican(pelican_settings)
    try:
        model = load_model(settings, pelican_settings["PATH"], pelican_settings["TIMEZONE"],
                           published_articles(pelican_settings))
    except InvalidRecords as error:
        print(error.report(), file=sys.stderr)
        return 1
    print(messages.all_records_valid({
        "secteurs": len(model.sectors), "projets": len(model.projects),
        "arrêtés": len(model.works), "réunions": len(model.meetings),
        "actualités": len(model.news), "signalements": len(model.reports),
        "types de signalement": len(model.services), "mots de recherche": len(model.synonyms),
        "mots du lexique": len(model.glossary),
    }))
    for remark in model.plain_french:  # strict: already refused above, as problems
        print(remark, file=sys.stderr)
    print(plain_french.summary(len(model.plain_french)), file=sys.stderr)
    if model.basemap is not None and model.basemap.warning:
        print(model.basemap.warning, file=sys.stderr)  # not a problem: the maps show outlines only
    return 0


def new_record(args: argparse.Namespace) -> int:
    if not is_slug(args.identifier):
        print(messages.bad_file_name(args.identifier), file=sys.stderr)
        return 2
    if args.kind == "secteur" and args.identifier in RESERVED_SECTOR_IDS:
        print(messages.reserved_sector_id(args.identifier), file=sys.stderr)
        return 2
    template_name, folder = NEW_RECORD_KINDS[args.kind]
    pelican_settings = read_pelican_settings(args.settings)
    settings = ClairvoieSettings.from_pelican(pelican_settings)
    if folder is None:
        target_dir = settings.sectors_dir()
    else:
        target_dir = os.path.join(pelican_settings["PATH"], getattr(settings, folder, folder))
    extension = os.path.splitext(template_name)[1]
    target = os.path.join(target_dir, args.identifier + extension)
    if os.path.exists(target):
        print(f"{target} existe déjà : rien n'a été écrit.", file=sys.stderr)
        return 1
    text = resources.files(__package__).joinpath("templates", template_name).read_text("utf-8")
    os.makedirs(target_dir, exist_ok=True)
    with open(target, "w", encoding="utf-8") as stream:
        stream.write(text.replace("{identifier}", args.identifier))
    print(f"Fiche créée : {os.path.relpath(target)} — complétez-la, puis lancez « clairvoie validate ».")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Serve output/ on localhost, check and rebuild at every saved change; while records are
    invalid, every page is their list of problems (preview_server.py)."""
    from .preview_server import run

    pelican_settings = read_pelican_settings(args.settings)
    settings = ClairvoieSettings.from_pelican(pelican_settings)
    watched = [pelican_settings["PATH"], settings.sectors_dir(), pelican_settings["THEME"], args.settings]
    if args.output:
        pelican_settings["OUTPUT_PATH"] = os.path.abspath(args.output)
    return run(args.settings, pelican_settings, watched, args.port)


def publish(args: argparse.Namespace) -> int:
    """Put the built site online (publish/): a bucket, or a web server by rsync."""
    from .publish import TARGET_VARIABLE, PublishFailed, publish_site

    pelican_settings = read_pelican_settings(args.settings)
    output = args.output or pelican_settings["OUTPUT_PATH"]
    target = args.target or os.environ.get(TARGET_VARIABLE, "")
    try:
        publish_site(output, target, pelican_settings["SITEURL"], dry_run=args.dry_run, force=args.force)
    except PublishFailed as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def admin_config(args: argparse.Namespace) -> int:
    """Print (or write) the online editor's config.yml, made from the records' schemas."""
    from .admin import config_of_site

    text = config_of_site(read_pelican_settings(args.settings))
    if not args.output:
        sys.stdout.write(text)
        return 0
    with open(args.output, "w", encoding="utf-8") as stream:
        stream.write(text)
    print(f"Configuration de l'éditeur écrite : {args.output}")
    return 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="clairvoie", description="Clairvoie : travaux et projets de la ville.")
    main_parser.add_argument("-s", "--settings", default="pelicanconf.py", help="fichier de réglages Pelican")
    commands = main_parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="vérifier toutes les fiches").set_defaults(run=validate)
    new = commands.add_parser("new", help="créer une fiche pré-remplie")
    new.add_argument("kind", choices=sorted(NEW_RECORD_KINDS))
    new.add_argument("identifier", help="identifiant : minuscules, chiffres et tirets")
    new.set_defaults(run=new_record)
    preview = commands.add_parser("serve", help="aperçu local, reconstruit à chaque modification")
    preview.add_argument("--port", type=int, default=8000)
    preview.add_argument("-o", "--output", help="où construire (par défaut : OUTPUT_PATH des réglages)")
    preview.set_defaults(run=serve)
    online = commands.add_parser("publish", help="mettre en ligne le site construit (docs/publier.md)")
    online.add_argument("--target", help="où publier (par défaut : la variable CLAIRVOIE_PUBLISH_TARGET)")
    online.add_argument("--output", help="le site construit (par défaut : OUTPUT_PATH des réglages)")
    online.add_argument("--dry-run", action="store_true", help="afficher ce qui serait envoyé, sans rien envoyer")
    online.add_argument("--force", action="store_true",
                        help="S3 : renvoyer tous les fichiers, par exemple après un changement des règles de cache")
    online.set_defaults(run=publish)
    from .newsletter.commands import add_commands as add_newsletter_commands

    add_newsletter_commands(commands)
    from .report_import.commands import add_commands as add_report_commands

    add_report_commands(commands)
    from .subscriptions.commands import add_commands as add_subscription_commands

    add_subscription_commands(commands)
    editor = commands.add_parser("admin-config", help="configuration de l'éditeur en ligne (/admin/), tirée des schémas")
    editor.add_argument("-o", "--output", help="fichier à écrire (par défaut : la sortie standard)")
    editor.set_defaults(run=admin_config)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
