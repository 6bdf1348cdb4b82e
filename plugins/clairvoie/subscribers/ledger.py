"""``newsletter send --subscribers sqlite:///…|postgresql://…``: the service's confirmed
subscribers, and the exactly-once ledger kept in the same database (table ``deliveries``).

The ledger holds each address's SHA-256, never the address: « oublier » erases those rows too.
Every row is committed as soon as the server accepted the message, as the file ledger syncs
each line; a run stopped midway and started again sends the rest only.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

import sqlalchemy as sa

from . import links
from .store import Store, address_hash, deliveries_table, now_utc


def confirmed_subscribers(url: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(address, signed token, lists) of every confirmed subscriber: their links signed as
    the service signs them."""
    store = Store(url)
    try:
        secret = store.secret()
        return [(s.email, links.sign(secret, s.token), s.lists) for s in store.confirmed()]
    finally:
        store.close()


class LedgerBusy(Exception):
    """Another run of the same letter holds its lock (the caller may give its own class)."""


class _Hashed:
    """A set (or a dict) of addresses stored by their hash: ``address in …`` and ``…[address]``."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def __contains__(self, address: str) -> bool:
        return address_hash(address) in self.values

    def __getitem__(self, address: str) -> str:
        return self.values[address_hash(address)]

    def __len__(self) -> int:
        return len(self.values)


class DatabaseLedger:
    """newsletter/send.py's Ledger interface, on the ``deliveries`` table of the service's database."""

    def __init__(self, url: str, list_id: str, number: int, busy: type[Exception] = LedgerBusy):
        self.busy = busy
        self.store = Store(url)
        self.list_id, self.number = list_id, number
        table = deliveries_table
        with self.store.engine.connect() as connection:
            rows = connection.execute(sa.select(table.c.address_hash, table.c.outcome, table.c.detail)
                                      .where(table.c.list_id == list_id, table.c.number == number)).all()
        self.delivered = _Hashed({row.address_hash: "" for row in rows if row.outcome == "delivered"})
        self.failed = _Hashed({row.address_hash: row.detail for row in rows if row.outcome == "failed"})

    def done(self, address: str) -> bool:
        return address in self.delivered or address in self.failed

    def _record(self, address: str, outcome: str, detail: str) -> None:
        with self.store.engine.begin() as connection:
            connection.execute(deliveries_table.insert().values(
                list_id=self.list_id, number=self.number, address_hash=address_hash(address),
                outcome=outcome, detail=detail, at=now_utc()))

    def mark_delivered(self, address: str) -> None:
        self._record(address, "delivered", "")
        self.delivered.values[address_hash(address)] = ""

    def mark_failed(self, address: str, code: int, answer: str) -> None:
        detail = f"{code} {' '.join(answer.split())}"
        self._record(address, "failed", detail)
        self.failed.values[address_hash(address)] = detail

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One run of a letter at a time: PostgreSQL's advisory lock, or a lock file beside
        the SQLite file."""
        key = int.from_bytes(hashlib.sha256(f"{self.list_id}/{self.number}".encode()).digest()[:8], "big", signed=True)
        busy = self.busy(f"Un autre envoi de cette lettre est en cours ({self.list_id}, n° {self.number}).")
        try:
            if self.store.engine.dialect.name == "postgresql":
                with self.store.engine.connect() as connection:
                    if not connection.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar_one():
                        raise busy
                    try:
                        yield
                    finally:
                        connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                return
            import fcntl

            path = f"{self.store.engine.url.database}.envoi-{key & 0xFFFFFFFF:08x}.lock"
            with open(path, "w") as stream:
                try:
                    fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    raise busy from None
                yield
        finally:
            self.store.close()
