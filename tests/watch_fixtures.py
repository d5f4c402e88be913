"""Fixtures for the watch tests: one loaded extractor per module, a local news site, a watcher.

The watcher is the library's own (`dugout.watch.watcher.Watcher`) with the real extractor,
the real store and real HTTP to the site on 127.0.0.1; `allow_private` is on because the site
is on loopback (the tests of the refusal turn it off), and the per-host spacing is 0 so tests
do not wait on politeness meant for real outlets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from dugout.store import Store
from dugout.watch.watcher import Settings, Watcher, extract_with

try:
    from tests.feed_site import FeedSite
    from tests.store_fixtures import db_url, pg_database, pg_url  # noqa: F401
except ImportError:  # tests/ is not a package
    from feed_site import FeedSite
    from store_fixtures import db_url, pg_database, pg_url  # noqa: F401


@pytest.fixture(scope="module")
def extract() -> Any:
    """The claims of one report, through one Extractor loaded for the whole module."""
    from dugout.extract.pipeline import Extractor
    from dugout.nlp.pipeline import load_nlp

    load_nlp()
    return extract_with(Extractor())


@pytest.fixture(scope="module")
def annotated_extract(shared_dir: Any) -> Any:
    """The gold claims of a report of ../shared/eval (train, seeds) in place of the model's: the
    alert logic is tested on what the reports say, not on how much of it the model reads today."""
    from dugout.extract.annotated import AnnotatedClaims

    gold = [shared_dir / "eval" / name / "gold.jsonl" for name in ("train", "seeds")]
    return extract_with(AnnotatedClaims.from_files(gold))


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with FeedSite() as s:
        yield s


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A fresh store on each backend in turn (SQLite file, PostgreSQL schema)."""
    with Store.open(db_url) as s:
        yield s


def watcher(store: Store, extract: Any, webhook: Any = None, **options: Any) -> Watcher:
    """A watcher for tests: loopback allowed, no spacing between requests, short timeouts."""
    settings = Settings(
        **{"every": 1.0, "allow_private": True, "timeout": 3.0, "host_interval": 0.0, **options}
    )
    return Watcher(store, extract, settings, webhook=webhook)


def log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The watcher's log lines, as `dugout watch` prints them."""
    return [r.getMessage() for r in caplog.records if r.name == "dugout.watch"]


@pytest.fixture(autouse=True)
def _watch_logs(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("dugout.watch").propagate = True  # `dugout watch` turns it off for its own lines
    caplog.set_level(logging.INFO, logger="dugout.watch")
