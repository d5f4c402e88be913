"""The store: round trip, idempotency, atomicity, queries, migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading

import pytest
from sqlalchemy import inspect, text, update

from dugout.records import Article, Claim
from dugout.store import MIGRATIONS, Migration, Store, StoreError, resolve_db_url
from dugout.store import schema as store_schema
from dugout.store.migrations import latest_version

try:
    from tests.store_fixtures import db_url, pg_database, pg_url  # noqa: F401
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import db_url, pg_database, pg_url  # noqa: F401


def espn() -> Article:
    return Article(
        id="espn-2023-05",
        text="Carlo Ancelotti's job is not at risk, sources told ESPN. Florentino Pérez backs him.",
        title="Ancelotti to stay — Real Madrid",
        url="https://www.espn.com/soccer/story/ancelotti",
        outlet="ESPN",
        published="2023-05-20",
        author="Rodrigo Faez",
        source="seeds/espn.html",
        published_hint=True,
    )


def espn_claims() -> list[Claim]:
    return [
        Claim(
            doc="espn-2023-05",
            type="job_status",
            subject="Carlo Ancelotti",
            object="Real Madrid",
            value="secure",
            polarity="affirmed",
            modality="reported",
            evidence="Carlo Ancelotti's job is not at risk, sources told ESPN.",
            attribution="sources",
            outlet="ESPN",
            when="2023-05",
            confidence=0.875,
            competition=None,
            counterpart=None,
            extra={"rule": "job_safe", "ñ": [1, 2]},
        ),
        Claim(
            doc="espn-2023-05",
            type="holds_role",
            subject="Florentino Pérez",
            object="Real Madrid",
            value="president",
            polarity="affirmed",
            modality="fact",
            evidence="Florentino Pérez backs him.",
        ),
    ]


def fe() -> Article:
    return Article(
        id="fe-2024-11",
        text="Perez backs Ancelotti after the AC Milan defeat, per Marca.",
        title="Perez backs Ancelotti",
        url="https://www.football-espana.net/ancelotti",
        outlet="Football España",
        published="2024-11-07",
    )


def fe_claims() -> list[Claim]:
    base = dict(doc="fe-2024-11", polarity="affirmed", evidence="Perez backs Ancelotti, per Marca.")
    return [
        Claim(
            type="job_status",
            subject="Carlo Ancelotti",
            object="Real Madrid",
            value="secure",
            modality="reported",
            attribution="Marca",
            **base,
        ),
        Claim(
            type="job_status",
            subject="Carlo Ancelotti",
            object="Real Madrid",
            value="at_risk",
            modality="reported",
            **base,
        ),
        Claim(
            type="match_result",
            subject="AC Milan",
            object="Real Madrid",
            value="3-1",
            modality="fact",
            competition="UEFA Champions League",
            when="2024-11-05",
            **base,
        ),
    ]


def undated() -> Article:
    return Article(id="tweet-1", text="Zinedine Zidane could return to Real Madrid.", outlet="Twitter")


def undated_claims() -> list[Claim]:
    return [
        Claim(
            doc="tweet-1",
            type="candidate_for",
            subject="Zinedine Zidane",
            object="Real Madrid",
            value="linked",
            polarity="affirmed",
            modality="possible",
            evidence="Zinedine Zidane could return to Real Madrid.",
        ),
    ]


@pytest.fixture
def store(db_url: str):
    with Store.open(db_url) as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    assert store.add_report(undated(), undated_claims())
    assert store.add_report(fe(), fe_claims())
    assert store.add_report(espn(), espn_claims())
    return store


# -- URLs ----------------------------------------------------------------------------------------


def test_resolve_db_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("DUGOUT_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url(None) == f"sqlite:///{tmp_path}/dugout.db"
    monkeypatch.setenv("DUGOUT_DB", "postgresql://u:p@host:5432/news")
    assert resolve_db_url(None) == "postgresql+psycopg://u:p@host:5432/news"
    assert resolve_db_url("postgres://host/news") == "postgresql+psycopg://host/news"
    assert resolve_db_url("postgresql+psycopg://host/news") == "postgresql+psycopg://host/news"
    assert resolve_db_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert resolve_db_url("data/news.db") == f"sqlite:///{tmp_path}/data/news.db"
    assert resolve_db_url("/abs/news.db") == "sqlite:////abs/news.db"


# -- round trip and idempotency ------------------------------------------------------------------


def _as_stored(claims: list[Claim], outlet: str) -> list[Claim]:
    """A claim that names no outlet is stored with its report's (claims.md: who published it)."""
    return [dataclasses.replace(c, outlet=c.outlet or outlet) for c in claims]


