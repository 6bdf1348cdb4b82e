"""Clairvoie: transparency pages, feeds and channels for a city, as a Pelican plugin.

``register()`` only connects Pelican's signals; the work lives in
``model`` (records → one validated model) and ``outputs`` (one module per
channel).
"""

from __future__ import annotations

import logging

from pelican import signals

from . import staging
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
        if isinstance(error, (InvalidRecords, SearchIndexFailed)):
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


def register() -> None:
    logging.getLogger("pelican").addFilter(_NoTracebackForInvalidRecords())
    signals.initialized.connect(_add_template_helpers)
    signals.get_generators.connect(_generators)
    signals.finalized.connect(staging.finish)
