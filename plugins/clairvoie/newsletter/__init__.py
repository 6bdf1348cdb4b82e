"""The newsletters: compose an issue from what is new, render it, send it once.

A sector has its letter; so has a project, for residents who follow it (``projet:<id>``
in the subscribers' list) without following one of its sectors, whose letters already
tell its news.

- ``compose``: the next issue of a sector (``compose``) or of a project (``compose_project``),
  from the model and what was already sent;
- ``model/newsletter_issues.py``: the issues and the "already sent" state kept in
  ``newsletters/<sector>/`` and ``newsletters/projets/<project>/``;
- ``render``: the email's HTML (theme template, CSS inlined) and plain text;
- ``message``: one email for one subscriber, with its List-* headers;
- ``send``: SMTP delivery with a ledger, so that each subscriber gets one copy;
- ``commands``: ``clairvoie newsletter build | preview | send | listmonk``.

The site publishes the stored issues (``outputs/newsletter_archive.py``); staff
documentation: docs/lettre.md.
"""
