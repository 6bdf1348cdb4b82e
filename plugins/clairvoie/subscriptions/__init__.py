"""The subscription service (docs/abonnements.md): residents sign up for their sectors' and
projects' letters themselves, with double opt-in, manage or leave in one click.

- ``store.py``: the database (SQLAlchemy, Alembic migrations in ``migrations/``): requests
  waiting for confirmation, subscribers, and the letters' delivery ledger;
- ``app.py``: the web service (Starlette, served by uvicorn), its French pages in ``templates/``;
- ``commands.py``: ``clairvoie abonnements serve|export|oublier``.
"""
