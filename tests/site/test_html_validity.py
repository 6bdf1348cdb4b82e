"""Every page of the demo city is valid HTML for the Nu HTML checker (vnu-jar): no element
without its required attribute, nothing misplaced, no duplicate id."""

from pathlib import Path

from building import REPO, run_pelican
from html_checker import nu_errors, nu_warnings


def pages(output: Path) -> list[Path]:
    """Every HTML page and standalone SVG file of a built site."""
    return sorted([*output.rglob("*.html"), *output.rglob("*.svg")])


def test_every_page_of_the_demo_city_is_valid_html(demo_output):
    checked = pages(demo_output)
    # Not a vacuous pass: the home page and every kind of page are there.
    assert demo_output / "index.html" in checked
    for folder in ("secteurs", "projets", "travaux", "reunions", "actualites", "transparence", "rues"):
        assert any(folder in path.relative_to(demo_output).parts[:1] for path in checked), folder
    errors = nu_errors(checked, root=demo_output)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)


def test_the_public_site_is_valid_html_too(tmp_path):
    """publishconf.py: an absolute SITEURL adds og:url and og:image to every page's head."""
    output = tmp_path / "output"
    result = run_pelican(REPO, output, settings="publishconf.py")
    assert result.returncode == 0, result.stderr
    assert 'property="og:image"' in (output / "projets/refection-rue-des-lilas/index.html").read_text()
    errors = nu_errors(pages(output), root=output)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)


def test_the_checker_reports_each_error_with_its_file_and_line(tmp_path):
    good = tmp_path / "good.html"
    good.write_text('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Bon</title>'
                    '</head>\n<body><img src="a.png" alt="Plan"></body></html>\n', encoding="utf-8")
    bad = tmp_path / "pages" / "mauvaise page.html"
    bad.parent.mkdir()
    bad.write_text('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Mauvais</title>\n'
                   '<meta name="description"></head>\n<body>\n<img src="a.png">\n</body></html>\n',
                   encoding="utf-8")
    errors = nu_errors([good, bad], root=tmp_path)
    assert len(errors) == 2, errors
    assert errors[0].startswith("pages/mauvaise page.html:3: ") and "“meta”" in errors[0]
    assert errors[1].startswith("pages/mauvaise page.html:5: ") and "“alt” attribute" in errors[1]
    assert nu_errors([good]) == []
    assert nu_warnings([good]) == []


def test_the_checker_reports_svg_errors_and_refuses_a_missing_file(tmp_path):
    svg = tmp_path / "carte.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
                   '<rect width="10" heigth="10"/></svg>\n', encoding="utf-8")
    assert [error.split(": ")[0] for error in nu_errors([svg], root=tmp_path)] == ["carte.svg:2"]
    try:
        nu_errors([tmp_path / "absente.html"])
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("a missing file passed for valid")
