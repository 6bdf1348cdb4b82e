"""Building again in one process (pelican --autoreload, clairvoie serve) parses only changed files."""

from __future__ import annotations

import pytest

import clairvoie.model as model_module
from clairvoie.model import InvalidRecords
from sites import load_site, project_yaml, write_site


@pytest.fixture()
def parsed_files(monkeypatch):
    """The paths the loader really parses, in order."""
    parsed: list[str] = []
    real = model_module.load_yaml_file

    def counting(path, shown, problems):
        parsed.append(shown)
        return real(path, shown, problems)

    monkeypatch.setattr(model_module, "load_yaml_file", counting)
    return parsed


def test_unchanged_files_are_not_parsed_again(tmp_path, parsed_files):
    root = write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(),
                                 "content/projects/tilleuls.yaml": project_yaml(title="title: Les Tilleuls")})
    first = load_site(root)
    assert sorted(parsed_files) == ["content/projects/lilas.yaml", "content/projects/tilleuls.yaml",
                                    "sectors/secteur-1.yaml", "sectors/secteur-2.yaml"]
    parsed_files.clear()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Les Lilas, rue refaite"),
                                                      encoding="utf-8")
    second = load_site(root)
    assert parsed_files == ["content/projects/lilas.yaml"]
    assert [p.title for p in second.projects] == ["Les Lilas, rue refaite", "Les Tilleuls"]
    assert [p.title for p in first.projects] == ["Réfection de la rue des Lilas", "Les Tilleuls"]


def test_a_file_with_problems_is_reported_on_every_build_until_fixed(tmp_path, parsed_files):
    root = write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(status="status: fini")})
    for _ in range(2):
        with pytest.raises(InvalidRecords) as error:
            load_site(root)
        assert "status" in error.value.report()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(), encoding="utf-8")
    assert [p.status for p in load_site(root).projects] == ["in_progress"]
    # a schema problem is found after parsing: the file is parsed again each time
    assert parsed_files.count("content/projects/lilas.yaml") == 3


def test_pelicans_articles_are_read_again_only_when_changed(tmp_path, monkeypatch):
    """Pelican's own articles (the news, in Markdown), in builds of one process."""
    import copy

    from pelican import signals
    from pelican.readers import MarkdownReader, Readers
    from pelican.settings import DEFAULT_CONFIG

    from clairvoie import incremental

    read = []
    real = MarkdownReader.read
    monkeypatch.setattr(MarkdownReader, "read", lambda reader, path: read.append(path) or real(reader, path))
    article = tmp_path / "travaux.md"
    article.write_text("Title: Travaux rue des Lilas\nDate: 2026-11-02\n\nLa rue est fermée.\n", encoding="utf-8")
    settings = {**copy.deepcopy(DEFAULT_CONFIG), "CACHE_PATH": str(tmp_path / "cache")}
    signals.readers_init.connect(incremental.remember_reads)
    try:
        titles = []
        for edit in (None, None, "Title: Travaux rue des Lilas, reportés\nDate: 2026-11-02\n\nReportés.\n"):
            if edit:
                article.write_text(edit, encoding="utf-8")
            page = Readers(settings).read_file(str(tmp_path), "travaux.md")
            titles.append((page.title, page.content))
            incremental.KeptBetweenBuilds.new_build()
    finally:
        signals.readers_init.disconnect(incremental.remember_reads)
    assert read == [str(article), str(article)]  # the first build, and after the edit
    assert titles[0] == titles[1] == ("Travaux rue des Lilas", "<p>La rue est fermée.</p>")
    assert titles[2] == ("Travaux rue des Lilas, reportés", "<p>Reportés.</p>")
