"""rsync into a folder, as onto a web server's: only changes travel, removed pages go,
and the cache table goes along as the server's configuration."""

import hashlib

from building import REPO, run_clairvoie
from clairvoie.publish import publish_site, site_files
from clairvoie.publish.policy import SERVER_FILES


def contents(folder):
    return {p: hashlib.sha256((folder / p).read_bytes()).hexdigest() for p in site_files(str(folder))}


def publish(site, target, **options):
    said = []
    report = publish_site(str(site), str(target), "https://www.example.fr", say=said.append, **options)
    return report, said


def test_the_folder_becomes_the_site_and_a_second_publish_sends_nothing(rsync, site, tmp_path):
    target = tmp_path / "www" / "ville"
    report, said = publish(site, target)
    assert contents(target) == contents(site)
    assert set(SERVER_FILES) <= set(site_files(str(target)))
    assert report.uploaded == len(site_files(str(site))) and report.deleted == 0
    assert "/panneaux/panneau-hotel-de-ville.json\n  Cache-Control: public, max-age=60\n" in \
        (target / "_headers").read_text()
    again, said = publish(site, target)
    assert (again.uploaded, again.deleted) == (0, 0)
    assert said[-1].startswith("Publication terminée : 0 fichiers envoyés, 0 supprimés")


def test_a_changed_page_travels_alone_and_a_removed_page_is_deleted(rsync, site, tmp_path):
    target = tmp_path / "www"
    publish(site, target)
    page = site / "projets/refection-rue-des-lilas/index.html"
    page.write_text(page.read_text().replace("</main>", "<p>Modifié.</p></main>"))
    (site / "rues/index.html").unlink()
    report, said = publish(site, target)
    # _headers changes too: it lists the pages, and one is gone.
    assert [line.split()[1] for line in said if line.startswith("envoi")] == \
        ["_headers", "projets/refection-rue-des-lilas/index.html"]
    assert [line.split()[1] for line in said if line.startswith("suppression")] == ["rues/index.html"]
    assert report.deleted == 1
    assert contents(target) == contents(site)


def test_a_dry_run_lists_files_with_their_headers_and_changes_nothing(rsync, site, tmp_path):
    target = tmp_path / "www"
    target.mkdir()
    (target / "ancienne-page.html").write_text("<p>ancienne</p>")
    report, said = publish(site, target, dry_run=True)
    assert sorted(p.name for p in target.iterdir()) == ["ancienne-page.html"]
    assert "envoi        agenda.ics  [text/calendar; charset=utf-8 ; public, max-age=300]" in said
    assert "suppression  ancienne-page.html" in said
    assert report.deleted == 1 and said[-1].startswith("Simulation :")


def test_the_command_refuses_an_unbuilt_site_and_a_missing_target(rsync, tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIRVOIE_PUBLISH_TARGET", raising=False)
    empty = tmp_path / "vide"
    empty.mkdir()
    target = tmp_path / "www"
    result = run_clairvoie(REPO, "-s", "publishconf.py", "publish", "--output", str(empty), "--target", str(target))
    assert result.returncode == 1 and "pas de site construit" in result.stderr
    assert not target.exists()
    result = run_clairvoie(REPO, "-s", "publishconf.py", "publish", "--output", str(empty))
    assert result.returncode == 1 and "CLAIRVOIE_PUBLISH_TARGET" in result.stderr


def test_the_command_publishes_to_the_target_of_the_environment(rsync, site, tmp_path, monkeypatch):
    target = tmp_path / "www"
    monkeypatch.setenv("CLAIRVOIE_PUBLISH_TARGET", str(target))
    result = run_clairvoie(REPO, "-s", "publishconf.py", "publish", "--output", str(site))
    assert result.returncode == 0, result.stderr
    assert contents(target) == contents(site)
