"""The subscribers' database as issue 21 asks for it: made by Alembic's migrations (on SQLite and
PostgreSQL), at the newest one, and a SQLite file in WAL mode (readers never wait for the writer)."""

from __future__ import annotations

import sqlite3
from importlib import resources

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from clairvoie.subscribers.store import Store, metadata


def newest_migration() -> str:
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("clairvoie.subscribers").joinpath("migrations")))
    return ScriptDirectory.from_config(config).get_current_head()


def test_the_database_is_made_by_the_migrations_up_to_the_newest(database_url):
    store = Store(database_url)
    try:
        with store.engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
            tables = set(sa.inspect(connection).get_table_names())
    finally:
        store.close()
    assert version == newest_migration()
    assert set(metadata.tables) <= tables  # every table the code reads, made by the migrations


def test_a_sqlite_database_is_one_file_in_wal_mode(tmp_path):
    path = tmp_path / "abonnes.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:  # the mode is kept in the file itself
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
