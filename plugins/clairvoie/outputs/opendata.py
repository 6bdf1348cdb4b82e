"""Open data: projects, works orders and residents' reports as CSV and GeoJSON, a catalogue and
a documentation page.

Written to ``/opendata/``:

- ``projets.csv``, ``projets.geojson``, ``travaux.csv``, ``travaux.geojson``,
  ``signalements.csv``, ``signalements.geojson``: one row (one Feature) per record, sorted by
  id (a report's: its tracking number in lower case);
- ``data.json``: a catalogue in the Project Open Data (DCAT-US v1.1) format;
- ``index.html``: the page that documents every column, from the same definitions.

Each dataset's columns are defined once, below, as ``Column(name, type, description,
get)``; the CSV, the GeoJSON properties and the documentation table all come from
these lists. ``get(record, site_url)`` returns a plain Python value (text, number,
bool, date, list or None); ``csv_value`` and ``json_value`` turn it into each format.

Everything is a pure function of the model: the only date is ``model.today``, so two
builds with the same ``SOURCE_DATE_EPOCH`` are byte-identical.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any, Callable

from .. import incremental
from ..labels import REPORT_STAGE, hours_fr
from ..model.records import REPORT_STAGES, Model, Project, Report, WorksOrder
from .geo import first_position
from .site import Site, absolute

FOLDER = "opendata"
LICENSE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENSE_NAME = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # in French, for the documentation: "texte", "date", "nombre"…
    description: str  # in French, for the documentation
    get: Callable[[Any, str], Any]  # (record, site_url) → plain value


@dataclass(frozen=True)
class Dataset:
    id: str  # file stem: projets, travaux
    title: str
    description: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    records: Callable[[Model], list[Any]]
    geometry: Callable[[Any], dict[str, Any] | None]


# --- values ------------------------------------------------------------------------------
def _project_position(project: Project) -> tuple[float, float] | None:
    location = project.location
    if location is None:
        return None
    if location.lat is not None and location.lon is not None:
        return location.lon, location.lat
    return first_position(location.geometry)


def project_geometry(project: Project) -> dict[str, Any] | None:
    location = project.location
    if location is None:
        return None
    if location.geometry:
        return location.geometry
    if location.lat is not None and location.lon is not None:
        return {"type": "Point", "coordinates": [location.lon, location.lat]}
    return None


def works_geometry(order: WorksOrder) -> dict[str, Any] | None:
    return order.geometry or None


def report_geometry(report: Report) -> dict[str, Any] | None:
    """The report's rounded point: its street, never a door."""
    if report.point is None:
        return None
    lat, lon = report.point
    return {"type": "Point", "coordinates": [lon, lat]}


