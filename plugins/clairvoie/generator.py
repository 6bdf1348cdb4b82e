"""The Pelican generator that loads the model and hands it to every channel.

The channels are the receivers of ``signals.clairvoie_write_outputs``: the built-in
ones (``outputs.OUTPUTS``, connected by ``clairvoie.register()``) and a city's own.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import sys
from typing import Any

from pelican.generators import Generator

from . import incremental, news_pages, phases, signals, staging
from .model import InvalidRecords, load_model, plain_french
from .outputs.glossary_marks import GlossaryMarks
from .outputs.site import Site
from .settings import ClairvoieSettings

logger = logging.getLogger(__name__)


class ClairvoieGenerator(Generator):
    """Phase 1 builds the model into the shared context; phase 2 runs the outputs.

    Phase 1 runs at all_generators_finalized rather than in ``generate_context``:
    an article read before Pelican's static generator has listed the files would
    keep its ``{static}`` links unresolved, in the model and so on every channel.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.env.make_globals = lambda own: _TemplateGlobals(own or {}, self.env.globals)
        # One build, one theme: no need to check every template file's date at each import
        # and include (a stat each). The next build (pelican --autoreload) has a new generator.
        self.env.auto_reload = False

    def generate_context(self) -> None:
        """Nothing yet: ``build_model`` runs once every generator has found its content."""

    def build_model(self) -> None:
        with phases.current.phase("model"):
            self._build_model()

    def _build_model(self) -> None:
        incremental.KeptBetweenBuilds.new_build()
        settings = ClairvoieSettings.from_pelican(self.settings)
        try:
            model = load_model(settings, self.path, self.settings["TIMEZONE"],
                               self.context.get("articles", []))
        except InvalidRecords as error:
            print(error.report(), file=sys.stderr)
            staging.discard(self.output_path)
            raise
        self.context["model"] = model
        # What each record's outputs are made of: incremental rebuilds compare these.
        self.context[incremental.SIGNATURES] = incremental.PageSignatures(model, self.settings, self.theme,
                                                                          self.context.get("pages", []))
        logger.info("Clairvoie: %d secteurs, %d projets, %d arrêtés, %d réunions",
                    len(model.sectors), len(model.projects), len(model.works), len(model.meetings))
        # One line; each remark: « clairvoie validate ». A warning: Pelican shows no info by default.
        (logger.warning if model.plain_french else logger.info)("%s", plain_french.summary(len(model.plain_french)))
        if model.basemap is not None and model.basemap.warning:
            logger.warning("%s", model.basemap.warning)  # the maps fall back to the outlines
        signals.clairvoie_model_ready.send(model)

    def generate_output(self, writer) -> None:
        model = self.context["model"]
        # What the theme's shared macros (links.html, partials/reports.html, report_figures.html)
        # read, as globals: Clairvoie's templates import them without context, so that Jinja
        # makes each module once per build instead of once per page. Every page rendered here
        # has these values (site.render: no relative URLs); Pelican's own pages import with context.
        self.env.globals.update(SITEURL=self.context.get("SITEURL", ""), model=model)
        site = Site.of_build(model, self, writer,
                             list(signals.clairvoie_get_alternate_links.receivers_for(model)),
                             list(signals.clairvoie_get_record_alternate_links.receivers_for(model)))
        marks = GlossaryMarks(model.glossary, site.url)  # Pelican wrote the news pages: their terms linked too
        kept = self.context.get(news_pages.KEPT, set())  # the published pages: their terms are linked already
        for save_as in (item.article.save_as for item in model.news if item.article.save_as not in kept):
            path = os.path.join(site.output_path, save_as)
            if os.path.isfile(path):
                marks.mark_file(path)
        pending = []
        timing = phases.current
        try:
            # Called one by one, not by send(): the work already started must be waited for on an error.
            for output in list(signals.clairvoie_write_outputs.receivers_for(model)):
                name = phase_name(output)
                with timing.phase(name):
                    unfinished = output(model, site=site)
                if unfinished is not None:
                    pending.append((name, unfinished))
                    timing.in_background(name)
            while pending:
                name, unfinished = pending.pop(0)  # waited once, even when its wait raises
                with timing.phase(name):
                    unfinished.wait()
                timing.background_done(name)
        except BaseException:
            for _, unfinished in pending:  # no process left writing into a folder being dropped
                with contextlib.suppress(Exception):
                    unfinished.wait()
            staging.discard(self.output_path)  # nothing published; the output folder free for other builds
            raise
        signals.clairvoie_outputs_written.send(model, site=site)


class _TemplateGlobals(collections.ChainMap):
    """A template's globals, as Jinja's own ChainMap, with keys() a dict's keys view.

    Each ``{% import %}`` checks ``context's globals - template.globals.keys()``: on a
    ChainMap's keys that is a Python loop over every global (~80 µs a page's import);
    on a dict's keys view, one C operation. Same keys, same order.
    """

    def keys(self):  # type: ignore[override]
        keys: dict[str, None] = {}
        for mapping in reversed(self.maps):
            keys.update(dict.fromkeys(mapping))
        return keys.keys()


def phase_name(output) -> str:
    """A channel's name in the build's phases: its module's (``search``), a city's in full."""
    module = getattr(output, "__module__", None) or getattr(output, "__qualname__", repr(output))
    return module.removeprefix("clairvoie.outputs.")
