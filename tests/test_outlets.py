"""Who says so: a report's outlet from its record, its page, its URL's domain, or the bare domain.

Real records: corpus and train reports carry a URL and no outlet; dev and seed records name
theirs. The domain table must cover the sites a real stream comes from (the 100 most
frequent domains of ../shared/corpus, computed here from the corpus itself), new reports
get their outlet at ingest, and stored ones through the schema migration.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from dugout.ingest.readers import ReadOptions, read_path
from dugout.kb.outlets import mapped_outlet, outlet_for_url, report_outlet, site_of
from dugout.records import Article, Claim
from dugout.store import MIGRATIONS, Store
from dugout.store import schema as store_schema
from dugout.story import story_of

try:
    from tests.store_fixtures import db_url, pg_database, pg_url  # noqa: F401
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import db_url, pg_database, pg_url  # noqa: F401


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]


@pytest.fixture(scope="module")
def train(shared_dir: Path) -> dict[str, dict]:
    return {r["id"]: r for r in _records(shared_dir / "eval" / "train" / "articles.jsonl")}


def test_the_hundred_most_frequent_corpus_domains_have_a_name(shared_dir: Path) -> None:
    sites = Counter(
        site_of(r.get("url")) for r in _records(shared_dir / "corpus" / "football_news.jsonl") if r.get("url")
    )
    examples = {}
    for r in _records(shared_dir / "corpus" / "football_news.jsonl"):
        examples.setdefault(site_of(r.get("url")), r.get("url"))
    top = [site for site, _n in sites.most_common(100)]
    unnamed = [site for site in top if mapped_outlet(examples[site]) is None]
    assert unnamed == []


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.bbc.co.uk/sport/football/65000000", "BBC Sport"),
        ("https://www.bbc.com/sport/football/articles/c0000", "BBC Sport"),
        ("https://www.theguardian.com/football/2023/jan/01/x", "The Guardian"),
        ("https://www.espn.com/soccer/story/_/id/1", "ESPN"),
        ("https://www.skysports.com/football/news/11095/1", "Sky Sports"),
        ("https://news.sky.com/story/x", "Sky News"),  # a sub-site before its parent
        ("https://www.nytimes.com/athletic/5000000/2023/x/", "The Athletic"),  # a path prefix
        ("https://www.nytimes.com/2023/01/01/sports/soccer/x.html", "The New York Times"),
        ("https://cartilagefreecaptain.sbnation.com/2023/x", "Cartilage Free Captain"),
        ("https://m.allfootballapp.com/news/x", "AllFootball"),
        ("https://www.goal.com/en/news/x", "Goal"),
    ],
)
def test_domains_map_to_the_outlets_names(url: str, outlet: str) -> None:
    assert outlet_for_url(url) == outlet


def test_unknown_site_is_its_bare_domain_and_no_url_no_outlet() -> None:
    assert (
        outlet_for_url("https://www.some-fanzine-nobody-knows.co.uk/a/b") == "some-fanzine-nobody-knows.co.uk"
    )
    assert outlet_for_url(None) is None and outlet_for_url("not a url") is None
    assert report_outlet("ESPN", "https://www.theguardian.com/x") == "ESPN"  # the record's own wins
    assert report_outlet("  ", "https://www.theguardian.com/x") == "The Guardian"


def test_train_record_without_outlet_gets_its_domains(shared_dir: Path, train: dict[str, dict]) -> None:
    items = [a for a in read_path(shared_dir / "eval" / "train" / "articles.jsonl", ReadOptions())]
    assert all(isinstance(a, Article) for a in items)
    with_url = [a for a in items if a.url]
    assert with_url and all(a.outlet for a in with_url)
    guardian = next(
        a for a in with_url if "theguardian.com" in (a.url or "") and not train[a.id].get("outlet")
    )
    assert guardian.outlet == "The Guardian"
    # a record that names its outlet keeps it, whatever its URL (dev records name theirs)
    dev = [a for a in read_path(shared_dir / "eval" / "dev" / "articles.jsonl", ReadOptions())]
    assert all(isinstance(a, Article) and a.outlet and a.url for a in dev)
    assert any(a.outlet != outlet_for_url(a.url) for a in dev if isinstance(a, Article))


def _guardian_report(train: dict[str, dict]) -> Article:
    rec = next(r for r in train.values() if "theguardian.com" in (r.get("url") or "") and not r.get("outlet"))
    return Article(
        id=rec["id"], text=rec["text"], title=rec.get("title"), url=rec["url"], published=rec.get("published")
    )


def _claims(article: Article) -> list[Claim]:
    sentence = article.text.split(". ")[0]
    return [
        Claim(
            doc=article.id,
            type="coach_of",
            subject="Erik ten Hag",
            object="Manchester United",
            value="current",
            polarity="affirmed",
            modality="fact",
            evidence=sentence,
        )
    ]


def test_store_gives_a_report_and_its_claims_the_outlet_of_its_url(
    db_url: str, train: dict[str, dict]
) -> None:
    article = _guardian_report(train)
    assert article.outlet is None
    with Store.open(db_url) as store:
        store.add_report(article, _claims(article))
        stored = store.article(article.id)
        claims = store.claims()
        story = story_of(store, "Erik ten Hag")
    assert stored is not None and stored.outlet == "The Guardian"
    assert [c.claim.outlet for c in claims] == ["The Guardian"]
    assert story is not None and "unknown outlet" not in story.roles[0].claims[0].label()


def _sigs(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(store_schema.claims.c.sig)).scalars())


def test_migration_fills_the_outlets_of_stored_reports(
    db_url: str, train: dict[str, dict], tmp_path: Path
) -> None:
    article = _guardian_report(train)
    with Store.open(db_url, migrations=MIGRATIONS[:4]) as old:
        old.add_report(article, _claims(article))
        with old.engine.begin() as conn:  # as version 4 stored a crawl: no outlet anywhere
            conn.execute(store_schema.articles.update().values(outlet=None))
            conn.execute(store_schema.claims.update().values(outlet=None))
        assert old.article(article.id).outlet is None  # type: ignore[union-attr]
    with Store.open(db_url) as store:
        assert store.schema_version() == MIGRATIONS[-1].version
        assert store.article(article.id).outlet == "The Guardian"  # type: ignore[union-attr]
        assert [c.claim.outlet for c in store.claims()] == ["The Guardian"]
        upgraded = _sigs(store)
    with Store.open(str(tmp_path / "fresh.db")) as fresh:  # the same report stored today
        fresh.add_report(article, _claims(article))
        assert _sigs(fresh) == upgraded
