"""Documents attached to records (signed orders, deliberations) copied as published."""

from __future__ import annotations

from ..model.records import Model
from .site import Site


def copy_documents(model: Model, site: Site) -> None:
    documents = [d for p in model.projects for d in p.documents]
    documents += [w.document for w in model.works if w.document]
    for document in documents:
        if document.is_file:
            site.copy(document.href.lstrip("/"), document.source_path)
