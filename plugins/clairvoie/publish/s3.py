"""Upload to an S3-compatible bucket (AWS, Scaleway, OVHcloud, MinIO, Garage…) with boto3.

Credentials are the standard AWS ones (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``, or ``~/.aws``); another provider's address goes in
``CLAIRVOIE_S3_ENDPOINT_URL``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from . import ENDPOINT_VARIABLE, PublishFailed, Report, describe_deletion, describe_upload, in_upload_order
from .policy import content_type, rule_for

PARALLEL_REQUESTS = 8


def parse_target(target: str) -> tuple[str, str]:
    """s3://bucket/some/prefix → ("bucket", "some/prefix/"); the prefix ends with "/" unless empty."""
    bucket, _, prefix = target.removeprefix("s3://").partition("/")
    if not bucket:
        raise PublishFailed(f"{target} : il manque le nom du seau (s3://seau/dossier).")
    prefix = prefix.strip("/")
    return bucket, prefix + "/" if prefix else ""


def _client():
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get(ENDPOINT_VARIABLE) or None
    config = Config(
        # Checksums only where S3 requires them: several S3-compatible stores refuse the others.
        request_checksum_calculation="when_required", response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": 5},
        # Buckets in the path: what every S3-compatible store understands.
        s3={"addressing_style": "path"} if endpoint else None,
    )
    return boto3.client("s3", endpoint_url=endpoint, config=config)


def _md5(path: str) -> bytes:
    with open(path, "rb") as stream:
        return hashlib.md5(stream.read(), usedforsecurity=False).digest()


def _remote_etags(client, bucket: str, prefix: str) -> dict[str, str]:
    """The bucket's files under the prefix, by path from the site's root: their ETag
    (the MD5 of the content for an object sent in one piece, as here)."""
    etags = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            etags[item["Key"][len(prefix):]] = item["ETag"].strip('"')
    return etags


def publish_to_s3(output: str, target: str, paths: list[str], dry_run: bool, force: bool,
                  say: Callable[[str], None]) -> Report:
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_target(target)
    client = _client()
    report = Report()
    try:
        remote = _remote_etags(client, bucket, prefix)
        digests = {path: _md5(os.path.join(output, path)) for path in paths}
        changed = [path for path in paths if force or remote.get(path) != digests[path].hex()]
        report.unchanged = len(paths) - len(changed)
        gone = sorted(set(remote) - set(paths))

        def upload(path: str) -> str:
            with open(os.path.join(output, path), "rb") as stream:
                client.put_object(Bucket=bucket, Key=prefix + path, Body=stream.read(),
                                  ContentType=content_type(path), CacheControl=rule_for(path).cache_control,
                                  ContentMD5=base64.b64encode(digests[path]).decode())
            return path

        def delete(path: str) -> str:
            client.delete_object(Bucket=bucket, Key=prefix + path)
            return path

        with ThreadPoolExecutor(PARALLEL_REQUESTS) as pool:
            # One phase after the other: pages never point at a file not yet online;
            # deletions once everything is in place.
            for phase in in_upload_order(changed):
                for path in phase if dry_run else pool.map(upload, phase):
                    say(describe_upload(path))
                    report.uploaded += 1
            for path in gone if dry_run else pool.map(delete, gone):
                say(describe_deletion(path))
                report.deleted += 1
    except (BotoCoreError, ClientError) as error:
        raise PublishFailed(f"Publication vers {target} impossible : {error}") from error
    return report
