"""The demo city's residents' reports read from their YAML files alone, and their facts worked
out here, apart from the model: what the channels' tests compare the outputs with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from building import REPO

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 24)  # DEMO_EPOCH, in Europe/Paris
ENDING = {"resolved", "closed", "duplicate"}
REPORTS = REPO / "content" / "signalements"


def yaml_reports(folder: Path = REPORTS) -> dict[str, dict]:
    return {data["number"]: data for data in (
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.yaml")) if path.name != "services.yaml")}


def yaml_services() -> list[dict]:
    return yaml.safe_load((REPORTS / "services.yaml").read_text(encoding="utf-8"))["services"]


def local(value) -> dt.datetime:
    """A record's date or date-time (local time when it has no offset)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=PARIS)
    else:
        text = str(value)
        if len(text) <= 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=PARIS)
        moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def day(value) -> dt.date:
    return local(value).astimezone(PARIS).date()


def is_open(data: dict) -> bool:
    return data["history"][-1]["stage"] not in ENDING


def current_round(data: dict) -> list[dict]:
    """The stages from the last reopening on (all of them if never reopened)."""
    history = data["history"]
    starts = [i for i, stage in enumerate(history) if stage["stage"] == "reopened"]
    return history[starts[-1]:] if starts else history


def expected(data: dict) -> dt.date | None:
    """The round's last announced date."""
    announced = [day(s["expected"]) for s in current_round(data)
                 if s["stage"] == "scheduled" and s.get("expected")]
    return announced[-1] if announced else None


def due(data: dict, commitments: dict[str, int | None]) -> dt.date | None:
    """The earlier of the announced date and the end of the service's commitment."""
    round_ = current_round(data)
    start = day(round_[0]["date"]) if round_[0]["stage"] == "reopened" else day(data["received"])
    deadlines = [d for d in (expected(data),) if d]
    if commitments.get(data["service"]):
        deadlines.append(start + dt.timedelta(days=commitments[data["service"]]))
    return min(deadlines) if deadlines else None


def days_overdue(data: dict, commitments: dict[str, int | None]) -> int:
    """Days an open report is past its due day; 0 when it is not overdue."""
    deadline = due(data, commitments)
    if not is_open(data) or deadline is None or TODAY <= deadline:
        return 0
    return (TODAY - deadline).days


def resolved(data: dict) -> dt.date | None:
    """The first resolved day of the last round, when the report is resolved now."""
    if data["history"][-1]["stage"] != "resolved":
        return None
    return next(day(s["date"]) for s in current_round(data) if s["stage"] == "resolved")
