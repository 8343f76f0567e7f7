"""``scrutiny serve``: run the web workbench (API, pages, OpenAPI at /docs) with uvicorn."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web UI and REST API over the store (--db) until interrupted."""
    import uvicorn

    from scrutiny.web import create_app

    db = ctx.obj.get("db") if ctx.obj else None
    app = create_app(db)
    if host not in ("127.0.0.1", "localhost", "::1"):
        # Slice 1 has no tokens: anyone who can reach the port can upload and delete.
        click.echo(f"scrutiny: warning: serving on {host} without authentication", err=True)
    click.echo(f"scrutiny: serving http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
