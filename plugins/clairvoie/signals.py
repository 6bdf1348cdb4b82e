"""Clairvoie's own signals, named and sent as Pelican sends its own (blinker).

A channel is a plugin: its ``register()`` connects a function to
``clairvoie_write_outputs`` (and, if pages should announce its feeds, one to
``clairvoie_get_alternate_links``). Clairvoie's built-in channels connect the
same way, first (``clairvoie.register()``); receivers run in the order they were
connected, so a city's channels run after them, in the order of ``PLUGINS``.
Connect module-level functions: blinker keeps only a weak reference to a receiver.

``clairvoie_model_ready(model)``
    The model is built and validated, before any output is written.
``clairvoie_get_alternate_links(model, sector_id=…)``
    For a sector page (``sector_id``; None: the home page): return the list of
    ``outputs.site.AlternateLink`` the page announces with ``<link rel="alternate">``.
``clairvoie_get_record_alternate_links(model, record=…)``
    For a record's own page (a project): the ``AlternateLink`` list of the feeds that
    follow that one record.
``clairvoie_write_outputs(model, site=…)``
    Every receiver is a channel: it writes its files through the ``Site``
    (``site.write``, ``site.copy``, ``site.render``). It may return an object whose
    ``wait()`` finishes its work, run while the next channels write (the search index).
``clairvoie_outputs_written(model, site=…)``
    Every channel has written and finished its work.
"""

from __future__ import annotations

# First: Pelican's signals module makes blinker keep receivers in connection order.
from pelican.plugins import signals as _pelican_signals  # noqa: F401
from blinker import signal

clairvoie_model_ready = signal("clairvoie_model_ready")
clairvoie_get_alternate_links = signal("clairvoie_get_alternate_links")
clairvoie_get_record_alternate_links = signal("clairvoie_get_record_alternate_links")
clairvoie_write_outputs = signal("clairvoie_write_outputs")
clairvoie_outputs_written = signal("clairvoie_outputs_written")
