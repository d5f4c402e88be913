"""Fetch a URL a user asked for, without letting it reach inside the network or eat the machine.

`dugout` fetches only what the user names (a page or a feed), but that URL, or
any page it redirects to, may point at 127.0.0.1, the cloud metadata address or
a printer on the LAN, may never end, or may be a few kilobytes of gzip that
inflate to gigabytes. So:

- only http and https;
- the host is resolved here and refused if *any* of its addresses is not a
  public unicast address (loopback, private, link-local, multicast, reserved,
  unspecified, shared/CGNAT, IPv4-mapped forms of those...), unless
  `allow_private`;
- redirects are followed by hand, each hop checked the same way, at most
  `max_redirects`;
- the connection goes to the address that was checked, not to the name again:
  the request URL carries the IP, the Host header and TLS SNI carry the name
  (so virtual hosting and certificate checks still work). That closes the
  DNS-rebinding gap where a name resolves to a public address for the check and
  to 127.0.0.1 for the connect. Environment proxies are ignored for the same
  reason (a proxy would resolve the name itself);
- the body is streamed and cut off once more than `max_bytes` have been read
  *after* decompression (Content-Length is checked first as well); httpx
  inflates one network chunk at a time, so a gzip bomb costs at most one
  chunk's expansion before it is stopped;
- `timeout` is per network operation (connect, each read) and also a deadline
  for the whole fetch, so a server that drips one byte a second still ends.

A poller (`dugout watch`) sends conditional headers (If-None-Match,
If-Modified-Since) through `headers` and gets a 304 back as a `Fetched` with an
empty body; a failed fetch's `FetchError` carries the HTTP status and
Retry-After, so the caller can back off as the server asks. A webhook POSTs
through the same checks (`method`, `content`); a redirect is not followed for a
POST, since re-sending a signed body to another address is not what was asked.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import httpx

__all__ = ["USER_AGENT", "FetchError", "Fetched", "address_problem", "check_host", "fetch"]

USER_AGENT = "dugout/0.1 (+football news reader)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str, int], Sequence[str]]
"""host, port -> the IP addresses (as strings) the host resolves to."""


class FetchError(Exception):
    """A fetch that did not give a usable page; str() is one line a user can read.

    `status` is the HTTP status when the server answered (None for a refused address, a
    timeout, a connection error) and `retry_after` its Retry-After header, if any.
    """

    def __init__(self, message: str, *, status: int | None = None, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    """What a successful fetch gives back: the bytes, and enough of the response to read them."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """The certificate checks httpx makes by default (certifi's roots), built once: loading the
    roots costs ~15 ms, which a watcher polling fifty feeds would otherwise pay on every request."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6), in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: could not resolve host ({exc})") from exc
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]).split("%", 1)[0], None)
    return list(seen)


def address_problem(address: str) -> str | None:
    """Why an address must not be fetched from, or None when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"not an IP address: {address!r}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d on the wire, judged as such
            inner = address_problem(str(ip.ipv4_mapped))
            return f"{address} maps to {inner}" if inner else None
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            inner = address_problem(str(embedded))
            if inner:
                return f"{address} embeds {inner}"
    for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return f"{address} is a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


def check_host(
    host: str, port: int, *, allow_private: bool = False, resolve: Resolver | None = None
) -> list[str]:
    """The addresses to connect to for host, or FetchError if any of them is off limits.

    All addresses are checked, not just the first: a name with one public and one
    private address would otherwise be a coin toss away from the private one.
    """
    addresses = list((resolve or system_resolve)(host, port))
    if not addresses:
        raise FetchError(f"{host}: could not resolve host (no addresses)")
    if not allow_private:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise FetchError(f"{host}: refused, {problem} (pass allow_private to fetch it)")
    return addresses


def _target(url: str) -> tuple[httpx.URL, str, int]:
    """The URL as httpx sees it, its host and its port; FetchError for anything not http(s)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: no host in URL")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"{url}: invalid URL ({exc})") from exc
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed, parsed.host, port


