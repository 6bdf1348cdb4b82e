"""Two builds of the same sources with the same SOURCE_DATE_EPOCH are byte-identical."""

import hashlib

from building import REPO, run_pelican


def contents(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(demo_output, tmp_path):
    again = tmp_path / "again"
    result = run_pelican(REPO, again)
    assert result.returncode == 0, result.stderr
    assert contents(again) == contents(demo_output)


def test_build_date_changes_what_is_shown(demo_output, tmp_path):
    """The same sources a year later give other pages: "today" is the build date."""
    later = tmp_path / "later"
    result = run_pelican(REPO, later, epoch=str(1795521600 + 365 * 86400))
    assert result.returncode == 0, result.stderr
    assert (later / "index.html").read_bytes() != (demo_output / "index.html").read_bytes()
