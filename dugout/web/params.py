"""Query parameters the API and the pages share: paging bounds, days, and the error shape.

Every `offset` and `limit` has an upper bound: an offset of 2**63 used to reach
the database and come back as an OverflowError (SQLite) or "bigint out of
range" (PostgreSQL), a 500 with a traceback for anyone who asked. Bounded here,
it is a 422 (400 on a page) that names the parameter, and nothing is logged.
Days are YYYY-MM-DD, declared `format: date` in the OpenAPI document, and a
value that is no real day is refused with a message naming it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import AfterValidator, BaseModel, WithJsonSchema

from dugout.ingest.dates import BadDate, parse_day
from dugout.records import CLAIM_TYPES, MAX_OFFSET

__all__ = ["MAX_LIMIT", "MAX_OFFSET", "ClaimType", "ErrorOut", "IsoDay", "Limit", "Offset", "error"]


MAX_LIMIT = 500
"""The largest page size of the API's lists."""


def _day(value: str) -> str:
    try:
        return parse_day(value)
    except BadDate as e:
        raise ValueError(str(e)) from None


def _claim_type(value: str) -> str:
    if value not in CLAIM_TYPES:
        raise ValueError(f"{value!r} is not a claim type; one of {', '.join(CLAIM_TYPES)}")
    return value


ClaimType = Annotated[
    str, AfterValidator(_claim_type), WithJsonSchema({"type": "string", "enum": list(CLAIM_TYPES)})
]
"""One of the nine claim types (records.CLAIM_TYPES)."""

IsoDay = Annotated[str, AfterValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]
"""A YYYY-MM-DD day, checked to be a real one."""

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (1 to {MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"How many to skip (0 to {MAX_OFFSET:,})")]


class ErrorOut(BaseModel):
    """Every error the API answers: `{"error": message, "status": code}` (and `details` for a 422)."""

    error: str
    status: int
    details: list[dict[str, Any]] | None = None


def error(description: str) -> dict[str, Any]:
    """An OpenAPI response entry with the error body."""
    return {"model": ErrorOut, "description": description}
