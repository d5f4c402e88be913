"""`--workers N`: extraction in N processes on one machine, output in input order.

Each worker process loads the model and the knowledge base once (spawn start method: no
state is inherited from the parent, so a progress bar's thread or an open database cannot be
copied into a worker half-held). Reports travel in chunks; at most a few chunks per worker
are in flight, so a stream of a million reports is never held in memory.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from dugout.records import Article, Claim

CHUNK = 8
"""Reports per task: enough to batch paragraphs through the model, small enough to balance."""

Outcome = tuple[Article, list[Claim] | None, Exception | None]

_extractor = None
_lock = threading.Lock()  # a Dask worker may run several threads; one Extractor parses at a time


def _init_worker() -> None:
    global _extractor
    from dugout.extract.pipeline import Extractor

    _extractor = Extractor()


def _portable(error: Exception) -> Exception:
    """The error itself if it can cross a process boundary, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any unpicklable error becomes a plain one
        return RuntimeError(f"{type(error).__name__}: {error}")


def extract_chunk(articles: list[Article]) -> list[Outcome]:
    """Claims of a chunk of reports in this process (its Extractor made once, on first use)."""
    failed: dict[int, Exception] = {}

    def note(article: Article, error: Exception) -> None:
        failed[id(article)] = _portable(error)

    with _lock:
        if _extractor is None:
            _init_worker()
        done = {id(a): claims for a, claims in _extractor.run(articles, note)}
    return [(a, done.get(id(a)), failed.get(id(a))) for a in articles]


def chunks(articles: Iterable[Article], size: int = CHUNK) -> Iterator[list[Article]]:
    stream = iter(articles)
    while chunk := list(islice(stream, size)):
        yield chunk


def deliver(
    outcomes: Iterable[list[Outcome]], on_error: Callable[[Article, Exception], None] | None
) -> Iterator[tuple[Article, list[Claim]]]:
    """Outcomes back in the shape of `Extractor.run`: failures to `on_error` (or raised)."""
    for chunk in outcomes:
        for article, claims, error in chunk:
            if error is not None:
                if on_error is None:
                    raise error
                on_error(article, error)
            else:
                yield article, claims or []


def extract_parallel(
    articles: Iterable[Article],
    workers: int,
    on_error: Callable[[Article, Exception], None] | None = None,
    chunk_size: int = CHUNK,
) -> Iterator[tuple[Article, list[Claim]]]:
    """Like `Extractor().run(articles, on_error)`, in `workers` processes, same order, same claims."""
    if workers <= 1:
        from dugout.extract.pipeline import Extractor

        yield from Extractor().run(articles, on_error)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker) as pool:
        yield from deliver(_ordered(pool, chunks(articles, chunk_size), 3 * workers), on_error)


def _ordered(pool, tasks: Iterator[list[Article]], window: int) -> Iterator[list[Outcome]]:
    """Results of `extract_chunk` over `tasks` in order, at most `window` tasks in flight."""
    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(extract_chunk, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
