"""Write the demo city's Open311 export (services.json, requests.json, servicerequestupdates.json).

The export is what Villebrune-sur-Lise's request tool would give: ~40 reports received
between August and November 2026 at every stage, on the streets of the demo's projects,
each point checked inside a sector's outline; and, on purpose, full of fake personal
data (names, e-mails, phones, device ids, photos) that the import must never write.

    PYTHONPATH=plugins .venv/bin/python demo/open311/generate.py

Deterministic: the same files every run (a fixed seed, no clock).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from shapely.geometry import Point, shape

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PARIS = ZoneInfo("Europe/Paris")

SERVICES = [
    # code, name, group, keywords
    ("eclairage", "Éclairage public en panne", "Voirie et éclairage", "lampadaire, réverbère, lampe, lumière, éclairage"),
    ("nid-de-poule", "Chaussée abîmée, nid-de-poule", "Voirie et éclairage", "nid de poule, trou, chaussée, bitume, enrobé"),
    ("signalisation", "Panneau ou feu de signalisation", "Voirie et éclairage", "panneau, feu rouge, marquage, signalisation"),
    ("bacs", "Bac ou conteneur à déchets", "Propreté", "poubelle, conteneur, bac, ordures, tri, verre"),
    ("tags", "Tags et graffitis", "Propreté", "tag, graffiti, affichage sauvage, peinture"),
    ("proprete", "Dépôt sauvage, rue sale", "Propreté", "dépôt sauvage, encombrants, déchets, saleté, crottes"),
    ("vehicule-abandonne", "Véhicule abandonné", "Tranquillité publique", "voiture ventouse, épave, véhicule, scooter"),
    ("bruit", "Nuisances sonores", "Tranquillité publique", "bruit, tapage, chantier bruyant, musique"),
    ("arbres", "Arbre ou branche dangereux", "Espaces verts", "arbre, branche, élagage, racines, haie"),
    ("fuite-eau", "Fuite d'eau sur la voie publique", "Eau et assainissement", "fuite, eau, bouche d'égout, inondation, canalisation"),
]

# Streets of the demo's projects and works orders, and a point on each (from their records).
STREETS = [
    ("rue des Lilas", 45.7461, 4.8452), ("place du Marché", 45.74462, 4.8494), ("Grande Rue", 45.743, 4.849),
    ("rue du Four", 45.75046, 4.8473), ("rue de la République", 45.747, 4.853), ("cours Gambetta", 45.7451, 4.8509),
    ("rue du Moulin", 45.748, 4.88), ("rue des Tanneurs", 45.741, 4.878), ("quai de la Lise", 45.745, 4.874),
    ("rue de l'Écluse", 45.75167, 4.88482), ("rue de l'Industrie", 45.706, 4.807),
    ("avenue de la Gare", 45.715, 4.818), ("boulevard des Cheminots", 45.70998, 4.81015),
    ("place de la Gare", 45.7135, 4.815), ("rue Jean-Jaurès", 45.722, 4.825), ("rue du Belvédère", 45.75013, 4.8159),
    ("rue des Crêtes", 45.75426, 4.8132), ("avenue du Plateau", 45.74194, 4.82075), ("chemin des Vignes", 45.74433, 4.80823),
    ("montée des Chartreux", 45.735, 4.826), ("rue des Écoliers", 45.74622, 4.81806),
    ("avenue des Tilleuls", 45.715, 4.848), ("rue Jules-Ferry", 45.72002, 4.8443), ("rue du Stade", 45.70567, 4.85586),
    ("rue Pasteur", 45.71, 4.852), ("place de la Mairie", 45.704, 4.8939), ("rue de l'Église", 45.70533, 4.89309),
    ("chemin du Lavoir", 45.708, 4.909), ("route de Saint-Aubin", 45.71474, 4.8806),
]

FIRST_NAMES = ["Zébulon", "Philomène", "Anatole", "Bérénice", "Casimir", "Léontine", "Hippolyte", "Eulalie"]
LAST_NAMES = ["Dupont-Fictif", "Martin-Exemple", "Leblanc-Factice", "Moreau-Essai", "Garnier-Test"]

# (scenario, how many): the states each request goes through, after "received".
SCENARIOS = [
    ("nouveau", 6), ("pris-en-charge", 4), ("transmis", 2), ("programme", 5), ("programme-en-retard", 4),
    ("en-cours", 4), ("resolu", 8), ("doublon", 3), ("hors-competence", 1), ("sans-suite", 1),
    ("rouvert", 1), ("ancien-sans-nouvelles", 2),
]
NOTES = {
    "INVESTIGATING": ["Demande transmise à l'équipe du secteur.", "Un agent passera vérifier sur place.",
                      "Pris en charge par le service ; merci pour votre signalement."],
    "INTERNAL_REFERRAL": ["Transmis à la Métropole, gestionnaire de cette voie."],
    "ACTION_SCHEDULED": ["Intervention programmée.", "Intervention prévue avec l'entreprise titulaire du marché."],
    "IN_PROGRESS": ["L'équipe est sur place.", "Travaux en cours, la rue reste ouverte."],
    "FIXED": ["Réparé.", "Intervention terminée, merci de votre vigilance.", "Remis en état."],
}


def sector_outlines() -> list:
    outlines = []
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        geometry = yaml.safe_load(path.read_text(encoding="utf-8"))["geometry"]
        if isinstance(geometry, str):
            geometry = json.loads((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
        outlines.append(shape(geometry))
    return outlines


def point_near(rng: random.Random, lat: float, lon: float, outlines: list) -> tuple[float, float]:
    """A point a few tens of metres from the street's, inside a sector (else the street's own)."""
    for _ in range(20):
        candidate = (round(lat + rng.uniform(-0.0006, 0.0006), 6), round(lon + rng.uniform(-0.0008, 0.0008), 6))
        if any(outline.contains(Point(candidate[1], candidate[0])) for outline in outlines):
            return candidate
    assert any(outline.contains(Point(lon, lat)) for outline in outlines), (lat, lon)
    return lat, lon


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def personal_data(rng: random.Random, number: int) -> dict:
    """What a resident gives the request tool: never to be published."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "first_name": first, "last_name": last,
        "email": f"{first.lower()}.{last.lower()}@courriel-fictif.example",
        "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "device_id": f"device-{rng.getrandbits(48):012x}",
        "account_id": f"compte-{rng.randint(1000, 9999)}",
        "media_url": f"https://photos.exemple.invalid/signalements/{number}/photo-{first.lower()}.jpg",
        "address_id": f"adr-{rng.randint(100000, 999999)}",
    }