def test_round_trip(store: Store) -> None:
    assert store.add_report(espn(), espn_claims()) is True
    assert store.article("espn-2023-05") == espn()
    found = store.claims()
    assert [s.claim for s in found] == _as_stored(espn_claims(), "ESPN")
    assert [s.claim.extra for s in found] == [c.extra for c in espn_claims()]
    assert {(s.published, s.title, s.url) for s in found} == {
        ("2023-05-20", "Ancelotti to stay — Real Madrid", "https://www.espn.com/soccer/story/ancelotti")
    }
    assert store.claims_of("espn-2023-05") == _as_stored(espn_claims(), "ESPN")
    assert store.counts() == {"articles": 1, "claims": 2}


def test_round_trip_minimal_article(store: Store) -> None:
    bare = Article(id="bare", text="Only text: «ça va» — 日本語.")
    assert store.add_report(bare, [])
    assert store.article("bare") == bare
    assert store.article("missing") is None
    assert store.articles() == [bare]


def test_same_report_twice_is_stored_once(store: Store) -> None:
    assert store.add_report(espn(), espn_claims())
    assert store.add_report(espn(), espn_claims()) is False
    assert store.counts() == {"articles": 1, "claims": 2}


def test_same_text_under_other_id_is_a_duplicate(store: Store) -> None:
    assert store.add_report(espn(), espn_claims())
    copy = espn()
    copy.id = "copy-of-espn"
    copy.text = "  CARLO ANCELOTTI'S job is not at risk -- sources told ESPN.  Florentino Perez backs him!"
    assert store.find_duplicate(copy) == "espn-2023-05"
    claims = [Claim(**{**c.to_dict(), "doc": "copy-of-espn"}) for c in espn_claims()]
    assert store.add_report(copy, claims) is False
    assert store.counts() == {"articles": 1, "claims": 2}
    assert store.find_duplicate(fe()) is None


def test_duplicate_race_is_caught_by_the_constraints(store: Store, monkeypatch) -> None:
    """Two writers both pass the early check; the unique constraint decides, no exception escapes."""
    real = Store.find_duplicate
    calls = {"n": 0}

    def blind_first(self: Store, article: Article) -> str | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(self, article)

    assert store.add_report(espn(), espn_claims())
    monkeypatch.setattr(Store, "find_duplicate", blind_first)
    assert store.add_report(espn(), espn_claims()) is False
    assert store.counts() == {"articles": 1, "claims": 2}


def test_concurrent_writers_store_once(store: Store, db_url: str) -> None:
    results: list[bool] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with Store.open(db_url) as other:
                results.append(other.add_report(fe(), fe_claims()))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [False, False, False, True]
    assert store.counts() == {"articles": 1, "claims": 3}


def test_add_report_is_atomic(store: Store) -> None:
    bad = espn_claims()
    bad[1].subject = None  # type: ignore[assignment]  # violates NOT NULL after one good claim
    with pytest.raises(StoreError, match="espn-2023-05"):
        store.add_report(espn(), bad)
    assert store.article("espn-2023-05") is None
    assert store.counts() == {"articles": 0, "claims": 0}
    assert store.add_report(espn(), espn_claims())  # and the report can be stored afterwards


