"""Publishing for real: rsync into a local folder, and S3 against a real S3 HTTP server
(moto's) on loopback, checked with boto3."""

import re
import shutil

import pytest

from building import free_port


@pytest.fixture(scope="session")
def rsync():
    """rsync, which ``make test`` installs from Debian's package."""
    if shutil.which("rsync") is None:
        pytest.fail("rsync manque : lancez les tests par « make test », qui l'installe (paquet Debian « rsync »)")
    return shutil.which("rsync")


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, monkeypatch, request):
    """A new, empty bucket on the server; the environment ``clairvoie publish`` reads points at it."""
    import boto3

    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1", "CLAIRVOIE_S3_ENDPOINT_URL": s3_server}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server)
    bucket = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:60]
    client.create_bucket(Bucket=bucket)
    return client, bucket


@pytest.fixture
def site(demo_output, tmp_path):
    """The built demo city, in a folder a test may change."""
    return shutil.copytree(demo_output, tmp_path / "output")
