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


def test_the_published_bytes_written_twice_leave_one_file_and_no_temporary(tmp_path):
    """Two writers of the same bytes (the podcast and the static copy of a sound): both link the
    published file, and rename() between two links of one file does nothing."""
    published, site = staged_site(tmp_path)
    first = site.write("donnees.json", '{"a": 1}')
    second = Site.for_files(None, site.output_path, {"SITEURL": ""}).write("donnees.json", '{"a": 1}')
    assert first == second and os.stat(second).st_ino == os.stat(published / "donnees.json").st_ino
    assert sorted(os.listdir(site.output_path)) == ["donnees.json"]


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


# --- per-record files (Site.write_piece) and what the swap compares -----------------------------
def _build(root, output, make_calls, titles, **settings):
    """One build of two projects' "feeds" as pieces, swapped in as staging.finish does."""
    from types import SimpleNamespace

    from clairvoie import incremental
    from sites import load_site

    model = load_site(root)
    signatures = incremental.PageSignatures(model, {"SITEURL": ""}, str(root / "theme"))
    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(output)}, output_path=None)
    staging.begin(pelican)
    site = Site("", "villebrune.example", pelican.output_path,
                {"CACHE_PATH": str(root / "cache"), "SITEURL": "", **settings}, {incremental.SIGNATURES: signatures})
    for project in model.projects:
        def make(project=project):
            make_calls.append(project.id)
            return f"<feed>{titles[project.id]}</feed>"
        site.write_piece(f"projets/{project.id}/flux.atom", "feed:project:atom", [project], make)
    site.write("flux.atom", "<feed>la ville</feed>")  # a city-wide file, made every time
    staging.keep_unchanged(pelican)
    staging.finish(pelican)
    return site.pieces


def test_a_piece_whose_records_are_unchanged_is_the_published_file_and_is_not_made(tmp_path):
    from sites import project_yaml, write_site

    root = write_site(tmp_path / "site", {"content/projects/lilas.yaml": project_yaml(),
                                          "content/projects/tilleuls.yaml": project_yaml(title="title: Tilleuls")})
    (root / "theme").mkdir()
    output, made = tmp_path / "output", []
    titles = {"lilas": "Lilas", "tilleuls": "Tilleuls"}
    assert _build(root, output, made, titles).kept == 0
    assert sorted(made) == ["lilas", "tilleuls"]
    before = {name: os.stat(output / "projets" / name / "flux.atom") for name in titles}

    made.clear()
    (root / "content/projects/lilas.yaml").write_text(project_yaml(title="title: Lilas refaite"), encoding="utf-8")
    titles["lilas"] = "Lilas refaite"
    assert _build(root, output, made, titles).kept == 1
    assert made == ["lilas"]  # the edited project only
    tilleuls, lilas = (os.stat(output / "projets" / name / "flux.atom") for name in ("tilleuls", "lilas"))
    assert (tilleuls.st_ino, tilleuls.st_mtime_ns) == (before["tilleuls"].st_ino, before["tilleuls"].st_mtime_ns)
    assert lilas.st_ino != before["lilas"].st_ino
    assert (output / "projets/lilas/flux.atom").read_text(encoding="utf-8") == "<feed>Lilas refaite</feed>"


def test_a_piece_is_made_again_when_its_published_file_is_gone(tmp_path):
    from sites import project_yaml, write_site

    root = write_site(tmp_path / "site", {"content/projects/lilas.yaml": project_yaml()})
    (root / "theme").mkdir()
    output, made = tmp_path / "output", []
    _build(root, output, made, {"lilas": "Lilas"})
    (output / "projets/lilas/flux.atom").unlink()
    made.clear()
    assert _build(root, output, made, {"lilas": "Lilas"}).kept == 0
    assert made == ["lilas"]
    assert (output / "projets/lilas/flux.atom").read_text(encoding="utf-8") == "<feed>Lilas</feed>"


