"""One module per output channel; each reads the model and nothing else.

An output is a function ``write(model, generator, writer)`` run in Pelican's
output phase. A new channel is a new module added to ``OUTPUTS``.
"""

from . import files, images, opendata, pages

OUTPUTS = (
    pages.write_pages,
    images.write_photos,
    files.copy_documents,
    opendata.write_opendata,
)
