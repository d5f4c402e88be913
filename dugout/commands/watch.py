"""Watch verbs: `watch`, `feeds add|list|remove`, `follow`, `unfollow`, `alerts`.

Thin: parse arguments, call `dugout.watch`, print. Alerts print live as Rich
panels (the change, the evidence sentence, the source); the log lines (a feed
polled, an entry stored, a feed that failed and when it is tried again) go to
standard error, one line each.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from dugout.commands.options import ClaimsOpt, annotated_claims
from dugout.output import Format, fail, output_options, print_rows

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)  # panels wrap their text to the terminal

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database: a SQLite file path or postgresql://... [default: $DUGOUT_DB or ./dugout.db]"
    ),
]
EveryOpt = Annotated[
    str, typer.Option("--every", help="How often each feed is polled: 15m, 90s, 1h (at least a second).")
]
FollowOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--follow", help="Also follow this person or club (repeat for more names).", show_default=False
    ),
]
WebhookOpt = Annotated[
    str | None,
    typer.Option(
        "--webhook",
        help="POST each alert here as signed JSON (HMAC-SHA256 with $DUGOUT_WEBHOOK_SECRET; see README).",
    ),
]
AllowPrivateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private", help="Allow feeds, pages and webhooks on loopback and private addresses."
    ),
]


class _LineHandler(logging.Handler):
    """The watcher's log records as one plain line each on standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"dugout watch: {record.getMessage()}", markup=False, highlight=False)


def setup_logging(quiet: bool = False) -> None:
    """Send `dugout.watch` log lines to standard error (warnings only with `quiet`)."""
    logger = logging.getLogger("dugout.watch")
    logger.handlers = [_LineHandler()]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def alert_panel(alert: Any) -> Panel:
    """An alert for the terminal: what changed, the evidence quoted, the source. No markup is read
    from report text (it is untrusted): everything goes in as plain Text."""
    body = Text()
    body.append(alert.summary + "\n", style="bold")
    for also in alert.also:
        body.append(f"also: {also}\n")
    body.append(f"“{alert.evidence}”\n", style="italic")
    source = f"{alert.outlet or 'unknown outlet'}, {alert.published or 'undated'}"
    claim = alert.claim
    said = " · ".join(str(claim.get(k)) for k in ("type", "value", "modality", "attribution") if claim.get(k))
    body.append(f"{source} · {said}")
    if alert.url:
        body.append(f"\n{alert.url}", style="dim")
    title = Text(f"{alert.created_at[:19].replace('T', ' ')} · {alert.story or alert.name} · {alert.kind}")
    return Panel(body, title=title, title_align="left", border_style="yellow", expand=False)


def print_alert(alert: Any) -> None:
    out.print(alert_panel(alert))


def _open(db: str | None):
    from dugout.store import Store, StoreError

    try:
        return Store.open(db)
    except StoreError as e:
        fail(str(e), 2)


def _interval(every: str) -> float:
    from dugout.watch.timing import parse_interval

    try:
        seconds = parse_interval(every)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--every") from None
    if seconds < 1:
        raise typer.BadParameter(f"{every!r} is under a second", param_hint="--every")
    return seconds


def _check_feed(url: str) -> None:
    """A feed must be an http(s) URL or a readable file: one clear line otherwise."""
    if url.startswith(("http://", "https://")):
        return
    if "://" in url:
        fail(f"{url}: only http and https feeds can be watched (or a feed file)", 2)
    if not Path(url).expanduser().is_file():
        fail(f"{url}: no such feed file (give an http(s) URL or a path)", 2)


def add_feeds(store: Any, urls: list[str]) -> None:
    from dugout.watch.ledger import Ledger

    ledger = Ledger(store.engine)
    for url in urls:
        _check_feed(url)
        if ledger.add_feed(url):
            err.print(f"dugout: watching {url}", markup=False)


def add_follows(store: Any, names: list[str]) -> None:
    from dugout.watch.alerts import follow

    for name in names:
        if follow(store, name):
            err.print(f"dugout: following {name}", markup=False)


def make_webhook(url: str | None, fetcher: Any) -> Any:
    """The webhook for `--webhook`, or None; fails in one line without a signing secret."""
    if url is None:
        return None
    from dugout.watch.webhook import SECRET_ENV, Webhook

    if not url.startswith(("http://", "https://")):
        fail(f"--webhook {url}: only an http or https URL can receive alerts", 2)
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        fail(
            f"--webhook needs a signing secret: set {SECRET_ENV} (the receiver checks the signature with it)",
            2,
        )
    return Webhook(url, secret, fetcher)


