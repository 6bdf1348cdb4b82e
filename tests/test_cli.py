"""The ``clairvoie`` command: new records from templates, validation, live preview."""

import os
import signal
import subprocess
import sys
import urllib.request

import pytest

from building import DEMO_EPOCH, copy_demo_site, fetch, free_port, run_clairvoie, wait_for

NEW_FILES = {
    "projet": "content/projects/{id}.yaml",
    "travaux": "content/works/{id}.yaml",
    "reunion": "content/events/{id}.yaml",
    "secteur": "sectors/{id}.yaml",
    "actualite": "content/actualites/{id}.md",
}


@pytest.fixture
def site(tmp_path):
    return copy_demo_site(tmp_path)


def test_every_new_record_template_is_valid(site):
    for kind, pattern in NEW_FILES.items():
        record_id = f"nouveau-{kind}"
        result = run_clairvoie(site, "new", kind, record_id)
        assert result.returncode == 0, result.stderr
        assert (site / pattern.format(id=record_id)).is_file()
    result = run_clairvoie(site, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Toutes les fiches sont valides (7 secteurs,")
    reports = [p for p in (site / "content/signalements").glob("*.yaml") if p.name != "services.yaml"]
    assert f", {len(reports)} signalements, 10 types de signalement," in result.stdout


def test_new_refuses_to_overwrite_and_rejects_bad_identifiers(site):
    existing = sorted((site / "content/projects").glob("*.yaml"))[0]
    before = existing.read_bytes()
    result = run_clairvoie(site, "new", "projet", existing.stem)
    assert result.returncode == 1 and "existe déjà" in result.stderr
    assert existing.read_bytes() == before
    result = run_clairvoie(site, "new", "projet", "Rue des Écoles")
    assert result.returncode == 2 and "nom de fichier" in result.stderr
    assert "Traceback" not in result.stderr
    for reserved in ("all", "listes"):
        result = run_clairvoie(site, "new", "secteur", reserved)
        assert result.returncode == 2 and f"« {reserved}.yaml » réservé" in result.stderr
        assert not (site / "sectors" / f"{reserved}.yaml").exists()


def test_serve_rebuilds_when_a_sector_file_changes(site):
    port = free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}
    server = subprocess.Popen([sys.executable, "-m", "clairvoie.cli", "serve", "--port", str(port)],
                              cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/secteurs/secteur-1/"
    try:
        # A check, then a whole build: minutes on a loaded machine.
        assert wait_for(lambda: "<h1" in fetch(url), 900)
        sector = site / "sectors/secteur-1.yaml"
        text = sector.read_text(encoding="utf-8")
        sector.write_text(text.replace("name: ", "name: Renommé ", 1), encoding="utf-8")
        assert wait_for(lambda: "Renommé " in fetch(url), 900)
        # Pieces of a file, as the interactive map reads its tiles: 206 and just those bytes.
        whole = fetch(url).encode()
        request = urllib.request.Request(url + "index.html", headers={"Range": "bytes=5-14"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes 5-14/{len(whole)}"
            assert response.read() == whole[5:15]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
