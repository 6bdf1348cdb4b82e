"""The subscription service (docs/abonnements.md): residents sign up for their sectors' and
projects' letters themselves, with double opt-in, manage or leave in one click.

- ``app.py``: the web service (Starlette, served by uvicorn), its French pages in ``templates/``;
- ``consent.py``: the consent sentence, by version;
- ``commands.py``: ``clairvoie abonnements serve|export|oublier``.

Its data is ``subscribers/`` (the database, below the newsletter); it sends its confirmation
e-mails with the newsletter's SMTP client.
"""
