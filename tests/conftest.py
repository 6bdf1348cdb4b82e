import pytest
import sys
from pathlib import Path

# Test helpers (sites.py) are imported as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

from building import REPO, run_pelican, tree_digest


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
