"""The demo city's residents' reports read straight from their YAML, without Clairvoie's model:
what the maps, /rues/ and « Près de chez moi » tests compare the outputs with.

The spec's rules, written again here: a report is open until ``resolved``, ``closed`` or
``duplicate`` (``reopened`` opens it again and starts a new round); it is overdue when open
and today is past the earlier of the round's last ``expected`` date and the round's start
plus its service's ``commitment_days``. Its sectors are those whose outline holds its point.
"""

import datetime as dt
import json
import math
from dataclasses import dataclass

import yaml

from building import DEMO_EPOCH, REPO

TODAY = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=dt.timezone.utc).date()
ENDING = ("resolved", "closed", "duplicate")
EARTH_RADIUS_M = 6371000


@dataclass(frozen=True)
class DemoReport:
    number: str
    url: str
    service_name: str
    street: str
    point: tuple[float, float] | None  # (lat, lon)
    stage: str
    is_open: bool
    is_overdue: bool
    resolved: dt.date | None  # the day of the last round's resolution, when resolved

    @property
    def tone(self) -> str | None:
        """The map's tone, by the rule the docs give: resolved within 30 days, else left off."""
        if self.is_overdue:
            return "report-overdue"
        if self.is_open:
            return "report-open"
        if self.stage == "resolved" and (TODAY - self.resolved).days <= 30:
            return "report-resolved"
        return None


def _day(value) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])  # the demo's dates are local, without offset


def _services() -> dict[str, dict]:
    data = yaml.safe_load((REPO / "content/signalements/services.yaml").read_text(encoding="utf-8"))
    return {service["code"]: service for service in data["services"]}


def _report(data: dict, services: dict[str, dict]) -> DemoReport:
    history = data["history"]
    reopenings = [i for i, stage in enumerate(history) if stage["stage"] == "reopened"]
    current_round = history[reopenings[-1]:] if reopenings else history
    stage = history[-1]["stage"]
    is_open = stage not in ENDING
    start = _day(current_round[0]["date"]) if reopenings else _day(data["received"])
    expected = [_day(s["expected"]) for s in current_round if s["stage"] == "scheduled"]
    days = services[data["service"]].get("commitment_days")
    deadlines = ([expected[-1]] if expected else []) + ([start + dt.timedelta(days=days)] if days else [])
    overdue = is_open and bool(deadlines) and TODAY > min(deadlines)
    resolved = next((_day(s["date"]) for s in current_round if s["stage"] == "resolved"), None)
    location = data["location"]
    point = (location["lat"], location["lon"]) if "lat" in location else None
    number = str(data["number"])
    return DemoReport(number, f"signalements/{number.lower()}/", services[data["service"]]["name"],
                      location["street"], point, stage, is_open, overdue,
                      resolved if stage == "resolved" else None)


def demo_reports() -> list[DemoReport]:
    services = _services()
    return [_report(yaml.safe_load(path.read_text(encoding="utf-8")), services)
            for path in sorted((REPO / "content/signalements").glob("*.yaml")) if path.stem != "services"]


def _sector_polygons(sector_id: str) -> list[list[list[float]]]:
    record = yaml.safe_load((REPO / "sectors" / f"{sector_id}.yaml").read_text(encoding="utf-8"))
    geometry = record["geometry"]
    if isinstance(geometry, str):
        geometry = json.loads((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def in_sector(point: tuple[float, float], sector_id: str) -> bool:
    """Even-odd rule over every ring of the sector's outline."""
    lat, lon = point
    inside = False
    for polygon in _sector_polygons(sector_id):
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = [(math.radians(p[0]), math.radians(p[1])) for p in (a, b)]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