def test_claims_must_belong_to_the_report(store: Store) -> None:
    with pytest.raises(ValueError, match="another doc"):
        store.add_report(espn(), fe_claims())
    assert store.counts() == {"articles": 0, "claims": 0}


def test_deleting_a_report_deletes_its_claims(filled: Store) -> None:
    with filled.engine.begin() as conn:
        conn.execute(store_schema.articles.delete().where(store_schema.articles.c.id == "fe-2024-11"))
    assert filled.counts() == {"articles": 2, "claims": 3}


# -- queries -------------------------------------------------------------------------------------


def subjects(found) -> list[tuple[str, str | None, str | None]]:
    return [(s.claim.doc, s.claim.subject, s.claim.value) for s in found]


def test_claims_ordered_by_date_then_id_undated_last(filled: Store) -> None:
    assert [s.claim.doc for s in filled.claims()] == ["espn-2023-05"] * 2 + ["fe-2024-11"] * 3 + ["tweet-1"]
    assert [a.id for a in filled.articles()] == ["espn-2023-05", "fe-2024-11", "tweet-1"]
    assert [a.id for a in filled.articles(limit=1, offset=1)] == ["fe-2024-11"]


ANCELOTTI = {("espn-2023-05", "secure"), ("fe-2024-11", "secure"), ("fe-2024-11", "at_risk")}


@pytest.mark.parametrize(
    ("about", "expected"),
    [
        ("Ancelotti", ANCELOTTI),
        ("carlo ANCELOTTI", ANCELOTTI),
        ("Perez", {("espn-2023-05", "president")}),
        ("PÉREZ", {("espn-2023-05", "president")}),
        ("Florentino Pérez", {("espn-2023-05", "president")}),
        ("milan", {("fe-2024-11", "3-1")}),
        ("Zidane", {("tweet-1", "linked")}),
        ("Ancel", set()),
        ("Carlo Zidane", set()),
    ],
)
def test_claims_about(filled: Store, about: str, expected: set) -> None:
    assert {(s.claim.doc, s.claim.value) for s in filled.claims(about=about)} == expected


def test_claims_about_matches_the_object(filled: Store) -> None:
    assert len(filled.claims(about="Real Madrid")) == 6


def test_claims_filters(filled: Store) -> None:
    assert subjects(filled.claims(type="holds_role")) == [("espn-2023-05", "Florentino Pérez", "president")]
    assert {s.claim.doc for s in filled.claims(outlet="ESPN")} == {"espn-2023-05"}
    # claims with no outlet of their own take their report's
    assert len(filled.claims(outlet="Football España")) == 3
    assert {s.claim.doc for s in filled.claims(since="2024-01-01")} == {"fe-2024-11"}
    assert {s.claim.doc for s in filled.claims(since="2023")} == {"espn-2023-05", "fe-2024-11"}
    assert filled.claims(since="2025-01-01") == []
    assert subjects(filled.claims(about="ancelotti", type="job_status", since="2024-11-07")) == [
        ("fe-2024-11", "Carlo Ancelotti", "secure"),
        ("fe-2024-11", "Carlo Ancelotti", "at_risk"),
    ]


def test_claims_limit_offset(filled: Store) -> None:
    everything = [s.id for s in filled.claims()]
    assert len(everything) == 6
    assert [s.id for s in filled.claims(limit=2)] == everything[:2]
    assert [s.id for s in filled.claims(limit=2, offset=2)] == everything[2:4]
    assert [s.id for s in filled.claims(offset=5)] == everything[5:]


# -- schema and migrations -----------------------------------------------------------------------


def test_schema_version(store: Store) -> None:
    assert store.schema_version() == latest_version() == MIGRATIONS[-1].version


def test_migrated_schema_matches_schema_module(store: Store) -> None:
    """The frozen migration steps and `schema.py` describe the same tables."""
    with store.engine.connect() as conn:
        inspector = inspect(conn)
        for table in store_schema.metadata.sorted_tables:
            columns = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name: c.nullable for c in table.columns}, table.name
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes, table.name


