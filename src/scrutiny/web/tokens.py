"""Access tokens for the web server: creating, listing, revoking and checking them.

This module owns the token file and the access rules. Tokens live beside the store, in
``<store file>.tokens.json`` (mode 0600), as SHA-256 hashes: the secret is shown once, at
creation, and a leaked file does not let anyone in. A token is ``scr_<id>_<secret>``; the public
``id`` names it in listings and for revoking. Scopes: ``read`` (look and search) and ``write``
(also upload and delete).

Whether a request needs a token at all is the server's mode (:class:`AccessPolicy`): open (no
tokens exist: a local, single-user server), token-only (tokens exist), or public (anonymous
visitors may read; writing needs a write token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from scrutiny.errors import ScrutinyError

Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
PREFIX = "scr"
SUFFIX = ".tokens.json"


class TokenError(ScrutinyError):
    """The token file cannot be read or written, or a token id is unknown."""


@dataclass(frozen=True)
class TokenRecord:
    id: str
    name: str
    scope: Scope
    created: str  # ISO 8601 UTC
    hash: str  # SHA-256 hex of the secret part

    def public(self) -> dict[str, str]:
        """What a listing may show: everything but the hash."""
        return {"id": self.id, "name": self.name, "scope": self.scope, "created": self.created}


def token_file(store_path: str | Path) -> Path:
    """The token file of the store at ``store_path``: beside an SQLite file; for a server store
    (a ``postgresql://`` URL) in the user's configuration folder, named by a hash of the URL so
    that no password in it reaches a file name."""
    location = str(store_path)
    if "://" in location:
        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
        return config / "scrutiny" / f"server-{digest}{SUFFIX}"
    path = Path(location)
    return path.with_name(path.name + SUFFIX)


def token_id(token: str | None) -> str | None:
    """The public id part of a token (``scr_<id>_<secret>``), unchecked; ``None`` if malformed."""
    parts = (token or "").strip().split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def _digest(secret: str) -> str:
    # Secrets are 256 random bits, so a plain hash suffices: there is nothing to brute-force.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenStore:
    """The token file of one store, re-read when it changes on disk.

    ``scrutiny token create`` may run while the server is up; the server sees the new token at
    the next request without a restart.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._records: dict[str, TokenRecord] = {}

    def records(self) -> list[TokenRecord]:
        with self._lock:
            self._refresh()
            return sorted(self._records.values(), key=lambda r: r.created)

    def create(self, name: str, scope: Scope) -> str:
        """Add a token and return it; the secret is never stored or shown again."""
        if scope not in SCOPES:
            raise TokenError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
        token_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        record = TokenRecord(token_id, name[:100], scope, created, _digest(secret))
        with self._lock:
            self._refresh()
            self._records[token_id] = record
            self._write()
        return f"{PREFIX}_{token_id}_{secret}"

    def revoke(self, token_id: str) -> None:
        with self._lock:
            self._refresh()
            if self._records.pop(token_id, None) is None:
                raise TokenError(f"no token has id {token_id!r}")
            self._write()

    def check(self, token: str) -> Scope | None:
        """The scope a presented token grants, or ``None`` for anything not a live token."""
        parts = token.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        with self._lock:
            self._refresh()
            record = self._records.get(parts[1])
        if record is None or not hmac.compare_digest(record.hash, _digest(parts[2])):
            return None
        return record.scope

    def _refresh(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._records = None, {}
            return
        except OSError as exc:
            raise TokenError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            self._records = self._read()
            self._stamp = stamp

    def _read(self) -> dict[str, TokenRecord]:
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
            records = [TokenRecord(**row) for row in rows]
        except (OSError, ValueError, TypeError) as exc:
            raise TokenError(f"cannot read token file {self.path}: {exc}") from exc
        return {r.id: r for r in records}

    def _write(self) -> None:
        rows = [asdict(r) for r in self._records.values()]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole to a private temporary file, then renamed: a reader never sees half a
        # file, and the hashes are never readable by other users, not even for a moment.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(rows, fh, indent=2)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise TokenError(f"cannot write token file {self.path}: {exc.strerror or exc}") from exc
        self._stamp = None


@dataclass(frozen=True)
class AccessPolicy:
    """Who may do what on this server."""

    tokens: TokenStore
    public: bool = False  # anonymous visitors may read

    def access(self, token: str | None) -> Scope | None:
        """The scope of a request carrying ``token`` (or none); ``None`` means not allowed in."""
        if token:
            scope = self.tokens.check(token)
            if scope is not None:
                return scope
        if self.public:
            return "read"
        # Open mode: a local server without tokens trusts whoever can reach it.
        return "write" if not self.tokens.records() else None

    @property
    def open(self) -> bool:
        return not self.public and not self.tokens.records()
