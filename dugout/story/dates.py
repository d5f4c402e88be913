"""Partial ISO dates as day ranges: the store's module, re-exported for the story layer.

The store needs report days at ingest (to keep outcomes and filter by date in SQL), so the
date rules live in `dugout/store/dates.py`, before the story layer, and exist once.
"""

from dugout.store.dates import days_between, end_of, month_name, start_of

__all__ = ["days_between", "end_of", "month_name", "start_of"]
