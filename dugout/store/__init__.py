"""The store stage: articles and their claims in SQLite (default) or PostgreSQL.

with Store.open("dugout.db") as store:
    if store.find_duplicate(article) is None:
        store.add_report(article, claims)
    for found in store.claims(about="Ancelotti", since="2024-01-01"):
        ...
"""

from .errors import StoreError
from .migrations import MIGRATIONS, Migration
from .store import Store, StoredClaim, fold_name
from .urls import resolve_db_url

__all__ = ["MIGRATIONS", "Migration", "Store", "StoreError", "StoredClaim", "fold_name", "resolve_db_url"]
