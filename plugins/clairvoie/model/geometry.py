"""GeoJSON geometries of records, checked as RFC 7946 says, with shapely.

A geometry that maps, navigation apps and open data would draw wrongly (a
line of one point, an open ring, latitude and longitude swapped, a works
site in another town) stops the build with a message naming the position.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape

from .. import messages
from .load import FieldPath

# What each record may draw (spec: sector outlines; works orders are points or courses).
SECTOR_TYPES = ("Polygon", "MultiPolygon")
WORKS_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString")
ANY_TYPE = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")

# A works site on a border street may stand a little outside the outlines.
NEAR_CITY_KM = 2.0

_KM_PER_DEGREE_OF_LATITUDE = 110.574
_KM_PER_DEGREE_OF_LONGITUDE_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class GeometryProblem:
    """Where in the geometry (below its field) and what, in French."""

    at: FieldPath
    message: str


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _position_problem(position: Any, at: FieldPath) -> GeometryProblem | None:
    if not (isinstance(position, list) and len(position) in (2, 3) and all(_is_number(v) for v in position)):
        return GeometryProblem(at, messages.NOT_A_POSITION)
    longitude, latitude = position[0], position[1]
    if not -180 <= longitude <= 180:
        return GeometryProblem(at, messages.longitude_out_of_range(longitude))
    if not -90 <= latitude <= 90:
        return GeometryProblem(at, messages.latitude_out_of_range(latitude, longitude))
    return None


def _positions_problems(positions: Any, at: FieldPath, minimum: int, closed: bool) -> list[GeometryProblem]:
    """A list of positions: a line (minimum 2) or a ring (minimum 4, closed)."""
    if not isinstance(positions, list):
        return [GeometryProblem(at, messages.NOT_A_POSITION_LIST)]
    found = [p for i, position in enumerate(positions) if (p := _position_problem(position, at + (i,)))]
    if found:
        return found
    if len({tuple(p[:2]) for p in positions}) < 2 or len(positions) < minimum:
        return [GeometryProblem(at, messages.ring_too_short(len(positions)) if closed
                                else messages.line_too_short(len(positions)))]
    if closed and positions[0][:2] != positions[-1][:2]:
        return [GeometryProblem(at + (len(positions) - 1,), messages.RING_NOT_CLOSED)]
    return []


def _list_of(value: Any, at: FieldPath, each: Any) -> list[GeometryProblem]:
    if not isinstance(value, list) or not value:
        return [GeometryProblem(at, messages.NOT_A_POSITION_LIST)]
    return [p for i, item in enumerate(value) for p in each(item, at + (i,))]


def _polygon_problems(rings: Any, at: FieldPath) -> list[GeometryProblem]:
    return _list_of(rings, at, lambda ring, here: _positions_problems(ring, here, 4, closed=True))


_STRUCTURE = {
    "Point": lambda c, at: [p] if (p := _position_problem(c, at)) else [],
    "MultiPoint": lambda c, at: _list_of(c, at, lambda p, here: [q] if (q := _position_problem(p, here)) else []),
    "LineString": lambda c, at: _positions_problems(c, at, 2, closed=False),
    "MultiLineString": lambda c, at: _list_of(c, at, lambda p, here: _positions_problems(p, here, 2, closed=False)),
    "Polygon": _polygon_problems,
    "MultiPolygon": lambda c, at: _list_of(c, at, _polygon_problems),
}

# shapely's reasons (GEOS's words), in French; anything else gets the general message.
_REASONS = {
    "Self-intersection": messages.OUTLINE_CROSSES_ITSELF,
    "Ring Self-intersection": messages.OUTLINE_CROSSES_ITSELF,
    "Hole lies outside shell": messages.HOLE_OUTSIDE,
    "Nested shells": messages.POLYGONS_OVERLAP,
    "Interior is disconnected": messages.OUTLINE_CROSSES_ITSELF,
    "Duplicate Rings": messages.POLYGONS_OVERLAP,
}
_REASON = re.compile(r"^(?P<what>[^\[]+?)\s*(\[(?P<x>[-0-9.e]+)\s+(?P<y>[-0-9.e]+)\])?$")


def geometry_problems(geometry: dict[str, Any], allowed_types: tuple[str, ...],
                      city: CityOutline | None) -> list[GeometryProblem]:
    """Every problem of one GeoJSON geometry (at paths below the geometry itself)."""
    kind = geometry.get("type")
    if kind not in allowed_types:
        return [GeometryProblem(("type",), messages.geometry_type_not_here(kind, allowed_types))]
    found = _STRUCTURE[kind](geometry.get("coordinates"), ("coordinates",))
    if found:
        return found
    drawn = shape({"type": kind, "coordinates": _without_altitude(geometry["coordinates"])})
    reason = shapely.is_valid_reason(drawn)
    if reason != "Valid Geometry":
        match = _REASON.match(reason)
        message = _REASONS.get(match["what"] if match else "", messages.INVALID_OUTLINE)
        if match and match["x"]:
            message = messages.near_position(message, float(match["x"]), float(match["y"]))
        return [GeometryProblem(("coordinates",), message)]
    if city is not None:
        return [GeometryProblem(("coordinates",), message)] if (message := city.placement_problem(drawn)) else []
    return []


def _without_altitude(coordinates: Any) -> Any:
    """Positions as [longitude, latitude]: an altitude (allowed by RFC 7946) plays no part here."""
    if coordinates and _is_number(coordinates[0]):
        return coordinates[:2]
    return [_without_altitude(item) for item in coordinates]


class CityOutline:
    """The union of the sectors' outlines: where a record's geometry is expected."""

    def __init__(self, outlines: Iterable[dict[str, Any]]):
        self._area = shapely.union_all([shape(outline) for outline in outlines])
        self._latitude = self._area.centroid.y
        self._near = self._in_km(self._area).buffer(NEAR_CITY_KM)

    @classmethod
    def of(cls, outlines: Iterable[dict[str, Any] | None]) -> CityOutline | None:
        present = [outline for outline in outlines if outline]
        return cls(present) if present else None

    def _in_km(self, geometry: Any) -> Any:
        # Distances of a few kilometres: a flat projection at the city's latitude is exact enough.
        scale = _KM_PER_DEGREE_OF_LONGITUDE_AT_EQUATOR * math.cos(math.radians(self._latitude))
        return shapely.transform(geometry, lambda xy: xy * [scale, _KM_PER_DEGREE_OF_LATITUDE])

    def placement_problem(self, geometry: Any, swapped: str = messages.LONGITUDE_LATITUDE_SWAPPED,
                          far: Callable[[float], str] = messages.far_from_city) -> str | None:
        """Why a geometry is not inside or near the city, else None (``swapped`` and ``far``
        word it: a point given as lat and lon is not written as GeoJSON is)."""
        in_km = self._in_km(geometry)
        if self._near.contains(in_km):
            return None
        turned = shapely.transform(geometry, lambda xy: xy[:, ::-1])
        if self._near.contains(self._in_km(turned)):
            return swapped
        area = self._in_km(self._area)
        farthest = max(shapely.distance(shapely.points(shapely.get_coordinates(in_km)), area))
        return far(float(farthest))
