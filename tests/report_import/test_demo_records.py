"""The demo city's reports: inside its sectors, at street level, with nothing personal."""

from __future__ import annotations

import json
from collections import Counter

import yaml
from shapely.geometry import Point, shape

from building import REPO

FOLDER = REPO / "content" / "signalements"
EXPORT = REPO / "demo" / "open311"


def records():
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(FOLDER.glob("*.yaml"))
            if p.name != "services.yaml"]


def test_every_point_is_inside_a_sector_at_street_level():
    outlines = []
    for path in sorted((REPO / "sectors").glob("*.yaml")):
        geometry = yaml.safe_load(path.read_text(encoding="utf-8"))["geometry"]
        if isinstance(geometry, str):
            geometry = json.loads((REPO / "sectors" / geometry).read_text(encoding="utf-8"))
        outlines.append(shape(geometry))
    for record in records():
        lat, lon = record["location"]["lat"], record["location"]["lon"]
        assert round(lat, 3) == lat and round(lon, 3) == lon
        assert any(outline.contains(Point(lon, lat)) for outline in outlines), record["number"]


def test_the_demo_has_every_stage_overdue_reports_and_commitments():
    stages = Counter(stage["stage"] for record in records() for stage in record["history"])
    assert set(stages) == {"received", "acknowledged", "scheduled", "in_progress", "resolved", "closed",
                           "duplicate", "reopened"}
    overdue = [r for r in records() if r["history"][-1]["stage"] == "scheduled"
               and r["history"][-1]["expected"] < "2026-11-24"]
    assert len(overdue) >= 3
    services = yaml.safe_load((FOLDER / "services.yaml").read_text(encoding="utf-8"))["services"]
    assert len(services) == 10 and all(isinstance(s["commitment_days"], int) for s in services)


def test_nothing_personal_of_the_demo_export_is_in_the_records():
    written = "".join(p.read_text(encoding="utf-8") for p in FOLDER.glob("*.yaml"))
    requests = json.loads((EXPORT / "requests.json").read_text(encoding="utf-8"))
    for request in requests:
        for field in ("first_name", "last_name", "email", "phone", "device_id", "account_id", "media_url",
                      "address_id", "description"):
            assert request[field] not in written, (request["service_request_id"], field)
    for update in json.loads((EXPORT / "servicerequestupdates.json").read_text(encoding="utf-8")):
        assert update["media_url"] not in written
    assert "@" not in written and "courriel" not in written and "69990" not in written
