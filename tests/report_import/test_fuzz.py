"""Any JSON, any CSV: the import gives records or a list of French problems, never another
exception, and what it would write holds nothing personal."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from clairvoie.report_import import ImportProblem
from clairvoie.report_import.run import Existing, read_export, plan_import
from clairvoie.report_import.mapping_file import ImportMapping

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SECRET = "Zorglub"  # in every personal field: never in a written byte

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=20)
dates = st.one_of(st.sampled_from(["2026-09-03T08:15:00+02:00", "2026-09-03T08:15:00Z", "2026-09-03", "03/09/2026 08:15",
                                   "2026-02-30T10:00:00", "", "demain"]), st.text(max_size=25))
statuses = st.one_of(st.sampled_from(["open", "closed", "INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED",
                                      "DUPLICATE", "REOPENED", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL"]), scalars)
requests = st.fixed_dictionaries({
    "service_request_id": st.one_of(st.sampled_from(["2026-1", "2026-2", "Ab-3"]), scalars),
    "service_code": st.one_of(st.just("eclairage"), scalars),
    "status": statuses,
    "status_notes": st.one_of(st.just(f"vu avec M. {SECRET} au 06 12 34 56 78, {SECRET.lower()}@x.fr"), scalars),
    "requested_datetime": dates, "updated_datetime": dates, "expected_datetime": dates,
    "address": st.one_of(st.just("12 rue des Lilas, 69990 Ville"), scalars),
    "lat": st.one_of(st.floats(allow_nan=True), st.text(max_size=8), st.none()),
    "long": st.one_of(st.floats(allow_nan=True), st.text(max_size=8), st.none()),
    "duplicate_of": st.one_of(st.just("2026-1"), scalars),
}, optional={"first_name": st.just(SECRET), "email": st.just(f"{SECRET}@mail.fr"), "description": st.just(SECRET),
             "device_id": st.just(SECRET), "media_url": st.just(f"https://x/{SECRET}.jpg"), "extra": json_values})
SERVICES = json.dumps([{"service_code": "eclairage", "service_name": "Éclairage"}])


def outcome(text: str, export_format: str = "open311", updates: str | None = None) -> list[ImportProblem] | dict:
    problems: list[ImportProblem] = []
    mapping = ImportMapping()
    export = read_export(text, "requests", export_format=export_format, services=(SERVICES, "services.json"),
                         updates=(updates, "updates.json") if updates is not None else None,
                         mapping=mapping, problems=problems)
    plan = plan_import(export, Existing(), mapping, problems)
    assert all(isinstance(p, ImportProblem) and str(p) for p in problems)
    return problems or plan.files


def check(result: list[ImportProblem] | dict) -> None:
    if isinstance(result, dict):
        for data in result.values():
            text = data.decode("utf-8")
            assert SECRET not in text and SECRET.lower() not in text
            assert isinstance(yaml.safe_load(text), dict)


@FUZZ
@given(json_values)
def test_any_json_gives_records_or_problems(value):
    check(outcome(json.dumps(value)))


@FUZZ
@given(st.lists(requests, max_size=4), st.lists(st.fixed_dictionaries({
    "update_id": scalars, "service_request_id": st.one_of(st.just("2026-1"), scalars), "status": statuses,
    "updated_datetime": dates, "description": st.one_of(st.just(f"Appeler {SECRET} au 0612345678"), scalars)}),
    max_size=3))
def test_open311_like_exports_give_records_or_problems(entries, updates):
    check(outcome(json.dumps(entries), updates=json.dumps(updates)))


@FUZZ
@given(st.text(max_size=200))
def test_any_text_gives_records_or_problems(text):
    check(outcome(text))
    check(outcome(text, export_format="csv"))


@FUZZ
@given(st.lists(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(
    ["2026-1", "eclairage", "open", "FIXED", "2026-09-03T08:15:00", "rue du Four", "45.7", "4.8"])), max_size=8),
    max_size=5), st.sampled_from([",", ";"]))
def test_any_csv_gives_records_or_problems(rows, delimiter):
    header = delimiter.join(["service_request_id", "service_code", "requested_datetime", "status", "address",
                             "lat", "long"])
    lines = [header] + [delimiter.join(cell.replace("\n", " ") for cell in row) for row in rows]
    check(outcome("\n".join(lines), export_format="csv"))
