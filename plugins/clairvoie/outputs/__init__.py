"""One module per output channel; each reads the model and nothing else.

An output is a function ``write(model, generator, writer)`` run in Pelican's
output phase. A new channel is a new module added to ``OUTPUTS``.
"""

from . import assets, calendar, feeds, files, images, navigation, opendata, pages, panels, podcast
from . import search
from . import newsletter_archive

OUTPUTS = (
    assets.write_fingerprinted_assets,
    pages.write_pages,
    search.write_search_pages,
    images.write_photos,
    files.copy_documents,
    opendata.write_opendata,
    feeds.write_feeds,
    calendar.write_calendars,
    podcast.write_podcast,
    panels.write_panels,
    navigation.write_navigation,
    newsletter_archive.write_newsletter_archive,
    search.write_search_index,  # last: indexes the pages written above
)