def test_without_incremental_builds_every_piece_is_made(tmp_path):
    from sites import project_yaml, write_site

    root = write_site(tmp_path / "site", {"content/projects/lilas.yaml": project_yaml()})
    (root / "theme").mkdir()
    output, made = tmp_path / "output", []
    _build(root, output, made, {"lilas": "Lilas"})
    made.clear()
    assert _build(root, output, made, {"lilas": "Lilas"}, CLAIRVOIE_INCREMENTAL=False).kept == 0
    assert made == ["lilas"]


def test_the_swap_compares_only_the_files_the_build_did_not_settle(tmp_path):
    """Files Site.write linked or wrote anew are not compared again; others (Pelican's) are."""
    from types import SimpleNamespace

    from clairvoie import incremental

    published = tmp_path / "output"
    published.mkdir()
    for name in ("donnees.json", "change.json", "pelican.html"):
        (published / name).write_bytes(b"hier")
    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(published)}, output_path=None)
    staging.begin(pelican)
    site = Site.for_files(None, pelican.output_path, {"SITEURL": ""})
    site.write("donnees.json", b"hier")  # linked: settled
    site.write("change.json", b"auj.")  # other bytes, same size: settled
    (tmp_path / ("output" + staging.STAGING_SUFFIX) / "pelican.html").write_bytes(b"hier")  # not known
    walked = incremental.walk_staged(pelican.output_path, str(published), staging._builds[pelican.output_path].settled)
    assert (walked.kept, walked.compared) == (1, 1)


def test_the_swap_walk_lists_every_staged_file_and_which_are_the_published_ones(tmp_path):
    """One walk serves the swap and the check of images: each file, A–Z, with the published
    file's status exactly when the staged file is that file (linked by the build or by the walk)."""
    from types import SimpleNamespace

    published = tmp_path / "output"
    (published / "a").mkdir(parents=True)
    for name, data in (("a/garde.json", b"hier"), ("a/pelican.html", b"hier"), ("change.json", b"hier")):
        (published / name).write_bytes(data)
    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(published)}, output_path=None)
    staging.begin(pelican)
    site = Site.for_files(None, pelican.output_path, {"SITEURL": ""})
    site.write("a/garde.json", b"hier")  # linked by the build
    site.write("change.json", b"auj.")  # new bytes
    site.write("nouveau.json", b"neuf")  # not published before
    staged = tmp_path / ("output" + staging.STAGING_SUFFIX)
    (staged / "a" / "pelican.html").write_bytes(b"hier")  # Pelican's: linked by the walk

    walked = staging.keep_unchanged(pelican)

    expected = sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if p.is_file())
    assert [file.relative for file in walked.files] == expected
    for file in walked.files:
        same = os.stat(file.path).st_ino == os.stat(published / file.relative).st_ino if (
            published / file.relative).exists() else False
        assert (file.published is not None) == same, file.relative
        if same:
            assert file.published.st_ino == os.stat(published / file.relative).st_ino
    assert {f.relative for f in walked.files if f.published} == {os.path.join("a", "garde.json"),
                                                                 os.path.join("a", "pelican.html")}
    assert (walked.kept, walked.compared) == (1, 1)
    staging.discard(pelican.output_path)


def test_the_first_build_walk_lists_its_files_with_nothing_published(tmp_path):
    from types import SimpleNamespace

    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(tmp_path / "output")}, output_path=None)
    staging.begin(pelican)
    Site.for_files(None, pelican.output_path, {"SITEURL": ""}).write("b/c.json", b"neuf")
    walked = staging.keep_unchanged(pelican)
    assert [(f.relative, f.published) for f in walked.files] == [(os.path.join("b", "c.json"), None)]
    staging.finish(pelican)
    assert (tmp_path / "output" / "b" / "c.json").read_bytes() == b"neuf"


