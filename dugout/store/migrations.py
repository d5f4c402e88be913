"""Versioned schema changes, applied in order, one transaction each.

Every database records the version it is at in the `meta` table. Opening a
database applies the steps it lacks, so a file made by an older dugout keeps
working; a database from a newer dugout is refused rather than misread.

A step, once released, is frozen: it builds the tables as they were at its
version (not from `schema.py`, which follows the latest version), so that
upgrading an old database gives exactly what a fresh one gets. Later issues
(entities, outcomes) add steps at the end of `MIGRATIONS`.

Two processes may open a fresh database at once; each step takes a write lock
first (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL) and re-reads
the version under it, so a step is never applied twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
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
    bindparam,
    inspect,
    select,
    text,
    update,
)

from .errors import StoreError
from .schema import SCHEMA_VERSION_KEY, meta

# Any fixed number: the key of the PostgreSQL advisory lock that serializes migrations.
_PG_MIGRATION_LOCK = 0x6475_676F  # "dugo"


@dataclass(frozen=True)
class Migration:
    """One step: `apply` moves a database at `version - 1` to `version`."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    """Version 1: meta, articles and claims, as they were at version 1."""
    md = MetaData()
    Table(
        "meta",
        md,
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=False),
    )
    Table(
        "articles",
        md,
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
    Table(
        "claims",
        md,
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
        Column("happened", String(32)),
        Column("confidence", Float),
        Column("competition", Text),
        Column("counterpart", Text),
        Column("extra", JSON),
        Column("subject_folded", Text, nullable=False),
        Column("object_folded", Text),
        Index("ix_claims_subject_folded", "subject_folded"),
        Index("ix_claims_object_folded", "object_folded"),
        Index("ix_claims_type", "type"),
        Index("ix_claims_outlet", "outlet"),
        Index("ix_claims_doc", "doc"),
    )
    md.create_all(conn)


def _v2_entities(conn: Connection) -> None:
    """Version 2: entities with stable ids, the claims' party ids, and the surface forms seen.

    Adds `claims.subject_id` / `claims.object_id` (indexed), the `entities` and
    `mentions` tables, then backfills them from the claims already stored, with
    the same rules `Store.add_report` applies to new reports (`store/entities.py`).
    """
    from dugout.store.entities import report_entities, write_report_entities

    for column in ("subject_id", "object_id"):
        conn.execute(text(f"ALTER TABLE claims ADD COLUMN {column} VARCHAR(255)"))
        conn.execute(text(f"CREATE INDEX ix_claims_{column} ON claims ({column})"))
    md = MetaData()
    articles = Table(
        "articles", md, Column("id", String(255), primary_key=True), Column("published", String(32))
    )
    claims = Table(
        "claims",
        md,
        Column("id", Integer, primary_key=True),
        Column("doc", String(255)),
        Column("type", String(32)),
        Column("subject", Text),
        Column("object", Text),
        Column("evidence", Text),
        Column("counterpart", Text),
        Column("extra", JSON),
        Column("subject_id", String(255)),
        Column("object_id", String(255)),
    )
    entities = Table(
        "entities",
        md,
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
    mentions = Table(
        "mentions",
        md,
        Column("entity_id", String(255), ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
        Column("doc", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        Column("surface", String(255), primary_key=True),
        Column("surface_folded", Text, nullable=False),
        Index("ix_mentions_doc", "doc"),
        Index("ix_mentions_surface_folded", "surface_folded"),
    )
    md.create_all(conn, tables=[entities, mentions])

    rows = conn.execute(
        select(claims, articles.c.published)
        .join(articles, claims.c.doc == articles.c.id)
        .order_by(claims.c.doc, claims.c.id)
    ).all()
    if not rows:
        return
    from dugout.kb.index import load_kb

    kb = load_kb()
    by_doc: dict[str, list] = {}
    for row in rows:
        by_doc.setdefault(row.doc, []).append(row)
    for doc, doc_rows in by_doc.items():
        found = report_entities(doc_rows, kb)
        conn.execute(
            update(claims)
            .where(claims.c.id == bindparam("claim_id"))
            .values(subject_id=bindparam("sid"), object_id=bindparam("oid")),
            [
                {"claim_id": row.id, "sid": sid, "oid": oid}
                for row, (sid, oid) in zip(doc_rows, found.claim_ids, strict=True)
            ],
        )
        write_report_entities(conn, entities, mentions, doc, doc_rows[0].published, found)


def _v3_claim_names(conn: Connection) -> None:
    """Version 3: `claim_names`, every distinct folded subject and object name of the claims.

    "Claims about Ancelotti" matches whole words of folded names, which no B-tree index can
    answer on the claims table itself (a scan of every claim, ~1 s at 100,000 reports). The
    few thousand distinct names are matched instead, then the claims fetched through the
    subject and object name indexes. Backfilled from the claims already stored.
    """
    md = MetaData()
    Table("claim_names", md, Column("folded", Text, primary_key=True))
    md.create_all(conn)
    conn.execute(
        text(
            "INSERT INTO claim_names (folded)"
            " SELECT subject_folded FROM claims WHERE subject_folded IS NOT NULL"
            " UNION SELECT object_folded FROM claims WHERE object_folded IS NOT NULL"
        )
    )


def _v4_derived(conn: Connection) -> None:
    """Version 4: what a story used to recompute from every claim, kept at ingest instead.

    Claims get their report's `day`, person / club keys and a content signature (indexed by
    key and day), and `dup_of` / `copies` for the same claim stored again in a near-copy (the
    name indexes take `dup_of` as a second column, so a story reads distinct claims only);
    reports their MinHash signature, LSH band keys (`report_bands`) and near-copy `cluster`;
    `settlements`, `outcomes` and `outcome_counts` hold the outlets' settled claims. All
    are backfilled from the stored rows (`derived.rebuild_all`, the code new reports go
    through; it reads every report's text once, so a large store takes minutes to upgrade).
    """
    from dugout.store.derived import rebuild_all

    dialect = conn.dialect
    for column, kind in (
        ("day", String(10)),
        ("subject_key", Text()),
        ("object_key", Text()),
        ("sig", String(40)),
    ):
        conn.execute(text(f"ALTER TABLE claims ADD COLUMN {column} {kind.compile(dialect=dialect)}"))
    for column, kind in (("minhash", LargeBinary()), ("cluster", String(255))):
        conn.execute(text(f"ALTER TABLE articles ADD COLUMN {column} {kind.compile(dialect=dialect)}"))
    for column, kind in (("dup_of", Integer()), ("copies", Integer())):
        conn.execute(text(f"ALTER TABLE claims ADD COLUMN {column} {kind.compile(dialect=dialect)}"))
    for side in ("subject", "object"):  # name look-ups then skip copies inside the index
        conn.execute(text(f"DROP INDEX ix_claims_{side}_folded"))
        conn.execute(text(f"CREATE INDEX ix_claims_{side}_folded ON claims ({side}_folded, dup_of)"))
    conn.execute(text("CREATE INDEX ix_claims_sig ON claims (sig)"))
    conn.execute(text("CREATE INDEX ix_claims_subject_key_day ON claims (subject_key, day)"))
    conn.execute(text("CREATE INDEX ix_claims_object_key_day ON claims (object_key, day)"))
    md = MetaData()
    Table("articles", md, Column("id", String(255), primary_key=True))
    Table("claims", md, Column("id", Integer, primary_key=True))
    Table(
        "report_bands",
        md,
        Column("band", BigInteger, primary_key=True),
        Column("doc", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        Index("ix_report_bands_doc", "doc"),
    )
    Table(
        "settlements",
        md,
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
    Table(
        "outcome_counts",
        md,
        Column("voice", Text, primary_key=True),
        Column("outcome", String(16), primary_key=True),
        Column("since", String(10), primary_key=True),
        Column("until", String(10), primary_key=True),
        Column("n", Integer, nullable=False),
    )
    Table(
        "outcomes",
        md,
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
    md.create_all(
        conn, tables=[md.tables[t] for t in ("report_bands", "settlements", "outcome_counts", "outcomes")]
    )
    rebuild_all(conn)


def _v5_report_outlets(conn: Connection) -> None:
    """Version 5: every stored report that has a URL gets an outlet, and its claims that one.

    Reports stored without an outlet (a crawl keeps the URL, not the masthead) get the one their
    URL gives (`kb/outlets.py`: the domain tables, else the bare domain), as new reports do at
    ingest; claims without an outlet take their report's. Outlets feed the claims' signatures and
    the outlets' settled outcomes, so those are recomputed (no report text is read).
    """
    from dugout.kb.outlets import outlet_for_url
    from dugout.store.derived import fill_claim_columns, fill_copies, rebuild_outcomes

    md = MetaData()
    articles = Table(
        "articles",
        md,
        Column("id", String(255), primary_key=True),
        Column("url", Text),
        Column("outlet", String(255)),
    )
    rows = conn.execute(
        select(articles.c.id, articles.c.url).where(articles.c.outlet.is_(None), articles.c.url.is_not(None))
    ).all()
    found = [{"doc": r.id, "name": outlet_for_url(r.url)} for r in rows]
    found = [f for f in found if f["name"]]
    if found:
        conn.execute(
            update(articles).where(articles.c.id == bindparam("doc")).values(outlet=bindparam("name")), found
        )
    filled = conn.execute(
        text(
            "UPDATE claims SET outlet = (SELECT a.outlet FROM articles a WHERE a.id = claims.doc)"
            " WHERE outlet IS NULL AND doc IN (SELECT id FROM articles WHERE outlet IS NOT NULL)"
        )
    ).rowcount
    if found or filled:
        fill_claim_columns(conn)
        fill_copies(conn)
        rebuild_outcomes(conn)


def _v6_watch(conn: Connection) -> None:
    """Version 6 (dugout watch): feeds and the entries they showed, followed names, alerts, deliveries.

    `feeds` keeps each feed's conditional-GET validators and error backoff; `feed_items` every
    entry seen, recorded before its page is fetched (so a killed watcher resumes the rest);
    `follows` the names followed with the story state last checked; `alerts` the changes found;
    `deliveries` the alerts owed to a webhook; and an index on the reports' URLs. Nothing to backfill.
    """
    md = MetaData()
    Table(
        "feeds",
        md,
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
    Table(
        "feed_items",
        md,
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
    Table(
        "follows",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", Text, nullable=False),
        Column("folded", Text, nullable=False, unique=True),
        Column("added_at", String(32), nullable=False),
        Column("story", Text),
        Column("related", JSON),
        Column("state", JSON),
        Column("checked_claim", Integer, nullable=False, default=0),
    )
    Table(
        "alerts",
        md,
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
    Table(
        "deliveries",
        md,
        Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
        Column("target", Text, primary_key=True),
        Column("status", String(16), nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_try", String(32)),
        Column("last_error", Text),
        Column("sent_at", String(32)),
        Index("ix_deliveries_status", "status"),
    )
    md.create_all(conn)
    # a feed entry's URL is looked up among stored reports before its page is fetched
    conn.execute(text("CREATE INDEX ix_articles_url ON articles (url)"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "meta, articles and claims tables", _v1_initial),
    Migration(2, "entities, mentions, and the claims' subject and object ids", _v2_entities),
    Migration(3, "claim_names: the distinct folded names claims are about", _v3_claim_names),
    Migration(4, "report days, name keys and signatures; near-copy clusters; settled outcomes", _v4_derived),
    Migration(5, "reports' outlets from their URLs, claims' outlets from their reports", _v5_report_outlets),
    Migration(6, "feeds, feed items, follows, alerts and webhook deliveries (dugout watch)", _v6_watch),
)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The version a database has once every step in `migrations` is applied."""
    return migrations[-1].version if migrations else 0


def current_version(conn: Connection) -> int:
    """The version recorded in the database; 0 for an empty one."""
    if not inspect(conn).has_table("meta"):
        return 0
    value = conn.execute(select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)).scalar()
    return int(value) if value is not None else 0


