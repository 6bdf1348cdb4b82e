"""Records as YAML, the same bytes for the same data, each file replaced whole or not at all."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import yaml

RECORD_HEADER = (
    "# Signalement importé de l'outil de gestion des demandes (clairvoie signalements import).\n"
    "# Vous pouvez ajouter public_summary, et works ou project à une étape : l'import les garde.\n"
)
SERVICES_HEADER = (
    "# Types de signalement, importés de services.json (clairvoie signalements import --services).\n"
    "# commitment_days (délai d'intervention promis, en jours) s'ajoute à la main : l'import le garde.\n"
)


class _RecordDumper(yaml.SafeDumper):
    """Block style, lists indented under their key, as the other records are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # noqa: ARG002
        super().increase_indent(flow, False)


def to_yaml(data: dict[str, Any], header: str) -> bytes:
    text = yaml.dump(data, Dumper=_RecordDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100_000)
    return (header + text).encode("utf-8")


def replace_file(path: str, data: bytes) -> None:
    """Write beside the target, then rename: a reader (or a crash) never sees half a file."""
    folder = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
