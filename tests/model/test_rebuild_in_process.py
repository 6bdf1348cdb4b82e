"""Building again in one process (pelican --autoreload, clairvoie serve) parses only changed files."""

from __future__ import annotations

import importlib
import os
import time

import pytest

import clairvoie.model as model_module
from clairvoie.model import InvalidRecords
from sites import load_site, project_yaml, write_site

derive_module = importlib.import_module("clairvoie.model.derive")  # the package's ``derive`` is the function


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


@pytest.fixture()
def built_records(monkeypatch):
    """The record files the loader really builds, by kind, in order."""
    built: list[str] = []
    for name in ("build_sector", "build_project", "build_works_order", "build_meeting", "build_report"):
        real = getattr(model_module, name)

        def counting(document, ctx, real=real):
            built.append(document.path)
            return real(document, ctx)

        monkeypatch.setattr(model_module, name, counting)
    return built


def fresh_load(root, monkeypatch, **options):
    """What a new process would load: nothing kept from earlier loads."""
    with monkeypatch.context() as fresh:
        fresh.setattr(model_module, "_parsed_files", model_module._ParsedFiles())
        fresh.setattr(model_module, "_built_records", model_module._BuiltRecords())
        for kept in ("_kept", "_kept_announcements"):
            fresh.setattr(derive_module, kept, derive_module.KeptDerivations())
        return load_site(root, **options)


def everything_in(model) -> str:
    """The whole model as text: every record, derived fact and view (records' repr show their fields)."""
    text = repr(model)
    assert " at 0x" not in text  # no object shown by its address: the text says what is in it
    return text


def works_yaml(reference: str, project: str = "lilas", start: str = "2026-12-01") -> str:
    return (f"reference: {reference}\ntitle: Fermeture {reference}\nsectors: [secteur-1]\nkind: closure\n"
            f"street: rue des Lilas\nproject: {project}\nstart: {start}\nend: 2026-12-20\n")


def city(tmp_path):
    return write_site(tmp_path, {
        "content/projects/lilas.yaml": project_yaml(),
        "content/projects/tilleuls.yaml": project_yaml(title="title: Les Tilleuls", sectors="sectors: [secteur-2]"),
        "content/works/arr-1.yaml": works_yaml("ARR-1"),
        "content/works/arr-2.yaml": works_yaml("ARR-2", project="tilleuls"),
    })


def test_a_reload_builds_only_the_edited_record_and_equals_a_fresh_load(tmp_path, monkeypatch, built_records):
    root = city(tmp_path)
    load_site(root)
    assert len(built_records) == 6
    built_records.clear()
    (root / "content/projects/tilleuls.yaml").write_text(
        project_yaml(title="title: Les Tilleuls refaits", sectors="sectors: [secteur-2]"), encoding="utf-8")
    reloaded = load_site(root)
    assert built_records == ["content/projects/tilleuls.yaml"]
    assert "Les Tilleuls refaits" in everything_in(reloaded)
    assert everything_in(reloaded) == everything_in(fresh_load(root, monkeypatch))


def test_an_edit_changes_what_other_kept_records_show(tmp_path, monkeypatch, built_records):
    """A project suspended: its kept works order now shows it suspended, the bad news and sector lists too."""
    root = city(tmp_path)
    first = load_site(root)
    assert first.bad_news == []
    built_records.clear()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(
        status="status: suspended",
        updates="updates:\n  - {date: 2026-11-01, kind: suspension, title: Arrêt, reason: Fouilles archéologiques}"),
        encoding="utf-8")
    reloaded = load_site(root)
    assert built_records == ["content/projects/lilas.yaml"]
    order = next(w for w in reloaded.works if w.id == "arr-1")
    assert order.project.status == "suspended" and order.project is next(p for p in reloaded.projects if p.id == "lilas")
    assert [(n.kind, n.title) for n in reloaded.bad_news] == [("suspended", "Réfection de la rue des Lilas")]
    assert [n.title for n in reloaded.views["secteur-1"].bad_news] == ["Réfection de la rue des Lilas"]
    assert reloaded.views["secteur-1"].projects_by_status["suspended"][0].id == "lilas"
    assert everything_in(reloaded) == everything_in(fresh_load(root, monkeypatch))
    # a works order moved to the other project: both projects' lists of orders change
    built_records.clear()
    (root / "content/works/arr-1.yaml").write_text(works_yaml("ARR-1", project="tilleuls"), encoding="utf-8")
    moved = load_site(root)
    assert built_records == ["content/works/arr-1.yaml"]
    assert {p.id: [w.id for w in p.works] for p in moved.projects} == {"lilas": [], "tilleuls": ["arr-1", "arr-2"]}
    assert everything_in(moved) == everything_in(fresh_load(root, monkeypatch))


