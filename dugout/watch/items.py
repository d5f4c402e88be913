"""One feed entry into one stored report, once: page fetched, text extracted, duplicates skipped.

Split in two so the slow, network-bound half can run in threads while the
language model runs in one: `read_article` fetches the linked page (when the
entry is only a teaser) and extracts its text with trafilatura
(`dugout.ingest.html`); `store_article` skips what is stored already (the same
report id, the same URL, the same normalized text, or a near-copy by MinHash,
which costs no language processing), then extracts the claims and stores the
report. A report stored just before a kill is found by its id when the entry is
redone, so it is never stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dugout.ingest.feeds import article_of_entry
from dugout.records import Article, Claim
from dugout.store import Store
from dugout.store.derived import near_copy_of

from .ledger import DUPLICATE, NEAR_COPY, STORED, Item, Ledger
from .polite import Fetcher

Extract = Callable[[Article], list[Claim]]
"""The claims of one report (the extractor, or a lock around a shared one)."""


@dataclass
class Outcome:
    """How an entry ended: `status` as the ledger records it, and the stored report's claims."""

    status: str
    doc: str | None
    claims: list[Claim] = field(default_factory=list)
    article: Article | None = None


def already_done(item: Item, store: Store, ledger: Ledger) -> Outcome | None:
    """An entry that needs no fetch: its report is stored (a kill came before the ledger knew),
    or another entry of any feed brought the same URL in."""
    if store.article(item.entry_key) is not None:
        return Outcome(STORED, item.entry_key)
    twin = ledger.stored_link(item.link, item.id)
    if twin is not None:
        return Outcome(DUPLICATE, twin)
    return None


def read_article(item: Item, fetcher: Fetcher) -> Article:
    """The entry's report: its own text when whole, else its page. Raises FetchError, HtmlError..."""
    return article_of_entry(item.entry(), fetcher.page)


def store_article(article: Article, store: Store, extract: Extract) -> Outcome:
    """Store the report unless its text (or a near-copy of it) is stored; extract claims only then."""
    twin = store.find_duplicate(article)
    if twin is not None:
        return Outcome(STORED if twin == article.id else DUPLICATE, twin)
    with store.engine.connect() as conn:
        near = near_copy_of(conn, article.text)
    if near is not None:
        return Outcome(NEAR_COPY, near)
    claims = extract(article)
    if not store.add_report(article, claims):  # another writer stored it meanwhile
        return Outcome(DUPLICATE, store.find_duplicate(article))
    return Outcome(STORED, article.id, claims, article)