def _plain_number(value: Any) -> Any:
    """Whole floats as integers (125000, not 125000.0); other numbers unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(csv_value(v) for v in value)
    if isinstance(value, float):
        number = _plain_number(value)
        return str(number) if isinstance(number, int) else repr(number)
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, float):
        return _plain_number(value)
    return value


# --- columns: the one source of truth -----------------------------------------------------
def _budget(project: Project, name: str) -> float | None:
    return getattr(project.budget, name) if project.budget else None


def _location(project: Project, name: str) -> Any:
    return getattr(project.location, name) if project.location else None


def _lat(position: tuple[float, float] | None) -> float | None:
    return position[1] if position else None


def _lon(position: tuple[float, float] | None) -> float | None:
    return position[0] if position else None


STATUS_CODES = ("planned (prévu), in_progress (en cours), suspended (suspendu), "
                "completed (terminé), cancelled (annulé)")
PARTICIPATION_CODES = ("inform (information), consult (consultation), concert (concertation), "
                       "codecide (codécision)")
WORKS_KIND_CODES = ("closure (route fermée), lane_restriction (voie rétrécie), "
                    "parking_ban (stationnement interdit), detour (déviation), "
                    "alternating_traffic (circulation alternée), noise (travaux bruyants), "
                    "other (autres travaux)")
REPORT_STAGE_CODES = ", ".join(f"{stage} ({REPORT_STAGE[stage].lower()})" for stage in REPORT_STAGES)
DATE = "date (AAAA-MM-JJ)"
BOOL = "booléen (true / false)"
LIST = "liste d'identifiants (séparés par « ; » dans le CSV)"

PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("id", "texte", "Identifiant du projet, tiré du nom de sa fiche ; stable.",
           lambda p, _: p.id),
    Column("url", "adresse web", "Page du projet sur le site.",
           lambda p, site: absolute(site, p.url)),
    Column("title", "texte", "Nom du projet.", lambda p, _: p.title),
    Column("sectors", LIST, "Secteurs concernés (un projet pour toute la ville les cite tous).",
           lambda p, _: list(p.sector_ids)),
    Column("category", "texte", "Catégorie : voirie, éclairage, espaces verts, bâtiments…",
           lambda p, _: p.category),
    Column("status", "code", f"État du projet : {STATUS_CODES}.", lambda p, _: p.status),
    Column("summary", "texte", "Le projet en une phrase.", lambda p, _: p.summary),
    Column("participation", "code",
           f"Niveau de participation proposé aux habitants : {PARTICIPATION_CODES} ; vide si aucun.",
           lambda p, _: p.participation),
    Column("address", "texte", "Adresse ou lieu, en clair.", lambda p, _: _location(p, "address")),
    Column("lat", "nombre (degrés, WGS 84)",
           "Latitude du lieu ; à défaut, celle du premier point du tracé. Vide si le lieu n'est pas situé.",
           lambda p, _: _lat(_project_position(p))),
    Column("lon", "nombre (degrés, WGS 84)",
           "Longitude du lieu ; à défaut, celle du premier point du tracé. Vide si le lieu n'est pas situé.",
           lambda p, _: _lon(_project_position(p))),
    Column("planned_start", DATE, "Début prévu.", lambda p, _: p.schedule.planned_start),
    Column("planned_end", DATE, "Fin prévue à l'origine.", lambda p, _: p.schedule.planned_end),
    Column("current_planned_end", DATE,
           "Fin prévue aujourd'hui : la dernière date annoncée par un retard, sinon la fin prévue à l'origine.",
           lambda p, _: p.current_planned_end),
    Column("actual_start", DATE, "Début réel ; vide si le chantier n'a pas commencé.",
           lambda p, _: p.schedule.actual_start),
    Column("actual_end", DATE, "Fin réelle ; vide si le chantier n'est pas terminé.",
           lambda p, _: p.schedule.actual_end),
    Column("progress", "nombre entier (0 à 100)",
           "Avancement en pour cent, déclaré ou calculé d'après les étapes réalisées ; vide si inconnu.",
           lambda p, _: p.progress),
    Column("is_late", BOOL,
           "En retard : prévu ou en cours alors que la fin prévue est passée, ou retard annoncé.",
           lambda p, _: p.is_late),
    Column("days_late", "nombre entier (jours)",
           "Jours de retard par rapport à la fin prévue à l'origine ; 0 si le projet n'est pas en retard.",
           lambda p, _: p.days_late),
    Column("budget_planned", "nombre (euros)", "Budget prévu à l'origine.",
           lambda p, _: _budget(p, "planned")),
    Column("last_budget", "nombre (euros)",
           "Budget en vigueur : le dernier budget annoncé par un dépassement, sinon le budget prévu.",
           lambda p, _: p.last_budget),
    Column("spent", "nombre (euros)", "Montant dépensé à ce jour.", lambda p, _: _budget(p, "spent")),
    Column("is_over_budget", BOOL, "Budget dépassé : le montant dépensé dépasse le budget en vigueur.",
           lambda p, _: p.is_over_budget),
    Column("overrun_amount", "nombre (euros)",
           "Montant du dépassement (dépensé moins budget en vigueur) ; 0 sans dépassement.",
           lambda p, _: p.overrun_amount),
    Column("last_update_date", DATE, "Date de la dernière nouvelle publiée ; vide s'il n'y en a pas.",
           lambda p, _: max((u.date for u in p.updates), default=None)),
    Column("negative_update_count", "nombre entier",
           "Nombre de mauvaises nouvelles publiées : retards, dépassements de budget, suspensions, annulations.",
           lambda p, _: len(p.negative_updates)),
)

WORKS_COLUMNS: tuple[Column, ...] = (
    Column("id", "texte", "Identifiant de l'arrêté sur le site, tiré du nom de sa fiche ; stable.",
           lambda w, _: w.id),
    Column("url", "adresse web", "Page de l'arrêté sur le site.",
           lambda w, site: absolute(site, w.url)),
    Column("reference", "texte", "Numéro de l'arrêté, tel qu'il est signé.", lambda w, _: w.reference),
    Column("title", "texte", "Ce qui se passe, en mots simples.", lambda w, _: w.title),
    Column("sectors", LIST, "Secteurs concernés.", lambda w, _: list(w.sector_ids)),
    Column("kind", "code", f"Type de mesure : {WORKS_KIND_CODES}.", lambda w, _: w.kind),
    Column("street", "texte", "Rue concernée.", lambda w, _: w.street),
    Column("section", "texte", "Portion de rue concernée, par exemple « du n°2 au n°24 ».",
           lambda w, _: w.section),
    Column("start", "date ou date et heure (ISO 8601)",
           "Début de la mesure. Une date seule vaut pour la journée entière ; "
           "une date et heure est donnée en heure locale avec son décalage horaire.",
           lambda w, _: w.start),
    Column("end", "date ou date et heure (ISO 8601)",
           "Fin de la mesure (une date seule : jusqu'à ce jour inclus).", lambda w, _: w.end),
    Column("hours", "texte (syntaxe opening_hours d'OpenStreetMap)",
           "Horaires pendant lesquels la mesure s'applique, par exemple « Mo-Fr 07:30-17:00 » ; "
           "vide si aucun horaire n'est précisé.",
           lambda w, _: w.hours),
    Column("horaires", "texte", "Les mêmes horaires dits en français, comme sur le site, par exemple "
           "« du lundi au vendredi, de 7 h 30 à 17 h » ; vide si aucun horaire n'est précisé.",
           lambda w, _: hours_fr(w.weekly_hours)),
    Column("direction", "code", "Sens de circulation concernés : both (les deux sens), one (un seul sens).",
           lambda w, _: w.direction),
    Column("project", "texte", "Identifiant du projet lié (colonne id du jeu des projets) ; vide si aucun.",
           lambda w, _: w.project_id),
    Column("issued_by", "texte", "Autorité qui a pris l'arrêté.", lambda w, _: w.issued_by),
    Column("signed", DATE, "Date de signature.", lambda w, _: w.signed),
    Column("timing", "code",
           "Situation à la date de mise à jour, d'après les dates (même pour un arrêté retiré) : "
           "past (terminé), active (en cours), upcoming (commence dans les prochains jours, "
           "14 par défaut), future (commence plus tard).",
           lambda w, _: w.timing),
    Column("cancelled", BOOL, "Arrêté retiré : la mesure ne s'applique pas.",
           lambda w, _: w.is_cancelled),
    Column("cancelled_reason", "texte", "Raison du retrait ; vide si l'arrêté n'est pas retiré.",
           lambda w, _: w.cancelled_reason),
    Column("lat", "nombre (degrés, WGS 84)",
           "Latitude du point, ou du premier point du tracé ; vide sans tracé.",
           lambda w, _: _lat(first_position(w.geometry))),
    Column("lon", "nombre (degrés, WGS 84)",
           "Longitude du point, ou du premier point du tracé ; vide sans tracé.",
           lambda w, _: _lon(first_position(w.geometry))),
)

def _point(report: Report, index: int) -> float | None:
    return report.point[index] if report.point else None


REPORT_COLUMNS: tuple[Column, ...] = (
    Column("number", "texte", "Numéro de suivi du signalement, celui que l'habitant a reçu ; stable.",
           lambda r, _: r.number),
    Column("url", "adresse web", "Page de suivi du signalement sur le site.",
           lambda r, site: absolute(site, r.url)),
    Column("service", "code",
           "Type de signalement : le code du type (service_code de la liste Open311, "
           "/open311/v2/services.json).",
           lambda r, _: r.service_code),
    Column("service_name", "texte", "Nom du type de signalement, par exemple « Éclairage public en panne ».",
           lambda r, _: r.service.name),
    Column("street", "texte", "Rue du problème, sans numéro.", lambda r, _: r.street),
    Column("sectors", LIST, "Secteurs où se trouve le problème.", lambda r, _: list(r.sector_ids)),
    Column("received", "date et heure (ISO 8601)",
           "Réception du signalement, en heure locale avec son décalage horaire.",
           lambda r, _: r.received),
    Column("stage", "code", f"Étape actuelle : {REPORT_STAGE_CODES}.", lambda r, _: r.stage),
    Column("expected", DATE,
           "Date d'intervention annoncée par la ville (depuis la dernière réouverture) ; vide si aucune.",
           lambda r, _: r.expected),
    Column("due", DATE,
           "Échéance : la plus proche de la date annoncée et de la fin du délai promis pour ce type "
           "de signalement ; vide si ni l'une ni l'autre.",
           lambda r, _: r.due),
    Column("resolved", DATE, "Date de résolution ; vide si le signalement n'est pas résolu.",
           lambda r, _: r.resolved),
    Column("days_to_resolve", "nombre entier (jours)",
           "Jours entre la réception et la résolution ; vide si le signalement n'est pas résolu.",
           lambda r, _: r.days_to_resolve),
    Column("is_overdue", BOOL, "En retard : encore ouvert alors que l'échéance est passée.",
           lambda r, _: r.is_overdue),
    Column("days_overdue", "nombre entier (jours)",
           "Jours de retard après l'échéance ; 0 si le signalement n'est pas en retard.",
           lambda r, _: r.days_overdue),
    Column("lat", "nombre (degrés, WGS 84)",
           "Latitude, arrondie à 3 décimales (une centaine de mètres : la rue, jamais la porte) ; "
           "vide si le signalement n'est pas situé.",
           lambda r, _: _point(r, 0)),
    Column("lon", "nombre (degrés, WGS 84)",
           "Longitude, arrondie de même ; vide si le signalement n'est pas situé.",
           lambda r, _: _point(r, 1)),
)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        id="projets",
        title="Projets et chantiers",
        description=("Les projets et chantiers de la ville : état, calendrier prévu et réel, "
                     "avancement, budget et dépenses, retards et dépassements de budget calculés "
                     "à la date de publication."),
        keywords=("travaux", "chantiers", "projets", "budget", "transparence", "voirie"),
        columns=PROJECT_COLUMNS,
        records=lambda model: sorted(model.projects, key=lambda p: p.id),
        geometry=project_geometry,
    ),
    Dataset(
        id="travaux",
        title="Arrêtés de travaux",
        description=("Les arrêtés de travaux : fermetures de rue, stationnement interdit, "
                     "circulation alternée, déviations… avec leurs dates, horaires, tracé et, "
                     "le cas échéant, la raison de leur retrait."),
        keywords=("arrêtés", "travaux", "circulation", "voirie", "stationnement"),
        columns=WORKS_COLUMNS,
        records=lambda model: sorted(model.works, key=lambda w: w.id),
        geometry=works_geometry,
    ),
    Dataset(
        id="signalements",
        title="Signalements des habitants",
        description=("Les signalements des habitants (lampadaire en panne, nid-de-poule, dépôt "
                     "sauvage…) et leur suivi : type, rue, étape actuelle, date annoncée, "
                     "résolution et délai, retards calculés à la date de publication. Ni les mots "
                     "de l'habitant, ni son nom, ni le numéro dans la rue."),
        keywords=("signalements", "voirie", "propreté", "éclairage", "Open311", "transparence"),
        columns=REPORT_COLUMNS,
        records=lambda model: sorted(model.reports, key=lambda r: r.id),
        geometry=report_geometry,
    ),
)

FORMATS = (
    # (extension, format name, media type)
    ("csv", "CSV", "text/csv"),
    ("geojson", "GeoJSON", "application/geo+json"),
)


# --- serialisations -----------------------------------------------------------------------
def to_csv(dataset: Dataset, model: Model, site_url: str) -> str:
    return _header_row(dataset) + "".join(_csv_row(dataset, record, site_url) for record in dataset.records(model))


def to_geojson(dataset: Dataset, model: Model, site_url: str) -> dict[str, Any]:
    return {"type": "FeatureCollection",
            "features": [_feature(dataset, record, site_url) for record in dataset.records(model)]}


# Each record's CSV row and GeoJSON feature, kept for the next build in the same process
# (pelican --autoreload) while the record, the date and the settings are unchanged.
_kept_rows = incremental.KeptBetweenBuilds()


def _csv_row(dataset: Dataset, record: Any, site_url: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(csv_value(c.get(record, site_url)) for c in dataset.columns)
    return buffer.getvalue()


def _feature(dataset: Dataset, record: Any, site_url: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": record.id,
        "geometry": dataset.geometry(record),
        "properties": {c.name: json_value(c.get(record, site_url)) for c in dataset.columns},
    }


class RecordRows:
    """The files of a dataset made from each record's row and feature, each written once and,
    with the build's signatures, kept between builds of one process: after an edit, only the
    edited records' are made again. The bytes are those of ``to_csv`` and ``to_geojson``."""

    def __init__(self, site_url: str, signatures: "incremental.PageSignatures | None"):
        self.site_url, self.signatures = site_url, signatures

    def _texts(self, dataset: Dataset, record: Any) -> tuple[str, str]:
        def make() -> tuple[str, str]:
            feature = _feature(dataset, record, self.site_url)
            return _csv_row(dataset, record, self.site_url), dumps(feature, compact=True)[:-1]
        if self.signatures is None:
            return make()
        key = (self.signatures.of(f"opendata:{dataset.id}", [record]), self.site_url)
        return _kept_rows.get(key, make)

    def files(self, dataset: Dataset, model: Model) -> dict[str, str]:
        """The dataset's file text by extension."""
        texts = [self._texts(dataset, record) for record in dataset.records(model)]
        return {"csv": _header_row(dataset) + "".join(row for row, _ in texts),
                "geojson": '{"type":"FeatureCollection","features":[' + ",".join(f for _, f in texts) + "]}\n"}