def _host_header(parsed: httpx.URL) -> str:
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{host}:{parsed.port}" if parsed.port else host


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = 15.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    resolve: Resolver | None = None,
    transport: httpx.BaseTransport | None = None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    content: bytes | None = None,
) -> Fetched:
    """GET (or `method`) url under the rules in this module's docstring; FetchError says what went wrong.

    `headers` are added to (or replace) the defaults; with a conditional header a 304 comes
    back as a Fetched whose body is empty. `resolve` replaces the system resolver and
    `transport` the network (tests use them to play a public host that redirects inward);
    leave both None otherwise.
    """
    deadline = time.monotonic() + timeout
    current = url
    sent = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/xml,*/*"}
    sent.update(headers or {})
    request = _Request(method.upper(), content, deadline, max_bytes)
    with httpx.Client(
        follow_redirects=False,
        timeout=httpx.Timeout(timeout),
        headers=sent,
        transport=transport,
        trust_env=False,
        verify=_tls(),
    ) as client:
        for _hop in range(max_redirects + 1):
            parsed, host, port = _target(current)
            addresses = check_host(host, port, allow_private=allow_private, resolve=resolve)
            response = _get_pinned(client, parsed, addresses, request, current)
            if isinstance(response, str) and request.method != "GET":
                raise FetchError(f"{url}: {request.method} redirected to {response}; not followed")
            if isinstance(response, Fetched):
                return Fetched(
                    url=url,
                    final_url=current,
                    status=response.status,
                    content_type=response.content_type,
                    headers=response.headers,
                    body=response.body,
                )
            current = urljoin(current, response)
        raise FetchError(f"{url}: too many redirects (more than {max_redirects})")


@dataclass(frozen=True)
class _Request:
    """What one fetch sends and how long and how much it may read, the same on every hop."""

    method: str
    content: bytes | None
    deadline: float
    max_bytes: int


def _get_pinned(
    client: httpx.Client, parsed: httpx.URL, addresses: list[str], request: _Request, shown: str
) -> Fetched | str:
    """One request to the checked addresses (first that connects): the page, or the redirect target."""
    last: Exception | None = None
    for address in addresses:
        pinned = parsed.copy_with(host=address)
        extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
        headers = {"Host": _host_header(parsed)}
        try:
            with client.stream(
                request.method, pinned, headers=headers, extensions=extensions, content=request.content
            ) as response:
                return _read(response, request.deadline, request.max_bytes, shown)
        except httpx.ConnectError as exc:
            last = exc  # try the host's next address
        except httpx.TimeoutException as exc:
            raise FetchError(f"{shown}: timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{shown}: could not connect or read ({type(exc).__name__}: {exc})") from exc
    raise FetchError(f"{shown}: could not connect ({last})")


def _read(response: httpx.Response, deadline: float, max_bytes: int, shown: str) -> Fetched | str:
    status = response.status_code
    if status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        if not location:
            raise FetchError(f"{shown}: HTTP {status} redirect without a Location")
        return location
    if status == 304:  # only a conditional request gets one: "what you have is current"
        return Fetched(
            shown, shown, status, response.headers.get("content-type"), dict(response.headers), b""
        )
    if not 200 <= status < 300:
        raise FetchError(
            f"{shown}: HTTP {status} {response.reason_phrase}".rstrip(),
            status=status,
            retry_after=response.headers.get("retry-after"),
        )
    declared = response.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{shown}: too large ({int(declared)} bytes declared, limit {max_bytes})")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"{shown}: too large (more than {max_bytes} bytes)")
        if time.monotonic() > deadline:
            raise FetchError(f"{shown}: timed out (whole fetch took longer than the limit)")
    return Fetched(
        url=shown,
        final_url=shown,
        status=status,
        content_type=response.headers.get("content-type"),
        headers=dict(response.headers),
        body=bytes(body),
    )
