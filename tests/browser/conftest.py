"""Browser tests serve the built demo city on loopback (Chromium fixtures: tests/conftest.py)."""

import pytest

from building import serve


@pytest.fixture(scope="session")
def site_url(demo_output):
    with serve(demo_output) as url:
        yield url
