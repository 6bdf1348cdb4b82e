"""Names made of a file's content (``css/clairvoie.3f2a9c1b0d.css``): a changed file gets a new name.

The theme's files are published under them (``outputs/assets.py``), and the publishing
rules give them a year of cache (``publish/policy.py``).
"""

from __future__ import annotations

import hashlib
import posixpath

HASH_LENGTH = 10
# The end of a fingerprinted name (".<hash>.css"), as a regular expression.
FINGERPRINT_PATTERN = r"\.[0-9a-f]{%d}\.[^./]+" % HASH_LENGTH


def fingerprinted_name(relative_path: str, data: bytes) -> str:
    stem, extension = posixpath.splitext(relative_path)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}{extension}"
