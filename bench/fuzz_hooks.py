"""Schemathesis hooks for bench/fuzz_api.py (loaded through $SCHEMATHESIS_HOOKS): keep it on loopback.

A JSON body `{"url": ...}` makes the server fetch that URL. Generated URLs name
any host, so before each call every string `url` of a JSON body is pointed at
127.0.0.1 (port 9, discard): the server's fetch guard refuses a loopback address
before it connects, and no host name is ever looked up. The server's process
also refuses to resolve names (see fuzz_api.py); this is the first wall.
"""

from __future__ import annotations

from typing import Any

import schemathesis

LOOPBACK_URL = "http://127.0.0.1:9/fuzz"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("url"), str):
        body["url"] = LOOPBACK_URL
