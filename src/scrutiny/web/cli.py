"""``scrutiny serve`` (the web workbench) and ``scrutiny token ...`` (its access tokens).

A store's tokens live beside it (``<store file>.tokens.json``, see ``scrutiny.web.tokens``), so
both commands find them through ``--db`` like every other command.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from scrutiny.web.ratelimit import RateLimit
from scrutiny.web.tokens import SCOPES, TokenError, TokenStore, token_file

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# One newsroom: a person browsing makes a few requests a second, a script more; 20/s each with
# bursts of 60 leaves room for both while keeping one runaway client from starving the rest.
DEFAULT_RATE = "20/s"
DEFAULT_BURST = 60


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"scrutiny: {message}", err=True)
    sys.exit(code)


def _store_path(ctx: click.Context) -> str:
    from scrutiny.errors import StoreError
    from scrutiny.store import resolve_location

    try:
        return resolve_location(ctx.obj.get("db") if ctx.obj else None)
    except StoreError as exc:
        _fail(str(exc), 3)


def _tokens(ctx: click.Context) -> TokenStore:
    return TokenStore(token_file(_store_path(ctx)))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public", is_flag=True, help="Anyone may read; writing needs a write token.")
@click.option(
    "--allow-path",
    "allow_paths",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder whose files clients may ingest by path (repeatable); none by default.",
)
@click.option(
    "--rate",
    default=DEFAULT_RATE,
    show_default=True,
    help="Requests per token (or per address, without one): N/s, N/min or N/h; 0 for none.",
)
@click.option(
    "--burst",
    type=click.IntRange(1, 1_000_000),
    default=DEFAULT_BURST,
    show_default=True,
    help="Requests a client may make at once after a quiet spell.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    public: bool,
    allow_paths: tuple[str, ...],
    rate: str,
    burst: int,
) -> None:
    """Serve the web UI and REST API over the store (--db) until interrupted.

    Without tokens (scrutiny token create) the server is open to whoever can reach it; with
    tokens every request needs one, unless --public lets anonymous visitors read.
    """
    import uvicorn

    from scrutiny.errors import ScrutinyError
    from scrutiny.web import create_app

    limit = _rate_limit(rate, burst)
    try:
        app = create_app(
            _store_path(ctx), public=public, rate_limit=limit, allowed_paths=allow_paths
        )
        has_tokens = bool(app.state.policy.tokens.records())
    except ScrutinyError as exc:
        _fail(str(exc), 3)
    mode = "public, read-only without a token" if public else "token required"
    if not public and not has_tokens:
        mode = "open: no tokens, anyone who can connect may read and write"
        if host not in LOCAL_HOSTS:
            click.echo(f"scrutiny: warning: serving on {host} without tokens", err=True)
    click.echo(f"scrutiny: serving http://{host}:{port}/ ({mode}); API docs at /docs", err=True)
    for folder in app.state.settings.allowed_paths:
        click.echo(f"scrutiny: clients may ingest files under {folder}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


def _rate_limit(rate: str, burst: int) -> RateLimit | None:
    if rate.strip() in ("0", "none", "off"):
        return None
    try:
        return RateLimit.parse(rate, burst)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rate") from None


@click.group()
def token() -> None:
    """Access tokens for `scrutiny serve`: read (look, search) or write (also upload, delete)."""


@token.command("create")
@click.option("--scope", type=click.Choice(SCOPES), default="read", show_default=True)
@click.option("--name", default="", help="A note saying who or what the token is for.")
@click.pass_context
def create_token(ctx: click.Context, scope: str, name: str) -> None:
    """Create a token and print it; it is shown only this once."""
    try:
        secret = _tokens(ctx).create(name, "write" if scope == "write" else "read")
    except TokenError as exc:
        _fail(str(exc), 3)
    click.echo(secret)


@token.command("list")
@click.pass_context
def list_tokens(ctx: click.Context) -> None:
    """List tokens (id, scope, creation time, name); secrets are never shown."""
    try:
        records = _tokens(ctx).records()
    except TokenError as exc:
        _fail(str(exc), 3)
    for r in records:
        click.echo(f"{r.id}  {r.scope:<5}  {r.created}  {r.name}")


@token.command("revoke")
@click.argument("token_id")
@click.pass_context
def revoke_token(ctx: click.Context, token_id: str) -> None:
    """Revoke a token by its id (the part after scr_ in the token, as `list` shows)."""
    try:
        _tokens(ctx).revoke(token_id)
    except TokenError as exc:
        _fail(str(exc), 3)
    click.echo(f"revoked {token_id}")
