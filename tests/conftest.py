import pytest
import sys
from pathlib import Path

# Test helpers (sites.py) are imported as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

from building import CHROMIUM, CHROMIUM_ARGS, REPO, run_pelican, tree_digest


@pytest.fixture(scope="session")
def demo_sources_before_build():
    return tree_digest(REPO / "content")


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory, demo_sources_before_build):
    """The demo city, built once for the session by the real command."""
    output = tmp_path_factory.mktemp("demo") / "output"
    result = run_pelican(REPO, output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the session (its sync API allows only one at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    """Headless Chromium from Debian's package, as residents' browsers would be."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
