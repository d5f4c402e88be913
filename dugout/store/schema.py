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
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
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
    # Version 4: the text's MinHash signature and the first stored report it is a near-copy of.
    Column("minhash", LargeBinary),
    Column("cluster", String(255)),
    Index("ix_articles_published", "published"),
    Index("ix_articles_outlet", "outlet"),
    # Version 6: a watched feed's entry is skipped when its URL is stored already.
    Index("ix_articles_url", "url"),
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
    # Version 4: the report's day, the folded person / club keys the settling rules compare,
    # and a signature of the claim with its report's date and outlet (equal for copies).
    Column("day", String(10)),
    Column("subject_key", Text),
    Column("object_key", Text),
    Column("sig", String(40)),
    # Version 4: the first stored claim with the same signature in the same near-copy cluster
    # (NULL for that first one), and on the first one how many stored claims it stands for.
    Column("dup_of", Integer),
    Column("copies", Integer),
    Index("ix_claims_subject_folded", "subject_folded", "dup_of"),
    Index("ix_claims_object_folded", "object_folded", "dup_of"),
    Index("ix_claims_sig", "sig"),
    Index("ix_claims_type", "type"),
    Index("ix_claims_outlet", "outlet"),
    Index("ix_claims_doc", "doc"),
    Index("ix_claims_subject_id", "subject_id"),
    Index("ix_claims_object_id", "object_id"),
    Index("ix_claims_subject_key_day", "subject_key", "day"),
    Index("ix_claims_object_key_day", "object_key", "day"),
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

# Version 4: the LSH band keys of each report's MinHash, to find its near-copies at ingest.
report_bands = Table(
    "report_bands",
    metadata,
    Column("band", BigInteger, primary_key=True),
    Column("doc", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_report_bands_doc", "doc"),
)

# Version 4: every claim later reports can settle (see store/outcomes.py), with the days of the
# first events that decided it, so an ingest redoes only the targets a new report comes before.
settlements = Table(
    "settlements",
    metadata,
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("voice", Text),
    Column("subject_key", Text, nullable=False),
    Column("object_key", Text),
    Column("day", String(10), nullable=False),
    Column("first_day", String(10)),
    Column("end_day", String(10)),
    Column("stay_day", String(10)),
    Index("ix_settlements_subject_key", "subject_key"),
    Index("ix_settlements_object_key", "object_key"),
)

# Version 4: how many outcomes each voice has per outcome and validity span: the outlets' track
# record as of any date is a sum over a few thousand rows, not a count over every outcome.
# `until` is "9999-12-31" for outcomes that still hold (a key column cannot be NULL).
outcome_counts = Table(
    "outcome_counts",
    metadata,
    Column("voice", Text, primary_key=True),
    Column("outcome", String(16), primary_key=True),
    Column("since", String(10), primary_key=True),
    Column("until", String(10), primary_key=True),
    Column("n", Integer, nullable=False),
)

# Version 4: outcomes of settled claims, each valid from `since` until `until` (NULL: still).
outcomes = Table(
    "outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    Column("settled_by", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("voice", Text),
    Column("since", String(10), nullable=False),
    Column("until", String(10)),
    Column("reason", Text),
    Index("ix_outcomes_claim_id", "claim_id"),
    Index("ix_outcomes_since", "since"),
)

# Version 6 (dugout watch): the feeds a watcher polls, with what the last poll left behind (the
# validators for a conditional GET, when to try again after an error, the last error).
feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("added_at", String(32), nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_poll", String(32)),
    Column("last_status", Text),
    Column("retry_at", String(32)),
    Column("errors", Integer, nullable=False, default=0),
    Column("last_error", Text),
)

# Version 6: every entry a feed has shown, recorded before its page is fetched, so a watcher
# killed at any moment finds the entries it has not finished still `pending` when it restarts.
feed_items = Table(
    "feed_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("entry_key", String(255), nullable=False),
    Column("link", Text),
    Column("title", Text),
    Column("published", String(32)),
    Column("author", Text),
    Column("outlet", Text),
    Column("content", Text),
    Column("whole", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False),
    Column("doc", String(255)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("seen_at", String(32), nullable=False),
    Column("next_try", String(32)),
    Column("done_at", String(32)),
    UniqueConstraint("feed_id", "entry_key", name="uq_feed_items_feed_key"),
    Index("ix_feed_items_link", "link"),
    Index("ix_feed_items_status", "status"),
)

# Version 6: the names a user follows, with the state of each one's story when it was last
# checked (`state`, JSON) and the newest claim id that check covered (`checked_claim`).
follows = Table(
    "follows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("folded", Text, nullable=False, unique=True),
    Column("added_at", String(32), nullable=False),
    Column("story", Text),
    Column("related", JSON),
    Column("state", JSON),
    Column("checked_claim", Integer, nullable=False, default=0),
)

# Version 6: a followed story moving: what changed (before -> after), the claim that moved it,
# its evidence sentence and its report. `dedupe` keeps one alert per change and claim.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("dedupe", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("folded", Text, nullable=False),
    Column("story", Text),
    Column("story_folded", Text),
    Column("kind", String(32), nullable=False),
    Column("question", Text, nullable=False),
    Column("state_before", Text),
    Column("state_after", Text, nullable=False),
    Column("also", JSON),
    Column("claim", JSON, nullable=False),
    Column("claim_id", Integer),
    Column("doc", String(255)),
    Column("evidence", Text, nullable=False),
    Column("outlet", Text),
    Column("published", String(32)),
    Column("url", Text),
    Column("title", Text),
    Column("created_at", String(32), nullable=False),
    Index("ix_alerts_created_at", "created_at"),
    Index("ix_alerts_folded", "folded"),
    Index("ix_alerts_story_folded", "story_folded"),
)

# Version 6: alerts owed to a webhook, written with the alert, so a restart still sends them.
deliveries = Table(
    "deliveries",
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("target", Text, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_try", String(32)),
    Column("last_error", Text),
    Column("sent_at", String(32)),
    Index("ix_deliveries_status", "status"),
)
