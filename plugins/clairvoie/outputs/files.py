"""Documents attached to records (signed orders, deliberations) copied as published."""

from __future__ import annotations

import os
import shutil
from typing import Any

from ..model.records import Model


def copy_documents(model: Model, generator: Any, writer: Any) -> None:
    documents = [d for p in model.projects for d in p.documents]
    documents += [w.document for w in model.works if w.document]
    for document in documents:
        if document.is_file:
            target = os.path.join(generator.output_path, document.href.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(document.source_path, target)
