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


def replace_files(folder: str, files: dict[str, bytes]) -> None:
    """Write every file beside its target first, then rename them all: a full disk stops
    the import before any record changes, and no reader ever sees half a file."""
    os.makedirs(folder, exist_ok=True)
    temporaries: dict[str, str] = {}
    try:
        for name, data in sorted(files.items()):
            temporaries[name] = _temporary_copy(folder, data)
        for name, temporary in sorted(temporaries.items()):
            os.replace(temporary, os.path.join(folder, name))
    finally:
        for temporary in temporaries.values():
            if os.path.exists(temporary):
                os.unlink(temporary)


def _temporary_copy(folder: str, data: bytes) -> str:
    handle, temporary = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary
