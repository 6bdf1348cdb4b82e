"""The sector newsletter: compose an issue from what is new, render it, send it once.

- ``compose``: the next issue of a sector, from the model and what was already sent;
- ``state``: the issues and the "already sent" state kept in ``newsletters/<sector>/``;
- ``render``: the email's HTML (theme template, CSS inlined) and plain text;
- ``message``: one email for one subscriber, with its List-* headers;
- ``send``: SMTP delivery with a ledger, so that each subscriber gets one copy;
- ``commands``: ``clairvoie newsletter build | preview | send | listmonk``.

The site publishes the stored issues (``outputs/newsletter_archive.py``); staff
documentation: docs/lettre.md.
"""
