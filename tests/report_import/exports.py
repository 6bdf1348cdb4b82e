"""Small Open311 exports written for the import tests, and a fingerprint of a folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

SERVICES = [
    {"service_code": "eclairage", "service_name": "Éclairage public en panne", "group": "Voirie",
     "keywords": "lampadaire, réverbère", "metadata": False, "type": "realtime"},
    {"service_code": "voirie", "service_name": "Chaussée abîmée", "group": "Voirie", "keywords": "trou",
     "metadata": False, "type": "realtime"},
]


def request(number: str = "2026-000101", **fields: Any) -> dict[str, Any]:
    return {
        "service_request_id": number,
        "status": "open",
        "status_notes": "",
        "service_code": "eclairage",
        "requested_datetime": "2026-09-03T08:15:00+02:00",
        "updated_datetime": "2026-09-03T08:15:00+02:00",
        "address": "12 bis rue des Lilas, 69990 Villebrune-sur-Lise",
        "lat": 45.746123,
        "long": 4.845234,
        **fields,
    }


def update(number: str, update_id: str, status: str, when: str, description: str = "") -> dict[str, Any]:
    return {"update_id": update_id, "service_request_id": number, "status": status,
            "updated_datetime": when, "description": description}


class Export:
    """An export folder: requests.json, services.json and servicerequestupdates.json."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.write("services.json", SERVICES)

    def write(self, name: str, data: Any) -> Path:
        path = self.folder / name
        path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    @property
    def requests(self) -> str:
        return str(self.folder / "requests.json")

    @property
    def services(self) -> str:
        return str(self.folder / "services.json")

    @property
    def updates(self) -> str:
        return str(self.folder / "servicerequestupdates.json")


def digest(folder: Path) -> dict[str, str]:
    """Every file's SHA-256 and modification time: a change of either shows."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): f"{hashlib.sha256(p.read_bytes()).hexdigest()} {p.stat().st_mtime_ns}"
            for p in sorted(folder.rglob("*")) if p.is_file()}


def all_bytes(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())