def test_records_are_built_again_when_a_record_they_name_goes(tmp_path, monkeypatch, built_records):
    """A record is checked against the others' names only for the names it uses (its project, a
    report's works orders, projects and original): a new record builds none of the others again;
    a record gone builds again those that name it, which say so, and only them."""
    root = with_reports(city(tmp_path), SCHEDULED_ON_ARR_1, report_yaml(
        "2026-000002", '{date: 2026-11-06, stage: duplicate, duplicate_of: "2026-000001"}'), report_yaml("2026-000003"))
    load_site(root)
    built_records.clear()
    (root / "content/projects/erables.yaml").write_text(project_yaml(title="title: Les Érables"), encoding="utf-8")
    (root / "content/works/arr-3.yaml").write_text(works_yaml("ARR-3", project="erables"), encoding="utf-8")
    (root / "content/signalements/2026-000004.yaml").write_text(report_yaml("2026-000004"), encoding="utf-8")
    added = load_site(root)
    assert sorted(built_records) == ["content/projects/erables.yaml", "content/signalements/2026-000004.yaml",
                                     "content/works/arr-3.yaml"]
    assert everything_in(added) == everything_in(fresh_load(root, monkeypatch))

    def built_again_once_removed(relative: str, named: str) -> list[str]:
        """Remove a record file: the problem names it; what was built again; the file put back."""
        path = root / relative
        text = path.read_text(encoding="utf-8")
        built_records.clear()
        path.unlink()
        with pytest.raises(InvalidRecords) as error:
            load_site(root)
        assert named in error.value.report()
        built = list(built_records)
        path.write_text(text, encoding="utf-8")
        load_site(root)
        return built

    assert built_again_once_removed("content/projects/tilleuls.yaml", "tilleuls") == ["content/works/arr-2.yaml"]
    assert built_again_once_removed("content/works/arr-1.yaml", "ARR-1") == ["content/signalements/2026-000001.yaml"]
    assert built_again_once_removed("content/signalements/2026-000001.yaml", "2026-000001") == [
        "content/signalements/2026-000002.yaml"]  # its duplicate


def test_a_record_is_built_again_when_a_file_it_reads_changes(tmp_path, built_records):
    root = city(tmp_path)
    (root / "content/works/arr-1.yaml").write_text(
        works_yaml("ARR-1") + "geometry: works/lilas.geojson\n", encoding="utf-8")
    geojson = root / "content/works/lilas.geojson"
    geojson.write_text('{"type": "Point", "coordinates": [4.85, 45.75]}', encoding="utf-8")
    assert next(w for w in load_site(root).works if w.id == "arr-1").geometry["coordinates"] == [4.85, 45.75]
    built_records.clear()
    geojson.write_text('{"type": "Point", "coordinates": [4.86, 45.76]}', encoding="utf-8")
    reloaded = load_site(root)
    assert built_records == ["content/works/arr-1.yaml"]
    assert next(w for w in reloaded.works if w.id == "arr-1").geometry["coordinates"] == [4.86, 45.76]
    built_records.clear()
    geojson.unlink()
    with pytest.raises(InvalidRecords) as error:
        load_site(root)
    assert "lilas.geojson" in error.value.report()
    assert built_records == ["content/works/arr-1.yaml"]


def test_a_new_build_date_derives_again_what_depends_on_it(tmp_path, monkeypatch):
    import datetime as dt
    root = city(tmp_path)
    load_site(root)
    later = load_site(root, today=dt.date(2026, 12, 10))
    assert [w.timing for w in later.works] == ["active", "active"]
    assert everything_in(later) == everything_in(fresh_load(root, monkeypatch, today=dt.date(2026, 12, 10)))


