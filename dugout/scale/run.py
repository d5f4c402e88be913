"""Extraction on a Dask cluster: reports streamed to workers in partitions, results back in order.

Each worker keeps one Extractor (model and knowledge base loaded once per worker process, on
its first partition: `pool.extract_chunk`). The client reads the input lazily and keeps a
bounded window of partitions in flight, so neither side ever holds the corpus. Results come
back in input order, so the output is exactly a single process's; the caller writes them
(`dugout ingest` stores them in batches through `Store.add_report`, which is idempotent by id
and content hash). A worker that dies mid-partition loses nothing: the scheduler runs its
partitions again on another worker, and a report is stored once whichever copy arrives.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from dugout.records import Article, Claim

from .pool import chunks, deliver, extract_chunk

PARTITION = 16
"""Reports per task on a cluster: large enough that scheduling is a small share of the work."""


def _warm() -> bool:
    """Load the model and knowledge base on a worker (run on every worker before work starts)."""
    extract_chunk([])
    return True


def extract_on_cluster(
    articles: Iterable[Article],
    client,
    on_error: Callable[[Article, Exception], None] | None = None,
    partition_size: int = PARTITION,
    window: int | None = None,
) -> Iterator[tuple[Article, list[Claim]]]:
    """Like `Extractor().run(articles, on_error)`, on the workers of a dask.distributed `client`.

    `window` partitions are in flight at once (default: 2 per worker thread, at least 4).
    """
    if window is None:
        threads = sum(client.nthreads().values()) or 1
        window = max(4, 2 * threads)
    run = uuid.uuid4().hex[:8]
    pending: deque = deque()

    def outcomes():
        for i, part in enumerate(chunks(articles, partition_size)):
            pending.append(
                client.submit(extract_chunk, part, key=f"dugout-extract-{run}-{i}", retries=3, pure=False)
            )
            if len(pending) >= window:
                yield _take(pending.popleft())
        while pending:
            yield _take(pending.popleft())

    try:
        yield from deliver(outcomes(), on_error)
    finally:
        for future in pending:
            future.cancel()


def _take(future):
    result = future.result()
    future.release()
    return result
