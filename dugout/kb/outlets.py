"""Which outlet published a report, from where it came from: its record, its page, its address.

A journalist's first question about a claim is "who says so?". Most reports in a
stream carry no outlet field (a crawl keeps the URL, not the masthead), so the
outlet is taken, in order, from:

1. the record's own `outlet` (or the one the user gave for plain files);
2. the page's site name (`og:site_name`, read by `ingest/html.py`);
3. the URL's domain mapped to the outlet's name: `domains.csv` (the most frequent
   sites of a real stream, "bbc.co.uk" -> "BBC Sport"), then the `domains` column
   of `outlets.csv`; a sub-site or path prefix is looked up before its parent
   ("news.sky.com" is Sky News, "nytimes.com/athletic" is The Athletic);
4. the bare domain ("example-fc-blog.com") for a site neither table knows.

The tables are read once per process, bundled files first, then the user's own
knowledge-base directory (`dugout kb import`), which may add or override rows.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from dugout.kb.loader import BUNDLED_DIR, KBError, read_rows, split_list, user_dir

_HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "amp.", "mobile.")


def site_of(url: str | None) -> str | None:
    """A URL's host without "www." and mobile prefixes: "https://www.espnfc.com/x" -> "espnfc.com"."""
    if not url or not isinstance(url, str):
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:  # a malformed address ("http://[::1") names no site
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    return host or None


def _table_rows(directory: Path) -> list[tuple[str, str]]:
    """(domain, outlet) pairs of one knowledge-base directory: outlets.csv first, domains.csv after."""
    pairs: list[tuple[str, str]] = []
    outlets = directory / "outlets.csv"
    if outlets.exists():
        for _line, row in read_rows(outlets):
            pairs += [(d, row["name"]) for d in split_list(row.get("domains")) if row.get("name")]
    domains = directory / "domains.csv"
    if domains.exists():
        for line, row in read_rows(domains):
            if not row.get("domain") or not row.get("outlet"):
                raise KBError(f"{domains}:{line}: a row needs a domain and an outlet")
            pairs.append((row["domain"], row["outlet"]))
    return pairs


@lru_cache(maxsize=1)
def domain_table() -> dict[str, str]:
    """Domain (or domain/path prefix) -> outlet name, later rows overriding earlier ones."""
    table: dict[str, str] = {}
    for directory in (BUNDLED_DIR, user_dir()):
        for domain, outlet in _table_rows(directory):
            key = domain.strip().lower().removeprefix("www.").rstrip("/")
            if key:
                table[key] = outlet
    return table


def _keys(url: str, host: str) -> list[str]:
    """What to look the URL up by, most specific first: host/first-path-segment, host, parent domains."""
    keys = []
    try:
        segment = urlsplit(url.strip()).path.strip("/").split("/", 1)[0].lower()
    except ValueError:
        segment = ""
    if segment:
        keys.append(f"{host}/{segment}")
    labels = host.split(".")
    keys += [".".join(labels[i:]) for i in range(len(labels) - 1)]
    return keys


def mapped_outlet(url: str | None) -> str | None:
    """The outlet the domain tables give for a URL, or None when they do not know its site."""
    host = site_of(url)
    if host is None or not isinstance(url, str):
        return None
    table = domain_table()
    return next((table[k] for k in _keys(url, host) if k in table), None)


def outlet_for_url(url: str | None) -> str | None:
    """The outlet of a report published at `url`: the tables' name for its site, else the bare domain."""
    return mapped_outlet(url) or site_of(url)


def report_outlet(outlet: str | None, url: str | None) -> str | None:
    """A report's outlet: the one it names (record, user, site name), else the one its URL gives."""
    named = outlet.strip() if isinstance(outlet, str) else None
    return named or outlet_for_url(url)
