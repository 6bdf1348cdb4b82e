"""GeoJSON geometries are checked as RFC 7946 says, and placed in the city's sectors."""

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clairvoie.model import InvalidRecords
from sites import load_site, project_yaml, write_site

# Two sectors side by side, about 2.7 km by 3.3 km each, around 4.85° E, 45.74° N.
OUTLINED_SECTORS = {
    "sectors/secteur-1.yaml": """
        name: Secteur 1 – Centre
        geometry:
          type: Polygon
          coordinates:
            - [[4.83, 45.73], [4.865, 45.73], [4.865, 45.76], [4.83, 45.76], [4.83, 45.73]]
        """,
    "sectors/secteur-2.yaml": """
        name: Secteur 2 – Les Hauts
        geometry: secteur-2.geojson
        """,
    "sectors/secteur-2.geojson": json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon",
        "coordinates": [[[4.865, 45.73], [4.9, 45.73], [4.9, 45.76], [4.865, 45.76], [4.865, 45.73]]]}}),
}


def works_yaml(geometry: str) -> str:
    return (
        "reference: 2026-ARR-0001\n"
        "title: Fermeture de la rue des Lilas\n"
        "sectors: [secteur-1]\n"
        "kind: closure\n"
        "street: rue des Lilas\n"
        f"{geometry}\n"
        "start: 2026-12-01\n"
        "end: 2026-12-05\n"
    )


def problems_of(tmp_path, files, outlined=True):
    write_site(tmp_path, {**(OUTLINED_SECTORS if outlined else {}), **files})
    with pytest.raises(InvalidRecords) as caught:
        load_site(tmp_path)
    return [str(p) for p in caught.value.problems]


def works_problems(tmp_path, geometry, outlined=True):
    """The problems of content/works/w.yaml drawn with this ``geometry:`` block."""
    return problems_of(tmp_path, {"content/works/w.yaml": works_yaml(geometry)}, outlined)


def test_a_line_of_one_point_is_refused_at_its_line(tmp_path):
    problems = works_problems(tmp_path,
        "geometry:\n  type: LineString\n  coordinates: [[-0.5, 47.4]]", outlined=False)
    assert problems == ["content/works/w.yaml:8:3 — geometry.coordinates : "
                        "un tracé doit relier au moins deux points différents (1 donné)"]


def test_a_line_of_twice_the_same_point_is_refused(tmp_path):
    problems = works_problems(tmp_path,
        "geometry:\n  type: LineString\n  coordinates: [[4.85, 45.74], [4.85, 45.74]]")
    assert problems == ["content/works/w.yaml:8:3 — geometry.coordinates : "
                        "un tracé doit relier au moins deux points différents (2 donnés)"]


def test_a_ring_must_be_closed_and_have_four_positions(tmp_path):
    open_ring = project_yaml(location=(
        "location:\n  geometry:\n    type: Polygon\n    coordinates:\n"
        "      - [[4.84, 45.74], [4.85, 45.74], [4.85, 45.75], [4.84, 45.75]]"))
    triangle = project_yaml(location=(
        "location:\n  geometry:\n    type: Polygon\n    coordinates:\n"
        "      - [[4.84, 45.74], [4.85, 45.74], [4.84, 45.74]]"))
    problems = problems_of(tmp_path, {"content/projects/ouvert.yaml": open_ring,
                                      "content/projects/triangle.yaml": triangle})
    assert problems == [
        "content/projects/ouvert.yaml:13:55 — location.geometry.coordinates[1][4] : "
        "le contour n'est pas fermé : son dernier point doit répéter le premier",
        "content/projects/triangle.yaml:13:9 — location.geometry.coordinates[1] : "
        "un contour doit avoir au moins quatre positions, la dernière répétant la première (3 données)",
    ]


def test_a_polygon_crossing_itself_is_refused_with_where(tmp_path):
    bow_tie = project_yaml(location=(
        "location:\n  geometry:\n    type: Polygon\n    coordinates:\n"
        "      - [[4.84, 45.74], [4.86, 45.75], [4.86, 45.74], [4.84, 45.75], [4.84, 45.74]]"))
    problems = problems_of(tmp_path, {"content/projects/noeud.yaml": bow_tie})
    assert problems == ["content/projects/noeud.yaml:12:5 — location.geometry.coordinates : "
                        "le contour se recoupe lui-même, près de [4.85, 45.745]"]


def test_positions_out_of_range(tmp_path):
    problems = works_problems(tmp_path,
        "geometry:\n  type: LineString\n  coordinates: [[200, 45.74], [4.85, 95], [4.85]]", outlined=False)
    assert problems == [
        "content/works/w.yaml:8:17 — geometry.coordinates[1] : longitude 200 hors des bornes (de -180 à 180)",
        "content/works/w.yaml:8:31 — geometry.coordinates[2] : latitude 95 hors des bornes (de -90 à 90) ; "
        "longitude et latitude sont-elles inversées ?",
        "content/works/w.yaml:8:43 — geometry.coordinates[3] : position non valide : deux nombres "
        "[longitude, latitude] attendus, par exemple [4.85, 45.74]",
    ]


