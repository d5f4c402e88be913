"""`dugout serve`: the JSON API and the web pages over a store, with uvicorn."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    """Add the `serve` verb to the CLI."""

    @app.command()
    def serve(
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                help="Database: a SQLite file path or postgresql://... [default: $DUGOUT_DB or ./dugout.db]",
            ),
        ] = None,
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
        private: Annotated[
            bool,
            typer.Option("--private", help="Reads need the token too (browsers ask for it as a password)."),
        ] = False,
        allow_private: Annotated[
            bool,
            typer.Option(
                "--allow-private",
                help="Let POST /api/articles fetch from loopback and private network addresses.",
            ),
        ] = False,
    ) -> None:
        """Serve the JSON API (/api, described at /docs) and the web pages over the stored claims.

        Reads are open unless --private; writes (POST /api/articles) need the token in
        $DUGOUT_TOKEN, sent as `Authorization: Bearer <token>`. Without $DUGOUT_TOKEN the
        server refuses writes. Stop with Ctrl-C.

        Example:

            export DUGOUT_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')

            dugout serve --db dugout.db

            dugout serve --db postgresql://localhost/dugout --host 0.0.0.0 --port 8080 --private
        """
        import uvicorn

        from dugout.store import StoreError
        from dugout.web import create_app

        token = os.environ.get("DUGOUT_TOKEN") or None
        if private and not token:
            err.print("dugout: --private needs a token: set DUGOUT_TOKEN (reads and writes will ask for it)")
            raise typer.Exit(2)
        try:
            # bound to loopback, only local names may be asked for (no DNS rebinding)
            hosts = ["127.0.0.1", "localhost", "::1", "[::1]"] if _loopback(host) else None
            web = create_app(db, token, private, allow_private=allow_private, allowed_hosts=hosts)
        except StoreError as e:
            err.print(f"dugout: {e}", markup=False)
            raise typer.Exit(2) from None
        counts = web.state.store.counts()
        shown = f"[{host}]" if ":" in host else host
        err.print(
            f"dugout: serving {counts['articles']} reports, {counts['claims']} claims "
            f"on http://{shown}:{port}/ (API docs at /docs)",
            markup=False,
        )
        writes = (
            "writes need the bearer token in $DUGOUT_TOKEN" if token else "writes disabled: set DUGOUT_TOKEN"
        )
        err.print(f"dugout: {'private' if private else 'reads open'}; {writes}", markup=False)
        if not _loopback(host) and not private:
            err.print(
                f"dugout: note: listening on {host}, reads are open to anyone who can reach it", markup=False
            )
        uvicorn.run(web, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
