"""A busy machine gives the same, complete site: the demo city built several times while
more CPU-bound processes than the machine has cores run beside it.

Pagefind's service used to answer "files written" before its writes reached the disk, and
was then stopped: on a busy machine, pagefind-entry.json or wasm.unknown.pagefind came out
empty (issue 12). Every build here must give the whole bundle, byte for byte the bundle of
a build on a quiet machine.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from building import REPO, run_pelican

BUILDS = 3  # whole demo builds
INDEXES = 20  # search indexes alone: a second each
HOGS = (os.cpu_count() or 1) + 2
HOG_SECONDS = 240  # each hog also stops by itself, should the test process die


@contextlib.contextmanager
def cpu_hogs(count: int) -> Iterator[list[subprocess.Popen]]:
    """``count`` processes that only burn CPU, stopped on leaving."""
    script = f"import time\nend = time.monotonic() + {HOG_SECONDS}\nwhile time.monotonic() < end:\n    pass\n"
    hogs: list[subprocess.Popen] = []
    try:
        for _ in range(count):
            hogs.append(subprocess.Popen([sys.executable, "-c", script]))
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()


def digests(output: Path) -> dict[str, str]:
    return {str(path.relative_to(output)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(output.rglob("*")) if path.is_file()}


def bundle_problems(bundle: Path) -> list[str]:
    """What is missing or broken in a Pagefind bundle (a site's pagefind/ folder)."""
    output = bundle.parent
    problems = [f"{path.relative_to(output)} is empty" for path in sorted(bundle.rglob("*"))
                if path.is_file() and path.stat().st_size == 0]
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages = entry["languages"]["fr"]["page_count"]
    except (OSError, ValueError, KeyError) as error:
        return problems + [f"pagefind-entry.json: {error!r}"]
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind", "wasm.fr.pagefind",
                 f"pagefind.{entry['languages']['fr']['hash']}.pf_meta"):
        if not (bundle / name).is_file():
            problems.append(f"{name} is missing")
    for path in sorted(bundle.rglob("*.pf_*")):
        try:
            data = gzip.decompress(path.read_bytes())  # a truncated file fails gzip's own checks
        except (OSError, EOFError) as error:
            problems.append(f"{path.relative_to(output)}: {error!r}")
            continue
        if not data.startswith(b"pagefind_dcd"):
            problems.append(f"{path.relative_to(output)}: no signature")
        elif path.suffix == ".pf_fragment":
            try:
                json.loads(data[len(b"pagefind_dcd"):])
            except ValueError as error:
                problems.append(f"{path.relative_to(output)}: {error!r}")
    fragments = list((bundle / "fragment").glob("*.pf_fragment"))
    if len(fragments) != pages:
        problems.append(f"{len(fragments)} page fragments for {pages} pages")
    for folder in ("index", "filter"):
        if not list((bundle / folder).glob(f"*.pf_{folder}")):
            problems.append(f"no {folder} file")
    return problems


def test_pagefind_beside_cpu_hogs_gives_whole_identical_bundles(demo_output, tmp_path):
    """The search index step alone, many times: before the fix, about one index in ten came out broken."""
    from clairvoie.outputs.search import run_pagefind, write_bundle
    from clairvoie.outputs.site import Site

    site = tmp_path / "pages"
    for path in (demo_output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        url = json.loads(data[len(b"pagefind_dcd"):])["url"]
        page = site / url.strip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes((demo_output / url.strip("/") / "index.html").read_bytes())
    pages = len(list(site.rglob("index.html")))
    assert pages > 100
    first = None
    with cpu_hogs(HOGS):
        for run in range(INDEXES):
            bundle = tmp_path / f"site-{run}" / "pagefind"
            write_bundle(Site.for_files(None, str(bundle.parent), {}), run_pagefind(str(site), pages))
            assert bundle_problems(bundle) == [], f"index {run + 1} of {INDEXES}"
            first = first or digests(bundle)
            assert digests(bundle) == first, f"index {run + 1} of {INDEXES}"


def test_builds_beside_cpu_hogs_are_complete_and_identical(demo_output, tmp_path):
    assert bundle_problems(demo_output / "pagefind") == []
    expected = digests(demo_output)
    with cpu_hogs(HOGS) as hogs:
        for run in range(BUILDS):
            output = tmp_path / f"busy-{run}"
            result = run_pelican(REPO, output)
            assert all(hog.poll() is None for hog in hogs)  # the machine was busy all along
            assert result.returncode == 0, result.stderr
            assert bundle_problems(output / "pagefind") == [], f"build {run + 1} of {BUILDS}"
            built = digests(output)
            assert sorted(built) == sorted(expected), f"build {run + 1} of {BUILDS}"
            assert [path for path in expected if built[path] != expected[path]] == [], f"build {run + 1}"
