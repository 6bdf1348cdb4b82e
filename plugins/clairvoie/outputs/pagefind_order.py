"""Make Pagefind's bundle byte-identical from one build to the next.

Pagefind 1.5 writes the values of each filter, the list of filters and the list
of sort orders in the order of a Rust hash map: it changes with every run
(upstream issue Pagefind/pagefind#638; fragments are stable, and word indexes
too when pages are given in one order: search.run_pagefind sorts them).
Clairvoie's outputs are a pure function of the sources, so this module rewrites
those files in sorted order, under names derived from their content, and points
the metadata and ``pagefind-entry.json`` at them.

The files are gzip-compressed CBOR behind a "pagefind_dcd" signature. Only
what they use is read and written; anything unexpected leaves the bundle as
Pagefind made it (search works the same, only the bytes may differ).

The bundle is sorted and checked in memory (``problems``: every file whole,
every page and file the index names present) before search.py writes it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from typing import Any

SIGNATURE = b"pagefind_dcd"


class UnexpectedFormat(ValueError):
    pass


# --- CBOR, the part Pagefind uses: integers, strings, arrays, maps, booleans, null ----------------
def _decode(data: bytes, at: int) -> tuple[Any, int]:
    if at >= len(data):
        raise UnexpectedFormat("truncated")
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise UnexpectedFormat(f"CBOR item {head:#x}")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major == 2:
        return bytes(data[at:at + value]), at + value
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, at = _decode(data, at)
            mapping[key], at = _decode(data, at)
        return mapping, at
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], at
    raise UnexpectedFormat(f"CBOR item {head:#x}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size, form in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + struct.pack(form, value)
    raise UnexpectedFormat("integer too large")


def _encode(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise UnexpectedFormat(type(value).__name__)


def decode(name: str, data: bytes) -> Any:
    """A bundle file's value; UnexpectedFormat when it is not one whole gzip'd CBOR value
    (a truncated file fails gzip's length and CRC checks)."""
    try:
        data = gzip.decompress(data)
    except (OSError, EOFError) as error:
        raise UnexpectedFormat(f"{name}: {error}") from error
    if not data.startswith(SIGNATURE):
        raise UnexpectedFormat(f"{name}: no signature")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data) or _encode(value) != data[len(SIGNATURE):]:
        raise UnexpectedFormat(f"{name}: not read back identically")
    return value


def _named(prefix: str, digits: int, value: Any) -> tuple[str, bytes]:
    """A name made from the content (prefix + hex digits), and the file's bytes."""
    data = SIGNATURE + _encode(value)
    return f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}", gzip.compress(data, mtime=0)


# --- the bundle ------------------------------------------------------------------------------------
# The bundle is handled in memory, as Pagefind's service returns it: {path in the bundle: bytes}.
ENTRY = "pagefind-entry.json"


def sort_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with the filter indexes and the metadata of every language in sorted order.

    Everything is read and checked first: a surprise raises before anything changed.
    """
    entry_text = files[ENTRY].decode("utf-8")
    entry = json.loads(entry_text)
    result = dict(files)
    for language in entry["languages"].values():
        old_meta = language["hash"]
        new_meta = _sort_language(files, old_meta, result)
        entry_text = entry_text.replace(f'"{old_meta}"', f'"{new_meta}"')
    result[ENTRY] = entry_text.encode("utf-8")
    return result


def _sort_language(files: dict[str, bytes], meta_hash: str, result: dict[str, bytes]) -> str:
    meta_name = f"pagefind.{meta_hash}.pf_meta"
    meta = decode(meta_name, files[meta_name])
    if not (isinstance(meta, list) and len(meta) > 4 and isinstance(meta[3], list) and isinstance(meta[4], list)):
        raise UnexpectedFormat("metadata layout")
    language = meta_hash.rsplit("_", 1)[0] + "_"
    filters = []
    for name, old_hash in meta[3]:
        old_name = f"filter/{old_hash}.pf_filter"
        content = decode(old_name, files[old_name])
        if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
            raise UnexpectedFormat("filter layout")
        content[1].sort(key=lambda value_pages: value_pages[0])
        new_hash, data = _named(language, len(old_hash) - len(language), content)
        result.pop(old_name, None)
        result[f"filter/{new_hash}.pf_filter"] = data
        filters.append([name, new_hash])
    meta[3] = sorted(filters)
    meta[4].sort(key=lambda sort_pages: sort_pages[0])  # [name, page numbers in that order]: one per name
    new_meta, data = _named(language, len(meta_hash) - len(language), meta)
    result.pop(meta_name, None)
    result[f"pagefind.{new_meta}.pf_meta"] = data
    return new_meta


def sort_files_quietly(files: dict[str, bytes]) -> tuple[dict[str, bytes], str | None]:
    """sort_files(), or the bundle as it is and why: Pagefind's format changed (search still works)."""
    try:
        return sort_files(files), None
    except (UnexpectedFormat, KeyError, TypeError, ValueError, EOFError) as error:
        return files, str(error) or type(error).__name__


