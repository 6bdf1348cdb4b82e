"""``clairvoie signalements import`` as staff run it: a subprocess in a copy of the demo city."""

from __future__ import annotations

import json

import pytest

from building import REPO, copy_demo_site, run_clairvoie
from exports import digest

DEMO_EXPORT = REPO / "demo" / "open311"
DEMO_ARGS = (str(DEMO_EXPORT / "requests.json"), "--services", str(DEMO_EXPORT / "services.json"),
             "--updates", str(DEMO_EXPORT / "servicerequestupdates.json"))


@pytest.fixture
def site(tmp_path):
    return copy_demo_site(tmp_path)


def test_importing_the_demo_export_again_changes_no_byte(site):
    folder = site / "content" / "signalements"
    before = digest(folder)
    result = run_clairvoie(site, "signalements", "import", *DEMO_ARGS)
    assert result.returncode == 0, result.stderr
    assert "Import terminé : 0 nouveau signalement, 0 mis à jour (0 étape ajoutée), 41 inchangés" in result.stdout
    assert digest(folder) == before


def test_the_demo_records_are_what_the_import_writes(site):
    """content/signalements/ comes from the import path: made again from nothing, the
    records are the same bytes (services.yaml differs only by the hand-added commitment_days)."""
    folder = site / "content" / "signalements"
    committed = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    for path in folder.glob("*.yaml"):
        path.unlink()
    result = run_clairvoie(site, "signalements", "import", *DEMO_ARGS)
    assert result.returncode == 0, result.stderr
    remade = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    assert set(remade) == set(committed)
    assert all(remade[name] == committed[name] for name in remade if name != "services.yaml")
    without_commitments = b"".join(line + b"\n" for line in committed["services.yaml"].splitlines()
                                   if not line.startswith(b"    commitment_days:"))
    assert remade["services.yaml"] == without_commitments


def test_a_malformed_export_exits_1_in_french_without_a_traceback_and_touches_nothing(site, tmp_path):
    folder = site / "content" / "signalements"
    before = digest(folder)
    requests = json.loads((DEMO_EXPORT / "requests.json").read_text(encoding="utf-8"))
    requests[3]["status"] = "EN_ATTENTE"
    requests[7]["requested_datetime"] = "2026-13-01"
    del requests[9]["service_request_id"]
    bad = tmp_path / "requests.json"
    bad.write_text(json.dumps(requests), encoding="utf-8")
    result = run_clairvoie(site, "signalements", "import", str(bad), "--services", str(DEMO_EXPORT / "services.json"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"entrée 4 (n° {requests[3]['service_request_id']}) — status : état « EN_ATTENTE » inconnu" in result.stderr
    assert "entrée 8" in result.stderr and "requested_datetime" in result.stderr
    assert "entrée 10 — service_request_id : numéro de suivi manquant" in result.stderr
    assert "3 erreurs dans l'export : aucune fiche n'a été écrite ni modifiée." in result.stderr
    assert digest(folder) == before


@pytest.mark.parametrize("content", ["{pas du json", "", "[1, 2", "\x00\x01"])
def test_a_file_that_is_not_json_exits_1_without_a_traceback(site, tmp_path, content):
    bad = tmp_path / "requests.json"
    bad.write_text(content, encoding="utf-8")
    before = digest(site / "content" / "signalements")
    result = run_clairvoie(site, "signalements", "import", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "JSON" in result.stderr
    assert digest(site / "content" / "signalements") == before


def test_a_missing_file_exits_1_without_a_traceback(site, tmp_path):
    result = run_clairvoie(site, "signalements", "import", str(tmp_path / "absent.json"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "fichier illisible" in result.stderr
