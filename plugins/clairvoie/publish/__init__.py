"""Put the built site (``output/``) online: an S3-compatible bucket, or a web server by rsync.

One build then serves any number of residents and panels from a CDN: each file
carries how long it may be kept (``policy.py``), only changed files travel, files
that point at others go up last and removed files are deleted once everything
else is in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from .policy import SERVER_FILES, content_type, rule_for

TARGET_VARIABLE = "CLAIRVOIE_PUBLISH_TARGET"
ENDPOINT_VARIABLE = "CLAIRVOIE_S3_ENDPOINT_URL"


class PublishFailed(Exception):
    """Nothing wrong with the site; the target is unreachable, refused, or misnamed."""


@dataclass
class Report:
    uploaded: int = 0
    deleted: int = 0
    unchanged: int = 0

    def summary(self, dry_run: bool) -> str:
        if dry_run:
            return (f"Simulation : {self.uploaded} fichiers seraient envoyés, {self.deleted} supprimés, "
                    f"{self.unchanged} sont déjà à jour. Rien n'a été modifié.")
        return (f"Publication terminée : {self.uploaded} fichiers envoyés, {self.deleted} supprimés, "
                f"{self.unchanged} déjà à jour.")


def describe_upload(path: str) -> str:
    return f"envoi        {path}  [{content_type(path)} ; {rule_for(path).cache_control}]"


def describe_deletion(path: str) -> str:
    return f"suppression  {path}"


def site_files(output: str) -> list[str]:
    """Every file of the built site, by its path from the root with "/", sorted."""
    paths = []
    for folder, _, names in os.walk(output):
        for name in names:
            paths.append(os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/"))
    return sorted(paths)


def in_upload_order(paths: list[str]) -> tuple[list[str], list[str]]:
    """What is pointed at first (assets, images, index files), then what points at it."""
    first = [path for path in paths if not rule_for(path).upload_last]
    last = [path for path in paths if rule_for(path).upload_last]
    return first, last


def _check_built(output: str) -> None:
    # An empty or missing folder would otherwise delete the whole site online.
    if not os.path.isfile(os.path.join(output, "index.html")):
        raise PublishFailed(f"{output} ne contient pas de site construit (pas de index.html) : rien n'a été "
                            "publié. Construisez d'abord le site, par exemple avec « make publish ».")


def publish_site(output: str, target: str, site_url: str, dry_run: bool = False, force: bool = False,
                 say: Callable[[str], None] = print) -> Report:
    """Publish ``output`` to ``target``: s3://bucket/prefix, or anything rsync accepts.

    ``force`` sends every file to S3 again, e.g. after the cache table changed: S3 keeps
    headers with each file, and unchanged files are otherwise left alone."""
    if not target:
        raise PublishFailed(f"Où publier ? Donnez l'adresse dans la variable {TARGET_VARIABLE} "
                            "(s3://seau/dossier, utilisateur@serveur:/chemin ou un dossier) : voir docs/publier.md.")
    _check_built(output)
    if target.startswith("s3://"):
        from .s3 import publish_to_s3

        report = publish_to_s3(output, target, [p for p in site_files(output) if p not in SERVER_FILES],
                               dry_run=dry_run, force=force, say=say)
    else:
        from .rsync import publish_with_rsync

        base_path = urlsplit(site_url or "").path.rstrip("/")
        report = publish_with_rsync(output, target, base_path, dry_run=dry_run, say=say)
    say(report.summary(dry_run))
    return report
