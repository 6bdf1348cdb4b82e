"""One module per output channel; each reads the model and writes through the ``Site``.

An output is a function ``write(model, site)`` run in Pelican's output phase
(``site.py``: the site's address and identity, and the one way to write a file).
``clairvoie.register()`` connects ``OUTPUTS`` to ``signals.clairvoie_write_outputs``,
``ALTERNATE_LINKS`` to ``signals.clairvoie_get_alternate_links`` and
``RECORD_ALTERNATE_LINKS`` to ``signals.clairvoie_get_record_alternate_links``, in these orders,
as a city's plugin connects its own channels (docs/ajouter-un-canal.md).
A new built-in channel is a new module added to ``OUTPUTS``; a channel imports no other
channel: what two channels share lives in a module of its own here (``site``,
``syndication``, ``imaging``, ``geo``, ``roadworks``, ``maps``). An output may
return an object whose ``wait()`` finishes its work: it runs while the next
outputs are written (the search index: Pagefind works in its own process).

Order matters: the search index reads the pages, so it comes after them; and
outputs that fork processes (pages, images) come before it, since forking
beside a running thread is unsafe.
"""

from . import assets, calendar, feeds, files, images, navigation, opendata, open311, pages, panels, podcast
from . import search
from . import newsletter_archive
from . import nearby
from . import paper
from . import admin
from . import tiles

OUTPUTS = (
    assets.write_fingerprinted_assets,
    pages.write_pages,
    search.write_search_pages,
    newsletter_archive.write_newsletter_archive,
    images.write_photos,
    paper.write_paper,  # forks too: before the search index's thread
    tiles.write_tiles,  # runs tilemaker: before the search index's thread too
    search.write_search_index,  # goes on while the outputs below are written
    files.copy_documents,
    opendata.write_opendata,
    open311.write_open311,
    feeds.write_feeds,
    calendar.write_calendars,
    podcast.write_podcast,
    panels.write_panels,
    navigation.write_navigation,
    nearby.write_nearby,
    admin.write_admin,
)

# The feeds pages announce with <link rel="alternate">, in this order.
ALTERNATE_LINKS = (
    feeds.alternate_links,
    podcast.alternate_links,
    calendar.alternate_links,
    newsletter_archive.alternate_links,
)

# The feeds a record's own page announces (a project's), in this order.
RECORD_ALTERNATE_LINKS = (
    feeds.record_alternate_links,
    newsletter_archive.record_alternate_links,
)