def states_of(scenario: str) -> list[str]:
    return {
        "nouveau": [], "ancien-sans-nouvelles": [],
        "pris-en-charge": ["INVESTIGATING"],
        "transmis": ["INVESTIGATING", "INTERNAL_REFERRAL"],
        "programme": ["INVESTIGATING", "ACTION_SCHEDULED"],
        "programme-en-retard": ["INVESTIGATING", "ACTION_SCHEDULED"],
        "en-cours": ["INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS"],
        "resolu": ["INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED"],
        "doublon": ["DUPLICATE"],
        "hors-competence": ["INVESTIGATING", "NOT_COUNCILS_RESPONSIBILITY"],
        "sans-suite": ["INVESTIGATING", "NO_FURTHER_ACTION"],
        "rouvert": ["INVESTIGATING", "IN_PROGRESS", "FIXED", "REOPENED"],
    }[scenario]


def received_of(rng: random.Random, scenario: str) -> datetime:
    if scenario == "nouveau":
        start, days = datetime(2026, 11, 12, tzinfo=PARIS), 10
    elif scenario == "ancien-sans-nouvelles":
        start, days = datetime(2026, 8, 3, tzinfo=PARIS), 20
    elif scenario == "programme-en-retard":
        start, days = datetime(2026, 8, 10, tzinfo=PARIS), 40
    elif scenario in ("pris-en-charge", "transmis", "programme", "en-cours", "rouvert"):
        start, days = datetime(2026, 10, 10, tzinfo=PARIS), 26  # still open: recent, mostly on time
    else:
        start, days = datetime(2026, 8, 1, tzinfo=PARIS), 100
    return (start + timedelta(days=rng.randrange(days), hours=rng.randint(7, 19), minutes=rng.randrange(60))
            ).astimezone(PARIS)


