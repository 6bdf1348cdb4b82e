#!/usr/bin/env python3
"""Write a synthetic Clairvoie city for the benchmark: deterministic, valid, French.

    python bench/make_city.py --size S|M|L [--seed N] [--out DIR]

The same size and seed always give the same tree, byte for byte (on one machine:
the photos are JPEGs encoded by the installed Pillow, and pelicanconf.py names
the repository's theme by its absolute path). Sizes:

    size  sectors  projects  works orders  articles  meetings  panels  photos  reports
    S         3        20          60          10          5       3       2       40
    M        10     1 000       4 000         300         60      20      10    3 000
    L        20     5 000      20 000       2 000        300      50      20   30 000

Meetings and photos are not in the issue's list: a few are added so that those
paths of the build run too. The photos are tiny (160×120) JPEGs drawn here, so
that the benchmark measures the site, not the photo encoder. Records follow
shared/spec/records.md and the JSON Schemas of plugins/clairvoie/model/schemas;
their dates are written around the build date 2026-11-24 (SOURCE_DATE_EPOCH
1795521600), with a mix of statuses, delays with reasons, cost overruns,
suspensions, cancellations and withdrawn works orders. Residents' reports use the
demo city's services (content/signalements/services.yaml) and go through every stage,
some overdue; they are drawn from a random generator of their own, so that the other
records are the same with or without them. The city's OpenStreetMap extract
(content/osm/commune.osm.pbf and its source.yaml, as the demo city's) is drawn from the
records' streets and points with the demo extract's code (demo/osm/osm_town.py), using
no random generator: every other file is the same with or without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "demo" / "osm"))

import osm_town  # noqa: E402  (the demo extract's drawing code: streets through the records' points)
from osm_town import seeded  # noqa: E402
BUILD_DATE = dt.date(2026, 11, 24)
BUILD_EPOCH = "1795521600"  # 2026-11-24 12:00 UTC, as for the demo city
MARKER = "CITY.txt"  # written in every generated site; lets --out be overwritten safely


@dataclass(frozen=True)
class Size:
    sectors: int
    projects: int
    works: int
    articles: int
    meetings: int
    panels: int
    photos: int
    reports: int


SIZES = {
    "S": Size(sectors=3, projects=20, works=60, articles=10, meetings=5, panels=3, photos=2, reports=40),
    "M": Size(sectors=10, projects=1000, works=4000, articles=300, meetings=60, panels=20, photos=10,
              reports=3000),
    "L": Size(sectors=20, projects=5000, works=20000, articles=2000, meetings=300, panels=50, photos=20,
              reports=30000),
}

# The stages a report goes through after "received" (cut short at the build date).
REPORT_PATHS = [
    ["acknowledged", "scheduled", "in_progress", "resolved"],
    ["acknowledged", "scheduled", "resolved"],
    ["acknowledged", "resolved"],
    ["acknowledged", "scheduled"],
    ["acknowledged"],
    [],
    ["acknowledged", "closed"],
    ["acknowledged", "resolved", "reopened", "scheduled", "resolved"],
]
CLOSING_REASONS = ["Ce lieu relève d'un bailleur privé : nous lui avons transmis le signalement.",
                   "Aucune anomalie constatée sur place.",
                   "La voie est départementale : le Département a été prévenu."]

OSM_DATE = "2026-11-20T00:00:00Z"  # the date the city's extract stands for, a few days before the build
STREET_SPAN_M = 250  # a street's points closer than this (in one sector) are joined by one course
STREET_REACH_M = 120  # how far a course runs beyond its last point

CITY = "Vaux-les-Essais"
DOMAIN = "vaux-les-essais.fr"
POSTCODE = "69995"
CENTER = (4.85, 45.74)  # lon, lat
CELL = 0.018  # degrees, width of a sector's cell on the map

# --- vocabulary ------------------------------------------------------------------------------
QUARTERS = [
    "Centre-ville", "Les Hauts", "La Gare", "Saint-Aubin", "Les Prés", "Le Moulin", "Les Tilleuls",
    "La Plaine", "Le Port", "Les Coteaux", "Bellevue", "Le Bourg", "Les Sablons", "La Forge",
    "Les Vignes", "Le Château", "Les Rives", "Beauregard", "Montplaisir", "Les Charmilles",
    "La Fontaine", "Les Chartreux", "Le Plateau", "Les Écluses",
]
STREET_TYPES = [  # (name, "de …" form)
    ("Rue", "de la rue"), ("Rue", "de la rue"), ("Rue", "de la rue"), ("Avenue", "de l'avenue"),
    ("Boulevard", "du boulevard"), ("Place", "de la place"), ("Chemin", "du chemin"),
    ("Allée", "de l'allée"), ("Impasse", "de l'impasse"), ("Quai", "du quai"), ("Cours", "du cours"),
    ("Route", "de la route"), ("Montée", "de la montée"),
]
STREET_NAMES = [
    "des Lilas", "des Tilleuls", "Victor-Hugo", "Jean-Jaurès", "Pasteur", "de la République",
    "du Moulin", "des Écoles", "de la Gare", "Gambetta", "Voltaire", "Émile-Zola", "des Acacias",
    "du Stade", "des Vignes", "de l'Église", "des Tanneurs", "du Château", "des Peupliers",
    "Jules-Ferry", "Pierre-Semard", "Anatole-France", "Louise-Michel", "Simone-Veil", "Marie-Curie",
    "Jean-Moulin", "du 8-Mai-1945", "de la Liberté", "des Cerisiers", "des Marronniers", "du Lavoir",
    "de la Fontaine", "des Jardins", "du Parc", "du Marché", "des Halles", "de la Poste", "des Roses",
    "des Bleuets", "des Coquelicots", "du Pont", "de la Forge", "du Four", "des Prés", "des Sources",
    "de la Croix", "des Sablons", "des Carrières", "Paul-Bert", "Condorcet", "Jean-Macé", "Lamartine",
    "Molière", "Racine", "Berlioz", "Debussy", "Ravel", "Rabelais", "Montaigne", "Diderot",
    "du Général-de-Gaulle", "Aristide-Briand", "Georges-Clemenceau", "Léon-Blum", "Olympe-de-Gouges",
    "George-Sand", "Colette", "des Mûriers", "des Noyers", "des Chênes", "des Érables", "des Platanes",
    "des Saules", "du Canal", "de l'Écluse", "des Mariniers", "du Port", "de la Plaine", "des Coteaux",
    "des Hauts", "du Belvédère", "des Chartreux", "de la Mairie", "des Remparts", "du Lycée",
]
PLACE_NAMES = [
    "Jules-Ferry", "Marie-Curie", "Jean-Macé", "Louise-Michel", "des Tilleuls", "du Moulin",
    "Saint-Exupéry", "Simone-Veil", "des Deux-Rives", "Paul-Éluard", "Jacques-Prévert", "Condorcet",
    "des Coteaux", "de la Plaine", "Pablo-Picasso", "Lucie-Aubrac", "Germaine-Tillion", "Victor-Schœlcher",
]

# Category → title patterns: {de_rue} "de la rue des Lilas", {rue} "rue des Lilas",
# {nom} a name, {quartier} the sector's short name.
PROJECT_KINDS = {
    "voirie": ["Réfection {de_rue}", "Reprise des trottoirs {de_rue}", "Plateau ralentisseur {de_rue}",
               "Sécurisation du carrefour {de_rue}", "Nouvelle chaussée {de_rue}"],
    "éclairage": ["Éclairage LED {de_rue}", "Rénovation de l'éclairage public du quartier {quartier}",
                  "Extinction nocturne de l'éclairage, secteur {quartier}"],
    "espaces verts": ["Plantation d'arbres {de_rue}", "Aménagement du square {nom}",
                      "Renaturation des abords {de_rue}", "Jardins partagés {nom}"],
    "bâtiments": ["Rénovation énergétique de la mairie annexe {quartier}", "Toiture du gymnase {nom}",
                  "Accessibilité de la salle des fêtes {nom}", "Maison de quartier {quartier}"],
    "eau et assainissement": ["Remplacement du réseau d'eau potable {de_rue}",
                              "Mise en séparatif des réseaux {de_rue}", "Bassin d'orage {nom}"],
    "mobilité": ["Piste cyclable {de_rue}", "Zone 30 du quartier {quartier}",
                 "Arceaux et abris vélos {de_rue}", "Parking relais {nom}"],
    "propreté": ["Colonnes enterrées de tri {de_rue}", "Toilettes publiques {de_rue}",
                 "Nettoyage des berges, secteur {quartier}"],
    "écoles": ["Cour oasis de l'école {nom}", "Rénovation du restaurant scolaire {nom}",
               "Nouvelles classes à l'école maternelle {nom}"],
    "sport": ["City-stade {quartier}", "Vestiaires du stade {nom}", "Skatepark {nom}",
              "Piste d'athlétisme du stade {nom}"],
    "culture": ["Extension de la médiathèque {nom}", "Restauration de l'église {nom}",
                "Acoustique du conservatoire {nom}", "Salle de spectacle {nom}"],
}
SUMMARIES = [
    "On refait {objet} pour que ce soit plus sûr, plus accessible et plus agréable au quotidien.",
    "{Objet} est entièrement rénové : moins de bruit, moins de dépenses d'énergie et un meilleur accès pour tous.",
    "Les habitants ont demandé {objet} plus pratique : le projet répond à leurs demandes, avec des travaux en plusieurs phases.",
    "{Objet} change : plus d'arbres, plus de place pour les piétons et les vélos, et des travaux organisés pour gêner le moins possible.",
    "Nous remplaçons des équipements de plus de quarante ans par des équipements neufs, plus sobres et plus faciles à entretenir.",
]
DESCRIPTION_OPENINGS = [
    "{Objet} n'avait pas été rénové depuis longtemps : équipements usés, accès difficile pour les poussettes et les fauteuils, dépenses d'entretien en hausse chaque année.",
    "Ce projet répond à une demande ancienne des habitants du quartier {quartier}, exprimée lors des réunions publiques et dans les avis déposés en ligne.",
    "Les diagnostics réalisés l'an dernier ont montré que {objet} devait être repris entièrement, et non plus réparé au coup par coup.",
    "La ville profite de ces travaux pour coordonner les interventions des concessionnaires (eau, gaz, électricité, fibre) et ne pas rouvrir la rue dans quelques années.",
]
DESCRIPTION_ITEMS = [
    "des trottoirs élargis à 1,80 m, sans marche", "une chaussée neuve et un plateau ralentisseur",
    "des arbres plantés en pleine terre pour absorber l'eau de pluie", "un éclairage LED moins énergivore",
    "des places de stationnement conservées, comme demandé en réunion publique",
    "des canalisations d'eau potable remplacées", "des arceaux vélos près des commerces",
    "une isolation par l'extérieur et des fenêtres neuves", "des sanitaires accessibles",
    "une cour désimperméabilisée et ombragée", "des bancs et des fontaines à boire",
    "un passage piéton surélevé devant l'école", "la mise en accessibilité des arrêts de bus",
]
DESCRIPTION_CLOSINGS = [
    "**L'accès aux commerces et aux habitations reste possible pendant toute la durée des travaux.**",
    "Les riverains recevront un courrier avant chaque phase du chantier.",
    "Le projet est financé par la ville, avec une aide de la région et de la métropole.",
    "Vous pouvez poser vos questions au service indiqué ci-dessous ou lors des permanences de secteur.",
]
UPDATE_TEXTS = {
    "progress": [("Le chantier avance comme prévu", "Les travaux de la phase en cours sont terminés à plus de la moitié. La circulation reste organisée comme indiqué sur place ; les accès riverains sont maintenus."),
                 ("Les travaux commencent", "L'entreprise installe sa base de chantier cette semaine. Les premiers travaux portent sur les réseaux souterrains, avant la reprise de la surface."),
                 ("Une nouvelle phase commence", "La première phase est terminée. Les travaux passent maintenant de l'autre côté ; le stationnement y sera interdit en journée.")],
    "info": [("Une permanence sur place", "Les services techniques tiennent une permanence sur le chantier chaque mardi matin, de 9 h à 11 h, pour répondre aux questions des riverains."),
             ("Ce qui change pour les bus", "Pendant les travaux, l'arrêt de bus le plus proche est déplacé de cinquante mètres. Les horaires ne changent pas.")],
    "decision": [("Le conseil municipal valide le projet", "Après la réunion publique et les avis déposés en ligne, le conseil municipal a validé le projet. Deux demandes des habitants ont été retenues."),
                 ("L'entreprise est choisie", "Après la consultation, la ville a retenu l'entreprise la mieux notée sur le prix, les délais et la gestion des nuisances.")],
    "resumption": [("Le chantier reprend", "Les travaux ont repris ce lundi avec une nouvelle organisation. Le calendrier mis à jour est publié sur cette page.")],
    "completion": [("Les travaux sont terminés", "Le chantier est terminé et les lieux sont rendus aux habitants. Les dernières plantations seront faites à la saison favorable.")],
    "delay": [("Le chantier prend du retard", "Nous préférons vous le dire tout de suite : la fin des travaux est repoussée. Nous expliquons ci-dessous pourquoi, et ce que nous faisons pour limiter la gêne."),
              ("Nouveau report de la fin des travaux", "C'est un nouveau report, et nous savons que beaucoup d'entre vous attendaient la fin de ce chantier. La nouvelle date est indiquée ci-dessous.")],
    "cost_overrun": [("Le budget augmente", "Le chantier coûtera plus cher que prévu. Le conseil municipal a voté un complément de budget ; voici pourquoi, en toute transparence.")],
    "suspension": [("Le chantier est arrêté", "Le chantier est mis en sécurité et arrêté. Il reprendra dès que le problème sera réglé ; nous publierons la date de reprise ici.")],
    "cancellation": [("Le projet est abandonné", "Le projet ne se fera pas sous cette forme. Nous expliquons pourquoi, et ce que la ville propose à la place.")],
}
REASONS = {
    "delay": ["Découverte de réseaux anciens non répertoriés sous la chaussée, qui doivent être remplacés avant de refaire la surface.",
              "Intempéries : les pluies ont empêché de couler le béton et de poser les enrobés pendant plusieurs semaines.",
              "Fouilles archéologiques préventives demandées par l'État après la découverte de vestiges.",
              "Retard de livraison des matériaux commandés par l'entreprise, dû à une pénurie chez le fabricant.",
              "L'entreprise titulaire a été placée en liquidation judiciaire ; une nouvelle consultation est nécessaire."],
    "cost_overrun": ["Le prix de l'acier et des enrobés a fortement augmenté depuis la signature du marché.",
                     "Des terres polluées ont été découvertes et doivent être évacuées vers une filière spécialisée.",
                     "Le sol est moins solide que prévu : des fondations plus profondes sont nécessaires."],
    "suspension": ["Découverte d'amiante dans les enduits : le chantier est arrêté le temps du désamiantage.",
                   "L'entreprise de plomberie a quitté le chantier ; une nouvelle entreprise doit être choisie.",
                   "Un recours a été déposé devant le tribunal administratif contre le permis de construire."],
    "cancellation": ["Le coût a doublé après les études de sol ; le conseil municipal a préféré une autre solution moins chère.",
                     "Les habitants ont voté contre le projet lors de la consultation ; la ville respecte ce choix.",
                     "La subvention de l'État qui finançait la moitié du projet a été supprimée."],
}
MILESTONES = ["Réunion publique de présentation", "Choix de l'entreprise", "Début des travaux",
              "Réseaux souterrains terminés", "Gros œuvre terminé", "Première phase terminée",
              "Seconde phase terminée", "Plantations", "Réception des travaux", "Ouverture au public"]
SERVICES = [
    ("Services techniques – Voirie et espaces publics", "voirie"), ("Direction des bâtiments", "batiments"),
    ("Service des espaces verts", "espaces-verts"), ("Direction de l'eau et de l'assainissement", "eau"),
    ("Service mobilités", "mobilites"), ("Direction de la culture", "culture"),
    ("Direction de l'éducation", "education"), ("Service des sports", "sports"),
]
WORKS_KINDS = ["closure"] * 5 + ["lane_restriction"] * 4 + ["parking_ban"] * 5 + ["detour"] + \
    ["alternating_traffic"] * 3 + ["noise"] + ["other"]
WORKS_TITLES = {
    "closure": "Fermeture {de_rue}", "lane_restriction": "Voie réduite {de_rue}",
    "parking_ban": "Stationnement interdit {de_rue}", "detour": "Déviation {de_rue}",
    "alternating_traffic": "Circulation alternée {de_rue}", "noise": "Travaux de nuit {de_rue}",
    "other": "Occupation du domaine public {de_rue}",
}
WORKS_PURPOSES = ["réseau d'eau", "fibre optique", "réseau de gaz", "enrobés", "élagage",
                  "livraison de matériaux", "déménagement", "grue de chantier", "marquage au sol",
                  "branchement électrique", "ravalement de façade", "assainissement"]
HOURS = ["Mo-Fr 07:30-17:00", "Mo-Fr 07:30-17:30", "Mo-Fr 08:00-16:30", "Mo-Sa 07:00-19:00",
         "Mo-Fr 21:00-05:00", "Sa 06:00-13:00"]
WITHDRAWALS = [
    "Arrêté retiré : le chantier lié est suspendu, un nouvel arrêté sera pris à la reprise des travaux.",
    "Arrêté retiré à la demande du concessionnaire, qui a reporté son intervention.",
    "Arrêté retiré : la livraison n'aura pas lieu à cette date.",
]
ARTICLE_GOOD = [
    ("{Titre} : c'est terminé", "Les travaux sont terminés, dans les délais et dans le budget prévus."),
    ("{Titre} : les travaux commencent lundi", "Voici ce qui change pour vous pendant le chantier, semaine par semaine."),
    ("{Titre} : vous avez choisi", "Le résultat de la consultation est connu : voici le projet retenu et la suite du calendrier."),
]
ARTICLE_BAD = [
    ("{Titre} : un nouveau retard, nous vous expliquons pourquoi", "La fin du chantier est repoussée. C'est une mauvaise nouvelle, et nous préférons vous la donner tout de suite."),
    ("{Titre} : le chantier est arrêté", "Le chantier est suspendu. Voici pourquoi, et ce qui se passe maintenant."),
    ("{Titre} : le projet coûtera plus cher", "Le budget augmente. Voici le détail des dépenses supplémentaires et leur raison."),
    ("{Titre} : le projet est abandonné", "Le projet ne se fera pas. Nous vous expliquons pourquoi et ce que la ville propose à la place."),
]
ARTICLE_SECTIONS = [
    ("Ce qui se passe", [
        "Les équipes de l'entreprise sont sur place depuis plusieurs semaines. Les travaux les plus bruyants ont lieu le matin, entre 8 h et 12 h, et jamais le week-end.",
        "Les réseaux souterrains ont été remplacés sur toute la longueur de la rue. Il reste la reprise de la surface : trottoirs, chaussée et marquage au sol.",
        "Il a plu 24 jours sur 31 le mois dernier. Or certains travaux, comme l'étanchéité d'un toit ou la pose des enrobés, ne peuvent pas être faits sous la pluie.",
    ]),
    ("Ce qui change pour vous", [
        "La rue est fermée à la circulation en journée, sauf pour les riverains, les livraisons et les secours. Une déviation est indiquée sur place.",
        "Le stationnement est interdit des deux côtés pendant la durée du chantier. Le parking de la place voisine reste gratuit pour les riverains.",
        "Les bus ne desservent plus l'arrêt habituel : l'arrêt provisoire est installé cinquante mètres plus loin.",
    ]),
    ("Et le budget ?", [
        "À ce jour, ce report n'entraîne pas de dépense supplémentaire pour la ville. Si cela devait changer, nous l'annoncerons ici, comme pour tous les projets.",
        "Le complément de budget a été voté par le conseil municipal. Le détail des dépenses est publié dans les données ouvertes de la ville.",
    ]),
    ("Pour suivre le chantier", [
        "Vous pouvez suivre l'avancement, étape par étape, sur la page du projet et recevoir les nouvelles dans la lettre d'information de votre secteur.",
        "Une réunion publique aura lieu le mois prochain à la maison de quartier. Les services techniques répondront à toutes vos questions.",
    ]),
]


# --- helpers -----------------------------------------------------------------------------------
def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    """A literal block scalar (|) indented by indent spaces."""
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.splitlines()) + "\n"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def day(value: dt.date) -> str:
    return value.isoformat()


@dataclass
class Street:
    kind: str
    name: str
    de_form: str

    @property
    def full(self) -> str:  # "Rue des Lilas"
        return f"{self.kind} {self.name}"

    @property
    def de(self) -> str:  # "de la rue des Lilas"
        return f"{self.de_form} {self.name}"

    @property
    def lower(self) -> str:  # "rue des Lilas"
        return f"{self.kind.lower()} {self.name}"


@dataclass
class SectorInfo:
    id: str
    quarter: str
    cell: tuple[float, float, float, float]  # lon0, lat0, lon1, lat1

    def point(self, rng: random.Random) -> tuple[float, float]:
        lon0, lat0, lon1, lat1 = self.cell
        margin = CELL * 0.15
        return (round(rng.uniform(lon0 + margin, lon1 - margin), 5),
                round(rng.uniform(lat0 + margin, lat1 - margin), 5))

    def spot(self, name: str) -> tuple[float, float]:
        """A point of the sector drawn from a name, not from the city's random generator."""
        lon0, lat0, lon1, lat1 = self.cell
        margin = CELL * 0.15
        return (round(lon0 + margin + seeded(name, self.id + "x") * (CELL - 2 * margin), 5),
                round(lat0 + margin + seeded(name, self.id + "y") * (CELL - 2 * margin), 5))


