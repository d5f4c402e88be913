"""fetch(): limits and address checks, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from dugout.ingest.fetch import USER_AGENT, FetchError, address_problem, check_host, fetch

PAGE = b"<html><head><title>Match report</title></head><body><p>Arsenal 1-3 Aston Villa.</p></body></html>"
BOMB = gzip.compress(b"\0" * 2_000_000)  # ~2 KB on the wire, 2 MB inflated


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def send(
        self, status: int, body: bytes, headers: dict[str, str] | None = None, length: bool = True
    ) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path
        if path == "/page":
            self.send(
                200, PAGE, {"Content-Type": "text/html; charset=utf-8", "X-UA": self.headers["User-Agent"]}
            )
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self.send(302, b"", {"Location": f"/hop/{n - 1}" if n > 1 else "/page"})
        elif path == "/big-declared":
            self.send(200, b"x" * 5000, {"Content-Type": "text/plain"})
        elif path == "/big-undeclared":
            self.send(200, b"x" * 5000, {"Content-Type": "text/plain"}, length=False)
        elif path == "/bomb":
            self.send(200, BOMB, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif path == "/small-gzip":
            self.send(200, gzip.compress(PAGE), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif path == "/slow":
            time.sleep(2)
            self.send(200, PAGE)
        elif path == "/to-private":
            self.send(302, b"", {"Location": "http://10.20.30.40/admin"})
        else:
            self.send(404, b"not here", {"Content-Type": "text/plain"})


class QuietServer(http.server.ThreadingHTTPServer):
    """The test server; a client hanging up early (size cap, timeout) is expected, not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_loopback_is_refused_by_default(server: str) -> None:
    with pytest.raises(FetchError, match="refused.*loopback"):
        fetch(f"{server}/page")


def test_loopback_allowed_when_asked(server: str) -> None:
    got = fetch(f"{server}/page", allow_private=True)
    assert got.status == 200
    assert got.body == PAGE
    assert got.content_type == "text/html; charset=utf-8"
    assert got.headers["x-ua"] == USER_AGENT
    assert got.final_url == got.url == f"{server}/page"


def test_localhost_name_is_refused(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match="refused"):
        fetch(f"http://localhost:{port}/page")


def test_redirects_followed_up_to_the_limit(server: str) -> None:
    got = fetch(f"{server}/hop/3", allow_private=True, max_redirects=3)
    assert got.body == PAGE
    assert got.final_url == f"{server}/page"
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(f"{server}/hop/4", allow_private=True, max_redirects=3)


def test_size_cap_with_content_length(server: str) -> None:
    with pytest.raises(FetchError, match="too large.*declared"):
        fetch(f"{server}/big-declared", allow_private=True, max_bytes=1000)
    assert len(fetch(f"{server}/big-declared", allow_private=True, max_bytes=5000).body) == 5000


def test_size_cap_without_content_length(server: str) -> None:
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/big-undeclared", allow_private=True, max_bytes=1000)


def test_gzip_bomb_is_stopped_after_decompression(server: str) -> None:
    assert len(BOMB) < 10_000
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/bomb", allow_private=True, max_bytes=100_000)


def test_gzip_body_is_decoded(server: str) -> None:
    assert fetch(f"{server}/small-gzip", allow_private=True).body == PAGE


def test_timeout(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{server}/slow", allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 1.8


def test_404(server: str) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{server}/missing", allow_private=True)


def test_connection_refused_is_a_fetch_error() -> None:
    with socket_port() as port:
        pass  # the port is closed again: nothing listens there
    with pytest.raises(FetchError, match="could not connect"):
        fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=2)


def test_only_http_and_https() -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/"):
        with pytest.raises(FetchError, match="only http and https"):
            fetch(url)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",  # shared address space (CGNAT)
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
    ],
)
def test_address_problem_refuses_non_public(address: str) -> None:
    assert address_problem(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_address_problem_allows_public(address: str) -> None:
    assert address_problem(address) is None


def test_any_private_address_of_a_host_refuses_it() -> None:
    def resolve(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.7"]

    with pytest.raises(FetchError, match="10.0.0.7 is a private address"):
        check_host("news.example", 80, resolve=resolve)
    assert check_host("news.example", 80, resolve=resolve, allow_private=True) == [
        "93.184.215.14",
        "10.0.0.7",
    ]


FAKE_DNS = {"news.example": ["93.184.215.14"], "intranet.example": ["10.20.30.40"]}


def fake_resolve(host: str, port: int) -> list[str]:
    return FAKE_DNS.get(host, [host])


def test_redirect_from_public_host_to_private_address_is_refused() -> None:
    seen: list[httpx.Request] = []

    def public_site(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})

    with pytest.raises(FetchError, match="intranet.example: refused.*private"):
        fetch("http://news.example/story", resolve=fake_resolve, transport=httpx.MockTransport(public_site))
    assert len(seen) == 1  # the private hop was never requested


def test_redirect_from_real_server_to_private_literal_is_refused(server: str) -> None:
    # allow_private lets us reach the test server but also the 10/8 target; with it off the
    # first hop is already refused, so check the second hop's address rule directly
    with pytest.raises(FetchError, match="refused"):
        check_host("10.20.30.40", 80)
    with pytest.raises(FetchError, match="refused"):
        fetch(f"{server}/to-private")


def test_connection_goes_to_the_checked_address() -> None:
    """DNS rebinding: the request is sent to the IP that passed the check, with Host/SNI = the name."""
    seen: list[httpx.Request] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PAGE, headers={"Content-Type": "text/html"})

    got = fetch("https://news.example/story?id=1", resolve=fake_resolve, transport=httpx.MockTransport(site))
    assert got.body == PAGE
    assert seen[0].url.host == "93.184.215.14"
    assert seen[0].url.path == "/story" and seen[0].url.query == b"id=1"
    assert seen[0].headers["host"] == "news.example"
    assert seen[0].extensions["sni_hostname"] == "news.example"


class socket_port:  # noqa: N801 (used as a tiny context manager)
    """A TCP port that was free a moment ago."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
