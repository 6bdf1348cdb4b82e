"""A small city for the plain-French tests: the demo's settings and theme, two sectors, a few records."""

from __future__ import annotations

import shutil
from pathlib import Path

from building import REPO
from sites import project_yaml, write_site

# 40 words in one sentence.
LONG_SENTENCE = ("Les travaux de la rue des Lilas commenceront lundi 3 mars et dureront "
                 "six semaines pendant lesquelles la circulation sera interdite entre la place "
                 "du Marché et le carrefour de la rue Pasteur sauf pour les riverains et les secours.")
JARGON_PROJECT = project_yaml(
    summary="summary: Les VRD de la rue des Lilas sont refaits.",
    description=("description: |\n  " + LONG_SENTENCE + "\n\n  Un nouvel enrobé sera posé en avril."),
)
ORDER_PROJECT = project_yaml(
    title="title: Nouvelle place du Marché",
    summary="summary: La place du Marché est réaménagée avec des arbres et des bancs.",
    description=("description: |\n  Le maire a signé un arrêté le 2 mars. Cet arrêté interdit le "
                 "stationnement sur la place.\n\n  Une concertation a eu lieu en janvier."),
)


def small_site(root: Path, extra_files: dict[str, str] | None = None, settings: str = "") -> Path:
    write_site(root, {"content/projects/lilas.yaml": JARGON_PROJECT,
                      "content/projects/place-du-marche.yaml": ORDER_PROJECT, **(extra_files or {})})
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "pelicanconf.py").write_text((REPO / "pelicanconf.py").read_text(encoding="utf-8") + settings,
                                         encoding="utf-8")
    return root
