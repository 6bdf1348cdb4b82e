"""The editor's configuration covers every field of every record schema with the right widget.

The schemas are walked here on their own (their files read directly, references followed by
this test), so that a field the generator skips or mistypes is found.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from clairvoie import labels
from clairvoie.admin import admin_config, config_of_site
from clairvoie.admin.config import _Fields
from clairvoie.admin.schemas import NEWS
from clairvoie.settings import DEFAULT_CATEGORIES, ClairvoieSettings

SCHEMAS = Path(__file__).resolve().parents[2] / "plugins" / "clairvoie" / "model" / "schemas"
# Collection: the schema file its entries follow (None: the news articles' header).
COLLECTION_SCHEMAS = {
    "secteurs": "sector.schema.json",
    "projets": "project.schema.json",
    "travaux": "works.schema.json",
    "reunions": "meeting.schema.json",
    "signalements": "services.schema.json",
    "lexique": "lexique.schema.json",
    "actualites": None,
}
# Schemas with no form, and why.
NOT_EDITED = {
    "report.schema.json": "written by « clairvoie signalements import », never by hand",
    "synonyms.schema.json": "free keys (a resident's word each), which no form widget can name",
    "common.schema.json": "definitions only",
}
DATE = re.compile(r"^YYYY-MM-DD$")
DATE_TIME = re.compile(r"^YYYY-MM-DD[T ]HH:mm$")


def load(name):
    return json.loads((SCHEMAS / name).read_text("utf-8"))


def follow(schema, root):
    """(schema with its $ref followed, local keys kept; the definition's name)."""
    if "$ref" not in schema:
        return schema, None
    file_name, _, pointer = schema["$ref"].partition("#")
    document = load(file_name) if file_name else root
    name = pointer.rsplit("/", 1)[-1]
    target = document["$defs"].get(name) if "$defs" in document else None
    if target is None:
        document = load("common.schema.json")
        target = document["$defs"][name]
    inner, _ = follow(target, document)
    return {**inner, **{k: v for k, v in schema.items() if k != "$ref"}}, name


@pytest.fixture(scope="module")
def config():
    return admin_config(ClairvoieSettings())


def collection(config, name):
    return next(c for c in config["collections"] if c["name"] == name)


def collection_fields(entry):
    return entry["files"][0]["fields"] if "files" in entry else entry["fields"]


def by_name(fields):
    return {field["name"]: field for field in fields}


def check_field(name, schema, root, field, required, where):
    """Assert the widget of one schema field, then of its own fields."""
    schema, definition = follow(schema, root)
    assert field["name"] == name
    assert field["required"] is required, f"{where}: required should be {required}"
    assert field["label"] and field["label"] != name, f"{where}: no French label"
    widget = field["widget"]
    if definition == "sector_ids":
        assert widget == "relation" and field["collection"] == "secteurs" and field["multiple"], where
        return
    if name == "project":
        assert widget == "relation" and field["collection"] == "projets", where
        return
    if definition == "markdown":
        assert widget == "markdown", where
        return
    if name == "category":
        assert widget == "select" and field["options"] == list(DEFAULT_CATEGORIES), where
        return
    if "enum" in schema:
        assert widget == "select", where
        assert [o["value"] for o in field["options"]] == schema["enum"], where
        return
    if "anyOf" in schema:
        assert widget == "string", where
        return
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            assert widget == "datetime" and DATE.match(field["format"]), where
        elif fmt in ("local-date-time", "date-or-local-date-time"):
            assert widget == "datetime" and DATE_TIME.match(field["format"]), where
        elif name in ("file", "audio"):
            assert widget in ("image", "file"), where
        else:
            assert widget in ("string", "text"), where
            if "pattern" in schema:
                assert field["pattern"][0] == schema["pattern"] and field["pattern"][1], where
        return
    if kind in ("integer", "number"):
        assert widget == "number", where
        assert field["value_type"] == ("int" if kind == "integer" else "float"), where
        assert field.get("min") == schema.get("minimum") and field.get("max") == schema.get("maximum"), where
        return
    if kind == "boolean":
        assert widget == "boolean", where
        return
    if kind == "object":
        assert widget == "object", where
        check_object(schema, root, field["fields"], where)
        return
    assert kind == "array", f"{where}: a schema type this test does not know: {schema}"
    assert widget == "list", where
    items, _ = follow(schema.get("items", {}), root)
    if items.get("type") != "object":
        return
    if "types" in field:
        check_variants(items, root, field, where)
    else:
        check_object(items, root, field["fields"], where)


def check_object(schema, root, fields, where):
    required = set(schema.get("required", ()))
    shown = by_name(fields)
    assert set(shown) == set(schema["properties"]), f"{where}: fields {set(shown) ^ set(schema['properties'])}"
    for name, subschema in schema["properties"].items():
        check_field(name, subschema, root, shown[name], name in required, f"{where}.{name}")


def check_variants(items, root, field, where):
    """One variant per value of the field the schema's if/then read; each has the fields
    that value requires, required, and none that only another value requires."""
    key = field["typeKey"]
    needs = {}
    for part in items["allOf"]:
        needs[part["if"]["properties"][key]["const"]] = set(part["then"]["required"])
    conditional = set().union(*needs.values())
    variants = {variant["name"]: variant for variant in field["types"]}
    assert list(variants) == items["properties"][key]["enum"], where
    for value, variant in variants.items():
        shown = by_name(variant["fields"])
        expected = (set(items["properties"]) - {key} - conditional) | needs.get(value, set())
        assert set(shown) == expected, f"{where}[{value}]"
        for name in expected:
            required = name in items.get("required", ()) or name in needs.get(value, set())
            check_field(name, items["properties"][name], root, shown[name], required, f"{where}[{value}].{name}")


def test_every_schema_has_a_collection_or_a_reason():
    assert set(p.name for p in SCHEMAS.glob("*.json")) == \
        {s for s in COLLECTION_SCHEMAS.values() if s} | set(NOT_EDITED)


@pytest.mark.parametrize("name", sorted(COLLECTION_SCHEMAS))
def test_every_field_has_a_widget_of_its_type(config, name):
    schema = load(COLLECTION_SCHEMAS[name]) if COLLECTION_SCHEMAS[name] else NEWS
    check_object(schema, schema, collection_fields(collection(config, name)), name)


def test_a_delay_asks_for_its_reason_and_new_end(config):
    updates = by_name(collection(config, "projets")["fields"])["updates"]
    variants = {variant["name"]: by_name(variant["fields"]) for variant in updates["types"]}
    assert variants["delay"]["reason"]["required"] and variants["delay"]["new_planned_end"]["required"]
    assert "new_budget" not in variants["delay"]
    assert not {"reason", "new_planned_end", "new_budget"} & set(variants["progress"])
    assert {v["name"]: v["label"] for v in updates["types"]} == labels.UPDATE_KIND


def test_enums_read_as_the_site_words_them(config):
    fields = by_name(collection(config, "projets")["fields"])
    assert {o["value"]: o["label"] for o in fields["status"]["options"]} == labels.PROJECT_STATUS
    works = by_name(collection(config, "travaux")["fields"])
    assert {o["value"]: o["label"] for o in works["kind"]["options"]} == labels.WORKS_KIND


def test_a_photo_needs_its_description_and_goes_to_its_record_folder(config):
    photos = by_name(by_name(collection(config, "projets")["fields"])["photos"]["fields"])
    assert photos["alt"]["required"] and photos["file"]["widget"] == "image"
    assert photos["file"]["media_folder"] == "/content/photos/{{filename}}"
    assert photos["file"]["public_folder"] == "photos/{{filename}}"


def test_a_schema_change_changes_the_form():
    schema = load("works.schema.json")
    schema["properties"]["noise_level"] = {"enum": ["low", "high"], "description": "Niveau de bruit."}
    schema["required"].append("noise_level")
    fields = by_name(_Fields(schema, ClairvoieSettings(), "content").of_object(schema))
    assert fields["noise_level"]["widget"] == "select" and fields["noise_level"]["required"]
    assert fields["noise_level"]["hint"] == "Niveau de bruit."


def test_the_configuration_is_french_and_follows_the_site_folders(tmp_path):
    settings = {"PATH": str(tmp_path / "contenu"), "CLAIRVOIE_PROJECTS_DIR": "chantiers",
                "CLAIRVOIE_ADMIN_BACKEND": {"name": "gitea", "repo": "ville/site"}}
    config = yaml.safe_load(config_of_site(settings))
    assert config["locale"] == "fr" and config["backend"] == {"name": "gitea", "repo": "ville/site"}
    assert collection(config, "projets")["folder"] == "contenu/chantiers"
    assert collection(config, "signalements")["files"][0]["file"] == "contenu/signalements/services.yaml"


def test_the_editorial_workflow_is_a_setting_of_the_backend():
    backend = {"name": "github", "repo": "ville/site", "publish_mode": "editorial_workflow"}
    config = admin_config(ClairvoieSettings(), backend=backend)
    assert config["backend"] == {"name": "github", "repo": "ville/site"}
    assert config["publish_mode"] == "editorial_workflow"


def test_a_local_backend_on_another_port_is_a_setting():
    settings = {"PATH": "content", "CLAIRVOIE_ADMIN_LOCAL_BACKEND": "http://localhost:8082/api/v1"}
    config = yaml.safe_load(config_of_site(settings))
    assert config["local_backend"] == {"url": "http://localhost:8082/api/v1"}
    assert config["backend"]["proxy_url"] == "http://localhost:8082/api/v1"
    assert yaml.safe_load(config_of_site({"PATH": "content"}))["local_backend"] is True


def fields_of(fields, where=""):
    """Every field of a form, nested ones and list variants included, with its place."""
    for field in fields:
        place = f"{where}{field['name']}"
        yield place, field
        yield from fields_of(field.get("fields", ()), place + ".")
        for variant in field.get("types", ()):
            yield from fields_of(variant["fields"], f"{place}[{variant['name']}].")
        if "field" in field:
            yield from fields_of([field["field"]], place + "[].")


# Words of a switch that would take a fact off the site; no field, choice or label has one.
HIDING = re.compile(r"cach|masqu|hid|hide|visib|show|affich|montr|priv|draft|brouillon|publi|secret",
                    re.IGNORECASE)


def test_no_form_field_can_hide_a_negative_fact(config):
    """Bad news shows as soon as it is written: no switch or choice of the forms hides it.
    The forms' only yes/no field is a milestone being done (a fact, not a display option)."""
    switches = []
    for form in config["collections"]:
        for place, field in fields_of([f for file in form.get("files", [form]) for f in file["fields"]]):
            words = [field["name"], field.get("label", ""), field.get("hint", "")]
            words += [f"{o['value']} {o['label']}" for o in field.get("options", ()) if isinstance(o, dict)]
            if field["widget"] in ("boolean", "select"):
                switches.append((form["name"], place))
                assert not [w for w in words if HIDING.search(w)], (form["name"], place)
    assert ("projets", "milestones.done") in switches


def test_each_record_form_previews_its_page_address(config):
    """The preview pane shows the record's built page: the address the model gives its
    records (checked against the built pages in test_admin_output.py)."""
    paths = {c["name"]: c.get("preview_path") for c in config["collections"]}
    assert paths == {"secteurs": "secteurs/{{slug}}/", "projets": "projets/{{slug}}/",
                     "travaux": "travaux/{{slug}}/", "reunions": "reunions/{{slug}}/",
                     "actualites": "actualites/{{slug}}/", "signalements": None, "lexique": None}
