"""The session's builds share one cache of encoded images and PDFs (CLAIRVOIE_SHARED_CACHE,
set by conftest.py): another site of the same sources encodes nothing, with the same bytes."""

import re

from building import SHARED_CACHE, copy_demo_site, run_pelican, tree_digest

# The build's lines that count what it made and what it took from a cache.
COUNTS = {
    "Papier": r"Papier : (\d+) PDF mis en page, (\d+) repris du cache",
    "Images": r"Images : (\d+) fichiers encodés, (\d+) repris du cache",
}
MADE_BY_CACHES = (".pdf", ".jpg", ".webp", ".png")


def test_a_second_site_built_with_the_shared_folder_encodes_nothing_and_gives_the_same_bytes(
        demo_output, shared_image_cache, tmp_path):
    import os

    assert os.environ[SHARED_CACHE] == shared_image_cache
    root = copy_demo_site(tmp_path / "site")  # its own, empty cache
    output = tmp_path / "output"
    result = run_pelican(root, output, verbose=True)
    assert result.returncode == 0, result.stderr
    log = result.stdout + result.stderr
    for what, pattern in COUNTS.items():
        match = re.search(pattern, log)
        assert match, (what, log)
        made, reused = map(int, match.groups())
        assert (made, reused > 0) == (0, True), (what, match[0])
    # The same PDFs and images as the session's demo, which made or kept them with its own build
    # (its pages differ: the demo's folder is a git checkout, with each record's history).
    copy, demo = (
        {path: digest.split()[0] for path, digest in tree_digest(folder).items() if path.endswith(MADE_BY_CACHES)}
        for folder in (output, demo_output))
    assert len(demo) > 100 and sum(path.endswith(".pdf") for path in demo) > 5
    assert copy == demo
    for part in ("paper", "panneaux"):  # its own cache, filled from the shared one
        assert list((root / "cache" / "clairvoie-images" / part).iterdir()), part
