import os

import pytest
import sys
from pathlib import Path

# Test helpers (sites.py) are imported as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

from building import (CHROMIUM, CHROMIUM_ARGS, DEMO_EPOCH, LONG_LISTS_SPLIT, REPO, SHARED_CACHE, run_pelican,
                      tree_digest)


@pytest.fixture(scope="session", autouse=True)
def shared_image_cache(tmp_path_factory):
    """One cache of encoded images and PDFs for every build of the session (imaging.EncodedImages):
    the demo and its variants are built many times, and laying out the PDFs is the slowest part.
    Set before any build; builds in subprocesses inherit it. A CI may give its own, kept folder."""
    if os.environ.get(SHARED_CACHE):
        yield os.environ[SHARED_CACHE]
        return
    folder = str(tmp_path_factory.mktemp("shared-image-cache"))
    os.environ[SHARED_CACHE] = folder
    yield folder
    os.environ.pop(SHARED_CACHE, None)


@pytest.fixture(scope="session")
def demo_sources_before_build():
    return tree_digest(REPO / "content")


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory, demo_sources_before_build, shared_image_cache):
    """The demo city, built once for the session by the real command."""
    output = tmp_path_factory.mktemp("demo") / "output"
    result = run_pelican(REPO, output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def demo_output_again(tmp_path_factory, demo_output):
    """The demo city built a second time, into a new folder, as demo_output was: for the tests
    that compare two builds (one build for all of them; a test may build into it again)."""
    output = tmp_path_factory.mktemp("demo-again") / "output"
    result = run_pelican(REPO, output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def demo_output_with_long_lists_split(tmp_path_factory, demo_output):
    output = tmp_path_factory.mktemp("demo-figure-lists") / "output"
    result = run_pelican(REPO, output, extra_settings=LONG_LISTS_SPLIT)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def demo_output_a_year_later(tmp_path_factory, demo_output):
    """The same sources built a year after the demo's date: "today" is the build date."""
    output = tmp_path_factory.mktemp("demo-later") / "output"
    result = run_pelican(REPO, output, epoch=str(int(DEMO_EPOCH) + 365 * 86400))
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
