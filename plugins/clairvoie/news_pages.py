"""Pelican's own pages of the news (its articles), kept from the last build as Clairvoie's are.

Pelican renders every article at every build: 2,000 of them in a large city, seconds of
each preview, although an edited project or works order changes none of them. Its writer
(``KeepingWriter``, given to Pelican through its ``get_writer`` signal) keeps an article's
published page instead (``staging.keep_published``) when nothing that page shows has
changed since: what every page depends on (``PageSignatures``: date, settings, theme,
code, sectors, the header's links) and every article (one's text may link to another's
address). An edited article therefore renders every article again, as a new one does; an
edited record none.

The articles' signatures are saved, as the pages' are, once the build is in place.
"""

from __future__ import annotations

import logging
from typing import Any

from pelican.writers import Writer

from . import incremental, staging
from .settings import ClairvoieSettings

logger = logging.getLogger(__name__)

# The articles whose published page this build kept, in Pelican's context: nothing is done
# to them afterwards (the glossary's links are in them already).
KEPT = "clairvoie_kept_news_pages"


class KeepingWriter(Writer):
    """Pelican's writer, keeping each article's page whose signature is unchanged."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None):
        super().__init__(output_path, settings=settings)
        self._state: incremental.BuildState | None = None
        self._signatures: dict[str, str] = {}  # this build's, by page
        self._signature_by_template: dict[str, str] = {}
        self._kept_count = 0
        self._incremental = True  # CLAIRVOIE_INCREMENTAL, read with the state

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        article = kwargs.get("article")
        if article is not None and paginated is None and self._kept(name, template, context, article):
            return None
        return super().write_file(name, template, context, relative_urls=relative_urls, paginated=paginated,
                                  template_name=template_name, override_output=override_output, url=url, **kwargs)

    def _kept(self, name: str, template: Any, context: dict[str, Any], article: Any) -> bool:
        """True when the published page is kept as this build's."""
        model, signatures = context.get("model"), context.get(incremental.SIGNATURES)
        final = staging.final_path_of(self.output_path)
        if model is None or signatures is None or final is None:
            return False  # not a Clairvoie build, or not staged: nothing to compare with
        if self._state is None:
            self._state = incremental.BuildState(self.settings["CACHE_PATH"], final, incremental.NEWS_STATE_FILE)
            self._incremental = ClairvoieSettings.from_pelican(self.settings).incremental
            staging.on_success(self.output_path, self._save)
        shared = self._signature_by_template.get(template.name)
        if shared is None:
            shared = self._signature_by_template[template.name] = signatures.of(f"pelican:{template.name}",
                                                                                model.news)
        # Its own source too: a hidden article or a translation is not among the model's news.
        signature = incremental.file_signature(shared, article.source_path)
        self._signatures[name] = signature
        if (self._incremental and self._state.signatures.get(name) == signature
                and staging.keep_published(self.output_path, name)):
            context.setdefault(KEPT, set()).add(name)
            self._kept_count += 1
            return True
        return False

    def _save(self) -> None:
        self._state.save(self._signatures)
        logger.info("Clairvoie : %d actualités faites, %d reprises telles quelles de la construction précédente",
                    len(self._signatures) - self._kept_count, self._kept_count)


def writer_class(pelican: Any) -> type[Writer]:
    """Pelican's ``get_writer``."""
    return KeepingWriter