def main() -> None:
    rng = random.Random(14)
    outlines = sector_outlines()
    codes = [code for code, *_ in SERVICES]
    plan = [scenario for scenario, count in SCENARIOS for _ in range(count)]
    received = sorted((received_of(rng, s), s) for s in plan)
    requests, updates, originals = [], [], []
    for index, (moment, scenario) in enumerate(received):
        number = 4501 + index
        tracking = f"2026-00{number}"
        street, lat, lon = rng.choice(STREETS)
        code = rng.choice(codes)
        if scenario == "doublon":  # the same problem, reported again from the same street
            original, code, street, lat, lon = originals[index % len(originals)]
        if scenario in ("hors-competence", "rouvert"):  # their notes speak of a streetlight
            code = "eclairage"
        lat, lon = point_near(rng, lat, lon, outlines)
        personal = personal_data(rng, number)
        house = rng.choice(["", "3 ", "12 bis ", "27 ", "48 ", "5 ter "])
        request = {
            "service_request_id": tracking,
            "status": "open",
            "status_notes": "",
            "service_name": "",
            "service_code": code,
            "description": (f"Bonjour, je suis {personal['first_name']} {personal['last_name']}, "
                            f"j'habite au {house or '8 '}{street}. Rappelez-moi au {personal['phone']} "
                            f"ou écrivez à {personal['email']}."),
            "agency_responsible": "",
            "requested_datetime": stamp(moment),
            "updated_datetime": stamp(moment),
            "expected_datetime": "",
            "address": f"{house}{street}, 69990 Villebrune-sur-Lise",
            "zipcode": "69990",
            "lat": lat,
            "long": lon,
            **personal,
        }
        request["service_name"] = dict((c, n) for c, n, *_ in SERVICES)[request["service_code"]]
        when = moment
        for step, state in enumerate(states_of(scenario), 1):
            when = when + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            note = rng.choice(NOTES.get(state, [""]))
            if state == "ACTION_SCHEDULED":
                expected = (datetime(2026, 10, 20, 9, tzinfo=PARIS) + timedelta(days=rng.randrange(30))
                            if scenario == "programme-en-retard" else when + timedelta(days=rng.randint(8, 25)))
                if scenario == "programme":
                    expected = datetime(2026, 12, 1, 9, tzinfo=PARIS) + timedelta(days=rng.randrange(20))
                request["expected_datetime"] = stamp(expected)
                note = f"Intervention prévue le {expected:%d/%m/%Y}."
            if state == "INTERNAL_REFERRAL":
                request["agency_responsible"] = "Métropole – direction de la voirie"
            if state == "DUPLICATE":
                note = f"Déjà signalé sous le numéro {original} : suivez ce signalement-là."
            if state == "NOT_COUNCILS_RESPONSIBILITY":
                note = ("Ce lampadaire appartient à la copropriété : nous avons prévenu son syndic "
                        "(contact : syndic.fictif@exemple.invalid, 04 78 00 00 00).")
            if state == "REOPENED":
                note = "La panne est revenue : l'équipe repasse."
            if step == 1 and state == "INVESTIGATING" and index % 5 == 0:
                note = f"Merci {personal['first_name']}, M. {personal['last_name']} a été rappelé au {personal['phone']}."
            when = when.astimezone(PARIS)
            updates.append({
                "update_id": f"{number}-{step}",
                "service_request_id": tracking,
                "status": state,
                "updated_datetime": stamp(when),
                "description": note,
                "media_url": f"https://photos.exemple.invalid/mises-a-jour/{number}-{step}.jpg",
            })
            request.update(status=state, status_notes=note, updated_datetime=stamp(when))
        if scenario in ("resolu", "en-cours", "programme") and len(originals) < 6:
            originals.append((tracking, code, street, lat, lon))
        if scenario == "resolu" and index % 2:
            request["status"] = "closed"  # plain Open311: the tool does not say more
        requests.append(request)
    write(HERE / "services.json", [
        {"service_code": code, "service_name": name, "description": name, "metadata": False, "type": "realtime",
         "keywords": keywords, "group": group} for code, name, group, keywords in SERVICES])
    write(HERE / "requests.json", requests)
    write(HERE / "servicerequestupdates.json", updates)


def write(path: Path, data: list) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