def _set_version(conn: Connection, version: int) -> None:
    done = conn.execute(
        update(meta).where(meta.c.key == SCHEMA_VERSION_KEY).values(value=str(version))
    ).rowcount
    if not done:
        conn.execute(meta.insert().values(key=SCHEMA_VERSION_KEY, value=str(version)))


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's write lock from its first statement."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(dugout_sqlite_begin="IMMEDIATE")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            yield conn


def _check_steps(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1, 2, 3 ... in order, got {versions}")


def _too_new(found: int, supported: int) -> StoreError:
    return StoreError(
        f"database schema version {found} is newer than this dugout supports ({supported}); "
        "upgrade dugout to use this database"
    )


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to the latest version; return that version.

    Raises StoreError if the database is at a version newer than `migrations` know.
    """
    _check_steps(migrations)
    target = latest_version(migrations)
    with engine.connect() as conn:
        version = current_version(conn)
    if version > target:
        raise _too_new(version, target)
    for step in migrations:
        if step.version <= version:
            continue
        with _locked_transaction(engine) as conn:
            version = current_version(conn)
            if version > target:
                raise _too_new(version, target)
            if version >= step.version:
                continue  # another process applied it while we waited for the lock
            step.apply(conn)
            _set_version(conn, step.version)
            version = step.version
    return version