def make_watcher(store: Any, extract: Any, settings: Any, webhook_url: str | None, on_alert: Any) -> Any:
    from dugout.watch.polite import Fetcher
    from dugout.watch.watcher import Watcher

    fetcher = Fetcher(
        allow_private=settings.allow_private, timeout=settings.timeout, host_interval=settings.host_interval
    )
    webhook = make_webhook(webhook_url, fetcher)
    return Watcher(store, extract, settings, webhook=webhook, on_alert=on_alert, fetcher=fetcher)


def _since(value: str | None) -> str | None:
    """--since: a date, an ISO time, or a span back from now ("2h", "3d")."""
    if not value:
        return None
    from dugout.watch.timing import iso, parse_interval

    try:
        return iso(datetime.now(UTC) - timedelta(seconds=parse_interval(value)))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (2024-11-06), a time or a span (2h, 3d)") from None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _run_once(watcher: Any) -> None:
    done = watcher.cycle(once=True)
    err.print(
        f"dugout watch: {done.polled} feeds polled ({done.failed_feeds} failed), {done.new} new entries: "
        f"{done.stored} stored, {done.skipped} skipped as duplicates, {done.failed_items} failed; "
        f"{len(done.alerts)} alerts",
        markup=False,
    )
    if done.failed_feeds or done.failed_items:
        raise typer.Exit(1)


def _run_forever(watcher: Any, every: float) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    err.print(f"dugout watch: polling every {every:g}s; Ctrl-C stops", markup=False)
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        stop.set()
    err.print("dugout watch: stopped", markup=False)


def watch(
    feeds: Annotated[
        list[str] | None,
        typer.Argument(
            help="RSS/Atom feed URLs (or pages, or feed files) to watch; added to the stored list."
        ),
    ] = None,
    every: EveryOpt = "15m",
    follow_: FollowOpt = None,
    db: DbOpt = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, then exit (for cron).")] = False,
    webhook: WebhookOpt = None,
    allow_private: AllowPrivateOpt = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds a request may take.")] = 20.0,
    host_interval: Annotated[
        float, typer.Option("--host-interval", min=0.0, help="Seconds between two requests to one host.")
    ] = 1.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log only problems, not each poll.")] = False,
    claims: ClaimsOpt = None,
) -> None:
    """Follow feeds all day: ingest each new report once, and alert when a followed story moves.

    Polls the feeds given here and every feed stored before (`dugout feeds list`), politely:
    conditional GET, one request at a time per host, backoff honouring Retry-After, a
    User-Agent naming dugout, no private addresses unless --allow-private.
    New entries' pages are fetched and their text extracted; the same URL, the same text or
    a near-copy is skipped. Feeds, entries and followed names live in the database, so a
    watcher stopped or killed at any moment resumes without losing or repeating an entry.
    Alerts print here, and go to `dugout alerts`, /alerts.atom and the web pages of
    `dugout serve`, and to --webhook.

    Example:

        dugout watch https://www.theguardian.com/football/rss --follow "Thomas Frank" --follow Tottenham

        dugout watch --once --db newsroom.db        # from cron, every 15 minutes

        DUGOUT_WEBHOOK_SECRET=s3cret dugout watch FEED --every 5m --webhook https://hooks.example/dugout
    """
    from dugout.watch.watcher import Settings

    seconds = _interval(every)
    setup_logging(quiet)
    store = _open(db)
    with store:
        add_feeds(store, feeds or [])
        add_follows(store, follow_ or [])
        from dugout.watch.ledger import Ledger

        if not Ledger(store.engine).feeds():
            fail("nothing to watch: give feed URLs, or add them with `dugout feeds add URL`", 2)
        settings = Settings(
            every=seconds, allow_private=allow_private, timeout=timeout, host_interval=host_interval
        )
        watcher = make_watcher(store, _extract(claims), settings, webhook, print_alert)
        try:
            _run_once(watcher) if once else _run_forever(watcher, seconds)
        finally:
            watcher.close()


def _extract(claims: list[Path] | None = None) -> Any:
    """The model's claims of a report, or with `claims` files the hand-checked ones."""
    from dugout.cli import _extractor
    from dugout.watch.watcher import extract_with

    return extract_with(annotated_claims(claims) or _extractor())


feeds_app = typer.Typer(help="The feeds `dugout watch` polls.", no_args_is_help=True, rich_markup_mode=None)


@feeds_app.command("add")
def feeds_add(
    urls: Annotated[
        list[str], typer.Argument(help="Feed URLs (or pages, or feed files).", show_default=False)
    ],
    db: DbOpt = None,
) -> None:
    """Add feeds for `dugout watch` to poll (a feed already there is left as it is).

    Example:

        dugout feeds add https://www.theguardian.com/football/rss https://www.bbc.co.uk/sport/football/rss.xml
    """
    with _open(db) as store:
        add_feeds(store, urls)


