"""Entities in the store: stable ids, the v1 → v2 upgrade, `dugout entity`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from dugout.cli import app
from dugout.kb.model import entity_id
from dugout.records import Article, Claim
from dugout.store import MIGRATIONS, Store
from dugout.store.schema import articles, claims, entities, mentions
from dugout.store.store import _article_row, _claim_row

try:
    from tests.store_fixtures import db_url, pg_database, pg_url  # noqa: F401
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import db_url, pg_database, pg_url  # noqa: F401

ESPN_DOC = "000_f747a6ab05d9f706"
FE_DOC = "004_87e0b83675fd727f"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def report(doc: str, published: str, text: str) -> Article:
    return Article(id=doc, text=text, outlet="Local Gazette", published=published)


def claim(
    doc: str, type_: str, subject: str, object_: str | None, value: str | None, evidence: str, **kw
) -> Claim:
    return Claim(
        doc=doc,
        type=type_,
        subject=subject,
        object=object_,
        value=value,
        polarity="affirmed",
        modality="fact",
        evidence=evidence,
        **kw,
    )


def two_local_reports() -> list[tuple[Article, list[Claim]]]:
    """A coach and a club no knowledge base knows, in two reports: ids from the extractor, then none."""
    first = "Fakeville Rovers manager Joe Unknownman was sacked on Monday."
    second = "Unknownman, who coaches Fakeville, is set to stay."
    ids = {
        "subject_id": entity_id("person", "Joe Unknownman"),
        "object_id": entity_id("club", "Fakeville Rovers"),
    }
    return [
        (
            report("local-1", "2024-02-01", first),
            [
                claim(
                    "local-1", "coach_of", "Joe Unknownman", "Fakeville Rovers", "current", first, extra=ids
                ),
                claim(
                    "local-1",
                    "job_status",
                    "Joe Unknownman",
                    "Fakeville Rovers",
                    "dismissed",
                    first,
                    extra=ids,
                ),
            ],
        ),
        (
            report("local-2", "2024-03-05", second),
            [claim("local-2", "coach_of", "Joe Unknownman", "Fakeville Rovers", "current", second)],  # no ids
        ),
    ]


# -- writing -------------------------------------------------------------------------------------


def test_new_entities_merge_across_reports(db_url: str) -> None:
    with Store.open(db_url) as store:
        for article, found in two_local_reports():
            assert store.add_report(article, found)
        joe = store.entity("Joe Unknownman")
        assert joe is not None
        assert (joe["id"], joe["kind"], joe["known"]) == ("person:joe-unknownman", "person", False)
        assert (joe["first_seen"], joe["last_seen"]) == ("2024-02-01", "2024-03-05")
        assert [r["doc"] for r in joe["reports"]] == ["local-1", "local-2"]
        assert joe["surface_forms"] == ["Joe Unknownman", "Unknownman"]
        assert joe["claims"] == 3
        club = store.entity("club:fakeville-rovers")
        assert club is not None and club["kind"] == "club" and not club["known"]
        assert store.entity("Unknownman")["id"] == joe["id"]  # a surface form finds it
        assert [s.claim.doc for s in store.entity_claims(joe["id"])] == ["local-1", "local-1", "local-2"]
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(entities)).scalar() == 2
            ids = conn.execute(select(claims.c.subject_id, claims.c.object_id).distinct()).all()
        assert ids == [("person:joe-unknownman", "club:fakeville-rovers")]


def test_entity_ids_of_claims_without_extra(db_url: str) -> None:
    text = "Brazil coach Dorival Junior met Florentino Perez. Real Madrid beat Brazil 2-1."
    made = [
        claim("d", "coach_of", "Dorival Junior", "Brazil", "current", text),  # a national team, per the KB
        claim("d", "meeting", "Dorival Junior", "Florentino Perez", "held", text),
        claim("d", "match_result", "Real Madrid", "Brazil", "2-1", text),
        claim(
            "d", "transfer", "Some Player", "Real Madrid", "interest", text, counterpart="Borussia Dortmund"
        ),
    ]
    with Store.open(db_url) as store:
        assert store.add_report(report("d", "2024-01-01", text), made)
        with store.engine.connect() as conn:
            rows = conn.execute(select(claims.c.subject_id, claims.c.object_id).order_by(claims.c.id)).all()
            kinds = dict(conn.execute(select(entities.c.id, entities.c.known)).all())
        assert rows == [
            ("person:dorival-junior", "national_team:brazil"),
            ("person:dorival-junior", "person:florentino-perez"),
            ("club:real-madrid", "national_team:brazil"),
            ("person:some-player", "club:real-madrid"),
        ]
        assert kinds["club:borussia-dortmund"] is True and kinds["person:some-player"] is False
        assert store.entity("Real Madrid")["surface_forms"] == ["Real Madrid"]


def test_same_report_twice_adds_no_entity_rows(db_url: str) -> None:
    with Store.open(db_url) as store:
        (article, made), _ = two_local_reports()
        assert store.add_report(article, made)
        assert store.add_report(article, made) is False
        with store.engine.connect() as conn:
            assert (
                conn.execute(select(func.count()).select_from(mentions)).scalar() == 2
            )  # "Joe Unknownman", "Fakeville Rovers"


def test_unknown_name_finds_nothing(db_url: str) -> None:
    with Store.open(db_url) as store:
        assert store.entity("Nobody Atall") is None
        assert store.find_entities("") == []


# -- the v1 → v2 upgrade -------------------------------------------------------------------------


def test_v1_database_is_upgraded_in_place(db_url: str) -> None:
    with Store.open(db_url, migrations=MIGRATIONS[:1]) as v1:
        assert v1.schema_version() == 1
        with v1.engine.begin() as conn:  # what a v1 dugout wrote: no ids, no entity tables
            for article, made in two_local_reports():
                conn.execute(articles.insert(), _article_row(article))
                conn.execute(claims.insert(), [_claim_row(c) for c in made])
    with Store.open(db_url) as v2:
        assert v2.schema_version() == MIGRATIONS[-1].version  # v1 → the latest
        assert v2.counts() == {"articles": 2, "claims": 3}
        joe = v2.entity("Joe Unknownman")
        assert joe is not None and joe["id"] == "person:joe-unknownman" and not joe["known"]
        assert [r["doc"] for r in joe["reports"]] == ["local-1", "local-2"]
        assert joe["surface_forms"] == ["Joe Unknownman", "Unknownman"]
        assert len(v2.entity_claims("club:fakeville-rovers")) == 3
        # and a report stored after the upgrade merges with the backfilled rows
        later = "Joe Unknownman signed a new deal."
        assert v2.add_report(
            report("local-3", "2024-04-01", later),
            [claim("local-3", "contract_until", "Joe Unknownman", "Fakeville Rovers", None, later)],
        )
        assert v2.entity("Joe Unknownman")["last_seen"] == "2024-04-01"


# -- the seed reports and `dugout entity` ------------------------------------------------------------


@pytest.fixture
def seeded(db_url: str, shared_dir: Path) -> str:
    """The seeds with their gold claims (`--claims`): the entity store is tested on what the
    reports say, not on how much of it today's model reads."""
    seeds = shared_dir / "eval" / "seeds"
    gold = ["--claims", str(seeds / "gold.jsonl")]
    result = run("ingest", str(seeds / "articles.jsonl"), *gold, "--db", db_url)
    assert result.exit_code == 0, result.output
    return db_url


