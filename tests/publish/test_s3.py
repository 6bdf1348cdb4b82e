"""S3 against a real S3 HTTP server on loopback (moto's), checked with boto3."""

import pytest

from building import REPO, run_clairvoie, theme_asset_url
from clairvoie.publish import PublishFailed, publish_site, site_files
from clairvoie.publish.policy import IMMUTABLE, SERVER_FILES

PAGE = "public, max-age=0, s-maxage=60, must-revalidate"


def publish(site, target, **options):
    said = []
    report = publish_site(str(site), target, "https://www.example.fr", say=said.append, **options)
    return report, said


def keys(client, bucket, prefix=""):
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def headers(client, bucket, key):
    head = client.head_object(Bucket=bucket, Key=key)
    return head["CacheControl"], head["ContentType"]


def test_every_file_is_uploaded_with_its_headers(s3, site):
    client, bucket = s3
    report, said = publish(site, f"s3://{bucket}/ville/")
    assert keys(client, bucket) == [f"ville/{p}" for p in site_files(str(site))]
    assert report.uploaded == len(site_files(str(site)))
    assert headers(client, bucket, "ville/panneaux/panneau-hotel-de-ville.json") == \
        ("public, max-age=60", "application/json")
    assert headers(client, bucket, "ville/index.html") == (PAGE, "text/html; charset=utf-8")
    assert headers(client, bucket, "ville/secteurs/secteur-1/agenda.ics") == \
        ("public, max-age=300", "text/calendar; charset=utf-8")
    assert headers(client, bucket, "ville/secteurs/secteur-1/flux.rss") == \
        ("public, max-age=300", "application/xml; charset=utf-8")
    assert headers(client, bucket, "ville/opendata/projets.geojson") == ("public, max-age=3600", "application/geo+json")
    assert headers(client, bucket, "ville/media/point-travaux-2026-11.mp3") == ("public, max-age=86400", "audio/mpeg")
    css = "ville" + theme_asset_url("css/clairvoie.css")
    assert headers(client, bucket, css) == (IMMUTABLE, "text/css; charset=utf-8")
    body = client.get_object(Bucket=bucket, Key=css)["Body"].read()
    assert body == (REPO / "themes/clairvoie/static/css/clairvoie.css").read_bytes()
    # Pages go up after everything they may point at.
    uploaded = [line.split()[1] for line in said if line.startswith("envoi")]
    last_asset = max(i for i, p in enumerate(uploaded) if p.startswith(("theme/", "photos/", "pagefind/fragment/")))
    first_page = min(i for i, p in enumerate(uploaded) if p.endswith(".html"))
    assert last_asset < first_page


def test_a_second_publish_uploads_nothing_a_change_uploads_one_file_a_removal_deletes(s3, site):
    client, bucket = s3
    publish(site, f"s3://{bucket}")
    again, _ = publish(site, f"s3://{bucket}")
    assert (again.uploaded, again.deleted, again.unchanged) == (0, 0, len(site_files(str(site))))

    page = site / "projets/refection-rue-des-lilas/index.html"
    page.write_text(page.read_text().replace("</main>", "<p>Modifié.</p></main>"))
    (site / "rues/index.html").unlink()
    report, said = publish(site, f"s3://{bucket}")
    assert [line.split()[1] for line in said if line.startswith(("envoi", "suppression"))] == \
        ["projets/refection-rue-des-lilas/index.html", "rues/index.html"]
    assert (report.uploaded, report.deleted) == (1, 1)
    assert client.get_object(Bucket=bucket, Key="projets/refection-rue-des-lilas/index.html")["Body"].read() \
        == page.read_bytes()
    assert "rues/index.html" not in keys(client, bucket)
    assert keys(client, bucket) == site_files(str(site))


def test_server_files_stay_out_of_the_bucket_and_other_folders_are_left_alone(s3, site):
    client, bucket = s3
    client.put_object(Bucket=bucket, Key="autre-site/index.html", Body=b"<p>autre</p>")
    for name in SERVER_FILES:
        (site / name).write_text("# pour un serveur web")
    publish(site, f"s3://{bucket}/ville")
    assert not set(SERVER_FILES) & {k.removeprefix("ville/") for k in keys(client, bucket, "ville/")}
    assert keys(client, bucket, "autre-site/") == ["autre-site/index.html"]


def test_a_dry_run_lists_and_sends_nothing_force_sends_everything_again(s3, site):
    client, bucket = s3
    report, said = publish(site, f"s3://{bucket}", dry_run=True)
    assert keys(client, bucket) == []
    assert report.uploaded == len(site_files(str(site)))
    assert "envoi        panneaux/panneau-hotel-de-ville.json  [application/json ; public, max-age=60]" in said
    publish(site, f"s3://{bucket}")
    forced, _ = publish(site, f"s3://{bucket}", force=True)
    assert forced.uploaded == len(site_files(str(site)))


def test_an_unknown_bucket_is_a_clear_failure(s3, site):
    with pytest.raises(PublishFailed, match="Publication vers s3://seau-inexistant impossible"):
        publish(site, "s3://seau-inexistant")


def test_the_command_publishes_to_the_bucket_of_the_environment(s3, site, monkeypatch):
    client, bucket = s3
    monkeypatch.setenv("CLAIRVOIE_PUBLISH_TARGET", f"s3://{bucket}/ville")
    result = run_clairvoie(REPO, "-s", "publishconf.py", "publish", "--output", str(site))
    assert result.returncode == 0, result.stderr
    assert "Publication terminée" in result.stdout
    assert keys(client, bucket) == [f"ville/{p}" for p in site_files(str(site))]
