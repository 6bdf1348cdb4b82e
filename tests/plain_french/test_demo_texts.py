"""Issue 19, item 4: the demo city's texts pass the plain-French check, but for the one
remark kept on purpose and explained in docs/francais-simple.md."""

from __future__ import annotations

import re

from building import REPO, run_clairvoie

REMARK = re.compile(r"^(?P<file>\S+?):\d+:\d+ — (?P<field>\S+) : (?P<message>.*)$")


def test_the_demo_texts_pass_but_for_the_remark_the_docs_explain():
    result = run_clairvoie(REPO, "validate")
    assert result.returncode == 0, result.stderr
    remarks = [match.groupdict() for match in map(REMARK.match, result.stderr.splitlines()) if match]
    assert remarks == [{"file": "content/projects/giratoire-route-de-saint-aubin.yaml", "field": "description",
                        "message": "« giratoire » est du jargon : écrivez plutôt « rond-point »"}]
    assert re.search(r"^1 remarque de français simple", result.stderr, re.MULTILINE)
    docs = (REPO / "docs/francais-simple.md").read_text(encoding="utf-8")
    kept = docs[docs.index("**Une remarque est gardée exprès.**"):]
    assert "rond-point de la route de Saint-Aubin" in kept and "1 remarque de français simple" in kept
