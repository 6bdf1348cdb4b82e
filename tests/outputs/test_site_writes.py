"""Site.write: atomic, and where incremental builds learn that a channel made the published
bytes again (the staged file is then the published one, hard-linked)."""

import os

from clairvoie import staging
from clairvoie.outputs.site import Site


def staged_site(tmp_path):
    published = tmp_path / "output"
    (published / "flux").mkdir(parents=True)
    (published / "flux" / "secteur-1.xml").write_bytes(b"<feed>hier</feed>")
    (published / "donnees.json").write_bytes(b'{"a": 1}')
    folder = str(published) + staging.STAGING_SUFFIX
    os.makedirs(folder)
    return published, Site.for_files(None, folder, {"SITEURL": ""})


def test_the_published_bytes_made_again_are_the_published_file(tmp_path):
    published, site = staged_site(tmp_path)
    path = site.write("donnees.json", '{"a": 1}')
    assert os.stat(path).st_ino == os.stat(published / "donnees.json").st_ino


def test_new_bytes_are_a_new_file_and_the_published_one_is_untouched(tmp_path):
    published, site = staged_site(tmp_path)
    before = os.stat(published / "flux" / "secteur-1.xml")
    path = site.write("flux/secteur-1.xml", b"<feed>aujourd'hui</feed>")
    assert os.stat(path).st_ino != before.st_ino
    assert (published / "flux" / "secteur-1.xml").read_bytes() == b"<feed>hier</feed>"
    assert os.stat(published / "flux" / "secteur-1.xml").st_mtime_ns == before.st_mtime_ns
    same_size = site.write("donnees.json", b'{"a": 2}')
    assert os.stat(same_size).st_ino != os.stat(published / "donnees.json").st_ino
    assert (published / "donnees.json").read_bytes() == b'{"a": 1}'


def test_a_copy_is_never_the_published_file(tmp_path):
    """Pelican's static generator may copy onto the same path afterwards, in place."""
    published, site = staged_site(tmp_path)
    source = tmp_path / "source.json"
    source.write_bytes(b'{"a": 1}')
    path = site.copy("donnees.json", str(source))
    assert os.stat(path).st_ino != os.stat(published / "donnees.json").st_ino


def test_outside_a_staging_folder_files_are_simply_written(tmp_path):
    site = Site.for_files(None, str(tmp_path / "ailleurs"), {})
    path = site.write("a/b.txt", "é")
    assert open(path, encoding="utf-8").read() == "é"
    assert not [name for name in os.listdir(tmp_path / "ailleurs" / "a") if name.endswith(".tmp")]