@dataclass
class ProjectInfo:
    id: str
    title: str
    sector_ids: list[str]
    street: Street
    start: dt.date
    end: dt.date
    status: str


class CityWriter:
    def __init__(self, size: Size, seed: int, out: Path, source: Path = REPO):
        self.size, self.seed, self.out, self.source = size, seed, out, source
        self.rng = random.Random(seed)
        self.sectors: list[SectorInfo] = []
        self.projects: list[ProjectInfo] = []
        self.streets = [Street(kind, name, de_form) for kind, de_form in dict(STREET_TYPES).items()
                        for name in STREET_NAMES]
        self.streets.sort(key=lambda s: (s.kind, s.name))
        # Where the records put each street, by sector: drawn into the city's extract (write_extract).
        self.located: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = {}

    def locate(self, sector_id: str, street: str, exact=(), near=()) -> None:
        """Note where a record puts a street: exactly (its geometry) or near (a point beside it)."""
        entry = self.located.setdefault((sector_id, street), {"exact": [], "near": []})
        entry["exact"] += exact
        entry["near"] += near

    # files
    def write(self, relative: str, text: str) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    def street(self) -> Street:
        return self.rng.choice(self.streets)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    # --- the site ---
    def run(self) -> None:
        self.write_settings()
        self.write_sectors()
        self.write_projects()
        self.write_works()
        self.write_meetings()
        self.write_articles()
        self.write_reports()
        self.write_extract()
        counts = self.size
        self.write(MARKER, (f"Ville synthétique Clairvoie (bench/make_city.py) : {CITY}\n"
                            f"seed {self.seed} ; {counts.sectors} secteurs, {counts.projects} projets, "
                            f"{counts.works} arrêtés, {counts.articles} actualités, {counts.meetings} réunions, "
                            f"{counts.panels} panneaux, {counts.photos} photos, {counts.reports} signalements\n"))

    def write_settings(self) -> None:
        """The repository's pelicanconf.py, with this city's names and the repository's theme."""
        text = (self.source / "pelicanconf.py").read_text(encoding="utf-8")
        replacements = {
            "AUTHOR": q(f"Ville de {CITY}"),
            "SITENAME": q(f"{CITY} — Travaux et projets (ville synthétique)"),
            "PATH": q("content"),
            "OUTPUT_PATH": q("output"),
            "THEME": q(str(self.source / "themes" / "clairvoie")),
            "CLAIRVOIE_FEED_DOMAIN": q(DOMAIN),
            "CLAIRVOIE_PODCAST_TITLE": q(f"Le point travaux de {CITY}"),
            "CLAIRVOIE_PODCAST_OWNER_EMAIL": q(f"communication@{DOMAIN}"),
            "CLAIRVOIE_NEWSLETTER_SITEURL": q(f"https://www.{DOMAIN}"),
            "CLAIRVOIE_NEWSLETTER_FROM": q(f"Ville de {CITY} <lettre@{DOMAIN}>"),
        }
        for name, value in replacements.items():
            text = re.sub(rf"(?m)^{name} = .*$", lambda _m, n=name, v=value: f"{n} = {v}", text)
        text = text.replace("Villebrune-sur-Lise", CITY).replace("villebrune-sur-lise.fr", DOMAIN)
        header = ("# Written by bench/make_city.py from the repository's pelicanconf.py:\n"
                  "# a synthetic city for the benchmark, built with the repository's theme.\n")
        self.write("pelicanconf.py", header + text)

    def write_sectors(self) -> None:
        n = self.size.sectors
        columns = math.ceil(math.sqrt(n))
        rows = math.ceil(n / columns)
        lon_origin = CENTER[0] - columns * CELL / 2
        lat_origin = CENTER[1] - rows * CELL / 2
        panels_of: dict[int, int] = {}
        for p in range(self.size.panels):
            panels_of[p % n] = panels_of.get(p % n, 0) + 1
        for index in range(n):
            quarter = QUARTERS[index % len(QUARTERS)] + ("" if index < len(QUARTERS) else f" {index // len(QUARTERS) + 1}")
            sector_id = f"secteur-{index + 1}"
            col, row = index % columns, index // columns
            lon0, lat0 = lon_origin + col * CELL, lat_origin + row * CELL
            cell = (lon0, lat0, lon0 + CELL, lat0 + CELL)
            self.sectors.append(SectorInfo(sector_id, quarter, cell))
            jitter = lambda: self.rng.uniform(-CELL * 0.04, CELL * 0.04)  # noqa: E731
            ring = [(lon0, lat0), (lon0 + CELL / 2 + jitter(), lat0), (lon0 + CELL, lat0),
                    (lon0 + CELL, lat0 + CELL / 2 + jitter()), (lon0 + CELL, lat0 + CELL),
                    (lon0, lat0 + CELL), (lon0, lat0)]
            coordinates = "\n".join(f"      - [{lon:.5f}, {lat:.5f}]" for lon, lat in ring)
            lines = [
                "# Secteur de la ville synthétique du banc d'essai (bench/make_city.py)",
                f"name: {q(f'Secteur {index + 1} – {quarter}')}",
                f"short_name: {q(quarter)}",
                "description: " + block(
                    f"Le quartier **{quarter}**, ses écoles, ses commerces et ses rues résidentielles.\n"
                    f"Environ {self.rng.randint(4, 18) * 1000} habitants y vivent ; la mairie de secteur "
                    f"vous accueille du lundi au samedi matin.", 2).rstrip("\n"),
                "contact:",
                f"  service: {q(f'Mairie de secteur {quarter} – Service proximité')}",
                f"  email: secteur{index + 1}@{DOMAIN}",
                f"  phone: 04 78 {50 + index % 40:02d} 10 {index % 100:02d}",
                f"  address: {q(f'Mairie de secteur, 1 place {self.rng.choice(PLACE_NAMES)}, {POSTCODE} {CITY}')}",
                "geometry:",
                "  type: Polygon",
                "  coordinates:",
                "    -" + coordinates[5:],
            ]
            if panels_of.get(index):
                lines.append("panels:")
                for k in range(panels_of[index]):
                    street = self.street()
                    lines += [
                        f"  - id: panneau-{sector_id}-{k + 1}",
                        f"    name: {q(f'{street.full}, devant le n°{self.rng.randint(1, 80)}')}",
                        f"    lines: {self.rng.choice([2, 3, 4, 4, 6])}",
                        f"    columns: {self.rng.choice([16, 20, 20, 24, 32, 40])}",
                        f"    charset: {self.rng.choice(['ascii', 'latin-1', 'latin-1', 'utf-8'])}",
                    ]
            self.write(f"sectors/{sector_id}.yaml", "\n".join(lines) + "\n")

    def project_sectors(self) -> list[str]:
        roll = self.rng.random()
        if roll < 0.02:
            return ["all"]
        first = self.rng.randrange(len(self.sectors))
        if roll < 0.12 and len(self.sectors) > 1:
            second = (first + 1 + self.rng.randrange(len(self.sectors) - 1)) % len(self.sectors)
            return [self.sectors[first].id, self.sectors[second].id]
        return [self.sectors[first].id]

    def write_projects(self) -> None:
        categories = list(PROJECT_KINDS)
        photo_every = max(1, self.size.projects // max(1, self.size.photos))
        for index in range(self.size.projects):
            rng = self.rng
            category = categories[index % len(categories)] if index < len(categories) else rng.choice(categories)
            sector_ids = self.project_sectors()
            home = next((s for s in self.sectors if s.id == sector_ids[0]), self.sectors[0])
            street = self.street()
            title = rng.choice(PROJECT_KINDS[category]).format(
                de_rue=street.de, rue=street.lower, nom=rng.choice(PLACE_NAMES), quartier=home.quarter)
            project_id = f"{slugify(title)}-{index + 1:05d}"
            objet = f"la {street.lower}" if "{de_rue}" in title or category in ("voirie", "mobilité") else "l'équipement"
            status = rng.choices(["planned", "in_progress", "completed", "suspended", "cancelled"],
                                 weights=[25, 35, 25, 7, 8])[0]
            duration = rng.randint(60, 720)
            if status == "planned":
                start = self.date_between(BUILD_DATE + dt.timedelta(days=20), BUILD_DATE + dt.timedelta(days=540))
            elif status == "completed":
                start = self.date_between(dt.date(2023, 1, 9), BUILD_DATE - dt.timedelta(days=duration + 30))
            else:
                start = self.date_between(BUILD_DATE - dt.timedelta(days=duration + 200), BUILD_DATE - dt.timedelta(days=30))
            end = start + dt.timedelta(days=duration)
            self.projects.append(ProjectInfo(project_id, title, sector_ids, street, start, end, status))
            budget = rng.choice([45, 80, 120, 250, 420, 900, 1600, 2400]) * 1000

            lines = [
                "# Fiche projet — ville synthétique du banc d'essai (bench/make_city.py)",
                f"title: {q(title)}",
                "sectors:", *[f"  - {s}" for s in sector_ids],
                f"category: {category}",
                f"summary: {q(rng.choice(SUMMARIES).format(objet=objet, Objet=capital(objet)))}",
            ]
            items = rng.sample(DESCRIPTION_ITEMS, rng.randint(2, 5))
            description = "\n\n".join([
                rng.choice(DESCRIPTION_OPENINGS).format(objet=objet, Objet=capital(objet), quartier=home.quarter),
                "Le projet comprend :\n\n" + "\n".join(f"- {item} ;" for item in items[:-1]) + f"\n- {items[-1]}.",
                rng.choice(DESCRIPTION_CLOSINGS),
            ])
            lines.append("description: " + block(description, 2).rstrip("\n"))
            lines.append(f"status: {status}")
            if rng.random() < 0.6:
                lines.append(f"participation: {rng.choice(['inform', 'consult', 'concert', 'codecide'])}")
            lon, lat = home.point(rng)
            lines += ["location:", f"  address: {q(f'{street.full}, du n°{rng.randint(1, 20)} au n°{rng.randint(21, 120)}')}",
                      f"  lat: {lat}", f"  lon: {lon}"]
            trace = []
            if rng.random() < 0.3:
                lines += ["  geometry:", "    type: LineString", "    coordinates:"]
                for k in range(3):
                    lines.append(f"      - [{lon + k * 0.0012:.5f}, {lat + k * 0.0004:.5f}]")
                    trace.append((float(f"{lon + k * 0.0012:.5f}"), float(f"{lat + k * 0.0004:.5f}")))
            self.locate(home.id, street.full, exact=trace, near=[(lon, lat)])
            # the schedule and the news that moved it
            updates: list[tuple[dt.date, str]] = []
            current_end, current_budget = end, budget
            planned_start = start
            actual_start = start + dt.timedelta(days=rng.randint(0, 14)) if status != "planned" and rng.random() < 0.9 else None
            if rng.random() < 0.7:
                updates.append((start - dt.timedelta(days=rng.randint(30, 120)), "decision"))
            if actual_start:
                updates.append((actual_start, "progress"))
            late_roll = rng.random()
            if status in ("in_progress", "completed", "suspended") and late_roll < 0.3:
                updates.append((self.date_between(start + dt.timedelta(days=20), min(end, BUILD_DATE)), "delay"))
                if late_roll < 0.08:
                    updates.append((self.date_between(start + dt.timedelta(days=40), min(end + dt.timedelta(days=60), BUILD_DATE)), "delay"))
            if status != "planned" and rng.random() < 0.15:
                updates.append((self.date_between(start + dt.timedelta(days=10), min(end, BUILD_DATE)), "cost_overrun"))
            if status == "in_progress" and rng.random() < 0.5:
                updates.append((self.date_between(start + dt.timedelta(days=10), BUILD_DATE), rng.choice(["progress", "info"])))
            if status == "suspended":
                updates.append((self.date_between(start + dt.timedelta(days=15), BUILD_DATE - dt.timedelta(days=1)), "suspension"))
            if status == "cancelled":
                updates.append((self.date_between(start - dt.timedelta(days=20), BUILD_DATE - dt.timedelta(days=1)), "cancellation"))
            if status == "completed":
                updates.append((min(end + dt.timedelta(days=rng.randint(0, 40)), BUILD_DATE - dt.timedelta(days=1)), "completion"))
            updates.sort()
            spent = 0
            if status in ("in_progress", "suspended"):
                spent = int(budget * rng.uniform(0.1, 0.8))
            elif status == "completed":
                spent = int(budget * rng.uniform(0.9, 1.0))
            update_lines = []
            for date, kind in updates:
                heading, body = rng.choice(UPDATE_TEXTS[kind])
                update_lines += [f"  - date: {day(date)}", f"    kind: {kind}", f"    title: {q(heading)}",
                                 "    body: " + block(body, 6).rstrip("\n")]
                if kind in REASONS:
                    update_lines.append(f"    reason: {q(rng.choice(REASONS[kind]))}")
                if kind == "delay":
                    current_end = max(current_end, date) + dt.timedelta(days=rng.randint(30, 240))
                    update_lines.append(f"    new_planned_end: {day(current_end)}")
                if kind == "cost_overrun":
                    current_budget = int(current_budget * rng.uniform(1.08, 1.4)) // 1000 * 1000
                    update_lines.append(f"    new_budget: {current_budget}")
            if status == "completed":
                spent = int(current_budget * rng.uniform(0.92, 1.12))  # some end over budget
            lines += ["budget:", f"  planned: {budget}"] + ([f"  spent: {spent}"] if spent else [])
            lines += ["schedule:", f"  planned_start: {day(planned_start)}", f"  planned_end: {day(end)}"]
            if actual_start:
                lines.append(f"  actual_start: {day(actual_start)}")
            if status == "completed":
                lines.append(f"  actual_end: {day(max(updates[-1][0], actual_start or start))}")
            milestone_dates = sorted(self.date_between(start - dt.timedelta(days=60), current_end)
                                     for _ in range(rng.randint(2, 5)))
            lines.append("milestones:")
            for date, name in zip(milestone_dates, rng.sample(MILESTONES, len(milestone_dates))):
                lines += [f"  - date: {day(date)}", f"    title: {q(name)}",
                          f"    done: {'true' if date < BUILD_DATE and status != 'cancelled' else 'false'}"]
            if update_lines:
                lines += ["updates:", *update_lines]
            if self.size.photos and index % photo_every == 0 and index // photo_every < self.size.photos:
                photo = f"photos/{project_id}/avant.jpg"
                self.write_photo(photo)
                lines += ["photos:", f"  - file: {photo}",
                          f"    alt: {q(f'La {street.lower} avant les travaux : chaussée fissurée et trottoir étroit.')}",
                          f"    caption: {q('Avant le chantier.')}", "    stage: before"]
            if rng.random() < 0.3:
                lines += ["documents:", f"  - title: {q('Délibération du conseil municipal')}",
                          f"    url: https://www.{DOMAIN}/deliberations/{start.year}/{index + 1:05d}.pdf"]
            service, mailbox = rng.choice(SERVICES)
            lines += ["contact:", f"  service: {q(service)}", f"  email: {mailbox}@{DOMAIN}",
                      f"  phone: 04 78 52 20 {10 + SERVICES.index((service, mailbox)) * 10}"]
            self.write(f"content/projects/{project_id}.yaml", "\n".join(lines) + "\n")

    def write_photo(self, relative: str) -> None:
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (160, 120), (self.rng.randrange(256), self.rng.randrange(256), self.rng.randrange(256)))
        draw = ImageDraw.Draw(image)
        for _ in range(6):
            x, y = self.rng.randrange(150), self.rng.randrange(110)
            draw.rectangle((x, y, x + self.rng.randint(8, 60), y + self.rng.randint(8, 40)),
                           fill=(self.rng.randrange(256), self.rng.randrange(256), self.rng.randrange(256)))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        path = self.out / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())

    def write_works(self) -> None:
        by_sector: dict[str, list[ProjectInfo]] = {}
        for project in self.projects:
            if project.status in ("cancelled",):
                continue
            for sector_id in (project.sector_ids if project.sector_ids != ["all"] else [s.id for s in self.sectors]):
                by_sector.setdefault(sector_id, []).append(project)
        for index in range(self.size.works):
            rng = self.rng
            sector = rng.choice(self.sectors)
            kind = rng.choice(WORKS_KINDS)
            project = None
            if rng.random() < 0.6 and by_sector.get(sector.id):
                project = rng.choice(by_sector[sector.id])
            street = project.street if project and rng.random() < 0.7 else self.street()
            if project:
                start = self.date_between(project.start, max(project.start, project.end - dt.timedelta(days=7)))
            else:
                start = self.date_between(BUILD_DATE - dt.timedelta(days=600), BUILD_DATE + dt.timedelta(days=200))
            end = start + dt.timedelta(days=rng.choice([0, 1, 2, 4, 7, 14, 21, 30, 45, 60, 90, 120, 180]))
            number = index + 1
            reference = f"{start.year}-ARR-{number:05d}"
            works_id = f"arr-{start.year}-{number:05d}-{slugify(street.full)}"
            purpose = project.title if project else rng.choice(WORKS_PURPOSES)
            title = WORKS_TITLES[kind].format(de_rue=street.de) + f" ({purpose[0].lower() + purpose[1:]})"
            lines = [
                "# Arrêté de travaux — ville synthétique du banc d'essai (bench/make_city.py)",
                f"reference: {reference}",
                f"title: {q(title)}",
                "sectors:", f"  - {sector.id}",
                f"kind: {kind}",
                f"street: {q(street.full)}",
                f"section: {q(f'du n°{rng.randint(1, 30)} au n°{rng.randint(31, 140)}')}",
            ]
            if rng.random() < 0.97:  # a few without a trace, as in real life
                lon, lat = sector.point(rng)
                if kind == "parking_ban" and rng.random() < 0.7:
                    lines += ["geometry:", "  type: Point", f"  coordinates: [{lon}, {lat}]"]
                    self.locate(sector.id, street.full, exact=[(lon, lat)])
                else:
                    lines += ["geometry:", "  type: LineString", "  coordinates:"]
                    trace = [(float(f"{lon + k * 0.0009:.5f}"), float(f"{lat + k * 0.0003:.5f}")) for k in range(3)]
                    lines += [f"    - [{x:.5f}, {y:.5f}]" for x, y in trace]
                    self.locate(sector.id, street.full, exact=trace)
            else:  # the street is in the extract all the same, somewhere in the sector
                self.locate(sector.id, street.full, near=[sector.spot(street.full)])
            if rng.random() < 0.15:
                hour = rng.choice([7, 8, 9, 20, 21])
                lines += [f"start: {day(start)}T{hour:02d}:00:00", f"end: {day(end)}T{min(hour + rng.randint(2, 9), 23):02d}:00:00"]
            else:
                lines += [f"start: {day(start)}", f"end: {day(end)}"]
            if rng.random() < 0.6:
                lines.append(f"hours: {rng.choice(HOURS)}")
            if kind in ("closure", "lane_restriction", "alternating_traffic", "detour"):
                lines.append(f"direction: {rng.choice(['both', 'one'])}")
            if kind in ("closure", "detour") or rng.random() < 0.2:
                other, third = self.street(), self.street()
                lines.append("detour: " + block(
                    f"Déviation par la **{other.lower}** et la **{third.lower}**. "
                    "Accès riverains, livraisons et secours maintenus.", 2).rstrip("\n"))
            if project:
                lines.append(f"project: {project.id}")
            lines += [f"issued_by: {q(f'Le Maire de {CITY}')}",
                      f"signed: {day(start - dt.timedelta(days=rng.randint(3, 20)))}",
                      f"document: https://www.{DOMAIN}/arretes/{start.year}/{reference.lower()}.pdf"]
            if rng.random() < 0.05 or (project and project.status == "suspended" and rng.random() < 0.5):
                lines.append(f"cancelled: {q(rng.choice(WITHDRAWALS))}")
            self.write(f"content/works/{works_id}.yaml", "\n".join(lines) + "\n")

    def write_meetings(self) -> None:
        for index in range(self.size.meetings):
            rng = self.rng
            sector = rng.choice(self.sectors)
            date = self.date_between(BUILD_DATE - dt.timedelta(days=300), BUILD_DATE + dt.timedelta(days=120))
            level = rng.choice(["inform", "consult", "concert", "codecide"])
            project = rng.choice(self.projects)
            title = rng.choice([f"Réunion d'information du secteur {sector.quarter}",
                                f"Atelier : {project.title[0].lower() + project.title[1:]}",
                                f"Réunion publique : {project.title[0].lower() + project.title[1:]}",
                                f"Conseil de quartier {sector.quarter}"])
            lines = [
                "# Réunion publique — ville synthétique du banc d'essai (bench/make_city.py)",
                f"title: {q(title)}",
                "sectors:", f"  - {sector.id}",
                f"start: {day(date)}T18:30:00",
                f"end: {day(date)}T20:30:00",
                f"place: {q(f'Maison de quartier {sector.quarter}, {rng.randint(1, 40)} {self.street().lower}')}",
                f"participation: {level}",
                "description: " + block(
                    f"Point sur les chantiers du secteur {sector.quarter}, dont {project.title[0].lower() + project.title[1:]}.\n\n"
                    "Les services techniques présenteront le calendrier et répondront à vos questions ; "
                    "les retards et les surcoûts seront expliqués.", 2).rstrip("\n"),
            ]
            if rng.random() < 0.5:
                lines.append(f"registration_url: https://www.{DOMAIN}/participation/{index + 1:04d}")
            self.write(f"content/events/reunion-{index + 1:04d}-{slugify(sector.quarter)}.yaml", "\n".join(lines) + "\n")

    def write_articles(self) -> None:
        for index in range(self.size.articles):
            rng = self.rng
            project = rng.choice(self.projects)
            bad = project.status in ("suspended", "cancelled") or rng.random() < 0.3
            heading, lead = rng.choice(ARTICLE_BAD if bad else ARTICLE_GOOD)
            title = heading.format(Titre=project.title)
            date = self.date_between(BUILD_DATE - dt.timedelta(days=400), BUILD_DATE - dt.timedelta(days=1))
            slug = f"{slugify(title)[:60].strip('-')}-{index + 1:04d}"
            sectors = [] if project.sector_ids == ["all"] or rng.random() < 0.1 else project.sector_ids
            body = [lead + f" Le projet « {project.title} » est suivi pas à pas sur "
                    f"[sa page](/projets/{project.id}/)."]
            for section, paragraphs in rng.sample(ARTICLE_SECTIONS, rng.randint(2, 4)):
                body.append(f"## {section}")
                body += rng.sample(paragraphs, rng.randint(1, len(paragraphs)))
            header = [f"Title: {title}", f"Date: {day(date)} {rng.randint(8, 18):02d}:00", f"Slug: {slug}",
                      f"Summary: {lead}"]
            if sectors:
                header.append("Sectors: " + ", ".join(sectors))
            self.write(f"content/actualites/{slug}.md", "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n")


    def write_reports(self) -> None:
        """Residents' reports, as `clairvoie signalements import` writes them, in every stage."""
        services_file = self.source / "content" / "signalements" / "services.yaml"
        services_text = services_file.read_text(encoding="utf-8")
        self.write("content/signalements/services.yaml", services_text)
        codes = re.findall(r"(?m)^  - code: (\S+)$", services_text)
        rng = random.Random(self.seed * 7919 + 311)  # their own: the other records stay the same
        for index in range(self.size.reports):
            number = f"2026-{index + 1:06d}"
            sector = rng.choice(self.sectors)
            lon, lat = sector.point(rng)
            path = REPORT_PATHS[rng.randrange(len(REPORT_PATHS))]
            # Most reports still open are recent; a few are long overdue, as in real life.
            oldest = 400 if path[-1:] in (["resolved"], ["closed"]) or rng.random() < 0.2 else 45
            received = dt.datetime.combine(self.date_between_with(rng, BUILD_DATE - dt.timedelta(days=oldest),
                                                                  BUILD_DATE - dt.timedelta(days=1)),
                                           dt.time(rng.randint(7, 19), rng.choice([0, 15, 30, 45])))
            stages = [(received, "received", [])]
            moment = received
            for stage in path:
                moment += dt.timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 13, 21]), hours=rng.randint(1, 6))
                if moment.date() >= BUILD_DATE:
                    break
                extra = []
                if stage == "scheduled":
                    expected = moment.date() + dt.timedelta(days=rng.choice([3, 7, 14, 30]))
                    extra = [f"    expected: '{expected.isoformat()}'"]
                elif stage == "closed":
                    extra = [f"    reason: {q(rng.choice(CLOSING_REASONS))}"]
                stages.append((moment, stage, extra))
            service = rng.choice(codes)
            street = self.streets[rng.randrange(len(self.streets))].full  # drawn in this order: same records
            self.locate(sector.id, street, near=[(round(lon, 3), round(lat, 3))])
            lines = ["# Signalement — ville synthétique du banc d'essai (bench/make_city.py)",
                     f"number: {number}", f"service: {service}",
                     f"received: '{received.isoformat()}'",
                     "location:", f"  street: {q(street)}",
                     f"  lat: {round(lat, 3)}", f"  lon: {round(lon, 3)}",
                     "history:"]
            for moment, stage, extra in stages:
                lines += [f"  - date: '{moment.isoformat()}'", f"    stage: {stage}", *extra]
            lines += ["source:", "  system: open311", f"  id: {number}"]
            self.write(f"content/signalements/{number}.yaml", "\n".join(lines) + "\n")

    def write_extract(self) -> None:
        """The city's OpenStreetMap extract (content/osm/, as the demo city's): in each sector, a
        course for each street through the points its records give there (a works order's trace is
        part of its street), squares for the "Place …", a river, a park a sector and a loose grid of
        unnamed streets. Drawn from the records and from names: the city's random generators are
        not used, so every other file is the same with or without it."""
        from shapely.geometry import LineString, Polygon, box
        from shapely.ops import unary_union

        folder = self.out / "content" / "osm"
        folder.mkdir(parents=True, exist_ok=True)
        writer = osm_town.Writer(str(folder / "commune.osm.pbf"), "clairvoie bench/make_city.py", OSM_DATE)
        area = unary_union([box(*sector.cell) for sector in self.sectors])
        west, south, east, north = area.bounds
        river = LineString([(west - 0.002 + (east - west + 0.004) * t / 12,
                             south + (north - south) * (0.75 - 0.5 * t / 12) + (seeded(f"{t}", "river") - 0.5) * 0.003)
                            for t in range(13)])
        parks = {f"Parc {sector.quarter}": Polygon(osm_town.square(sector.spot("parc"), 90)) for sector in self.sectors}
        for line in osm_town.filler_streets(area, unary_union([river.buffer(0.0004), *parks.values()])):
            writer.way(line, {"highway": "residential"})
        writer.way(list(river.coords), {"waterway": "river", "name": "la Vauxelle"})
        writer.way(list(river.buffer(0.00022, cap_style="flat").exterior.coords),
                   {"natural": "water", "water": "river", "name": "la Vauxelle"})
        for name, polygon in parks.items():
            writer.way(list(polygon.exterior.coords), {"leisure": "park", "name": name})
        order = {sector.id: index for index, sector in enumerate(self.sectors)}
        for (sector_id, name), points in sorted(self.located.items(), key=lambda item: (order[item[0][0]], item[0][1])):
            for exact, near in street_pieces(points["exact"], points["near"]):
                if osm_town.is_square(name):
                    writer.way(osm_town.place_outline(exact or near), {"highway": "pedestrian", "area": "yes", "name": name})
                    continue
                highway = osm_town.highway_of(name)
                writer.way(osm_town.course(f"{sector_id} {name}", exact, near, STREET_REACH_M),
                           {"highway": highway, "name": name})
        writer.close()
        self.write("content/osm/source.yaml", (
            "# L'extrait OpenStreetMap de la ville synthétique du banc d'essai, lu par la construction\n"
            "# pour dessiner les rues sur les cartes et faire les tuiles de la carte interactive.\n"
            "# Dessiné par bench/make_city.py avec les noms de rues de ses fiches (docs/cartes.md).\n"
            "file: commune.osm.pbf\n"
            f"commune: {CITY} (ville synthétique du banc d'essai, fictive)\n"
            "source: bench/make_city.py (données dessinées, au format OpenStreetMap)\n"
            f"date: {OSM_DATE[:10]}\n"
            "licence: ODbL 1.0 (Open Database License), https://opendatacommons.org/licenses/odbl/1-0/\n"
            "attribution: © les contributeurs d'OpenStreetMap, https://www.openstreetmap.org/copyright\n"))

    @staticmethod
    def date_between_with(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def street_pieces(exact: list, near: list) -> list[tuple[list, list]]:
    """A street's points in one sector, in pieces: points within STREET_SPAN_M of one another
    (step by step) make one piece, (exact points, near points) each."""
    pieces: list[list[tuple[str, tuple[float, float]]]] = []
    for point in [("exact", p) for p in exact] + [("near", p) for p in near]:
        joined = [piece for piece in pieces if any(
            math.hypot((point[1][0] - other[0]) * osm_town.K, point[1][1] - other[1]) * osm_town.METRES_PER_DEGREE
            <= STREET_SPAN_M for _, other in piece)]
        merged = [point] + [p for piece in joined for p in piece]
        pieces = [piece for piece in pieces if piece not in joined] + [merged]
    return sorted(([p for kind, p in piece if kind == "exact"], [p for kind, p in piece if kind == "near"])
                  for piece in pieces)


def make_city(size: str, seed: int, out: Path, source: Path = REPO) -> Path:
    """Write the city into out (emptied first if it is a city written here before).

    source: where pelicanconf.py and themes/clairvoie are taken from (the repository,
    or a snapshot of one of its commits).
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SystemExit(f"{out} n'est pas vide et n'est pas une ville synthétique : rien n'est écrit.")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    CityWriter(SIZES[size], seed, out, Path(source).resolve()).run()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="dossier du site (défaut : bench/work/city-<size>-<seed>)")
    args = parser.parse_args(argv)
    out = args.out or REPO / "bench" / "work" / f"city-{args.size}-{args.seed}"
    make_city(args.size, args.seed, out)
    size = SIZES[args.size]
    print(f"{out} : {size.sectors} secteurs, {size.projects} projets, {size.works} arrêtés, "
          f"{size.articles} actualités, {size.meetings} réunions, {size.panels} panneaux, {size.photos} photos, "
          f"{size.reports} signalements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
