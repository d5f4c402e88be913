"""The story layer as the server calls it: one load gives the story and its timeline.

The outlets' track record is one aggregate over the outcomes the store keeps
at ingest; here it, and each story, are still remembered per state of the
store (its newest claim id and its number of reports) and date, so a page
reloaded all day costs two index look-ups. The story itself is built by the
same pure functions as the CLI's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from dugout.kb.names import fold
from dugout.store import Store
from dugout.store.schema import articles as articles_t
from dugout.store.schema import claims as claims_t
from dugout.story import Event, Story, StoryClaim, complete_story, story_input, timeline
from dugout.story.load import track_as_of
from dugout.story.track import Outcome, OutletRecord, stored_outcomes, stored_records

_lock = threading.Lock()
_CACHE_SIZE = 16


def fingerprint(store: Store) -> tuple[int, int]:
    """Changes whenever a report is stored: (newest claim id, number of reports). Two index look-ups."""
    with store.engine.connect() as conn:
        top = conn.execute(select(func.max(claims_t.c.id))).scalar() or 0
        n = conn.execute(select(func.count()).select_from(articles_t)).scalar_one()
    return int(top), int(n)


def memoized(
    cache: dict[str, Any], kind: str, key: Any, make: Callable[[], Any], size: int = _CACHE_SIZE
) -> Any:
    """`make()`, remembered under `key` in the app's cache (least recently used dropped first).

    Keys hold the store's fingerprint, so an ingest (from this server or any other
    process) makes the next request compute afresh.
    """
    with _lock:
        memo: OrderedDict = cache.setdefault(kind, OrderedDict())
        if key in memo:
            memo.move_to_end(key)
            return memo[key]
    value = make()
    with _lock:
        memo[key] = value
        while len(memo) > size:
            memo.popitem(last=False)
    return value


def track_record(
    store: Store, cache: dict[str, Any], as_of: str | None = None
) -> tuple[list[OutletRecord], list[Outcome]]:
    """Outlets ranked by their stored outcomes up to `as_of`, with those outcomes, per state of the store."""
    key = (fingerprint(store), as_of)
    return memoized(
        cache, "track", key, lambda: (stored_records(store, as_of), stored_outcomes(store, as_of))
    )


@dataclass
class StoryView:
    story: Story
    claims: list[StoryClaim]
    events: list[Event]


def story_view(store: Store, cache: dict[str, Any], name: str, as_of: str | None = None) -> StoryView | None:
    """The story of `name` as of a date with its timeline, or None when no stored claim names it.

    Remembered per state of the store: a story page reloaded all day costs two index look-ups.
    """
    state = fingerprint(store)
    key = (state, fold(name), as_of)
    return memoized(cache, "stories", key, lambda: _story_view(store, cache, name, as_of, state), size=128)


def _story_view(
    store: Store, cache: dict[str, Any], name: str, as_of: str | None, state: tuple[int, int]
) -> StoryView | None:
    """`dugout.story.story_of` with the cached track record, plus the timeline."""
    inp = story_input(store, name, as_of, track={})
    if inp is None:
        return None
    inp.track = track_as_of(store, inp.as_of, inp.claims)
    story = complete_story(store, inp)
    return StoryView(story, inp.claims, timeline(inp.claims))
