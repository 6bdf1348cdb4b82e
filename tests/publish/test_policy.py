"""One table: how long each published file may be kept, its type, and what goes up last."""

from building import theme_asset_url
from clairvoie.publish import in_upload_order, site_files
from clairvoie.publish.policy import IMMUTABLE, apache_htaccess, content_type, netlify_headers, nginx_snippet, rule_for

PAGE = "public, max-age=0, s-maxage=60, must-revalidate"
EXPECTED = {
    # path: (Cache-Control, Content-Type)
    "index.html": (PAGE, "text/html; charset=utf-8"),
    "projets/refection-rue-des-lilas/index.html": (PAGE, "text/html; charset=utf-8"),
    "panneaux/panneau-hotel-de-ville.json": ("public, max-age=60", "application/json"),
    "secteurs/secteur-1/flux.rss": ("public, max-age=300", "application/xml; charset=utf-8"),
    "secteurs/secteur-1/flux.atom": ("public, max-age=300", "application/xml; charset=utf-8"),
    "secteurs/secteur-1/flux.json": ("public, max-age=300", "application/feed+json"),
    "secteurs/secteur-1/agenda.ics": ("public, max-age=300", "text/calendar; charset=utf-8"),
    "podcast.rss": ("public, max-age=300", "application/xml; charset=utf-8"),
    "opendata/travaux.geojson": ("public, max-age=3600", "application/geo+json"),
    "navigation/travaux-actifs.geojson": ("public, max-age=300", "application/geo+json"),
    "media/point-travaux-2026-11.mp3": ("public, max-age=86400", "audio/mpeg"),
    "podcast/couverture.jpg": ("public, max-age=86400", "image/jpeg"),
    theme_asset_url("css/clairvoie.css").lstrip("/"): (IMMUTABLE, "text/css; charset=utf-8"),
    theme_asset_url("js/recherche.js").lstrip("/"): (IMMUTABLE, "text/javascript; charset=utf-8"),
    "theme/feeds/feed.xsl": ("public, max-age=3600", "application/xml; charset=utf-8"),
    "pagefind/pagefind.js": ("public, max-age=300", "text/javascript; charset=utf-8"),
    "pagefind/pagefind-entry.json": ("public, max-age=300", "application/json"),
}


def test_each_kind_of_output_gets_its_cache_lifetime_and_type(demo_output):
    published = set(site_files(str(demo_output)))
    for path, (cache_control, kind) in EXPECTED.items():
        assert path in published, path
        assert (rule_for(path).cache_control, content_type(path)) == (cache_control, kind), path


def test_pagefind_index_files_are_immutable_and_photos_kept_a_day(demo_output):
    paths = site_files(str(demo_output))
    hashed = [p for p in paths if p.startswith(("pagefind/fragment/", "pagefind/index/", "pagefind/filter/"))
              or p.endswith(".pf_meta")]
    assert hashed and all(rule_for(p).cache_control == IMMUTABLE for p in hashed)
    photos = [p for p in paths if p.startswith("photos/")]
    assert photos and all(rule_for(p).cache_control == "public, max-age=86400" for p in photos)
    assert all(content_type(p) == "image/webp" for p in photos if p.endswith(".webp"))


def test_pages_feeds_and_panels_go_up_after_what_they_point_at(demo_output):
    first, last = in_upload_order(site_files(str(demo_output)))
    assert {p for p in last if p.endswith(".html")} == {p for p in site_files(str(demo_output)) if p.endswith(".html")}
    assert "pagefind/pagefind-entry.json" in last and "panneaux/panneau-hotel-de-ville.json" in last
    assert theme_asset_url("css/clairvoie.css").lstrip("/") in first
    assert not any(p.endswith((".html", ".rss", ".ics")) for p in first)


def test_server_configurations_say_the_same(demo_output):
    headers = netlify_headers(["index.html", "panneaux/panneau-hotel-de-ville.json"], "")
    assert "/\n  Cache-Control: " + PAGE in headers
    assert "/panneaux/panneau-hotel-de-ville.json\n  Cache-Control: public, max-age=60\n" in headers
    htaccess = apache_htaccess("/ville")
    assert 'm#^/ville/panneaux/[^/]+\\.json$#">\n    Header set Cache-Control "public, max-age=60"' in htaccess
    assert 'AddType "text/calendar; charset=utf-8" .ics' in htaccess
    nginx = nginx_snippet("")
    # nginx: the last "set" that applies wins, so the immutable assets' rule comes last.
    assert nginx.index('"^/.+$"') < nginx.index("immutable")
    assert 'location ~ "/flux\\.json$" { types { } default_type "application/feed+json"; }' in nginx
