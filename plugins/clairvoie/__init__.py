"""Clairvoie: transparency pages, feeds and channels for a city, as a Pelican plugin.

``register()`` only connects Pelican's signals; the work lives in
``model`` (records → one validated model) and ``outputs`` (one module per
channel).
"""

from __future__ import annotations

import logging

from pelican import signals

from . import image_privacy, staging
from .labels import template_filters, template_globals
from .outputs.assets import template_globals as asset_globals
from .model import InvalidRecords


class _NoTracebackForInvalidRecords(logging.Filter):
    """Invalid records are the editors' business, not a crash: no traceback.

    The problems themselves were already printed, one per line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from .outputs.search import SearchIndexFailed

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (InvalidRecords, SearchIndexFailed, image_privacy.ImagesWithMetadata)):
            record.msg, record.args, record.exc_info = "%s", (error.summary(),), None
        return True


def _add_template_helpers(pelican) -> None:
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(template_filters())
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(template_globals())
    pelican.settings["JINJA_GLOBALS"].update(asset_globals())


def _generators(pelican):
    from .generator import ClairvoieGenerator

    staging.begin(pelican)
    return ClairvoieGenerator


def _build_models(generators) -> None:
    from .generator import ClairvoieGenerator

    for generator in generators:
        if isinstance(generator, ClairvoieGenerator):
            generator.build_model()


def _finish(pelican) -> None:
    """Content images without their metadata, the check that no image keeps any, then the swap."""
    image_privacy.publish_stripped_originals(pelican)
    image_privacy.refuse_images_with_metadata(pelican)
    staging.finish(pelican)


def register() -> None:
    logging.getLogger("pelican").addFilter(_NoTracebackForInvalidRecords())
    signals.initialized.connect(_add_template_helpers)
    signals.get_generators.connect(_generators)
    signals.all_generators_finalized.connect(_build_models)
    signals.static_generator_finalized.connect(image_privacy.take_over_static_images)
    signals.finalized.connect(_finish)
