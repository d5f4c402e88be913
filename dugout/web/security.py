"""What keeps the server safe to leave open: headers, body limits, tokens.

- Every response carries a strict Content-Security-Policy (`default-src 'self'`,
  no script at all, no inline style), `X-Content-Type-Options: nosniff`,
  `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`. Reports are
  untrusted input; templates escape them, and the policy is the second wall.
- Request bodies are capped (2 MB by default): a larger body gets 413 with a
  JSON error before the application reads it, whether or not it says its length.
- Writes need `Authorization: Bearer <DUGOUT_TOKEN>`, compared in constant time.
  Browsers never attach a bearer token by themselves, so a page on another site
  cannot make a visitor's browser write (the pages hold no writing forms: no
  CSRF token is needed). A server started without a token refuses every write
  and says how to set one.
- With `--private`, reads need the token too: as a bearer token (tools) or as
  the password of HTTP Basic authentication (people: the browser asks once).
  Basic credentials are sent by browsers automatically, so they open reads only.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 2 * 1024 * 1024

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]

TOKEN_HELP = (
    "writes are disabled: this server was started without DUGOUT_TOKEN. Set one and restart, e.g. "
    "`export DUGOUT_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')` then "
    "`dugout serve`, and send it as `Authorization: Bearer $DUGOUT_TOKEN`"
)


class SecurityHeaders:
    """ASGI middleware: add the security headers to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp, private: bool = False) -> None:
        self.app = app
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if self.private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _json_error(status: int, message: str) -> tuple[Message, Message]:
    body = json.dumps({"error": message, "status": status}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


class BodyLimit:
    """ASGI middleware: refuse request bodies over `limit` bytes with 413 and a JSON error.

    A declared Content-Length over the limit is refused at once; a body without
    one (chunked) is read up to the limit, then refused, else replayed to the app.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        message = f"request body too large: the limit is {self.limit} bytes"
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                for m in _json_error(413, message):
                    await send(m)
                return
        buffered: list[Message] = []
        size = 0
        while True:
            m = await receive()
            if m["type"] != "http.request":
                buffered.append(m)
                break
            size += len(m.get("body", b""))
            if size > self.limit:
                for out in _json_error(413, message):
                    await send(out)
                return
            buffered.append(m)
            if not m.get("more_body", False):
                break

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _credentials(request: Request) -> tuple[str, str] | None:
    """(scheme, secret) of the Authorization header: bearer token, or Basic password."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "bearer" and value:
        return "bearer", value
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return "basic", decoded.partition(":")[2]
    return None


def check_write(request: Request) -> None:
    """Dependency of every write: a bearer token equal to the server's token."""
    token: str | None = request.app.state.settings.token
    if not token:
        raise HTTPException(403, TOKEN_HELP)
    creds = _credentials(request)
    if creds is None or creds[0] != "bearer":
        raise HTTPException(
            401,
            "this write needs `Authorization: Bearer <DUGOUT_TOKEN>`",
            headers={"WWW-Authenticate": 'Bearer realm="dugout"'},
        )
    if not _same(creds[1], token):
        raise HTTPException(
            401,
            "wrong token",
            headers={"WWW-Authenticate": 'Bearer realm="dugout", error="invalid_token"'},
        )


def check_read(request: Request) -> None:
    """Dependency of every read: open, unless the server is private (then the token, bearer or Basic)."""
    settings = request.app.state.settings
    if not settings.private:
        return
    creds = _credentials(request)
    if creds is not None and settings.token and _same(creds[1], settings.token):
        return
    raise HTTPException(
        401,
        "this server is private: send `Authorization: Bearer <DUGOUT_TOKEN>` "
        "(in a browser, give the token as the password)",
        headers={"WWW-Authenticate": 'Basic realm="dugout", charset="UTF-8"'},
    )