def test_the_collector_is_paused_only_inside_and_left_as_it_was(tmp_path):
    import gc

    from clairvoie import incremental

    assert gc.isenabled()
    with incremental.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with incremental.collector_paused():
            pass
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
    try:
        with incremental.collector_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


# --- rebuilds written in place (staging.py) ---------------------------------------------------------
def _one_build(output, writes, helper_writes=()):
    """A build through staging, as Clairvoie's signals run it: ``writes`` from the build's own
    process, ``helper_writes`` from a forked helper (parallel.for_each)."""
    from types import SimpleNamespace

    from clairvoie import parallel

    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(output)}, output_path=None)
    staging.begin(pelican)
    in_place = staging.writes_in_place(pelican.output_path)
    site = Site.for_files(None, pelican.output_path, {"SITEURL": ""})
    for save_as, data in writes.items():
        site.write(save_as, data)
    parallel.for_each([(None, None), *helper_writes], lambda share: [site.write(*w) for w in share if w[0]], 2,
                      "des essais")
    staging.keep_unchanged(pelican)
    staging.finish(pelican)
    return in_place


def test_a_rebuild_in_one_process_is_written_in_place_even_what_a_helper_process_kept(tmp_path):
    """The rebuild moves its new files into the output folder (the same folder), removes what it
    no longer makes, and leaves the unchanged files as they are: those its own process kept, and
    those a helper process wrote with the published bytes (its own list of kept files dies with it)."""
    output = tmp_path / "output"
    assert not _one_build(output, {"a/garde.json": b"hier", "change.json": b"hier", "a/b/retire.json": b"hier"},
                          [("aide/pdf.json", b"hier")])
    folder, kept = os.stat(output).st_ino, {n: os.stat(output / n).st_ino for n in ("a/garde.json", "aide/pdf.json")}

    assert _one_build(output, {"a/garde.json": b"hier", "change.json": b"auj."}, [("aide/pdf.json", b"hier")])

    assert os.stat(output).st_ino == folder
    files = sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_file())
    assert files == [os.path.join("a", "garde.json"), os.path.join("aide", "pdf.json"), "change.json"]
    assert not (output / "a" / "b").exists()  # the removed file's folder, left empty, is gone
    assert {n: os.stat(output / n).st_ino for n in kept} == kept
    assert (output / "change.json").read_bytes() == b"auj."
    assert not (tmp_path / ("output" + staging.STAGING_SUFFIX)).exists()


def test_a_swap_removes_the_retired_folders_a_killed_process_left_and_only_those(tmp_path):
    """A build killed while its replaced site was being removed leaves ``output.clairvoie-old-<pid>-…``:
    the next swap removes it, but never the retired folder of a process still running."""
    import subprocess
    import sys
    import threading

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    output = tmp_path / "output"
    retired = str(output) + staging.RETIRED_SUFFIX
    left = {pid: f"{retired}-{pid}-1-2" for pid in (int(ended.stdout), os.getpid())}
    for folder in left.values():
        os.makedirs(os.path.join(folder, "projets"))
        open(os.path.join(folder, "projets", "index.html"), "w").close()
    _one_build(output, {"index.html": b"ville"})
    for thread in threading.enumerate():
        if thread.name == "clairvoie-remove-old-output":
            thread.join(timeout=60)
    assert not os.path.exists(left[int(ended.stdout)])
    assert os.path.isfile(os.path.join(left[os.getpid()], "projets", "index.html"))
    assert (output / "index.html").read_bytes() == b"ville"