def _add_verdicts(conn) -> None:
    conn.execute(text("CREATE TABLE verdicts (id INTEGER PRIMARY KEY, claim INTEGER, verdict TEXT)"))
    conn.execute(text("INSERT INTO verdicts (id, claim, verdict) VALUES (1, 1, 'right')"))


def test_database_is_upgraded_by_a_later_step(db_url: str) -> None:
    current = latest_version()
    with Store.open(db_url) as old:
        assert old.schema_version() == current
        assert old.add_report(espn(), espn_claims())
    later = (*MIGRATIONS, Migration(current + 1, "verdicts table", _add_verdicts))
    with Store.open(db_url, migrations=later) as new:
        assert new.schema_version() == current + 1
        assert new.counts() == {"articles": 1, "claims": 2}
        with new.engine.connect() as conn:
            assert conn.execute(text("SELECT verdict FROM verdicts")).scalar() == "right"
    with Store.open(db_url, migrations=later) as again:  # applied once, not twice
        assert again.schema_version() == current + 1


def test_a_failing_step_changes_nothing(db_url: str) -> None:
    def broken(conn) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
        raise RuntimeError("step failed")

    with Store.open(db_url):
        pass
    with pytest.raises(RuntimeError, match="step failed"):
        Store.open(db_url, migrations=(*MIGRATIONS, Migration(latest_version() + 1, "broken", broken)))
    with Store.open(db_url) as store:
        assert store.schema_version() == latest_version()
        with store.engine.connect() as conn:
            assert not inspect(conn).has_table("half_done")


def test_newer_database_is_refused(db_url: str) -> None:
    with Store.open(db_url) as store:
        with store.engine.begin() as conn:
            conn.execute(
                update(store_schema.meta)
                .where(store_schema.meta.c.key == store_schema.SCHEMA_VERSION_KEY)
                .values(value=str(latest_version() + 1))
            )
    with pytest.raises(StoreError, match="newer than this dugout supports") as caught:
        Store.open(db_url)
    assert "\n" not in str(caught.value)


def test_migration_versions_must_be_consecutive(db_url: str) -> None:
    with pytest.raises(ValueError, match="in order"):
        Store.open(db_url, migrations=(*MIGRATIONS, Migration(latest_version() + 2, "gap", _add_verdicts)))


# -- SQLite specifics ----------------------------------------------------------------------------


def test_sqlite_settings(tmp_path) -> None:
    with Store.open(str(tmp_path / "s.db")) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    check = sqlite3.connect(tmp_path / "s.db")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


def test_sqlite_missing_directory(tmp_path) -> None:
    with pytest.raises(StoreError, match="does not exist") as caught:
        Store.open(str(tmp_path / "no" / "such" / "dir" / "x.db"))
    assert "\n" not in str(caught.value)


def test_sqlite_parent_is_a_file(tmp_path) -> None:
    (tmp_path / "file.txt").write_text("not a directory")
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(str(tmp_path / "file.txt" / "x.db"))


def test_sqlite_path_is_a_directory(tmp_path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(str(tmp_path))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_sqlite_unwritable_directory(tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="not writable"):
            Store.open(str(locked / "x.db"))
    finally:
        locked.chmod(0o700)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_sqlite_uncreatable_file_is_a_store_error() -> None:
    """Even where the up-front checks pass (root, /proc), SQLite's failure becomes a StoreError."""
    with pytest.raises(StoreError, match="cannot"):
        Store.open("/proc/self/dugout.db")


def test_unreachable_postgresql_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open database") as caught:
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_not_a_database_file_is_a_store_error(tmp_path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not an SQLite database, just some bytes " * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        Store.open(str(junk))


def test_unsupported_backend_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="unsupported database"):
        Store.open("mysql://user:pw@host/db")


def test_concurrent_first_opens_migrate_once(db_url: str) -> None:
    versions: list[int] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            with Store.open(db_url) as opened:
                versions.append(opened.schema_version())
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert versions == [latest_version()] * 6