def _header_row(dataset: Dataset) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(c.name for c in dataset.columns)
    return buffer.getvalue()


def dumps(data: Any, compact: bool = False) -> str:
    """The JSON style of these files: keys in their fixed order, UTF-8 text (no escapes),
    a final newline; compact for GeoJSON (size), one-space indent for the catalogue."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def catalogue(model: Model, site_url: str, site_name: str) -> dict[str, Any]:
    """The Project Open Data (DCAT-US v1.1) catalogue of the datasets."""
    landing = absolute(site_url, f"{FOLDER}/")
    datasets = []
    for dataset in DATASETS:
        datasets.append({
            "@type": "dcat:Dataset",
            "title": dataset.title,
            "description": dataset.description,
            "keyword": list(dataset.keywords),
            "modified": model.today.isoformat(),
            "publisher": {"@type": "org:Organization", "name": site_name},
            "identifier": absolute(site_url, f"{FOLDER}/#{dataset.id}"),
            "accessLevel": "public",
            "license": LICENSE_URL,
            "landingPage": landing,
            "describedBy": absolute(site_url, f"{FOLDER}/#{dataset.id}"),
            "language": ["fr-FR"],
            "distribution": [
                {
                    "@type": "dcat:Distribution",
                    "title": f"{dataset.title} ({name})",
                    "mediaType": media_type,
                    "format": name,
                    "downloadURL": absolute(site_url, f"{FOLDER}/{dataset.id}.{ext}"),
                }
                for ext, name, media_type in FORMATS
            ],
        })
    return {
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "dataset": datasets,
    }


def size_fr(size: int) -> str:
    """1 234 octets → « 1,2 ko » (ko = 1 000 octets), as French writes it."""
    if size < 1000:
        return f"{size}\u00a0octets"
    if size < 1_000_000:
        return f"{size / 1000:.1f}\u00a0ko".replace(".", ",")
    return f"{size / 1_000_000:.1f}\u00a0Mo".replace(".", ",")


# --- the output ----------------------------------------------------------------------------
def write_opendata(model: Model, site: Site) -> None:
    site_url = site.url
    rows = RecordRows(site_url, site.signatures)
    documented = []
    for dataset in DATASETS:
        files = []
        texts = rows.files(dataset, model)
        for ext, name, media_type in FORMATS:
            text = texts[ext]
            file_name = f"{dataset.id}.{ext}"
            data = text.encode("utf-8")
            site.write(f"{FOLDER}/{file_name}", data)
            size = len(data)
            files.append({"name": file_name, "url": f"{FOLDER}/{file_name}", "format": name,
                          "media_type": media_type, "size": size, "size_text": size_fr(size)})
        documented.append({"dataset": dataset, "files": files,
                           "count": len(dataset.records(model))})
    # The publisher is the organisation, not the site's title.
    site.write(f"{FOLDER}/data.json", dumps(catalogue(model, site_url, site.publisher)))
    site.render(f"{FOLDER}/index.html", "clairvoie_opendata", opendata=documented,
                opendata_license_url=LICENSE_URL, opendata_license_name=LICENSE_NAME)