def commit(root, message):
    import subprocess
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=Service", "-c", "user.email=s@example.org", "commit", "-qm", message]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_a_commit_gives_kept_records_their_new_history(tmp_path, monkeypatch, built_records):
    root = city(tmp_path)
    commit(root, "Les fiches")
    first = load_site(root)
    assert [c.message for c in next(p for p in first.projects if p.id == "lilas").source.history] == ["Les fiches"]
    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Les Lilas"), encoding="utf-8")
    commit(root, "Titre plus court")
    built_records.clear()
    reloaded = load_site(root)
    assert built_records == ["content/projects/lilas.yaml"]
    histories = {p.id: [c.message for c in p.source.history] for p in reloaded.projects}
    assert histories == {"lilas": ["Titre plus court", "Les fiches"], "tilleuls": ["Les fiches"]}
    assert everything_in(reloaded) == everything_in(fresh_load(root, monkeypatch))


def test_plain_french_remarks_follow_the_edited_file(tmp_path, monkeypatch):
    root = city(tmp_path)
    before = load_site(root).plain_french
    assert "summary" not in [p.field for p in before]
    long_sentence = "summary: " + " ".join(["la chaussée est refaite"] * 9) + "."
    (root / "content/projects/lilas.yaml").write_text(project_yaml(summary=long_sentence), encoding="utf-8")
    reloaded = load_site(root)
    assert [p.file for p in reloaded.plain_french if p.field == "summary"] == ["content/projects/lilas.yaml"]
    assert reloaded.plain_french == fresh_load(root, monkeypatch).plain_french
    (root / "content/projects/lilas.yaml").write_text(project_yaml(), encoding="utf-8")
    assert load_site(root).plain_french == before


def test_loading_leaves_the_cycle_collector_as_it_found_it(tmp_path):
    import gc
    root = city(tmp_path)
    assert gc.isenabled()
    load_site(root)
    assert gc.isenabled()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(status="status: fini"), encoding="utf-8")
    with pytest.raises(InvalidRecords):
        load_site(root)
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(InvalidRecords):
            load_site(root)
        assert not gc.isenabled()
    finally:
        gc.enable()


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


@pytest.fixture()
def hashed_files(monkeypatch):
    """The record files whose bytes the loader really reads to hash them, in order; every file
    counts as settled (written long enough ago for its status to tell a change)."""
    monkeypatch.setattr(model_module._FileHashes, "SETTLED_NS", -1)
    monkeypatch.setattr(model_module, "_file_hashes", model_module._FileHashes())
    hashed: list[str] = []
    real_open = open

    def counting_open(path, *args, **kwargs):
        hashed.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(model_module, "open", counting_open, raising=False)
    return hashed


