"""`dugout serve`: the JSON API and the web pages over a store, with uvicorn."""

from __future__ import annotations

import ipaddress
import os
import threading
from typing import Annotated, Any

import typer
from rich.console import Console

from dugout.commands.options import ClaimsOpt, annotated_claims

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
        feeds: Annotated[
            list[str] | None,
            typer.Argument(
                help="With --watch: feeds to watch (added to the stored list).", show_default=False
            ),
        ] = None,
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
                help="Let POST /api/articles and the watcher fetch from loopback and private addresses.",
            ),
        ] = False,
        watch: Annotated[
            bool,
            typer.Option(
                "--watch", help="Also watch feeds in this process: the given ones and the stored ones."
            ),
        ] = False,
        every: Annotated[
            str, typer.Option("--every", help="With --watch: how often each feed is polled.")
        ] = "15m",
        follow: Annotated[
            list[str] | None,
            typer.Option(
                "--follow", help="With --watch: also follow this name (repeat for more).", show_default=False
            ),
        ] = None,
        webhook: Annotated[
            str | None,
            typer.Option(
                "--webhook", help="With --watch: POST each alert here, signed with $DUGOUT_WEBHOOK_SECRET."
            ),
        ] = None,
        claims: ClaimsOpt = None,
    ) -> None:
        """Serve the JSON API (/api, described at /docs) and the web pages over the stored claims.

        Reads are open unless --private; writes (POST /api/articles) need the token in
        $DUGOUT_TOKEN, sent as `Authorization: Bearer <token>`. Without $DUGOUT_TOKEN the
        server refuses writes. With --watch, the watcher of `dugout watch` runs inside the
        server (a background thread): new reports and alerts appear on the pages and in
        /alerts.atom as they arrive. Stop with Ctrl-C.

        Example:

            export DUGOUT_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')

            dugout serve --db dugout.db

            dugout serve --db postgresql://localhost/dugout --host 0.0.0.0 --port 8080 --private

            dugout serve --watch https://www.theguardian.com/football/rss --follow "Thomas Frank"
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
            extractor = annotated_claims(claims)
            web = create_app(
                db, token, private, allow_private=allow_private, allowed_hosts=hosts, extractor=extractor
            )
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
        stop = None
        if watch:
            stop = start_watcher(web, db, feeds or [], follow or [], every, webhook, allow_private)
        elif feeds or follow or webhook:
            err.print("dugout: feeds, --follow and --webhook need --watch", markup=False)
            raise typer.Exit(2)
        try:
            uvicorn.run(web, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
        finally:
            if stop is not None:
                stop.set()


def start_watcher(
    web: Any,
    db: str | None,
    feeds: list[str],
    follow: list[str],
    every: str,
    webhook: str | None,
    allow_private: bool,
) -> threading.Event:
    """Start `dugout watch`'s loop in a daemon thread of the server; set the event to stop it.

    The watcher has its own connections to the store, and shares the server's extractor (one
    language model in memory, one report through it at a time).
    """
    from dugout.commands.watch import (
        _interval,
        add_feeds,
        add_follows,
        make_watcher,
        print_alert,
        setup_logging,
    )
    from dugout.store import Store
    from dugout.watch.ledger import Ledger
    from dugout.watch.watcher import Settings, extract_with

    seconds = _interval(every)
    setup_logging()
    store = Store.open(db)
    add_feeds(store, feeds)
    add_follows(store, follow)
    if not Ledger(store.engine).feeds():
        err.print("dugout: --watch has nothing to watch: give feed URLs or add them with `dugout feeds add`")
        raise typer.Exit(2)
    extractors = web.state.extractors

    def extract(article: Any) -> Any:
        return extract_with(extractors.get(), extractors.run_lock)(article)

    settings = Settings(every=seconds, allow_private=allow_private)
    watcher = make_watcher(store, extract, settings, webhook, print_alert)
    stop = threading.Event()

    def run() -> None:
        try:
            watcher.run(stop)
        finally:
            watcher.close()
            store.close()

    threading.Thread(target=run, name="dugout-watch", daemon=True).start()
    err.print(f"dugout: watching {len(Ledger(store.engine).feeds())} feeds every {seconds:g}s", markup=False)
    return stop
