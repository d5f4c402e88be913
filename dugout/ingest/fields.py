"""The fields of an input record, checked before they become an Article; and the cap on one report.

Records come from files and request bodies anyone can write. A title given as
a list or an outlet as an object must not reach the store (where it fails as a
database error) nor stop the batch: it is one clear problem naming the field,
and the other records go on.

One report's text is capped at MAX_TEXT_CHARS characters, for the command line
and the API alike. The longest report of the 13,070 in the corpus is about
15,000 characters; the cap is some 65 times that, and it bounds how long one
report can hold the extractor (the API runs one report at a time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dugout.ingest.dates import parse_published
from dugout.records import Article, InputProblem

MAX_TEXT_CHARS = 1_000_000
"""The most characters one report's text may have (about 1 MB of English)."""

OPTIONAL_TEXT = ("title", "url", "outlet", "author")
"""Record fields that are a string when present (null or absent otherwise)."""


def json_type(value: Any) -> str:
    """The JSON name of a value's type, as a record's writer thinks of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a string" if isinstance(value, str) else type(value).__name__


def _wrong(name: str, value: Any, wanted: str) -> str:
    return f'field "{name}" must be {wanted}, not {json_type(value)}'


def record_problem(record: dict[str, Any]) -> str | None:
    """Why a record's fields cannot make a report (the first such field), or None."""
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        return _wrong("text", text, "a string")
    doc_id = record.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, str | int)):
        return _wrong("id", doc_id, "a string or a whole number")
    for name in (*OPTIONAL_TEXT, "published"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return _wrong(name, value, "a string or null")
    return None


def published_of(value: str | None) -> str | None:
    """A record's publication date as an ISO day; None when it gives none; BadDate when it is wrong."""
    if value is None or not value.strip():
        return None
    return parse_published(value)


def text_problem(text: str) -> str | None:
    """Why a report's text is over the cap, or None."""
    if len(text) > MAX_TEXT_CHARS:
        return (
            f"report text is {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,} "
            "for one report: split it into reports"
        )
    return None


def within_limit(items: Iterable[Article | InputProblem]) -> Iterator[Article | InputProblem]:
    """Reports whose text is within the cap; an InputProblem for each that is not."""
    for item in items:
        if isinstance(item, Article):
            problem = text_problem(item.text)
            if problem:
                yield InputProblem(item.source or item.id, problem)
                continue
        yield item
