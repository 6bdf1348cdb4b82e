"""Residents' reports (signalements) imported from the city's request tool.

``clairvoie signalements import`` reads an Open311 GeoReport v2 export (with
FixMyStreet's ``servicerequestupdates.json``) or a CSV export, and merges it into
``content/signalements/``: new reports get a file, new states add stages, nothing is
deleted, nothing personal is written. Staff documentation: docs/signalements.md.

The steps, one module each: ``open311`` / ``csv_export`` read an export into
``incoming`` values; ``stages`` maps the tool's states to Clairvoie's stages;
``privacy`` keeps only what may be published; ``merge`` adds stages to the records;
``writer`` writes them, byte for byte the same for the same data.
"""

from .problems import ImportFailed, ImportProblem
from .run import ImportResult, import_reports

__all__ = ["ImportFailed", "ImportProblem", "ImportResult", "import_reports"]
