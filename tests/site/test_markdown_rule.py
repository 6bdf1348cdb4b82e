"""One rule for HTML typed into text: Markdown fields and articles are Markdown only.

Raw HTML, HTML comments, script links, images from other sites and images
without a description stop the build, each named at its file, line and field,
in French; nothing is half-cleaned and published (markup.py).
"""

import shutil

from building import REPO, run_pelican
from sites import write_site

FILES = {
    "sectors/secteur-1.yaml": """
        name: Secteur 1 – Centre
        description: |
          Le centre-ville.
          <div class="encadre">Marché le mercredi</div>
        """,
    "content/projects/p.yaml": """
        title: Réfection de la rue des Lilas
        sectors: [secteur-1]
        category: voirie
        summary: La chaussée est refaite.
        description: 'Voir le plan <img src="x" onerror="alert(1)">'
        status: in_progress
        schedule: {planned_start: 2026-01-01, planned_end: 2026-12-31}
        updates:
          - date: 2026-05-01
            kind: info
            title: Le plan
            body: '[Plan](javascript:alert(1)) et ![](https://tiers.example/pixel.gif)'
        """,
    "content/works/w.yaml": """
        reference: 2026-ARR-0001
        title: Fermeture de la rue des Lilas
        sectors: [secteur-1]
        kind: closure
        street: rue des Lilas
        start: 2026-11-20
        end: 2026-12-20
        detour: 'Déviation par la rue <script>alert(1)</script> des Roses'
        """,
    "content/events/m.yaml": """
        title: Réunion publique
        sectors: [secteur-1]
        start: 2026-12-01T18:00:00
        end: 2026-12-01T20:00:00
        place: Salle des fêtes
        participation: consult
        description: |
          Présentation du chantier.
          <!-- appeler M. Martin au 06 12 34 56 78 -->
        """,
    "content/actualites/a.md": """
        Title: Actualité
        Date: 2026-11-01 10:00
        Summary: Le point <iframe src="https://tiers.example/"></iframe>
        Sectors: secteur-1

        Premier paragraphe.

        Deuxième paragraphe avec [un lien](vbscript:msgbox) et <span style="color:red">du rouge</span>.
        """,
}

EXPECTED = [
    "content/actualites/a.md:3:1 — Summary : le HTML n'est pas accepté dans les textes (« <iframe> »)",
    "content/actualites/a.md:8:1 — le HTML n'est pas accepté dans les textes (« <span> »)",
    "content/actualites/a.md:8:1 — lien non accepté « vbscript:msgbox »",
    "content/events/m.yaml:7:14 — description : les commentaires HTML (« <!-- … --> ») seraient publiés",
    "content/projects/p.yaml:5:14 — description : le HTML n'est pas accepté dans les textes (« <img> »)",
    "content/projects/p.yaml:12:11 — updates[1].body : image venant d'un autre site « https://tiers.example/pixel.gif »",
    "content/projects/p.yaml:12:11 — updates[1].body : lien non accepté « javascript:alert(1) »",
    "content/projects/p.yaml:12:11 — updates[1].body : une image doit dire ce qu'elle montre",
    "content/works/w.yaml:8:9 — detour : le HTML n'est pas accepté dans les textes (« <script> »)",
    "sectors/secteur-1.yaml:2:14 — description : le HTML n'est pas accepté dans les textes (« <div> »)",
]


def test_html_in_markdown_stops_the_build_naming_file_line_and_field(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(REPO / "themes", site / "themes")
    shutil.copy(REPO / "pelicanconf.py", site / "pelicanconf.py")
    write_site(site, FILES, with_sectors=False)
    (site / "output").mkdir()
    (site / "output" / "index.html").write_text("le site d'hier")

    result = run_pelican(site, site / "output")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    reported = [line for line in result.stderr.splitlines() if line.startswith(("content/", "sectors/"))]
    assert len(reported) == len(EXPECTED), result.stderr
    for line, expected in zip(reported, EXPECTED):
        assert line.startswith(expected), f"{line!r} does not start with {expected!r}"
    assert "10 erreurs dans les fiches" in result.stderr
    assert [p.name for p in (site / "output").iterdir()] == ["index.html"]
    assert (site / "output" / "index.html").read_text() == "le site d'hier"