def test_a_published_folder_is_kept_whole_linked_file_by_file_or_left_in_place(tmp_path):
    """keep_published_folder (the preview keeps the published search bundle): swapped whole, each
    file is linked into the new build; written in place, the folder is left as it is, unlisted."""
    from types import SimpleNamespace

    output = tmp_path / "output"
    bundle = {"pagefind/pagefind-entry.json": b"{}", "pagefind/fragment/un.pf_fragment": b"1"}

    def build(the_bundle: str, incremental: bool = True) -> tuple[bool | None, bool]:
        """A build that makes the bundle ("made"), keeps it ("kept") or neither ("none")."""
        pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(output), "CLAIRVOIE_INCREMENTAL": incremental},
                                  output_path=None)
        staging.begin(pelican)
        in_place = staging.writes_in_place(pelican.output_path)
        site = Site.for_files(None, pelican.output_path, {"SITEURL": ""})
        site.write("index.html", b"ville")
        kept = staging.keep_published_folder(pelican.output_path, "pagefind") if the_bundle == "kept" else None
        if the_bundle == "made":
            for save_as, data in bundle.items():
                site.write(save_as, data)
        staging.keep_unchanged(pelican)
        staging.finish(pelican)
        return kept, in_place

    def inodes() -> dict[str, int]:
        return {name: os.stat(output / name).st_ino for name in bundle}

    build("made")
    published = inodes()
    assert build("kept", incremental=False) == (True, False)  # swapped whole: each file linked
    assert inodes() == published
    assert build("kept") == (True, True)  # written in place: left as it is
    assert inodes() == published and (output / "index.html").read_bytes() == b"ville"
    assert build("none") == (None, True)  # neither kept nor made: removed
    assert not (output / "pagefind").exists()
    assert build("kept") == (False, True)  # nothing left to keep


# --- one build at a time per output folder --------------------------------------------------
# Another process's attempt to begin a build into OUTPUT: what it was told, or "began".
BEGIN_ELSEWHERE = """
import sys
from types import SimpleNamespace
from clairvoie import staging
try:
    staging.begin(SimpleNamespace(settings={"OUTPUT_PATH": sys.argv[1]}, output_path=None))
    print("began")
except staging.BuildInProgress as refused:
    print(refused.summary())
"""


def _begin_elsewhere(output) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", BEGIN_ELSEWHERE, str(output)], capture_output=True, text=True,
                          timeout=60, check=True).stdout.strip()


def test_a_second_process_cannot_begin_a_build_into_a_folder_until_the_first_is_over(tmp_path):
    """make site beside make serve: refused in French, naming the folder and the process, and
    the first build's staging folder left as it was; free again once the build is put in place,
    or dropped."""
    from types import SimpleNamespace

    output = tmp_path / "output"
    for end in (staging.finish, lambda pelican: staging.discard(pelican.output_path)):
        pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(output)}, output_path=None)
        staging.begin(pelican)
        Site.for_files(None, pelican.output_path, {"SITEURL": ""}).write("index.html", b"ville")

        refused = _begin_elsewhere(output)

        assert refused.startswith(f"Une autre construction est en cours dans le dossier « {output} » "
                                  f"(le processus {os.getpid()},")
        assert (output.parent / ("output" + staging.STAGING_SUFFIX) / "index.html").read_bytes() == b"ville"
        staging.begin(pelican)  # this process's own next build (its last one failed before discard)
        end(pelican)
        assert _begin_elsewhere(output) == "began"  # that process ended: the system released its lock


def test_a_preview_s_pdfs_are_not_laid_out_while_another_process_builds_into_the_folder(tmp_path):
    """clairvoie serve lays a preview's PDFs out after its build, into the published folder:
    not while another build is writing there (that build lays them out itself)."""
    import subprocess
    import sys

    from clairvoie.outputs.paper import LeftToLayOut

    output = tmp_path / "output"
    output.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", BEGIN_ELSEWHERE + "sys.stdout.flush(); sys.stdin.read()",
                               str(output)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "began"
        with staging.held(str(output)) as ours:
            assert not ours
        left = LeftToLayOut([object()], None, None, None, str(output), "")  # any document would fail
        assert left.lay_out(stop=lambda: False) == 0
    finally:
        holder.communicate("", timeout=60)
    with staging.held(str(output)) as ours:
        assert ours
    assert _begin_elsewhere(output) == "began"