def test_latitude_and_longitude_swapped_are_named_as_such(tmp_path):
    problems = works_problems(tmp_path,
        "geometry:\n  type: LineString\n  coordinates: [[45.741, 4.85], [45.742, 4.851]]")
    assert problems == ["content/works/w.yaml:8:3 — geometry.coordinates : longitude et latitude semblent "
                        "inversées : GeoJSON écrit [longitude, latitude], par exemple [4.85, 45.74]"]


def test_a_geometry_far_from_every_sector_is_refused(tmp_path):
    # Angers, 470 km from the sectors: a copy-paste from another file.
    problems = works_problems(tmp_path,
        "geometry:\n  type: Point\n  coordinates: [-0.55, 47.47]")
    assert len(problems) == 1
    assert problems[0].startswith("content/works/w.yaml:8:3 — geometry.coordinates : cette géométrie est à ")
    kilometres = float(problems[0].split(" est à ")[1].split(" km")[0].replace(",", "."))
    assert 400 < kilometres < 500


def test_near_the_outline_is_accepted_and_a_file_geometry_is_checked_too(tmp_path):
    """A street on the city's edge may stand just outside; a .geojson file gets the same checks."""
    (tmp_path / "content/geo").mkdir(parents=True)
    (tmp_path / "content/geo/trace.geojson").write_text(json.dumps(
        {"type": "LineString", "coordinates": [[4.85, 45.74]]}), encoding="utf-8")
    write_site(tmp_path, {**OUTLINED_SECTORS,
                          # 800 m east of the outline: accepted
                          "content/works/bord.yaml": works_yaml("geometry:\n  type: Point\n  coordinates: [4.91, 45.74]"),
                          "content/works/fichier.yaml": works_yaml("geometry: geo/trace.geojson")
                          .replace("2026-ARR-0001", "2026-ARR-0002")})
    with pytest.raises(InvalidRecords) as caught:
        load_site(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "content/works/fichier.yaml:6:11 — geometry : « geo/trace.geojson » n'est pas une géométrie GeoJSON "
        "valide : coordinates : un tracé doit relier au moins deux points différents (1 donné)"]


def test_a_works_order_draws_points_and_lines_only(tmp_path):
    problems = works_problems(tmp_path,
        "geometry:\n  type: Polygon\n  coordinates: [[[4.84, 45.74], [4.85, 45.74], [4.85, 45.75], [4.84, 45.74]]]")
    assert problems == ["content/works/w.yaml:7:9 — geometry.type : type « Polygon » non accepté ici ; "
                        "types acceptés : Point, MultiPoint, LineString, MultiLineString"]


def test_valid_geometries_of_every_kind_load(tmp_path):
    write_site(tmp_path, {**OUTLINED_SECTORS,
                          "content/works/w.yaml": works_yaml(
                              "geometry:\n  type: MultiLineString\n  coordinates: "
                              "[[[4.85, 45.74], [4.86, 45.741]], [[4.87, 45.75], [4.871, 45.752, 180.0]]]"),
                          "content/projects/p.yaml": project_yaml(location=(
                              "location:\n  geometry:\n    type: MultiPolygon\n    coordinates:\n"
                              "      - [[[4.84, 45.74], [4.85, 45.74], [4.85, 45.75], [4.84, 45.74]]]"))})
    model = load_site(tmp_path)
    assert model.works[0].geometry["type"] == "MultiLineString"
    assert model.projects[0].location.geometry["type"] == "MultiPolygon"


numbers = st.one_of(st.integers(-400, 400), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                    st.text(max_size=3))
positions = st.lists(numbers, min_size=0, max_size=4)
nested = st.recursive(positions, lambda inner: st.lists(inner, max_size=5), max_leaves=40)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]),
       coordinates=nested)
def test_any_coordinates_are_loaded_or_refused_in_french(tmp_path, kind, coordinates):
    """Fuzz: whatever the coordinates, the loader answers with problems, never a crash."""
    geometry = json.dumps({"type": kind, "coordinates": coordinates}, allow_nan=True)
    geometry = geometry.replace("NaN", ".nan").replace("-Infinity", "-.inf").replace("Infinity", ".inf")
    write_site(tmp_path, {**OUTLINED_SECTORS, "content/projects/p.yaml": project_yaml(
        location=f"location:\n  geometry: {geometry}")})
    try:
        load_site(tmp_path)
    except InvalidRecords as refused:
        assert refused.problems
        assert all(p.file.startswith("content/projects/p.yaml") and p.line >= 1 and p.message
                   for p in refused.problems)
