"""The newsletter on a copy of the demo city, and a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from building import copy_demo_site, free_port, run_clairvoie
from letters import SUBSCRIBERS, Recorder


@pytest.fixture
def smtp():
    """(recorder, "smtp://127.0.0.1:<port>"): a real SMTP server, on loopback only."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """A copy of the demo city whose first issues are built (SOURCE_DATE_EPOCH fixed)."""
    root = copy_demo_site(tmp_path_factory.mktemp("newsletter") / "site")
    result = run_clairvoie(root, "newsletter", "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def subscribers(tmp_path):
    """The subscriber list, outside the site's folder as it must be."""
    folder = tmp_path / "prive"
    folder.mkdir()
    path = folder / "abonnes.csv"
    lines = ["email,sectors,token"] + [",".join(row) for row in SUBSCRIBERS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