@feeds_app.command("remove")
def feeds_remove(
    urls: Annotated[list[str], typer.Argument(help="Feeds to stop polling.", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Stop polling feeds (their stored reports stay).

    Example:

        dugout feeds remove https://www.theguardian.com/football/rss
    """
    from dugout.watch.ledger import Ledger

    with _open(db) as store:
        ledger = Ledger(store.engine)
        missing = [u for u in urls if not ledger.remove_feed(u)]
    for url in missing:
        err.print(f"dugout: {url}: not a watched feed", markup=False)
    if missing:
        raise typer.Exit(1)


@feeds_app.command("list")
@output_options
def feeds_list(db: DbOpt = None, fmt: Format = Format.table) -> None:
    """The watched feeds: last poll and its result, errors, and their entries by state.

    Example:

        dugout feeds list --json
    """
    from dugout.watch.ledger import Ledger

    with _open(db) as store:
        ledger = Ledger(store.engine)
        counts = ledger.item_counts()
        rows = [
            {
                "url": f.url,
                "title": f.title,
                "last_poll": f.last_poll,
                "last_status": f.last_status,
                "errors": f.errors,
                "last_error": f.last_error,
                "retry_at": f.retry_at,
                **{
                    k: counts.get(f.id, {}).get(k, 0)
                    for k in ("stored", "pending", "duplicate", "near_copy", "failed")
                },
            }
            for f in ledger.feeds()
        ]
    columns = [
        "url",
        "title",
        "last_poll",
        "last_status",
        "errors",
        "stored",
        "pending",
        "failed",
        "last_error",
    ]
    print_rows(rows, columns, fmt, title=f"{len(rows)} feeds")


def follow(
    names: Annotated[
        list[str] | None, typer.Argument(help='People or clubs: "Thomas Frank", "Tottenham Hotspur".')
    ] = None,
    db: DbOpt = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the followed names (also without NAME).")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="With --list: print JSON lines.")] = False,
) -> None:
    """Follow people or clubs: from now on, a report that moves their story raises an alert.

    What their stories say today is the baseline; only changes after it are announced: a new
    job status or role, a new or advanced candidate, a transfer moving stage, a new
    contradiction, a fact going stale. Without a name, lists the followed names.

    Example:

        dugout follow "Thomas Frank" "Tottenham Hotspur" "Russell Martin"

        dugout follow --list
    """
    from dugout.watch.alerts import follows

    with _open(db) as store:
        add_follows(store, names or [])
        if names and not list_:
            return
        rows = [
            {
                "name": f.name,
                "story": f.story,
                "since": f.added_at,
                "facts": len(f.state),
                "related": ", ".join(f.related),
            }
            for f in follows(store)
        ]
    print_rows(rows, ["name", "story", "since", "facts", "related"], Format.json if json_ else Format.table)


def unfollow(
    names: Annotated[list[str], typer.Argument(help="Names to stop following.", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Stop following people or clubs (their past alerts stay).

    Example:

        dugout unfollow "Thomas Frank"
    """
    from dugout.watch.alerts import unfollow as drop

    with _open(db) as store:
        missing = [n for n in names if not drop(store, n)]
    for name in missing:
        err.print(f"dugout: {name}: not followed", markup=False)
    if missing:
        raise typer.Exit(1)


def alerts(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only alerts from this date (2024-11-06) or span back (2h, 3d)."),
    ] = None,
    about: Annotated[str | None, typer.Option("--about", help="Only alerts about this name.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 50,
    db: DbOpt = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print JSON lines (the webhook's alert objects).")
    ] = False,
) -> None:
    """Alerts raised for followed names, newest first: what changed, the claim, its evidence and source.

    Example:

        dugout alerts --since 2h

        dugout alerts --about "Thomas Frank" --json
    """
    from dugout.watch.alerts import recent_alerts

    with _open(db) as store:
        found = recent_alerts(store, since=_since(since), about=about, limit=limit)
    if json_:
        import json

        for alert in found:
            sys.stdout.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
        return
    if not found:
        err.print("dugout: no alerts" + (f" since {since}" if since else ""), markup=False)
    for alert in reversed(found):  # oldest first on a terminal: the newest ends up nearest the prompt
        print_alert(alert)


def register(app: typer.Typer) -> None:
    """Add the watch verbs to the CLI."""
    app.command("watch")(watch)
    app.add_typer(feeds_app, name="feeds")
    app.command("follow")(follow)
    app.command("unfollow")(unfollow)
    app.command("alerts")(alerts)
