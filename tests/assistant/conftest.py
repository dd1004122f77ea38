"""Database fixtures: a real PostgreSQL server for the session, and a fresh database per test on either backend."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import PostgresServer, find_bin_dir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1 for this session; skipped without the binaries, but a failure in CI."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = (
            "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin or $PG_BIN); `make system-deps` installs them"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must not skip the PostgreSQL tests")
        pytest.skip(reason)
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the session's server (dropped after the test)."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """An empty database on each backend: a SQLite file path (parent folder not yet made), or a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "db" / "enroller.sqlite3"
    url: str = request.getfixturevalue("postgres_url")
    return url
