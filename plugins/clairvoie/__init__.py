"""Clairvoie: transparency pages, feeds and channels for a city, as a Pelican plugin.

``register()`` only connects signals: Pelican's, and Clairvoie's own (``signals.py``)
for the built-in channels, as a city's plugin connects its own; the work lives in
``model`` (records → one validated model) and ``outputs`` (one module per channel).
"""

from __future__ import annotations

import logging
import os

from pelican import signals as pelican_signals

from . import collector, image_privacy, incremental, news_pages, outputs, phases, signals, staging
from .labels import template_filters, template_globals
from .outputs.assets import template_globals as asset_globals
from .model import InvalidRecords


class _NoTracebackForInvalidRecords(logging.Filter):
    """Invalid records are the editors' business, not a crash: no traceback.

    The problems themselves were already printed, one per line; the other errors named here
    say in one French sentence what happened and what to do.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from .outputs.search import SearchIndexFailed

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (InvalidRecords, SearchIndexFailed, image_privacy.ImagesWithMetadata,
                              staging.BuildInProgress)):
            record.msg, record.args, record.exc_info = "%s", (error.summary(),), None
        return True


def _add_template_helpers(pelican) -> None:
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(template_filters())
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(template_globals())
    pelican.settings["JINJA_GLOBALS"].update(asset_globals())


def _generators(pelican):
    from .generator import ClairvoieGenerator

    staging.begin(pelican)
    phases.new_build()
    collector.across_builds.build_starts()
    return ClairvoieGenerator


def _build_models(generators) -> None:
    from .generator import ClairvoieGenerator

    for generator in generators:
        if isinstance(generator, ClairvoieGenerator):
            generator.build_model()
    # The model and Pelican's content live until the build ends: collections need not walk them again.
    collector.across_builds.model_built()


def _finish(pelican) -> None:
    """Content images without their metadata, the check that no image keeps any, then the swap."""
    timing = phases.current
    with timing.phase("image_privacy"):
        image_privacy.publish_stripped_originals(pelican)
    with timing.phase("staging"):
        staged = staging.keep_unchanged(pelican)  # every file of the build: one walk for both
    with timing.phase("image_privacy"):
        image_privacy.refuse_images_with_metadata(pelican, staged)
    with timing.phase("staging"):
        staging.finish(pelican)
    site_root = os.path.dirname(os.path.abspath(pelican.settings.get("PATH", "content")))
    timing.report(os.path.join(site_root, pelican.settings["CACHE_PATH"]))


def register() -> None:
    logging.getLogger("pelican").addFilter(_NoTracebackForInvalidRecords())
    pelican_signals.initialized.connect(_add_template_helpers)
    pelican_signals.readers_init.connect(incremental.remember_reads)
    pelican_signals.generator_init.connect(incremental.share_compiled_templates)
    pelican_signals.get_generators.connect(_generators)
    pelican_signals.get_writer.connect(news_pages.writer_class)
    pelican_signals.all_generators_finalized.connect(_build_models)
    pelican_signals.static_generator_finalized.connect(image_privacy.take_over_static_images)
    pelican_signals.finalized.connect(_finish)
    # In this order; a city's plugin, listed after clairvoie in PLUGINS, adds its channels after them.
    for output in outputs.OUTPUTS:
        signals.clairvoie_write_outputs.connect(output)
    for links in outputs.ALTERNATE_LINKS:
        signals.clairvoie_get_alternate_links.connect(links)
    for links in outputs.RECORD_ALTERNATE_LINKS:
        signals.clairvoie_get_record_alternate_links.connect(links)
