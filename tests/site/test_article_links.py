"""An article's {static} and {filename} links resolve on every channel that shows it."""

from PIL import Image

from building import copy_demo_site, run_pelican

ARTICLE = """Title: Le plan du nouveau square
Date: 2026-11-20 10:00
Sectors: secteur-1

Le plan est prêt : ![Plan du square Pasteur]({static}/images/plan-square.png)

Voir aussi [le document]({static}/documents/deliberation-2025-42.pdf).
"""


def test_static_links_of_articles_resolve_on_the_page_and_in_the_feeds(tmp_path):
    site = copy_demo_site(tmp_path / "site")
    (site / "content/images").mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), "green").save(site / "content/images/plan-square.png")
    (site / "content/actualites/plan-du-square.md").write_text(ARTICLE, encoding="utf-8")

    result = run_pelican(site, site / "output")

    assert result.returncode == 0, result.stderr
    assert "Unable to find" not in result.stderr
    output = site / "output"
    page = (output / "actualites/le-plan-du-nouveau-square/index.html").read_text()
    feed = (output / "secteurs/secteur-1/flux.json").read_text()
    for shown in (page, feed):
        assert "{static}" not in shown
        assert "/images/plan-square.png" in shown
        assert "/documents/deliberation-2025-42.pdf" in shown
    assert (output / "images/plan-square.png").is_file()
