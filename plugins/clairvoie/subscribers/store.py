"""The subscribers' database: SQLite by default (one file, WAL), or PostgreSQL.

Tables (created and upgraded by the Alembic migrations in ``migrations/``):

- ``service_values``: the service's generated secret (when ``CLAIRVOIE_SUBSCRIPTIONS_SECRET``
  is unset), kept so that links stay valid from one start to the next;
- ``requests``: sign-ups waiting for their confirmation (the address, the lists asked for,
  the consent wording's version and date); purged after ``PENDING_DAYS``;
- ``subscribers``: confirmed addresses, one row each (``email_key``, the address in lower
  case, is unique), their lists (``;``-separated, as the CSV's ``sectors`` column: sector ids
  and ``projet:<id>``), the consent kept and a random token their links are signed from;
  leaving every list deletes the row;
- ``deliveries``: the letters' ledger when ``newsletter send`` reads this database: one row
  per letter and address (its SHA-256, never the address itself).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa
from sqlalchemy import event

from ..labels import SUBSCRIPTION_PENDING_DAYS
from . import is_database_url

PENDING_DAYS = SUBSCRIPTION_PENDING_DAYS  # unconfirmed requests are erased after this many days
ADDRESS_WINDOW = dt.timedelta(days=1)  # the per-address limit counts requests in this window
SECRET_VARIABLE = "CLAIRVOIE_SUBSCRIPTIONS_SECRET"

metadata = sa.MetaData()
service_values = sa.Table(
    "service_values", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
requests_table = sa.Table(
    "requests", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("email_key", sa.String(320), nullable=False),
    sa.Column("lists", sa.Text, nullable=False),
    sa.Column("consent_version", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
subscribers_table = sa.Table(
    "subscribers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("email_key", sa.String(320), nullable=False, unique=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("lists", sa.Text, nullable=False),
    sa.Column("consent_version", sa.String(40), nullable=False),
    sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
deliveries_table = sa.Table(
    "deliveries", metadata,
    sa.Column("list_id", sa.String(200), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("address_hash", sa.String(64), primary_key=True),
    sa.Column("outcome", sa.String(12), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


class StoreError(Exception):
    """A database the service cannot use: told in French to the staff."""


def engine_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (the pinned driver), not SQLAlchemy's default psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def address_key(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str) -> str:
    return hashlib.sha256(address_key(address).encode("utf-8")).hexdigest()


def join_lists(lists) -> str:
    return ";".join(dict.fromkeys(lists))


def split_lists(text: str) -> tuple[str, ...]:
    return tuple(entry for entry in text.split(";") if entry)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive date-times: every one stored here is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class PendingRequest:
    id: str
    email: str
    lists: tuple[str, ...]
    consent_version: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Subscription:
    email: str
    token: str  # the random part; links carry it signed (app.py)
    lists: tuple[str, ...]
    consent_version: str
    consent_at: dt.datetime
    confirmed_at: dt.datetime
    updated_at: dt.datetime


def _subscription(row) -> Subscription:
    return Subscription(row.email, row.token, split_lists(row.lists), row.consent_version,
                        _utc(row.consent_at), _utc(row.confirmed_at), _utc(row.updated_at))


def _sqlite_setup(engine: sa.Engine) -> None:
    """WAL (readers never wait for the writer), a generous busy timeout, and every
    transaction taking the write lock at once: two writers never deadlock on an upgrade."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    def __init__(self, url: str, migrate: bool = True):
        if not is_database_url(url):
            raise StoreError(f"Adresse de base de données non reconnue : « {url} » (sqlite:///chemin/abonnes.db "
                             "ou postgresql://compte:motdepasse@serveur/base).")
        self.url = engine_url(url)
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            folder = os.path.dirname(os.path.abspath(self.url[len("sqlite:///"):]))
            os.makedirs(folder, exist_ok=True)
        try:
            # hide_parameters: a database error's message never quotes an address (logs).
            self.engine = sa.create_engine(self.url, pool_pre_ping=True, hide_parameters=True)
        except (sa.exc.ArgumentError, ImportError) as error:
            raise StoreError(f"Base de données inutilisable ({error}).") from None
        if self.engine.dialect.name == "sqlite":
            _sqlite_setup(self.engine)
        elif self.engine.dialect.name != "postgresql":
            raise StoreError("Seules SQLite et PostgreSQL sont prises en charge.")
        if migrate:
            self.migrate()

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(resources.files(__package__).joinpath("migrations")))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except sa.exc.OperationalError as error:
            raise StoreError(f"Impossible d'ouvrir la base de données ({error.orig}).") from None

    def close(self) -> None:
        self.engine.dispose()

    # --- helpers ---------------------------------------------------------------------------
    def _insert_ignoring(self, connection, table: sa.Table, values: dict, key: str) -> None:
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        connection.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=[key]))

    # --- the secret ------------------------------------------------------------------------
    def secret(self, environ=None) -> str:
        environ = os.environ if environ is None else environ
        given = environ.get(SECRET_VARIABLE, "").strip()
        if given:
            return given
        with self.engine.begin() as connection:
            self._insert_ignoring(connection, service_values,
                                  {"name": "secret", "value": secrets.token_urlsafe(32)}, "name")
            return connection.execute(sa.select(service_values.c.value)
                                      .where(service_values.c.name == "secret")).scalar_one()

    # --- sign-up ---------------------------------------------------------------------------
    def add_request(self, address: str, lists, consent_version: str, address_limit: int,
                    now: dt.datetime | None = None) -> PendingRequest | None:
        """A request waiting for confirmation; None when the address already asked
        ``address_limit`` times today (no e-mail is sent then: nobody is flooded)."""
        now = now or now_utc()
        key = address_key(address)
        with self.engine.begin() as connection:
            recent = connection.execute(
                sa.select(sa.func.count()).select_from(requests_table)
                .where(requests_table.c.email_key == key, requests_table.c.created_at > now - ADDRESS_WINDOW)
            ).scalar_one()
            if recent >= address_limit:
                return None
            request = PendingRequest(secrets.token_hex(16), address.strip(), tuple(lists), consent_version, now)
            connection.execute(sa.insert(requests_table).values(
                id=request.id, email=request.email, email_key=key, lists=join_lists(request.lists),
                consent_version=consent_version, created_at=now))
        return request

    def drop_request(self, request_id: str) -> None:
        """A request whose e-mail could not leave: nothing half-written stays."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(requests_table).where(requests_table.c.id == request_id))

    def request(self, request_id: str) -> PendingRequest | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(requests_table).where(requests_table.c.id == request_id)).first()
        if row is None:
            return None
        return PendingRequest(row.id, row.email, split_lists(row.lists), row.consent_version, _utc(row.created_at))

    def confirm(self, request_id: str, now: dt.datetime | None = None) -> Subscription | None:
        """The one button press: the request becomes (or joins) the address's subscription,
        once; None when the request is gone (already confirmed, purged, forgotten)."""
        now = now or now_utc()
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(requests_table).where(requests_table.c.id == request_id)
                                     .with_for_update()).first()
            if row is None or _utc(row.created_at) < now - dt.timedelta(days=PENDING_DAYS):
                return None
            connection.execute(sa.delete(requests_table).where(requests_table.c.id == request_id))
            self._insert_ignoring(connection, subscribers_table, {
                "email": row.email, "email_key": row.email_key, "token": secrets.token_urlsafe(24),
                "lists": "", "consent_version": row.consent_version, "consent_at": row.created_at,
                "confirmed_at": now, "updated_at": now}, "email_key")
            current = connection.execute(sa.select(subscribers_table)
                                         .where(subscribers_table.c.email_key == row.email_key)
                                         .with_for_update()).one()
            lists = join_lists(split_lists(current.lists) + split_lists(row.lists))
            connection.execute(sa.update(subscribers_table).where(subscribers_table.c.id == current.id).values(
                lists=lists, consent_version=row.consent_version, consent_at=row.created_at, updated_at=now))
            final = connection.execute(sa.select(subscribers_table)
                                       .where(subscribers_table.c.id == current.id)).one()
        return _subscription(final)

    def import_subscriber(self, address: str, lists, token: str, consent_version: str,
                          now: dt.datetime | None = None) -> bool:
        """A subscriber of the city's former list, confirmed there: added, or its lists joined
        to those it already has here. True when it was new."""
        now = now or now_utc()
        key = address_key(address)
        with self.engine.begin() as connection:
            taken = connection.execute(sa.select(subscribers_table.c.id)
                                       .where(subscribers_table.c.token == token)).first()
            self._insert_ignoring(connection, subscribers_table, {
                "email": address.strip(), "email_key": key,
                "token": secrets.token_urlsafe(24) if taken else token, "lists": "",
                "consent_version": consent_version, "consent_at": now, "confirmed_at": now,
                "updated_at": now}, "email_key")
            current = connection.execute(sa.select(subscribers_table).where(subscribers_table.c.email_key == key)
                                         .with_for_update()).one()
            connection.execute(sa.update(subscribers_table).where(subscribers_table.c.id == current.id).values(
                lists=join_lists(split_lists(current.lists) + tuple(lists)), updated_at=now))
        return not current.lists

    # --- subscribers -----------------------------------------------------------------------
    def subscription(self, token: str) -> Subscription | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(subscribers_table).where(subscribers_table.c.token == token)).first()
        return _subscription(row) if row is not None else None

    def set_lists(self, token: str, lists, now: dt.datetime | None = None) -> bool:
        """The lists chosen on « Gérer mon abonnement »; none: the address is erased.
        False when there is no such subscriber (any more)."""
        now = now or now_utc()
        lists = tuple(lists)
        with self.engine.begin() as connection:
            where = subscribers_table.c.token == token
            if not lists:
                return connection.execute(sa.delete(subscribers_table).where(where)).rowcount > 0
            return connection.execute(sa.update(subscribers_table).where(where).values(
                lists=join_lists(lists), updated_at=now)).rowcount > 0

    def leave(self, token: str, list_id: str | None, now: dt.datetime | None = None) -> bool:
        """Unsubscribe from one list (every list: ``list_id`` None); the last one gone, the
        address is erased. False when there is no such subscriber (any more)."""
        now = now or now_utc()
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(subscribers_table).where(subscribers_table.c.token == token)
                                     .with_for_update()).first()
            if row is None:
                return False
            remaining = tuple(entry for entry in split_lists(row.lists) if list_id is not None and entry != list_id)
            if remaining:
                connection.execute(sa.update(subscribers_table).where(subscribers_table.c.id == row.id)
                                   .values(lists=join_lists(remaining), updated_at=now))
            else:
                connection.execute(sa.delete(subscribers_table).where(subscribers_table.c.id == row.id))
        return True

    def confirmed(self) -> list[Subscription]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(subscribers_table).order_by(subscribers_table.c.id)).all()
        return [_subscription(row) for row in rows]

    # --- retention and residents' rights ----------------------------------------------------
    def purge(self, now: dt.datetime | None = None) -> int:
        """Erase the requests nobody confirmed within PENDING_DAYS; how many went."""
        limit = (now or now_utc()) - dt.timedelta(days=PENDING_DAYS)
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(requests_table)
                                      .where(requests_table.c.created_at < limit)).rowcount

    def export(self, address: str) -> dict:
        """Everything kept about one address (RGPD, right of access)."""
        key = address_key(address)
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(subscribers_table)
                                     .where(subscribers_table.c.email_key == key)).first()
            pending = connection.execute(sa.select(requests_table).where(requests_table.c.email_key == key)
                                         .order_by(requests_table.c.created_at)).all()
            letters = connection.execute(
                sa.select(deliveries_table.c.list_id, deliveries_table.c.number, deliveries_table.c.outcome,
                          deliveries_table.c.at)
                .where(deliveries_table.c.address_hash == address_hash(address))
                .order_by(deliveries_table.c.at)).all()
        found: dict = {"adresse": address.strip(), "abonnement": None, "demandes_en_attente": [],
                       "lettres": []}
        if row is not None:
            subscription = _subscription(row)
            found["abonnement"] = {
                "listes": list(subscription.lists),
                "consentement_version": subscription.consent_version,
                "consentement_date": subscription.consent_at.isoformat(),
                "confirme_le": subscription.confirmed_at.isoformat(),
                "modifie_le": subscription.updated_at.isoformat(),
            }
        found["demandes_en_attente"] = [
            {"listes": list(split_lists(p.lists)), "consentement_version": p.consent_version,
             "demande_le": _utc(p.created_at).isoformat()} for p in pending]
        found["lettres"] = [{"liste": letter.list_id, "numero": letter.number, "resultat": letter.outcome,
                             "le": _utc(letter.at).isoformat()} for letter in letters]
        return found

    def forget(self, address: str) -> dict[str, int]:
        """Erase the address everywhere (RGPD, right to erasure); what was erased, by kind."""
        key = address_key(address)
        with self.engine.begin() as connection:
            return {
                "abonnement": connection.execute(sa.delete(subscribers_table)
                                                 .where(subscribers_table.c.email_key == key)).rowcount,
                "demandes": connection.execute(sa.delete(requests_table)
                                               .where(requests_table.c.email_key == key)).rowcount,
                "envois": connection.execute(sa.delete(deliveries_table)
                                             .where(deliveries_table.c.address_hash == address_hash(address))).rowcount,
            }