def test_a_rebuild_reads_again_only_the_files_whose_status_changed(tmp_path, hashed_files):
    root = write_site(tmp_path, {"content/projects/lilas.yaml": project_yaml(),
                                 "content/projects/tilleuls.yaml": project_yaml(title="title: Les Tilleuls")})
    load_site(root)
    assert {"lilas.yaml", "tilleuls.yaml", "secteur-1.yaml"} <= set(hashed_files)
    hashed_files.clear()
    assert [p.title for p in load_site(root).projects] == ["Réfection de la rue des Lilas", "Les Tilleuls"]
    assert hashed_files == []  # nothing changed: no file read to hash it

    # Rewritten in place with as many bytes and its old modification time: its change time tells.
    path = root / "content/projects/tilleuls.yaml"
    before = path.stat()
    path.write_text(project_yaml(title="title: Les Tilleuxs"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert [p.title for p in load_site(root).projects] == ["Réfection de la rue des Lilas", "Les Tilleuxs"]
    assert hashed_files == ["tilleuls.yaml"]


def test_a_file_changed_in_the_last_seconds_is_hashed_at_every_build(tmp_path):
    """Its status could stay the same through a second save within the clock's tick."""
    hashes = model_module._FileHashes()
    path = tmp_path / "lilas.yaml"
    path.write_text("title: Les Lilas\n", encoding="utf-8")
    first = hashes.of(str(path))
    assert first is not None and str(path) not in hashes._known
    old = time.time_ns() - 10 * hashes.SETTLED_NS
    os.utime(path, ns=(old, old))  # the change time stays now: still fresh
    assert hashes.of(str(path)) == first and str(path) not in hashes._known
    assert hashes.of(str(tmp_path / "gone.yaml")) is None


def test_a_rebuild_fingerprints_only_the_records_built_again(tmp_path, monkeypatch):
    """The pages' signatures (incremental.py) take an unchanged record's fingerprint from the last
    build of the process; an edited record, a file it names and a commit make theirs again, and
    every fingerprint is the one a new process makes."""
    from clairvoie import incremental

    root = city(tmp_path)
    (root / "content/works/arr-1.yaml").write_text(
        works_yaml("ARR-1") + "geometry: works/lilas.geojson\n", encoding="utf-8")
    geojson = root / "content/works/lilas.geojson"
    geojson.write_text('{"type": "Point", "coordinates": [4.85, 45.75]}', encoding="utf-8")
    commit(root, "Les fiches")
    theme = tmp_path / "theme"
    theme.mkdir()
    made: list[str] = []
    real = incremental._source_fingerprint
    monkeypatch.setattr(incremental, "_source_fingerprint",
                        lambda record: made.append(incremental.record_key(record)) or real(record))

    def rebuilt() -> dict[str, str]:
        made.clear()
        incremental.KeptBetweenBuilds.new_build()
        return incremental.PageSignatures(load_site(root), {}, str(theme)).fingerprints

    def in_a_new_process() -> dict[str, str]:
        with monkeypatch.context() as fresh:
            fresh.setattr(incremental, "_fingerprints_by_source", incremental.KeptBetweenBuilds())
            return incremental.PageSignatures(fresh_load(root, monkeypatch), {}, str(theme)).fingerprints

    first = rebuilt()
    assert sorted(made) == ["Project:lilas", "Project:tilleuls", "Sector:secteur-1", "Sector:secteur-2",
                            "WorksOrder:arr-1", "WorksOrder:arr-2"]
    assert rebuilt() == first and made == []
    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Les Lilas"), encoding="utf-8")
    edited = rebuilt()
    assert made == ["Project:lilas"] and edited["Project:lilas"] != first["Project:lilas"]
    assert edited == in_a_new_process()
    geojson.write_text('{"type": "Point", "coordinates": [4.86, 45.76]}', encoding="utf-8")
    moved = rebuilt()
    assert made == ["WorksOrder:arr-1"] and moved["WorksOrder:arr-1"] != edited["WorksOrder:arr-1"]
    assert moved == in_a_new_process()
    commit(root, "Titre plus court, tracé déplacé")  # the order's own file is unchanged: its history too
    committed = rebuilt()
    assert made == ["Project:lilas"]
    assert committed == in_a_new_process() and committed != moved


def test_a_rebuild_signs_again_only_what_is_made_of_changed_records(tmp_path, monkeypatch):
    """A page's or piece's signature is taken from the last build when it is made of the very same
    objects and none of them changed; every signature is the one a new process makes."""
    from clairvoie import incremental

    root = city(tmp_path)
    theme = tmp_path / "theme"
    theme.mkdir()
    monkeypatch.setattr(incremental, "_last_made", None)
    real_key, keyed = incremental.record_key, []
    monkeypatch.setattr(incremental, "record_key", lambda record: keyed.append(real_key(record)) or real_key(record))

    def pages(model) -> dict[str, list]:
        """A project's page (the project, its orders), an order's (the order, its project)."""
        return {**{p.id: [p, *p.works] for p in model.projects},
                **{o.reference: [o, o.project] for o in model.works}}

    def signed(signatures, model) -> dict[str, str]:
        keyed.clear()  # the keys sorted by ``of`` only
        return {name: signatures.of("clairvoie_project", objects) for name, objects in pages(model).items()}

    models = []

    def rebuilt() -> dict[str, str]:
        models.append(load_site(root))
        return signed(incremental.PageSignatures(models[-1], {}, str(theme)), models[-1])

    def in_a_new_process() -> dict[str, str]:
        with monkeypatch.context() as fresh:
            fresh.setattr(incremental, "_last_made", None)
            fresh.setattr(incremental, "_fingerprints_by_source", incremental.KeptBetweenBuilds())
            model = fresh_load(root, monkeypatch)
            return signed(incremental.PageSignatures(model, {}, str(theme)), model)

    first = rebuilt()
    assert sorted(keyed) == ["Project:lilas", "Project:lilas", "Project:tilleuls", "Project:tilleuls",
                             "WorksOrder:arr-1", "WorksOrder:arr-1", "WorksOrder:arr-2", "WorksOrder:arr-2"]
    assert rebuilt() == first and keyed == []
    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Les Lilas"), encoding="utf-8")
    edited = rebuilt()
    assert sorted(keyed) == ["Project:lilas", "Project:lilas", "WorksOrder:arr-1", "WorksOrder:arr-1"]
    assert edited["lilas"] != first["lilas"] and edited["ARR-1"] != first["ARR-1"]
    assert {name: edited[name] for name in ("tilleuls", "ARR-2")} == {name: first[name] for name in ("tilleuls", "ARR-2")}
    assert edited == in_a_new_process()
    # Made of the last build's lilas (a page holding on to it): signed with the record as it is now.
    last_lilas = next(p for p in models[-2].projects if p.id == "lilas")
    assert incremental._last_made.of("clairvoie_project", [last_lilas, *last_lilas.works]) == edited["lilas"]
    (root / "content/works/arr-2.yaml").write_text(works_yaml("ARR-2", project="lilas"), encoding="utf-8")
    moved = rebuilt()  # the order moves from one project to the other: both pages change
    assert moved["tilleuls"] != edited["tilleuls"] and moved["lilas"] != edited["lilas"]
    assert moved == in_a_new_process()
    (root / "content/works/arr-2.yaml").unlink()
    assert rebuilt() == in_a_new_process()


SERVICES_YAML = """
    services:
      - code: nid-de-poule
        name: Nid-de-poule sur la chaussée
        group: Voirie
        commitment_days: 10
"""


def report_yaml(number: str, *stages: str, received: str = "2026-11-02T08:15") -> str:
    history = "".join(f"\n  - {stage}" for stage in (f"{{date: {received}, stage: received}}", *stages))
    return (f'number: "{number}"\nservice: nid-de-poule\nreceived: {received}\n'
            f"location:\n  street: rue des Lilas\nsectors: [secteur-1]\nhistory:{history}\n")


SCHEDULED_ON_ARR_1 = report_yaml("2026-000001",
                                 "{date: 2026-11-05, stage: scheduled, expected: 2026-11-20, works: ARR-1}")


def with_reports(root, *reports: str):
    """The city with the kinds of report and these reports (``report_yaml`` texts)."""
    files = {"content/signalements/services.yaml": SERVICES_YAML}
    for text in reports:
        number = text.splitlines()[0].removeprefix('number: "').removesuffix('"')  # report_yaml's first line
        files[f"content/signalements/{number}.yaml"] = text
    return write_site(root, files)


def test_a_reload_derives_again_only_what_an_edit_touches(tmp_path, monkeypatch):
    """derive.KeptDerivations: a project, works order or report whose file and tied records are
    unchanged is last build's very object, with its announcements, even built later that day;
    what an edit touches (the project, its orders, the reports naming them, their duplicates) is
    derived again, a new build day derives everything again, and each model is the one a new
    process loads."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from clairvoie.model import load_model
    from clairvoie.settings import ClairvoieSettings

    root = with_reports(
        city(tmp_path), SCHEDULED_ON_ARR_1,
        report_yaml("2026-000002", "{date: 2026-11-05, stage: scheduled, expected: 2026-12-20, project: tilleuls}"),
        report_yaml("2026-000003", '{date: 2026-11-06, stage: duplicate, duplicate_of: "2026-000002"}'),
        report_yaml("2026-000004"),
        report_yaml("2026-000005", "{date: 2026-10-09, stage: resolved}", received="2026-10-02T08:00"))
    write_site(root, {
        "content/events/reunion.yaml": "title: Réunion de quartier\nsectors: [secteur-2]\n"
                                       "start: 2026-11-24T18:00:00\nend: 2026-11-24T20:00:00\nplace: Mairie\n"
                                       "participation: consult\ndescription: Le point sur les chantiers.\n",
    })

    def derived(model) -> list:
        return [*model.projects, *model.works, *model.meetings, *model.reports]

    def made_again(before, after) -> list[str]:
        kept = {id(record) for record in derived(before)}
        return sorted(f"{type(r).__name__}:{r.id}" for r in derived(after) if id(r) not in kept)

    def announced(model) -> dict:
        return {a.key: a for a in model.announcements if a.kind in ("update", "works", "report_overdue",
                                                                   "reports_month")}

    first = load_site(root)
    again = load_model(ClairvoieSettings(site_root=str(root)), str(root / "content"), "Europe/Paris",
                       now=dt.datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("Europe/Paris")))  # later that day
    assert made_again(first, again) == [] and again.meetings[0].is_upcoming
    assert [street.name for street in again.streets] == ["rue des Lilas"] and again.streets[0] is first.streets[0]
    evening = load_model(ClairvoieSettings(site_root=str(root)), str(root / "content"), "Europe/Paris",
                         now=dt.datetime(2026, 11, 24, 21, 0, tzinfo=ZoneInfo("Europe/Paris")))
    assert made_again(again, evening) == ["Meeting:reunion"] and not evening.meetings[0].is_upcoming
    again = load_site(root)
    assert made_again(evening, again) == ["Meeting:reunion"]
    assert announced(again) and all(a is announced(first)[key] for key, a in announced(again).items())

    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Les Lilas"), encoding="utf-8")
    edited = load_site(root)
    assert made_again(again, edited) == ["Project:lilas", "Report:2026-000001", "WorksOrder:arr-1"]
    assert edited.views["secteur-2"].scorecard is again.views["secteur-2"].scorecard  # its records are the same
    assert edited.views["secteur-1"].scorecard is not again.views["secteur-1"].scorecard
    assert edited.views["secteur-1"].projects_by_status["in_progress"][0].title == "Les Lilas"
    assert edited.report("2026-000001").works[0].project.title == "Les Lilas"
    assert edited.streets[0] is not again.streets[0] and edited.streets[0].works[0] is edited.works[0]
    overdue = {key.split("/")[1]: key for key in announced(edited) if "/retard/" in key}
    assert sorted(overdue) == ["2026-000001", "2026-000002", "2026-000004"]
    assert announced(edited)[overdue["2026-000004"]] is announced(again)[overdue["2026-000004"]]
    assert announced(edited)[overdue["2026-000001"]] is not announced(again)[overdue["2026-000001"]]
    months = [key for key in announced(edited) if key.startswith("signalements/bilan/")]
    assert months and all(announced(edited)[key] is announced(again)[key] for key in months)
    assert everything_in(edited) == everything_in(fresh_load(root, monkeypatch))

    (root / "content/projects/tilleuls.yaml").write_text(
        project_yaml(title="title: Les Tilleuls refaits", sectors="sectors: [secteur-2]"), encoding="utf-8")
    retitled = load_site(root)  # the duplicate too: its original is new
    assert made_again(edited, retitled) == ["Project:tilleuls", "Report:2026-000002", "Report:2026-000003",
                                            "WorksOrder:arr-2"]
    assert retitled.report("2026-000003").original.projects[0].title == "Les Tilleuls refaits"
    assert everything_in(retitled) == everything_in(fresh_load(root, monkeypatch))
    edited = retitled

    (root / "content/works/arr-3.yaml").write_text(works_yaml("ARR-3", project="tilleuls"), encoding="utf-8")
    added = load_site(root)
    assert made_again(edited, added) == ["Project:tilleuls", "Report:2026-000002", "Report:2026-000003",
                                         "WorksOrder:arr-2", "WorksOrder:arr-3"]
    assert [w.id for w in next(p for p in added.projects if p.id == "tilleuls").works] == ["arr-2", "arr-3"]
    assert everything_in(added) == everything_in(fresh_load(root, monkeypatch))

    (root / "content/works/arr-3.yaml").unlink()
    removed = load_site(root)
    assert made_again(added, removed) == ["Project:tilleuls", "Report:2026-000002", "Report:2026-000003",
                                          "WorksOrder:arr-2"]
    assert everything_in(removed) == everything_in(fresh_load(root, monkeypatch))

    (root / "content/signalements/2026-000005.yaml").write_text(
        report_yaml("2026-000005", "{date: 2026-10-19, stage: resolved}", received="2026-10-02T08:00"),
        encoding="utf-8")
    resolved_later = load_site(root)
    assert made_again(removed, resolved_later) == ["Report:2026-000005"]
    october = {key: a for key, a in announced(resolved_later).items() if key.endswith("/2026-10")}
    assert sorted(october) == ["signalements/bilan/secteur-1/2026-10", "signalements/bilan/ville/2026-10"]
    assert all(a is not announced(removed)[key] and "17 jours" in a.body_html for key, a in october.items())
    assert everything_in(resolved_later) == everything_in(fresh_load(root, monkeypatch))
    (root / "content/signalements/2026-000004.yaml").write_text(
        report_yaml("2026-000004", "{date: 2026-11-03, stage: acknowledged}"), encoding="utf-8")
    acknowledged = load_site(root)  # only a report: its street gathers it again
    assert made_again(resolved_later, acknowledged) == ["Report:2026-000004"]
    assert acknowledged.streets[0].reports[-1].stage == "acknowledged"
    assert everything_in(acknowledged) == everything_in(fresh_load(root, monkeypatch))
    resolved_later = acknowledged

    later = load_site(root, today=dt.date(2026, 12, 10))
    assert len(made_again(removed, later)) == len(derived(later))
    assert everything_in(later) == everything_in(fresh_load(root, monkeypatch, today=dt.date(2026, 12, 10)))


class NewsArticle:
    """The parts of Pelican's Article the model reads; Pelican makes a new one at each build, with
    the very text its reader kept for an unchanged file (incremental.remember_reads)."""

    def __init__(self, source_path, content: str, summary: str):
        import datetime as dt
        from zoneinfo import ZoneInfo

        self.source_path = str(source_path)
        self.metadata = {"summary": summary, "sectors": "secteur-1"}
        self.slug = self.title = source_path.stem
        self.url = f"actualites/{self.slug}/"
        self.date = dt.datetime(2026, 11, 20, 8, tzinfo=ZoneInfo("Europe/Paris"))
        self._content = content

    @property
    def content(self):
        return self._content


def test_a_reload_cleans_and_checks_again_only_the_articles_that_changed(tmp_path, monkeypatch):
    """An unchanged article's HTML is not made safe again, nor its Markdown and plain French
    checked again; an edited one's is, and the model is the one a new process loads."""
    from clairvoie.model import plain_french

    root = city(tmp_path)
    long_sentence = " ".join(["la rue des Lilas est fermée aux voitures pendant les travaux"] * 4) + "."
    sources = {name: root / "content" / "actualites" / f"{name}.md" for name in ("lilas", "tilleuls")}
    for name, path in sources.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Title: {name}\nSummary: Les travaux.\n\n{long_sentence}\n", encoding="utf-8")
    read = {name: (f"<p>{name}</p><script>alert(1)</script>", "Les travaux.") for name in sources}
    made: list[str] = []
    for module, name in ((model_module, "sanitize_html"), (model_module, "_article_markdown_problems"),
                         (plain_french, "article_texts")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, real=real, name=name: made.append(name) or real(*args))

    def loaded():
        made.clear()
        return load_site(root, articles=[NewsArticle(path, *read[name]) for name, path in sources.items()])

    first = loaded()
    assert sorted(made) == sorted(["sanitize_html"] * 4 + ["_article_markdown_problems", "article_texts"] * 2)
    assert [item.article.content for item in first.news] == ["<p>tilleuls</p>", "<p>lilas</p>"]  # newest first
    def articles_remarked(model) -> list[str]:
        return [p.file for p in model.plain_french if p.file.endswith(".md")]

    assert articles_remarked(first) == ["content/actualites/lilas.md", "content/actualites/tilleuls.md"]
    again = loaded()
    assert made == []
    assert [item.article.content for item in again.news] == ["<p>tilleuls</p>", "<p>lilas</p>"]
    assert again.plain_french == first.plain_french

    sources["tilleuls"].write_text("Title: tilleuls\nSummary: Les travaux.\n\nC'est fini.\n", encoding="utf-8")
    read["tilleuls"] = ("<p>C'est fini.</p><script>alert(2)</script>", "Les travaux.")
    edited = loaded()
    assert sorted(made) == ["_article_markdown_problems", "article_texts", "sanitize_html"]
    assert [item.article.content for item in edited.news] == ["<p>C'est fini.</p>", "<p>lilas</p>"]
    assert articles_remarked(edited) == ["content/actualites/lilas.md"]
    with monkeypatch.context() as fresh:
        fresh.setattr(model_module, "_kept_articles", derive_module.KeptDerivations())
        assert edited.plain_french == fresh_load(root, monkeypatch, articles=[
            NewsArticle(path, *read[name]) for name, path in sources.items()]).plain_french
