"""Alerts POSTed to a URL the user names, signed, retried with backoff until the receiver takes them.

Each alert is sent as JSON (`{"type": "alert", "alert": {...}}`, the alert as
`dugout alerts --json` prints it) with these headers:

- `X-Dugout-Event: alert`
- `X-Dugout-Delivery`: the alert's uuid (the same on every retry: a receiver that
  sees it twice has it already);
- `X-Dugout-Timestamp`: when this attempt was signed, Unix seconds;
- `X-Dugout-Signature: sha256=<hex>`: HMAC-SHA256, keyed with the secret the user
  sets (`$DUGOUT_WEBHOOK_SECRET`), of the timestamp, a dot, and the raw body. A
  receiver recomputes it, compares in constant time, and refuses old timestamps,
  so neither a forged nor a replayed alert gets through.

A 2xx answer delivers it. A timeout, a refused connection, 408, 429 or any 5xx is
tried again later (doubling the wait, honouring Retry-After) up to
`MAX_ATTEMPTS`; another 4xx means the receiver refuses it, and retrying will not
help. What is owed is in the `deliveries` table, written with the alert, so a
restarted watcher sends what a killed one had not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

from sqlalchemy import select, update

from dugout.ingest.fetch import FetchError
from dugout.store import Store
from dugout.store.schema import alerts as alerts_t
from dugout.store.schema import deliveries as deliveries_t

from .alerts import _alert
from .polite import Fetcher
from .timing import backoff, iso_in, now_iso, retry_after

log = logging.getLogger("dugout.watch")

SECRET_ENV = "DUGOUT_WEBHOOK_SECRET"
MAX_ATTEMPTS = 8
RETRYABLE = {408, 425, 429}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Dugout-Signature value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, max_age: float = 300.0) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= max_age
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


@dataclass
class Webhook:
    """A receiver of alerts: where, the signing secret, and how long to wait between attempts."""

    url: str
    secret: str
    fetcher: Fetcher
    base_delay: float = 30.0

    def deliver(self, store: Store) -> int:
        """Send every delivery to this URL that is due; returns how many were delivered."""
        now = now_iso()
        query = (
            select(deliveries_t, alerts_t)
            .join(alerts_t, alerts_t.c.id == deliveries_t.c.alert_id)
            .where(deliveries_t.c.target == self.url, deliveries_t.c.status == "pending")
            .where(deliveries_t.c.next_try.is_(None) | (deliveries_t.c.next_try <= now))
            .order_by(deliveries_t.c.alert_id)
        )
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
        sent = 0
        for row in rows:
            sent += self._attempt(store, row)
        return sent

    def next_due(self, store: Store) -> str | None:
        """When the next retry is due (None when nothing waits)."""
        from sqlalchemy import func

        query = select(func.min(deliveries_t.c.next_try)).where(
            deliveries_t.c.target == self.url, deliveries_t.c.status == "pending"
        )
        with store.engine.connect() as conn:
            return conn.execute(query).scalar()

    def _attempt(self, store: Store, row) -> int:
        alert = _alert(row)
        body = json.dumps({"type": "alert", "alert": alert.to_dict()}, ensure_ascii=False).encode("utf-8")
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Dugout-Event": "alert",
            "X-Dugout-Delivery": alert.uuid,
            "X-Dugout-Timestamp": stamp,
            "X-Dugout-Signature": sign(self.secret, stamp, body),
        }
        attempts = int(row.attempts or 0) + 1
        try:
            self.fetcher.request(self.url, method="POST", content=body, headers=headers)
        except FetchError as e:
            self._failed(store, alert.id, attempts, e)
            return 0
        self._set(store, alert.id, status="sent", attempts=attempts, sent_at=now_iso(), last_error=None)
        return 1

    def _failed(self, store: Store, alert_id: int, attempts: int, e: FetchError) -> None:
        final = e.status is not None and 400 <= e.status < 500 and e.status not in RETRYABLE
        if final or attempts >= MAX_ATTEMPTS:
            log.warning(
                "webhook %s: alert %s not delivered, giving up after %d attempts: %s",
                self.url,
                alert_id,
                attempts,
                e,
            )
            self._set(store, alert_id, status="failed", attempts=attempts, last_error=str(e))
            return
        wait = backoff(attempts, self.base_delay, retry_after(e.retry_after))
        log.warning(
            "webhook %s: alert %s not delivered (%s); retrying in %.0fs (attempt %d of %d)",
            self.url,
            alert_id,
            e,
            wait,
            attempts,
            MAX_ATTEMPTS,
        )
        self._set(store, alert_id, attempts=attempts, last_error=str(e), next_try=iso_in(wait))

    def _set(self, store: Store, alert_id: int, **values: object) -> None:
        with store.engine.begin() as conn:
            conn.execute(
                update(deliveries_t)
                .where(deliveries_t.c.alert_id == alert_id, deliveries_t.c.target == self.url)
                .values(**values)
            )
