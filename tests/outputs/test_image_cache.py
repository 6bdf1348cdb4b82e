"""Encoded photos and social cards are kept in Pelican's CACHE_PATH between builds.

A rebuild copies the kept files instead of encoding again, with the same bytes;
a changed photo is encoded again, and what no build uses any more is forgotten.
A folder several sites share (CLAIRVOIE_SHARED_CACHE) spares a second site the encoding.
"""


import pytest
from PIL import Image

from clairvoie.outputs import images, imaging
from clairvoie.outputs.site import Site
from sites import load_site, project_yaml, write_site


def photo_block(name):
    return f"photos:\n  - file: photos/{name}.jpg\n    alt: La rue pendant les travaux.\n"


@pytest.fixture
def site(tmp_path):
    return two_projects_site(tmp_path / "site")


def two_projects_site(folder):
    root = write_site(folder, {
        "content/projects/lilas.yaml": project_yaml(photos=photo_block("lilas")),
        "content/projects/roses.yaml": project_yaml(title="title: Réfection de la rue des Roses",
                                                    photos=photo_block("roses")),
    })
    (root / "content" / "photos").mkdir()
    draw_photo(root, "lilas", (200, 80, 40))
    draw_photo(root, "roses", (40, 120, 200))
    return root


def draw_photo(root, name, colour):
    image = Image.new("RGB", (900, 600), colour)
    image.paste((250, 250, 250), (100, 100, 400, 300))
    image.save(root / "content" / "photos" / f"{name}.jpg", quality=92)


@pytest.fixture
def encoded(monkeypatch):
    """The images encoded, one entry each (with the build's own cache only)."""
    monkeypatch.delenv(imaging.SHARED_CACHE_VARIABLE, raising=False)
    calls = []
    for name in ("jpeg_bytes", "webp_bytes"):
        encode = getattr(imaging, name)
        monkeypatch.setattr(imaging, name, lambda *args, encode=encode, **options: calls.append(1) or
                            encode(*args, **options))
    return calls


def build(root, output):
    """Every file write_photos writes, by path."""
    model = load_site(root)
    images.write_photos(model, Site.for_files(model, str(output), {"SITENAME": "Villebrune", "CACHE_PATH": "cache"}))
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in output.rglob("*") if path.is_file()}


def kept_files(root):
    return sorted(path.name for path in (root / "cache" / imaging.CACHE_FOLDER).iterdir())


def test_a_rebuild_copies_the_kept_images_with_the_same_bytes(site, tmp_path, encoded):
    first = build(site, tmp_path / "one")
    assert len(encoded) == len(first) > 2  # renditions in JPEG and WebP, and the cards
    assert len(kept_files(site)) == len(first)
    encoded.clear()
    second = build(site, tmp_path / "two")
    assert encoded == []
    assert second == first


def test_a_changed_photo_is_encoded_again_and_its_old_images_forgotten(site, tmp_path, encoded):
    first = build(site, tmp_path / "one")
    kept_before = kept_files(site)
    draw_photo(site, "lilas", (20, 160, 60))
    encoded.clear()
    second = build(site, tmp_path / "two")
    changed = {path for path in first if first[path] != second[path]}
    lilas = {path for path in first if "lilas" in path}
    assert changed == lilas and len(encoded) == len(lilas)
    kept_after = kept_files(site)
    assert len(kept_after) == len(kept_before) and len(set(kept_before) - set(kept_after)) == len(lilas)


def test_a_card_is_drawn_again_when_its_title_changes(site, tmp_path, encoded):
    build(site, tmp_path / "one")
    lilas = site / "content" / "projects" / "lilas.yaml"
    lilas.write_text(lilas.read_text(encoding="utf-8").replace("rue des Lilas", "rue des Lys"), encoding="utf-8")
    encoded.clear()
    build(site, tmp_path / "two")
    assert len(encoded) == 1


def test_a_second_site_takes_its_images_from_the_shared_folder_with_the_same_bytes(tmp_path, encoded, monkeypatch):
    alone = build(two_projects_site(tmp_path / "alone"), tmp_path / "alone-output")  # no shared folder
    encoded_alone = len(encoded)
    shared = tmp_path / "shared"
    monkeypatch.setenv(imaging.SHARED_CACHE_VARIABLE, str(shared))
    encoded.clear()
    first = two_projects_site(tmp_path / "first")
    assert build(first, tmp_path / "one") == alone
    assert len(encoded) == encoded_alone
    assert sorted(path.name for path in shared.iterdir()) == kept_files(first)

    encoded.clear()
    second = two_projects_site(tmp_path / "second")
    assert build(second, tmp_path / "two") == alone
    assert encoded == []
    assert kept_files(second) == kept_files(first)  # the site's own cache is filled too

    # A site that no longer uses some images forgets them in its own cache, not in the shared one.
    shared_before = sorted(path.name for path in shared.iterdir())
    draw_photo(second, "lilas", (20, 160, 60))
    build(second, tmp_path / "three")
    assert set(shared_before) < {path.name for path in shared.iterdir()}
    assert not set(shared_before) <= set(kept_files(second))
