import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exports import Export  # noqa: E402


@pytest.fixture
def export(tmp_path):
    return Export(tmp_path / "export")


@pytest.fixture
def records(tmp_path):
    return tmp_path / "content" / "signalements"
