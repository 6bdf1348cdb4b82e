"""Published photos: resized, turned upright, and stripped of EXIF (GPS included).

The originals in content/ are only read, never modified.
"""

from __future__ import annotations

import os
from typing import Any

from PIL import Image, ImageOps

from ..model.records import Model


def write_photos(model: Model, generator: Any, writer: Any) -> None:
    quality = model.settings.photo_quality
    for project in model.projects:
        for photo in project.photos:
            with Image.open(photo.source_path) as original:
                upright = ImageOps.exif_transpose(original).convert("RGB")
            for rendition in photo.renditions:
                target = os.path.join(generator.output_path, rendition.url)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                resized = upright.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
                # A new image carries no metadata: saving it without exif= writes none.
                resized.save(target, "JPEG", quality=quality, optimize=True, progressive=True)
