"""A throwaway PostgreSQL server for the store tests, from Debian's ``postgresql`` binaries.

:func:`start` runs ``initdb`` into a temporary directory and ``pg_ctl start`` with the server
listening only on a unix socket there (no TCP port, no sudo, no password); :func:`stop` shuts it
down and removes the directory; :meth:`PgServer.restart`, :meth:`~PgServer.halt` and
:meth:`~PgServer.resume` play the server going away under a store (tests/test_store_pg_faults.py,
which runs a server of its own for that). The ``pg_server`` fixture in the store tests holds one
server for the whole session and gives each test its own fresh database, so tests never see each
other's rows. When no binaries are installed the fixture skips and says which package to install.

Test modules run against both backends by parametrising their store fixture over
:data:`BACKENDS` and opening it with :func:`open_backend`; they import the ``pg_server``
fixture so pytest finds it (``from pg_server import pg_server  # noqa: F401``).

PostgreSQL refuses to run as root, so under root (a container, CI) the server runs as the
``postgres`` system user the Debian package creates (else ``nobody``), which owns the directory.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import pytest

from scrutiny.store.base import Store

PACKAGE_HINT = "PostgreSQL server binaries not found: install Debian's `postgresql` package"
START_TIMEOUT_S = 60
SUPERUSER = "postgres"  # the database role the tests connect as (trust authentication)


@dataclass(frozen=True)
class PgServer:
    """A running server: its data directory, socket directory and superuser name."""

    bindir: Path
    root: Path
    user: str = SUPERUSER
    run_as: int | None = None  # OS uid to run the binaries as, when we are root
    shared: str | None = None  # the database the store fixtures share, emptied for each

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL for a database of this server, over its unix socket."""
        return f"postgresql://{quote(self.user)}@/{database}?host={quote(str(self.socket_dir))}"

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template``; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        copy = f" TEMPLATE {template}" if template else ""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}{copy}".encode())
        return self.url(name)

    def restart(self) -> None:
        """Restart the server as an administrator would (fast shutdown): every open connection
        is terminated, its transaction rolled back; returns once the server accepts connections."""
        self._pg_ctl("-m", "fast", "-o", _options(self.root), "restart")

    def halt(self) -> None:
        """Stop the server (fast shutdown), keeping its data for :meth:`resume`."""
        self._pg_ctl("-m", "fast", "stop")

    def resume(self) -> None:
        """Start the server again after :meth:`halt`."""
        self._pg_ctl("-o", _options(self.root), "start")

    def _pg_ctl(self, *args: str) -> None:
        # -l: without a log file the server would inherit pg_ctl's output pipe and subprocess
        # would wait for it to close, that is, for the server to stop.
        data, log = str(self.root / "data"), str(self.root / "log")
        self._run("pg_ctl", "-D", data, "-l", log, "-w", *args)

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
            user=self.run_as,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def find_bindir() -> Path | None:
    """The newest installed ``/usr/lib/postgresql/<version>/bin`` with initdb, or ``$PG_BINDIR``."""
    explicit = os.environ.get("PG_BINDIR")
    candidates = [explicit] if explicit else glob.glob("/usr/lib/postgresql/*/bin")
    usable = [Path(c) for c in candidates if (Path(c) / "initdb").is_file()]
    usable.sort(key=lambda p: _version_key(p.parent.name))
    return usable[-1] if usable else None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def start(bindir: Path) -> PgServer:
    """Initialise and start a server in a new temporary directory."""
    # A short path: a unix socket's path must fit in about 100 bytes.
    root = Path(tempfile.mkdtemp(prefix="scrutiny-pg-"))
    (root / "sock").mkdir()
    run_as = _unprivileged_uid() if os.geteuid() == 0 else None
    if run_as is not None:
        for path in (root, root / "sock"):
            os.chown(path, run_as, -1)
    server = PgServer(bindir, root, run_as=run_as)
    try:
        server._run(
            "initdb",
            "-D",
            str(root / "data"),
            "-U",
            server.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        server._pg_ctl("-o", _options(root), "start")
    except (RuntimeError, subprocess.SubprocessError, OSError):
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server


def _options(root: Path) -> str:
    """The server's options: the unix socket in ``root`` only, and no fsync (throwaway data)."""
    return f"-c listen_addresses='' -k {root / 'sock'} -c fsync=off -F"


def _unprivileged_uid() -> int:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
    raise RuntimeError("running as root and no postgres or nobody user to run the server as")


def stop(server: PgServer) -> None:
    """Stop the server (fast shutdown) and delete everything it wrote."""
    try:
        server._run("pg_ctl", "-D", str(server.root / "data"), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


BACKENDS = ["sqlite", "postgres"]


_RUNNING: list[PgServer] = []  # the one server of this test process, once started


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """One throwaway server for the whole test process, started on first use.

    Each test module that imports this fixture gets its own session-scoped instance of it, so
    the server itself is kept here, started once and stopped when the process exits.
    """
    if _RUNNING:
        return _RUNNING[0]
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(PACKAGE_HINT)
    pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg[binary]")
    server = start(bindir)
    atexit.register(stop, server)
    _RUNNING.append(with_shared_store(server))
    return _RUNNING[0]


def with_shared_store(server: PgServer) -> PgServer:
    """The server with a migrated database for the store fixtures.

    Emptying one database between tests takes milliseconds, creating one for each test most of
    a second; migrating an empty database has tests of its own.
    """
    from scrutiny.store.postgres import PostgresStore

    url = server.create_database()
    PostgresStore.open(url).close()
    return replace(server, shared=url)


def empty(url: str) -> None:
    """Delete every row of the store at ``url``, keeping its schema and migrations."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'scrutiny'"
            " AND tablename != 'schema_migrations'"
        ).fetchall()
        tables = ", ".join(f"scrutiny.{name}" for (name,) in rows)
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE".encode())


def open_backend(backend: str, request: pytest.FixtureRequest, sqlite_path: Path) -> Store:
    """A new empty store of ``backend`` (one of :data:`BACKENDS`): SQLite in the file
    ``sqlite_path``, PostgreSQL in the session server's shared database, emptied first."""
    if backend == "sqlite":
        from scrutiny.store.sqlite import SQLiteStore

        return SQLiteStore.open(sqlite_path)
    from scrutiny.store.postgres import PostgresStore

    server: PgServer = request.getfixturevalue("pg_server")
    if server.shared is None:
        raise RuntimeError("use the server of the pg_server fixture")
    empty(server.shared)
    return PostgresStore.open(server.shared)
