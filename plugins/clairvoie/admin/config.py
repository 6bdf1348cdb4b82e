"""The configuration of the online editor (Decap CMS, /admin/), made from the JSON Schemas.

One collection per record kind, one widget per schema field: a schema change changes the
form, and nothing of a record's shape is written here a second time. What a schema cannot
say is taken from where the build takes it: enum words from ``labels``, categories from the
settings, error messages from ``messages``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

import yaml

from .. import labels, messages
from ..model import records
from ..settings import ClairvoieSettings
from . import schemas
from .fields import COLLECTION_WORDS, FIELD_LABELS

# The record that an identifier field names, by field name (the schemas say "string").
RELATIONS = {"project": "projets"}
SECTORS_COLLECTION = "secteurs"
PROJECTS_COLLECTION = "projets"
DATE_FORMAT = "YYYY-MM-DD"
DATE_TIME_FORMAT = "YYYY-MM-DD HH:mm"  # the schemas' date-times accept a space for the "T"
DATE_FORMATS = {"date": DATE_FORMAT, "local-date-time": DATE_TIME_FORMAT,
                "date-or-local-date-time": DATE_TIME_FORMAT}
NEWS_FORMAT = "pelican"  # registered by admin/index.html: Pelican's "Name: value" header


def _enum_words() -> list[dict[str, str]]:
    """The French words of each enum the site shows (labels.py), one table per enum."""
    participation = {level: words["name"] for level, words in labels.PARTICIPATION.items()}
    return [labels.PROJECT_STATUS, labels.UPDATE_KIND, labels.WORKS_KIND, labels.DIRECTION,
            labels.PHOTO_STAGE, labels.REPORT_STAGE, participation]


def enum_options(values: list[str]) -> list[dict[str, str]]:
    """Select options for an enum: the site's words when labels.py has a table of exactly
    these values, else the values themselves (technical ones: "utf-8", "Point")."""
    words = next((table for table in _enum_words() if set(table) == set(values)), {})
    return [{"label": words.get(value, value), "value": value} for value in values]


@dataclass(frozen=True)
class Collection:
    name: str  # in the editor's addresses: /admin/#/collections/<name>
    schema: Callable[[], dict[str, Any]]
    folder: Callable[[ClairvoieSettings, str], str]  # from the site root
    identifier: str = "title"
    file: str = ""  # a one-file collection (services.yaml): its name in the folder
    news: bool = False
    # The record's page on the built site, the preview pane shows it: the record's own ``url``.
    record: type | None = None


def page_path(collection: Collection, article_url: str) -> str | None:
    """Decap's ``preview_path`` of a collection: its records' page address, ``{{slug}}`` for
    the id, taken from the record class (or Pelican's ARTICLE_URL) so it is written once."""
    if collection.news:
        return article_url.replace("{slug}", "{{slug}}")
    if collection.record is None:
        return None
    return collection.record.url.fget(SimpleNamespace(id="{{slug}}"))


def _content(subfolder: Callable[[ClairvoieSettings], str]) -> Callable[[ClairvoieSettings, str], str]:
    return lambda settings, content: f"{content}/{subfolder(settings)}".strip("/")


COLLECTIONS = (
    Collection("secteurs", lambda: schemas.of_kind("sector"),
               lambda settings, content: settings.sectors_path.strip("/"), identifier="name",
               record=records.Sector),
    Collection("projets", lambda: schemas.of_kind("project"), _content(lambda s: s.projects_dir),
               record=records.Project),
    Collection("travaux", lambda: schemas.of_kind("works"), _content(lambda s: s.works_dir),
               record=records.WorksOrder),
    Collection("reunions", lambda: schemas.of_kind("meeting"), _content(lambda s: s.events_dir),
               record=records.Meeting),
    Collection("actualites", lambda: schemas.NEWS, _content(lambda s: "actualites"), news=True),
    Collection("signalements", lambda: schemas.of_kind("services"), _content(lambda s: s.reports_dir),
               file="services.yaml"),
    # The words the plain-French check explains or replaces (docs/francais-simple.md).
    Collection("lexique", lambda: schemas.of_kind("glossary"), _content(lambda s: ""), file="lexique.yaml"),
)


def preview_names() -> list[str]:
    """What Decap names each preview by: a folder collection's name, a one-file one's file."""
    return [c.file.split(".")[0] if c.file else c.name for c in COLLECTIONS]


class _Fields:
    """Widgets for the fields of one schema."""

    def __init__(self, root: dict[str, Any], settings: ClairvoieSettings, content: str):
        self.root, self.settings, self.content = root, settings, content

    def of_object(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        required = set(schema.get("required", ()))
        return [self.field(name, subschema, name in required, schema)
                for name, subschema in schema.get("properties", {}).items()]

    def field(self, name: str, schema: dict[str, Any], required: bool,
              parent: dict[str, Any]) -> dict[str, Any]:
        resolved, definition = schemas.resolve(schema, self.root)
        field: dict[str, Any] = {"name": name, "label": FIELD_LABELS.get(name, name),
                                 "required": required}
        field.update(self.widget(name, resolved, definition, parent))
        hint = resolved.get("description") or resolved.get("x-message-fr")
        if hint and "hint" not in field:
            field["hint"] = hint
        return field

    def widget(self, name: str, schema: dict[str, Any], definition: str | None,
               parent: dict[str, Any]) -> dict[str, Any]:
        if definition == "sector_ids":
            return {**_relation(SECTORS_COLLECTION, "name", multiple=True),
                    **({"min": schema["minItems"]} if schema.get("minItems") else {})}
        if name in RELATIONS:
            return _relation(RELATIONS[name], "title", multiple=False)
        if definition == "markdown":
            return {"widget": "markdown"}
        if name == "category":  # the build checks it against the settings' list
            return {"widget": "select", "options": list(self.settings.categories)}
        if "enum" in schema:
            return {"widget": "select", "options": enum_options(schema["enum"])}
        if "anyOf" in schema:  # geometry, a withdrawal's reason: the form offers the plain text
            text = next(option for option in (schemas.resolve(o, self.root)[0] for o in schema["anyOf"])
                        if option.get("type") == "string")
            widget = self.widget(name, {**text, **{k: v for k, v in schema.items() if k != "anyOf"}},
                                 None, parent)
            widget.setdefault("hint", schema.get("description") or schema.get("x-message-fr", ""))
            return widget
        kind = schema.get("type")
        if kind == "string":
            return self.text(name, schema, parent)
        if kind in ("integer", "number"):
            widget = {"widget": "number", "value_type": "int" if kind == "integer" else "float"}
            widget.update({key[:3]: schema[key] for key in ("minimum", "maximum") if key in schema})
            return widget
        if kind == "boolean":
            return {"widget": "boolean", "default": False}
        if kind == "object":
            widget = {"widget": "object", "collapsed": False, "fields": self.of_object(schema)}
            if "dependentRequired" in schema:
                widget["hint"] = "; ".join(messages.requires_together(field, needed[0])
                                           for field, needed in schema["dependentRequired"].items())
            return widget
        if kind == "array":
            return self.list(name, schema)
        raise ValueError(f"no widget for the field {name!r}: {schema}")

    def text(self, name: str, schema: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
        if schema.get("format") in DATE_FORMATS:
            shown = DATE_FORMATS[schema["format"]]
            return {"widget": "datetime", "format": shown, "date_format": DATE_FORMAT,
                    "time_format": False if shown == DATE_FORMAT else "HH:mm", "picker_utc": False}
        if name == "file" or schema.get("x-widget") == "file":
            return self.media(name, image="alt" in parent.get("properties", {}))
        widget: dict[str, Any] = {"widget": "string"}
        if "pattern" in schema:
            widget["pattern"] = [schema["pattern"], schema.get("x-message-fr") or _pattern_message(schema)]
        elif "maxLength" in schema:
            widget["widget"] = "text"
            widget["pattern"] = [f"^[\\s\\S]{{0,{schema['maxLength']}}}$",
                                 f"{schema['maxLength']} caractères au plus"]
        return widget

    def media(self, name: str, image: bool) -> dict[str, Any]:
        """A photo goes to its record's folder (photos/<id>/), a sound to media/, others to
        documents/; the file keeps the path from content/ that the records write."""
        folder = "photos/{{filename}}" if image else "media" if name == "audio" else "documents"
        return {"widget": "image" if image else "file", "choose_url": False,
                "media_folder": f"/{self.content}/{folder}".replace("//", "/"),
                "public_folder": folder}

    def list(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        items, _ = schemas.resolve(schema.get("items", {}), self.root)
        widget: dict[str, Any] = {"widget": "list", "collapsed": True}
        if schema.get("minItems"):
            widget["min"] = schema["minItems"]
        if items.get("type") != "object":
            widget["field"] = self.field(name, schema.get("items", {"type": "string"}), True, schema)
            widget["collapsed"] = False
            return widget
        variants = _variants(items)
        if variants is None:
            widget["fields"] = self.of_object(items)
            widget["summary"] = _summary(items)
            if "x-message-fr" in items:
                widget["hint"] = items["x-message-fr"]
            return widget
        key, by_value = variants
        widget["typeKey"] = key
        widget["types"] = [self.variant(items, key, value, needed) for value, needed in by_value.items()]
        return widget

    def variant(self, items: dict[str, Any], key: str, value: str, needed: dict[str, str]) -> dict[str, Any]:
        """One kind of list item (a project's "delay" update): its own fields only."""
        conditional = {field for _, fields in _conditions(items, key) for field in fields}
        required = set(items.get("required", ())) | set(needed)
        fields = [self.field(field, subschema, field in required, items)
                  for field, subschema in items["properties"].items()
                  if field != key and (field not in conditional or field in needed)]
        words = {o["value"]: o["label"] for o in enum_options(items["properties"][key]["enum"])}
        label = words[value]
        variant = {"name": value, "label": label, "widget": "object", "summary": _summary(items),
                   "fields": fields}
        message = needed.get("")
        if message:
            variant["hint"] = message
        return variant


def _conditions(items: dict[str, Any], key: str) -> list[tuple[str, list[str]]]:
    """(value of ``key``, fields that value requires), from ``allOf: [{if: const, then: required}]``."""
    found = []
    for part in items.get("allOf", ()):
        condition = part.get("if", {}).get("properties", {}).get(key, {})
        if "const" in condition:
            found.append((condition["const"], list(part.get("then", {}).get("required", ()))))
    return found


def _variants(items: dict[str, Any]) -> tuple[str, dict[str, dict[str, str]]] | None:
    """The field that chooses an item's other fields, and for each of its values the fields it
    requires (and under "" the schema's French message); None: a plain list of objects."""
    for key, subschema in items.get("properties", {}).items():
        if "enum" in subschema and _conditions(items, key):
            messages_of = {part["if"]["properties"][key]["const"]: part["then"].get("x-message-fr", "")
                           for part in items["allOf"] if key in part.get("if", {}).get("properties", {})}
            required_of = dict(_conditions(items, key))
            return key, {value: {**{field: "" for field in required_of.get(value, ())},
                                 **({"": messages_of[value]} if messages_of.get(value) else {})}
                         for value in subschema["enum"]}
    return None


def _summary(items: dict[str, Any]) -> str:
    shown = [name for name in ("date", "title", "name", "code", "alt") if name in items.get("properties", {})]
    return " — ".join("{{fields.%s}}" % name for name in shown[:2])


def _relation(collection: str, shown: str, multiple: bool) -> dict[str, Any]:
    return {"widget": "relation", "collection": collection, "value_field": "{{slug}}",
            "search_fields": [shown], "display_fields": [shown], "multiple": multiple,
            "options_length": 200}


def _pattern_message(schema: dict[str, Any]) -> str:
    """The French message the build gives for a value that does not match (model/schema.py)."""
    from ..model.schema import _pattern_message as build_message

    return build_message({k: v for k, v in schema.items() if k != "format"}, "")


def collection_config(collection: Collection, settings: ClairvoieSettings, content: str,
                      article_url: str = "actualites/{slug}/") -> dict[str, Any]:
    schema = collection.schema()
    words = COLLECTION_WORDS[collection.name]
    fields = _Fields(schema, settings, content).of_object(schema)
    folder = collection.folder(settings, content)
    config: dict[str, Any] = {"name": collection.name, "label": words[0], "label_singular": words[1],
                              "description": schema.get("description") or schema.get("title", "")}
    if collection.file:
        config["files"] = [{"name": collection.file.split(".")[0], "label": words[0],
                            "file": f"{folder}/{collection.file}", "fields": fields}]
        return config
    config.update({"folder": folder, "create": True, "slug": "{{slug}}",
                   "identifier_field": collection.identifier, "summary": "{{%s}}" % collection.identifier,
                   "preview_path": page_path(collection, article_url)})
    if collection.news:
        config.update({"extension": "md", "format": NEWS_FORMAT, "sortable_fields": ["date", "title"]})
    else:
        config.update({"extension": "yaml", "format": "yaml"})
    config["fields"] = fields
    return config


def admin_config(settings: ClairvoieSettings, content: str = "content",
                 backend: dict[str, Any] | None = None, article_url: str = "actualites/{slug}/") -> dict[str, Any]:
    """The editor's whole configuration; ``content`` is Pelican's PATH from the site root.
    ``backend`` (by default the setting's) may carry Decap's ``publish_mode``
    (editorial_workflow: draft, review, publish)."""
    local = settings.admin_local_backend or "http://localhost:8081/api/v1"
    # Without a forge, the editor works only beside decap-server (make edit).
    backend = dict(backend or settings.admin_backend or {"name": "proxy", "proxy_url": local, "branch": "main"})
    publish_mode = backend.pop("publish_mode", None)
    return {
        "locale": "fr",
        # On localhost the editor writes the working copy through decap-server (make edit);
        # elsewhere the backend below (docs/editer-en-ligne.md: GitHub, GitLab, Gitea).
        "local_backend": {"url": local} if settings.admin_local_backend else True,
        "backend": backend,
        **({"publish_mode": publish_mode} if publish_mode else {}),
        # File names are record ids: lowercase ASCII, digits and hyphens (« Travaux à l'Est »
        # → travaux-a-l-est), as the build requires.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "media_folder": f"{content}/photos",
        "public_folder": "photos",
        "collections": [collection_config(c, settings, content, article_url) for c in COLLECTIONS],
    }


def config_yaml(config: dict[str, Any]) -> str:
    header = ("# Généré par « clairvoie admin-config » à partir des schémas des fiches : "
              "ne le modifiez pas à la main.\n")
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)


def config_of_site(pelican_settings: dict[str, Any]) -> str:
    """config.yml for a site: its folders, and its forge (CLAIRVOIE_ADMIN_BACKEND, a Decap
    ``backend`` mapping: docs/editer-en-ligne.md)."""
    settings = ClairvoieSettings.from_pelican(pelican_settings)
    content_path = os.path.abspath(pelican_settings.get("PATH", "content"))
    content = os.path.relpath(content_path, settings.site_root).replace(os.sep, "/")
    return config_yaml(admin_config(settings, content, article_url=pelican_settings.get("ARTICLE_URL", "{slug}.html")))
