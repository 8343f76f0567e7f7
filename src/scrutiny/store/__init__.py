"""Where analyses are kept: :func:`open_store` reads a location and returns a :class:`Store`.

This module owns the location syntax (docs/store.md): nothing means ``./scrutiny-data``, a
directory holds ``scrutiny.db``, a ``.db``/``.sqlite`` path or ``sqlite:///path`` names the
file, and a ``postgresql://`` URL (libpq's syntax) names a database on a PostgreSQL server.

    >>> with open_store("corpus/") as store:
    ...     store.add(analysis)
    ...     hits = store.search('"Deputy Prime Minister" arrested')
    ...     mine = store.search("arrested", filters=SearchFilters(entity="Atambayev"))
"""

from __future__ import annotations

import re
from pathlib import Path

from scrutiny.errors import NotFound, StoreError
from scrutiny.store.base import (
    FACETS,
    SNIPPET_END,
    SNIPPET_START,
    DocumentSummary,
    Facets,
    SearchFilters,
    SearchHit,
    SharedPassage,
    SimilarDocument,
    Store,
    parse_query,
)

__all__ = [
    "DB_NAME",
    "DEFAULT_DIR",
    "FACETS",
    "SNIPPET_END",
    "SNIPPET_START",
    "DocumentSummary",
    "Facets",
    "NotFound",
    "SearchFilters",
    "SearchHit",
    "SharedPassage",
    "SimilarDocument",
    "Store",
    "StoreError",
    "open_store",
    "parse_query",
    "resolve_location",
]

DEFAULT_DIR = Path("scrutiny-data")
DB_NAME = "scrutiny.db"
MEMORY = ":memory:"
_DB_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3"})
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.DOTALL)
_POSTGRES = frozenset({"postgres", "postgresql"})
PG_SCHEME = "postgresql://"


def open_store(location: str | Path | None = None) -> Store:
    """Open the store at ``location`` (see :func:`resolve_location`), creating it if needed."""
    resolved = resolve_location(location)
    if resolved.startswith(PG_SCHEME):
        # Imported here: psycopg is needed only by those who use a server.
        try:
            from scrutiny.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(
                f"the PostgreSQL store needs psycopg 3: pip install 'psycopg[binary]' ({exc})"
            ) from exc
        return PostgresStore.open(resolved)
    from scrutiny.store.sqlite import SQLiteStore

    return SQLiteStore.open(resolved)


def resolve_location(location: str | Path | None) -> str:
    """The SQLite file (or ``":memory:"``) or the ``postgresql://`` URL a location names.

    Directories are created as needed, so the first ``scrutiny add`` just works.
    """
    if location is None or (isinstance(location, str) and not location.strip()):
        return _in_directory(DEFAULT_DIR)
    if isinstance(location, str):
        if location == MEMORY:
            return MEMORY
        url = _URL.fullmatch(location)
        if url:
            return _from_url(url.group(1).lower(), url.group(2))
    return _from_path(Path(location).expanduser())


def _from_url(scheme: str, rest: str) -> str:
    base = scheme.split("+", 1)[0]  # postgresql+psycopg://... names a driver too
    if base in _POSTGRES:
        # One spelling for libpq, whichever the user wrote (postgres://, postgresql+psycopg://).
        return PG_SCHEME + rest
    if scheme != "sqlite":
        raise StoreError(f"unknown store location {scheme}://...; use a directory or .db file")
    # As in SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db, sqlite:// for memory.
    path = rest.removeprefix("/")
    if path in ("", MEMORY):
        return MEMORY
    return _from_path(Path(path).expanduser())


def _from_path(path: Path) -> str:
    if path.is_dir():
        return str(path / DB_NAME)
    if path.exists() or path.suffix.lower() in _DB_SUFFIXES:
        _make_dir(path.parent)
        return str(path)
    return _in_directory(path)


def _in_directory(folder: Path) -> str:
    _make_dir(folder)
    return str(folder / DB_NAME)


def _make_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create store directory {folder}: {exc.strerror or exc}") from exc
