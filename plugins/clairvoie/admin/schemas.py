"""The schemas the editor's forms are made from: the records' JSON Schemas, read as shipped,
and the one description of a news article's header (Pelican metadata has no schema file)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..model import schema as model_schema

COMMON = "common.schema.json"


@cache
def read(file_name: str) -> dict[str, Any]:
    text = resources.files(model_schema.__package__).joinpath("schemas", file_name).read_text("utf-8")
    return json.loads(text)


def of_kind(kind: str) -> dict[str, Any]:
    """The JSON Schema of a record kind (model/schema.py's names: "project", "works"…)."""
    return read(model_schema.SCHEMA_FILES[kind])


def resolve(schema: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A subschema with its ``$ref`` followed (local keys win, as a description beside a $ref),
    and the name of the definition it points to ("markdown", "sector_ids"…), if any."""
    reference = schema.get("$ref")
    if reference is None:
        return schema, None
    file_name, _, pointer = reference.partition("#")
    document = read(file_name) if file_name else root
    if not file_name and _lookup(root, pointer) is None:
        document = read(COMMON)  # a local reference inside a common definition
    resolved, _ = resolve(_lookup(document, pointer), document)
    merged = {**resolved, **{key: value for key, value in schema.items() if key != "$ref"}}
    return merged, pointer.rsplit("/", 1)[-1]


def _lookup(document: dict[str, Any], pointer: str) -> Any:
    target: Any = document
    for part in pointer.strip("/").split("/"):
        if not isinstance(target, dict) or part not in target:
            return None
        target = target[part]
    return target


# A news article's header (spec: "News and podcast"), in the form of a JSON Schema so that its
# form is made as the records' are. Pelican reads these names case-insensitively.
NEWS = {
    "title": "Actualité (article Markdown, en-tête « Nom: valeur »)",
    "type": "object",
    "required": ["title", "date", "summary"],
    "properties": {
        "title": {"$ref": f"{COMMON}#/$defs/plain_text"},
        "date": {"$ref": f"{COMMON}#/$defs/date_time",
                 "description": "Date et heure de publication ; l'actualité paraît à cette date."},
        "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                 "description": "Adresse de la page : minuscules sans accents, chiffres et tirets."},
        "summary": {"type": "string", "minLength": 1,
                    "description": "Une ou deux phrases : elles sont reprises dans les flux et la lettre."},
        "sectors": {"$ref": f"{COMMON}#/$defs/sector_ids",
                    "minItems": 0,
                    "description": "Les secteurs concernés ; aucun : toute la ville."},
        "audio": {"type": "string", "x-widget": "file",
                  "description": "Épisode du podcast : le fichier MP3, dans content/media/."},
        "episode": {"type": "integer", "minimum": 1, "description": "Numéro de l'épisode (avec un son)."},
        "season": {"type": "integer", "minimum": 1, "description": "Numéro de la saison (avec un son)."},
        "body": {"$ref": f"{COMMON}#/$defs/markdown", "description": "Le texte de l'actualité."},
    },
}
