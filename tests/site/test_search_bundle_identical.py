"""One set of pages gives one search bundle, byte for byte: whatever the order the pages come
in, the file system they are read from, and from one run of Pagefind to the next.

Pagefind numbers pages in the order it gets them (a folder: in the order the file system
lists it, which differs between ext4, tmpfs and machines) and every word index lists page
numbers; it writes filters, and sort orders, in the order of a hash map (upstream #638).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import tempfile
from pathlib import Path

import pytest

RUNS = 12  # the demo's pages: about a second each on a quiet machine
TMPFS = Path("/dev/shm")  # a file system that lists a folder in another order than ext4


def digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


@pytest.fixture(scope="module")
def indexed_pages(demo_output) -> list[tuple[str, str]]:
    """The (address, HTML) pairs of every page the demo city's search indexes, as published."""
    pages = []
    for path in (demo_output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        url = json.loads(data[len(b"pagefind_dcd"):])["url"]
        pages.append((url, (demo_output / url.strip("/") / "index.html").read_text(encoding="utf-8")))
    assert len(pages) > 100
    return sorted(pages)


def write_folder(folder: Path, pages: list[tuple[str, str]]) -> str:
    for url, html in pages:
        page = folder / url.strip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(html, encoding="utf-8")
    return str(folder)


def test_the_same_pages_give_the_same_bundle_in_any_order(indexed_pages):
    from clairvoie.outputs.search import run_pagefind

    first = digests(run_pagefind(indexed_pages, len(indexed_pages)))
    shuffled = list(indexed_pages)
    for run in range(RUNS - 1):
        random.Random(run).shuffle(shuffled)
        given = list(reversed(indexed_pages)) if run == 0 else shuffled
        assert digests(run_pagefind(given, len(indexed_pages))) == first, f"run {run + 2} of {RUNS}"


def test_a_folder_gives_the_same_bundle_on_any_file_system(indexed_pages, tmp_path):
    from clairvoie.outputs.search import run_pagefind

    expected = digests(run_pagefind(indexed_pages, len(indexed_pages)))
    folders = [write_folder(tmp_path / "reversed", list(reversed(indexed_pages)))]
    if TMPFS.is_dir() and os.access(TMPFS, os.W_OK):
        with tempfile.TemporaryDirectory(dir=TMPFS) as memory:
            folders.append(write_folder(Path(memory), indexed_pages))
            for folder in folders:
                assert digests(run_pagefind(folder, len(indexed_pages))) == expected, folder
    else:
        assert digests(run_pagefind(folders[0], len(indexed_pages))) == expected


def test_sort_orders_are_put_in_order_too(tmp_path):
    """Two sort orders (data-pagefind-sort) come in any order from Pagefind: one order is published."""
    from clairvoie.outputs.pagefind_order import ENTRY, SIGNATURE, _encode, decode, sort_files
    from clairvoie.outputs.search import run_pagefind

    pages = [(f"/p/{n}/", f'<html lang="fr"><body><main data-pagefind-body><h1>Page {n}</h1>'
              f'<span data-pagefind-sort="date">2026-0{n}-01</span><span data-pagefind-sort="rang">{9 - n}</span>'
              f"<p>Travaux de voirie numéro {n}.</p></main></body></html>") for n in range(1, 5)]
    files = run_pagefind(pages, len(pages))
    meta_name = next(name for name in files if name.endswith(".pf_meta"))
    meta = decode(meta_name, files[meta_name])
    assert [sort[0] for sort in meta[4]] == ["date", "rang"]
    # The same bundle as Pagefind gives it when its hash map lists "rang" first, under another name.
    meta[4].reverse()
    meta_hash = meta_name.removeprefix("pagefind.").removesuffix(".pf_meta")
    other_hash = meta_hash[:-1] + ("1" if meta_hash.endswith("0") else "0")
    other = {name: data for name, data in files.items() if name != meta_name}
    other[f"pagefind.{other_hash}.pf_meta"] = gzip.compress(SIGNATURE + _encode(meta), mtime=0)
    other[ENTRY] = files[ENTRY].replace(f'"{meta_hash}"'.encode(), f'"{other_hash}"'.encode())
    assert digests(sort_files(other)) == digests(files)


def test_pagefind_cuts_its_index_in_the_chunks_asked_for(indexed_pages):
    """Small chunks: a query downloads less of the index (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE is read)."""
    from clairvoie.outputs.search import SMALLEST_CHUNK, run_pagefind

    def chunks(files):
        return [data for name, data in files.items() if name.startswith("index/")]

    default = chunks(run_pagefind(indexed_pages, len(indexed_pages)))
    small = chunks(run_pagefind(indexed_pages, len(indexed_pages), SMALLEST_CHUNK))
    assert len(small) > 10 * len(default)
    assert sum(map(len, small)) / len(small) < sum(map(len, default)) / len(default) / 5
