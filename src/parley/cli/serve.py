"""Commands: ``serve`` (the HTTP API and web UI over a store)."""
from __future__ import annotations

import os

import typer

from .app import app, err, out  # noqa: F401


@app.command()
def serve(
    db: str = typer.Option("parley.duckdb", "--db", help="Store path or postgresql:// URL."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (non-loopback needs PARLEY_API_TOKEN)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the HTTP API (/api, OpenAPI at /openapi.json, /docs) and the web UI (/) over a store."""
    from ..errors import ParleyError
    from ..web import TOKEN_ENV, check_bind, create_app, is_loopback

    token = os.environ.get(TOKEN_ENV) or None
    try:
        check_bind(host, token)
    except ParleyError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2)
    if not (db.startswith(("postgresql://", "postgres://")) or os.path.exists(db)):
        err.print(f"[red]error:[/red] no store at {db} (code something first: parley code FILES --db {db})",
                  highlight=False)
        raise typer.Exit(2)
    import uvicorn

    web = create_app(db, token=token, reads_open=is_loopback(host))
    shown = f"[{host}]" if ":" in host else host
    err.print(f"parley: serving {db} on http://{shown}:{port}/ "
              f"(API /api, docs /docs; token {'required for POST /api/code' if token else 'not set'})",
              highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)