def test_seed_reports_fill_the_entities(seeded: str) -> None:
    with Store.open(seeded) as store:
        carlo = store.entity("Carlo Ancelotti")
        assert carlo is not None and carlo["known"] and carlo["kind"] == "person"
        assert [r["doc"] for r in carlo["reports"]] == [ESPN_DOC, FE_DOC]
        assert "Ancelotti" in carlo["surface_forms"]
        real = store.entity("club:real-madrid")
        assert real["known"] and {"Real Madrid", "Madrid"} <= set(real["surface_forms"])
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).where(claims.c.subject_id.is_(None))).scalar() == 0
            kinds = dict(conn.execute(select(entities.c.kind, func.count()).group_by(entities.c.kind)).all())
        assert kinds["person"] >= 10 and kinds["club"] >= 5 and kinds["national_team"] >= 2


def test_entity_command_shows_a_known_person(seeded: str) -> None:
    result = run("entity", "Carlo Ancelotti", "--db", seeded, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["id"], shown["kind"], shown["known"]) == ("person:carlo-ancelotti", "person", True)
    assert "Carletto" in shown["aliases"] and "Ancelotti" in shown["seen_as"]
    assert [r["doc"] for r in shown["reports"]] == [ESPN_DOC, FE_DOC]
    kb_roles = [(r["role"], r["with"]) for r in shown["roles"] if r["source"] == "knowledge base"]
    assert ("head_coach", "Real Madrid") in kb_roles
    claimed = [r for r in shown["roles"] if r["source"] != "knowledge base"]
    assert {(r["role"], r["with"]) for r in claimed} == {("coach_of:current", "Real Madrid")}
    assert {r["from"] for r in claimed} == {"2023-05-19", "2024-11-06"}
    assert {c["doc"] for c in shown["claims"]} == {ESPN_DOC, FE_DOC}

    table = run("entity", "Ancelotti", "--db", seeded)
    assert table.exit_code == 0, table.output
    assert "person:carlo-ancelotti" in table.stdout and "known" in table.stdout


def test_entity_command_new_entity_and_misses(db_url: str) -> None:
    with Store.open(db_url) as store:
        for article, made in two_local_reports():
            store.add_report(article, made)
    shown = json.loads(run("entity", "Joe Unknownman", "--db", db_url, "--json").stdout)
    assert shown["known"] is False and shown["kind"] == "person"
    assert [r["doc"] for r in shown["reports"]] == ["local-1", "local-2"]
    assert [(r["role"], r["with"]) for r in shown["roles"]] == [("coach_of:current", "Fakeville Rovers")] * 2
    club = json.loads(run("entity", "Fakeville Rovers", "--db", db_url, "--json").stdout)
    assert [(r["role"], r["with"]) for r in club["roles"]] == [("coach_of:current", "Joe Unknownman")] * 2

    missing = run("entity", "Nobody Atall", "--db", db_url)
    assert missing.exit_code == 1
    assert (
        missing.stderr.strip()
        == "dugout: no entity named 'Nobody Atall' in the knowledge base or the stored reports"
    )


def test_entity_command_lists_several_matches(db_url: str) -> None:
    text = "Joe Unknownman and Ann Unknownman both coach."
    made = [
        claim("x", "coach_of", "Joe Unknownman", "Fakeville Rovers", "current", text),
        claim("x", "coach_of", "Ann Unknownman", "Fakeville Ladies", "current", text),
    ]
    with Store.open(db_url) as store:
        store.add_report(report("x", "2024-01-01", text), made)
    result = run("entity", "Unknownman", "--db", db_url, "--json")
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["id"] for line in result.stdout.splitlines()} == {
        "person:joe-unknownman",
        "person:ann-unknownman",
    }


def test_entity_command_falls_back_to_the_knowledge_base(db_url: str) -> None:
    result = run("entity", "Pep Guardiola", "--db", db_url, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (
        shown["known"]
        and shown["reports"] == []
        and any(r["with"] == "Manchester City" for r in shown["roles"])
    )
