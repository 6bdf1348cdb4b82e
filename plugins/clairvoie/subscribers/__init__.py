"""The subscribers' database, shared by the subscription service (subscriptions/) and
``newsletter send``: SQLite by default (one file, WAL) or PostgreSQL, through SQLAlchemy with
Alembic migrations (``migrations/``).

- ``store.py``: the tables and every read and write of them;
- ``links.py``: the subscribers' personal links, signed with the service's secret;
- ``ledger.py``: what ``newsletter send`` reads there (confirmed subscribers) and writes (its
  exactly-once ledger).

It imports no other Clairvoie module: the newsletter (below the service) may use it.
"""


def is_database_url(text: str) -> bool:
    """A database URL the service and ``newsletter send`` take (else: a CSV file's path)."""
    return text.startswith(("sqlite://", "postgresql://", "postgres://", "postgresql+psycopg://"))
