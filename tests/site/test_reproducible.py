"""Two builds of the same sources with the same SOURCE_DATE_EPOCH are byte-identical."""

import hashlib



def contents(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(demo_output, demo_output_again):
    assert contents(demo_output_again) == contents(demo_output)


def test_build_date_changes_what_is_shown(demo_output, demo_output_a_year_later):
    """The same sources a year later give other pages: "today" is the build date."""
    later = demo_output_a_year_later
    assert (later / "index.html").read_bytes() != (demo_output / "index.html").read_bytes()