def _check_whole(name: str, data: bytes) -> None:
    """Raise UnexpectedFormat unless the file is whole: gzip checks its length and CRC; a page
    must also be one JSON value (word indexes are not decoded: large, and slow in Python)."""
    try:
        content = gzip.decompress(data)
        if not content.startswith(SIGNATURE):
            raise UnexpectedFormat("no signature")
        if name.endswith(".pf_fragment"):
            json.loads(content[len(SIGNATURE):])
    except (OSError, EOFError, ValueError) as error:
        raise UnexpectedFormat(str(error)) from error


def problems(files: dict[str, bytes], expected_pages: int) -> list[str]:
    """What makes this bundle unfit to publish (in French, for staff), or nothing.

    Every file must be whole (gzip'd ones decompress, with their signature; a page
    is one JSON value), the entry must count the expected pages, and every file the
    metadata names (pages, word indexes, filters) must be there. When Pagefind's
    metadata has a layout this module does not know, its references are not followed.
    """
    found: list[str] = []
    for name, data in sorted(files.items()):
        if not data:
            found.append(f"{name} est vide")
        elif name.endswith((".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter")):
            try:
                _check_whole(name, data)
            except UnexpectedFormat as error:
                found.append(f"{name} est illisible ({error})")
    if found:
        return found
    try:
        entry = json.loads(files[ENTRY].decode("utf-8"))
        languages = entry["languages"]
        counted = sum(int(language["page_count"]) for language in languages.values())
        if not languages or not all(isinstance(language["hash"], str) for language in languages.values()):
            raise KeyError("hash")
    except KeyError:
        return [f"{ENTRY} manque ou ne décrit aucune langue"]
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as error:
        return [f"{ENTRY} est illisible ({error})"]
    if counted != expected_pages:
        found.append(f"{ENTRY} compte {counted} pages au lieu de {expected_pages}")
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind"):
        if name not in files:
            found.append(f"{name} manque")
    for language in languages.values():
        if language.get("wasm") and f"wasm.{language['wasm']}.pagefind" not in files:
            found.append(f"wasm.{language['wasm']}.pagefind manque")
        meta_name = f"pagefind.{language['hash']}.pf_meta"
        if meta_name not in files:
            found.append(f"{meta_name} manque")
            continue
        try:
            meta = decode(meta_name, files[meta_name])
        except UnexpectedFormat:
            continue  # another encoding: its references are Pagefind's business
        if not (isinstance(meta, list) and len(meta) > 3
                and all(isinstance(part, list) for part in meta[1:4])):
            continue  # another layout, likewise
        if len(meta[1]) != language["page_count"]:
            found.append(f"{meta_name} décrit {len(meta[1])} pages au lieu de {language['page_count']}")
        try:
            named = ([f"fragment/{page[0]}.pf_fragment" for page in meta[1]]
                     + [f"index/{chunk[-1]}.pf_index" for chunk in meta[2]]
                     + [f"filter/{item[-1]}.pf_filter" for item in meta[3]])
        except (TypeError, IndexError, KeyError):
            continue
        found += [f"{name} manque" for name in named if name not in files]
    return found
