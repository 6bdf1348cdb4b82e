"""GeoJSON geometries as the channels read them: a position, or lines of positions."""

from __future__ import annotations

from typing import Any


def first_position(geometry: dict[str, Any] | None) -> tuple[float, float] | None:
    """(lon, lat) of a Point, or of the first point of a line or shape."""
    if not geometry:
        return None
    coordinates = geometry.get("coordinates")
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        return coordinates[0], coordinates[1]
    return None


def usable_lines(geometry: dict[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The (lon, lat) lines of a Point, LineString or their Multi forms; [] for others."""
    if not geometry:
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return [[(coordinates[0], coordinates[1])]]
    if kind == "MultiPoint":
        return [[(c[0], c[1])] for c in coordinates]
    if kind == "LineString":
        return [[(c[0], c[1]) for c in coordinates]]
    if kind == "MultiLineString":
        return [[(c[0], c[1]) for c in line] for line in coordinates if line]
    return []
