"""The Pelican generator that loads the model and hands it to every output."""

from __future__ import annotations

import contextlib
import logging
import sys

from pelican.generators import Generator

from . import incremental, staging
from .model import InvalidRecords, load_model
from .outputs import ALTERNATE_LINKS, OUTPUTS, assets
from .outputs.site import Site
from .settings import ClairvoieSettings

logger = logging.getLogger(__name__)


class ClairvoieGenerator(Generator):
    """Phase 1 builds the model into the shared context; phase 2 runs the outputs.

    Phase 1 runs at all_generators_finalized rather than in ``generate_context``:
    an article read before Pelican's static generator has listed the files would
    keep its ``{static}`` links unresolved, in the model and so on every channel.
    """

    def generate_context(self) -> None:
        """Nothing yet: ``build_model`` runs once every generator has found its content."""

    def build_model(self) -> None:
        assets.forget_theme_files()
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
        self.context[incremental.SIGNATURES] = incremental.PageSignatures(model, self.settings, self.theme)
        logger.info("Clairvoie: %d secteurs, %d projets, %d arrêtés, %d réunions",
                    len(model.sectors), len(model.projects), len(model.works), len(model.meetings))

    def generate_output(self, writer) -> None:
        model = self.context["model"]
        site = Site.of_build(model, self, writer, ALTERNATE_LINKS)
        pending = []
        try:
            for output in OUTPUTS:
                unfinished = output(model, site)
                if unfinished is not None:
                    pending.append(unfinished)
        except BaseException:
            for unfinished in pending:  # no process left writing into a folder being dropped
                with contextlib.suppress(Exception):
                    unfinished.wait()
            raise
        for unfinished in pending:
            unfinished.wait()
