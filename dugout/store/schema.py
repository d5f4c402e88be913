"""The tables as they stand after the latest migration, for the queries to use.

The migrations in `migrations.py` are what create and change tables in a
database; these definitions describe the result and must be kept in step with
them (a test compares a migrated database against this module).

Names are also stored folded (case, accents, punctuation dropped, see
`records.normalized_text`) in indexed columns so that "perez" finds
"Florentino Pérez" with a SQL query rather than a scan in Python.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

SCHEMA_VERSION_KEY = "schema_version"

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("url", Text),
    Column("outlet", String(255)),
    Column("published", String(32)),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("author", Text),
    Column("source", Text),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("published_hint", Boolean, nullable=False, default=False),
    Column("ingested_at", String(32), nullable=False),
    Index("ix_articles_published", "published"),
    Index("ix_articles_outlet", "outlet"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc", String(255), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("object", Text),
    Column("value", String(64)),
    Column("polarity", String(16), nullable=False),
    Column("modality", String(16), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("attribution", Text),
    Column("outlet", String(255)),
    # `when` is an SQL keyword; the Claim field keeps its name, the column does not.
    Column("happened", String(32)),
    Column("confidence", Float),
    Column("competition", Text),
    Column("counterpart", Text),
    Column("extra", JSON),
    Column("subject_folded", Text, nullable=False),
    Column("object_folded", Text),
    # Version 2: the knowledge-base ids of the two parties ("person:carlo-ancelotti").
    Column("subject_id", String(255)),
    Column("object_id", String(255)),
    Index("ix_claims_subject_folded", "subject_folded"),
    Index("ix_claims_object_folded", "object_folded"),
    Index("ix_claims_type", "type"),
    Index("ix_claims_outlet", "outlet"),
    Index("ix_claims_doc", "doc"),
    Index("ix_claims_subject_id", "subject_id"),
    Index("ix_claims_object_id", "object_id"),
)

# Version 2: every person, club, national team ... that a stored claim names, under the
# knowledge base's stable id; `known` is False for entities met only in text.
# first_seen / last_seen are the publication dates of the earliest and latest report naming it.
entities = Table(
    "entities",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("known", Boolean, nullable=False, default=False),
    Column("first_seen", String(32)),
    Column("last_seen", String(32)),
    Column("name_folded", Text, nullable=False),
    Index("ix_entities_name_folded", "name_folded"),
    Index("ix_entities_kind", "kind"),
)

# Version 2: how each report wrote an entity's name ("Ancelotti", "Los Blancos"): one row per
# entity, report and surface form; surface "" when the report names it only through a claim.
mentions = Table(
    "mentions",
    metadata,
    Column("entity_id", String(255), ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("doc", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("surface", String(255), primary_key=True),
    Column("surface_folded", Text, nullable=False),
    Index("ix_mentions_doc", "doc"),
    Index("ix_mentions_surface_folded", "surface_folded"),
)

# Version 3: every distinct folded subject and object name of the claims, so a name query
# matches words in a few thousand names rather than scanning every claim.
claim_names = Table(
    "claim_names",
    metadata,
    Column("folded", Text, primary_key=True),
)
