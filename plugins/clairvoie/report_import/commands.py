"""``clairvoie signalements import FILE [--services FILE] [--updates FILE] [--format open311|csv]
[--mapping FILE]``: merge the request tool's export into content/signalements/.

Staff documentation: docs/signalements.md.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..pelican_sources import read_pelican_settings
from ..settings import ClairvoieSettings
from . import messages
from .problems import ImportFailed
from .run import FORMATS, import_reports


def import_command(args: argparse.Namespace) -> int:
    pelican_settings = read_pelican_settings(args.settings)
    settings = ClairvoieSettings.from_pelican(pelican_settings)
    folder = os.path.join(pelican_settings["PATH"], settings.reports_dir)
    mapping = args.mapping or (os.path.join(settings.site_root, settings.reports_import_mapping)
                               if settings.reports_import_mapping else None)
    try:
        result = import_reports(folder, args.file, services_path=args.services, updates_path=args.updates,
                                export_format=args.format, mapping_path=mapping,
                                timezone=pelican_settings["TIMEZONE"])
    except ImportFailed as error:
        print(error.report(), file=sys.stderr)
        return error.exitcode
    except OSError as error:  # a full disk, a read-only folder: written beside, nothing renamed
        print(messages.write_failed(error), file=sys.stderr)
        return 1
    for name in result.written:
        print(f"Écrit : {os.path.relpath(os.path.join(folder, name))}")
    print(result.summary())
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    reports = commands.add_parser("signalements", help="signalements des habitants (docs/signalements.md)")
    actions = reports.add_subparsers(dest="signalements_command", required=True)
    importing = actions.add_parser("import", help="fusionner l'export de l'outil de gestion des demandes "
                                                  "dans content/signalements/")
    importing.add_argument("file", metavar="FICHIER", help="requests.json (Open311) ou l'export CSV")
    importing.add_argument("--services", metavar="FICHIER", help="services.json (Open311) : les types de signalement")
    importing.add_argument("--updates", metavar="FICHIER",
                           help="servicerequestupdates.json (FixMyStreet) : les étapes intermédiaires")
    importing.add_argument("--format", choices=FORMATS, default="open311", help="format de l'export (open311 par défaut)")
    importing.add_argument("--mapping", metavar="FICHIER",
                           help="correspondance des états et des colonnes (YAML) ; par défaut le réglage "
                                "CLAIRVOIE_REPORTS_IMPORT_MAPPING")
    importing.set_defaults(run=import_command)
