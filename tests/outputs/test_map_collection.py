"""The maps are drawn with the cyclic garbage collector paused (a full collection walks the
whole model, and a map's many small tuples set them off), and leave it as they found it
(incremental.collector_paused: tests/outputs/test_site_writes.py)."""

import datetime as dt
import gc
from zoneinfo import ZoneInfo

import pytest

from building import DEMO_EPOCH, REPO
from clairvoie.model import load_model
from clairvoie.outputs import maps
from clairvoie.settings import ClairvoieSettings


@pytest.fixture(scope="module")
def demo_model():
    now = dt.datetime.fromtimestamp(int(DEMO_EPOCH), tz=ZoneInfo("Europe/Paris"))
    return load_model(ClairvoieSettings(site_root=str(REPO)), str(REPO / "content"), "Europe/Paris", now=now)


def test_each_kind_of_map_is_drawn_with_the_collector_paused_then_enabled_again(demo_model, monkeypatch):
    seen = []
    fitted = maps.Projection.fitted.__func__

    def fitted_and_seen(cls, *args, **kwargs):  # every map fits its projection while drawing
        seen.append(gc.isenabled())
        return fitted(cls, *args, **kwargs)

    monkeypatch.setattr(maps.Projection, "fitted", classmethod(fitted_and_seen))
    project = next(p for p in demo_model.projects if maps.project_anchor(p) is not None)
    street = next(s for s in demo_model.streets if s.points)
    drawn = [maps.sector_map(demo_model, demo_model.sectors[0].id), maps.street_map(demo_model, street),
             maps.project_map(demo_model, project), maps.works_map(demo_model, demo_model.works[0])]
    assert all(drawn) and len(seen) >= 4
    assert not any(seen)
    assert gc.isenabled()
