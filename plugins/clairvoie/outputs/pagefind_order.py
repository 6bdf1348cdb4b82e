"""Make Pagefind's bundle byte-identical from one build to the next.

Pagefind 1.5 writes the values of each filter, and the list of filters, in the
order of a Rust hash map: it changes with every run (upstream issue
Pagefind/pagefind#638; fragments and word indexes are stable). Clairvoie's
outputs are a pure function of the sources, so this module rewrites those
files in sorted order, under names derived from their content, and points
the metadata and ``pagefind-entry.json`` at them.

The files are gzip-compressed CBOR behind a "pagefind_dcd" signature. Only
what they use is read and written; anything unexpected leaves the bundle as
Pagefind wrote it (search works the same, only the bytes may differ).
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
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


def read(path: str) -> Any:
    data = gzip.decompress(open(path, "rb").read())
    if not data.startswith(SIGNATURE):
        raise UnexpectedFormat(f"{os.path.basename(path)}: no signature")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data) or _encode(value) != data[len(SIGNATURE):]:
        raise UnexpectedFormat(f"{os.path.basename(path)}: not read back identically")
    return value


def _named(prefix: str, digits: int, value: Any) -> tuple[str, bytes]:
    """A name made from the content (prefix + hex digits), and the file's bytes."""
    data = SIGNATURE + _encode(value)
    return f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}", gzip.compress(data, mtime=0)


# --- the bundle ------------------------------------------------------------------------------------
def sort_bundle(bundle: str) -> None:
    """Rewrite the filter indexes and the metadata of every language in sorted order.

    Everything is read and checked first: a surprise leaves the bundle untouched.
    """
    entry_path = os.path.join(bundle, "pagefind-entry.json")
    with open(entry_path, encoding="utf-8") as stream:
        entry_text = stream.read()
    entry = json.loads(entry_text)
    writes: dict[str, bytes] = {}
    removals: list[str] = []
    for language in entry["languages"].values():
        old_meta = language["hash"]
        new_meta = _sort_language(bundle, old_meta, writes, removals)
        entry_text = entry_text.replace(f'"{old_meta}"', f'"{new_meta}"')
    for path in removals:
        os.remove(path)
    for path, data in writes.items():
        with open(path, "wb") as stream:
            stream.write(data)
    with open(entry_path, "w", encoding="utf-8") as stream:
        stream.write(entry_text)


def _sort_language(bundle: str, meta_hash: str, writes: dict[str, bytes], removals: list[str]) -> str:
    meta_path = os.path.join(bundle, f"pagefind.{meta_hash}.pf_meta")
    meta = read(meta_path)
    if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
        raise UnexpectedFormat("metadata layout")
    language = meta_hash.rsplit("_", 1)[0] + "_"
    filters = []
    for name, old_hash in meta[3]:
        path = os.path.join(bundle, "filter", f"{old_hash}.pf_filter")
        content = read(path)
        if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
            raise UnexpectedFormat("filter layout")
        content[1].sort(key=lambda value_pages: value_pages[0])
        new_hash, data = _named(language, len(old_hash) - len(language), content)
        removals.append(path)
        writes[os.path.join(bundle, "filter", f"{new_hash}.pf_filter")] = data
        filters.append([name, new_hash])
    meta[3] = sorted(filters)
    new_meta, data = _named(language, len(meta_hash) - len(language), meta)
    removals.append(meta_path)
    writes[os.path.join(bundle, f"pagefind.{new_meta}.pf_meta")] = data
    return new_meta


def sort_bundle_quietly(bundle: str) -> str | None:
    """sort_bundle(), or why it could not: Pagefind's format changed (the bundle still works)."""
    if not glob.glob(os.path.join(bundle, "pagefind.*.pf_meta")):
        return "no metadata file"
    try:
        sort_bundle(bundle)
    except (UnexpectedFormat, KeyError, TypeError, ValueError, OSError, EOFError) as error:
        return str(error)
    return None
