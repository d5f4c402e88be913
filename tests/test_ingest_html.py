"""article_from_html on real saved pages from ../shared/corpus/html (read at test time, never copied)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from dugout.ingest.clean import is_debris as is_debris_line
from dugout.ingest.html import HtmlError, article_from_html, decode_html, html_to_text, is_debris, repair

ESPN = "espnfc13-example-input"
ESPN_URL = "http://espnfc.com/us/en/report/367471/report.html?soccernet=true&cc=5901"
# pages whose extraction matches the human gold closely (see bench/html_extraction.py)
GOLD_PAGES = [
    "l3sgn1-53b3df47-e8a0-4bb0-bed9-f6e0c1f9c2bf",  # guardian, declared ISO-8859-1
    "l3sgn1-5bc1e7d3-e6ad-4094-b3e9-f49fbe7d8a05",  # sportinglife
    "l3sgn1-e72c62d8-cd3d-4d36-81e4-2625c0a9cadb",  # canadian press
    "l3sgn1-16334064-8cc1-4ec6-ba74-e8c976c18913",  # halifax courier, "Â£" baked into the page
]
MOJIBAKE = re.compile("Â[£©®°·]|â€|Ã[\u0080-\u00bf]|\ufffd")


@pytest.fixture(scope="module")
def html_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "html"


@pytest.fixture(scope="module")
def index(html_dir: Path) -> dict[str, dict]:
    rows = (json.loads(line) for line in (html_dir / "index.jsonl").open(encoding="utf-8"))
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def gold(shared_dir: Path) -> dict[str, dict]:
    wanted = set(GOLD_PAGES)
    found: dict[str, dict] = {}
    with (shared_dir / "corpus" / "football_news.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if '"l3sgn1-' in line:
                rec = json.loads(line)
                if rec["id"] in wanted:
                    found[rec["id"]] = rec
    assert set(found) == wanted
    return found


def read(html_dir: Path, index: dict[str, dict], page_id: str):
    data = (html_dir / f"{page_id}.html").read_bytes()
    return article_from_html(data, doc_id=page_id, url=index[page_id]["url"])


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def f1(extracted: str, gold: str) -> float:
    e, g = words(extracted), words(gold)
    overlap = sum((e & g).values())
    return 2 * overlap / (sum(e.values()) + sum(g.values()))


@pytest.mark.parametrize("page_id", GOLD_PAGES)
def test_text_and_title_match_gold(html_dir: Path, index: dict, gold: dict, page_id: str) -> None:
    art = read(html_dir, index, page_id)
    assert f1(art.text, gold[page_id]["text"]) > 0.95
    assert art.title and art.title.casefold() == gold[page_id]["title"].casefold()
    assert art.id == page_id and art.url == index[page_id]["url"]
    assert art.published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", art.published)


def test_espn_page(html_dir: Path, index: dict) -> None:
    art = read(html_dir, index, ESPN)
    assert art.outlet == "ESPNFC.com"
    assert art.title == "Arsenal v Aston Villa"
    assert art.published == "2013-08-17"
    assert art.text.startswith("Arsenal had defender Laurent Koscielny sent off")
    assert "\n\n" in art.text and art.text.count("\n\n") > 10  # paragraph breaks kept
    assert not re.search(r"\(\d{1,2}:\d{2}\)", art.text)


def test_outlet_falls_back_to_the_domain(html_dir: Path, index: dict) -> None:
    # this page's site name is a copyright notice; the outlet comes from the URL instead
    art = read(html_dir, index, "l3sgn1-7c3b8f34-c285-45aa-a0e5-12d23cb2b830")
    assert art.outlet == "covers.co.uk"


def test_no_page_decodes_to_mojibake(html_dir: Path, index: dict) -> None:
    for page_id in index:
        art = read(html_dir, index, page_id)
        assert not MOJIBAKE.search(art.text), (page_id, MOJIBAKE.search(art.text))
        assert not MOJIBAKE.search(art.title or ""), page_id


def test_utf8_bytes_under_a_latin1_label_read_as_utf8(html_dir: Path) -> None:
    data = (html_dir / "l3sgn1-a612eec0-897a-4937-9a1b-e5963627c51d.html").read_bytes()
    assert b"charset=ISO-8859-1" in data and "£".encode() in data
    assert "accepted a £5million" in decode_html(data)


@pytest.mark.parametrize(
    "page_id",
    [
        "l3sgn1-b00bdb89-fc16-4d61-b115-b7ac4367032c",  # declares ISO-8859-1: read as windows-1252
        "l3sgn1-afd5f508-292c-45eb-a4c7-5f62edcfccf0",  # declares nothing: detected
        "l3sgn1-2ca161aa-6f21-44ca-889a-ae4aaedf428b",  # declares UTF-8, wrongly
    ],
)
def test_cp1252_bytes_decode_without_mojibake(html_dir: Path, page_id: str) -> None:
    """The same real page as a cp1252 server would send it: curly quotes, dashes, accents survive."""
    original = (html_dir / f"{page_id}.html").read_bytes().decode("utf-8")
    cp1252 = original.encode("cp1252")
    assert cp1252 != original.encode("utf-8")
    assert decode_html(cp1252) == original
    art = article_from_html(cp1252, doc_id=page_id)
    assert art.text == article_from_html(original.encode("utf-8"), doc_id=page_id).text


def test_http_charset_outranks_the_page(html_dir: Path) -> None:
    original = (html_dir / "l3sgn1-b00bdb89-fc16-4d61-b115-b7ac4367032c.html").read_bytes().decode("utf-8")
    assert decode_html(original.encode("cp1252"), "text/html; charset=windows-1252") == original


def test_bom_wins(html_dir: Path) -> None:
    original = (html_dir / "l3sgn1-afd5f508-292c-45eb-a4c7-5f62edcfccf0.html").read_bytes().decode("utf-8")
    assert decode_html(b"\xff\xfe" + original.encode("utf-16-le")) == original


def test_every_paragraph_is_in_the_page(html_dir: Path, index: dict) -> None:
    """Nothing is rewritten: each extracted line occurs, whitespace aside, in the page's own text."""
    for page_id in index:
        page = decode_html((html_dir / f"{page_id}.html").read_bytes())
        root = lxml.html.fromstring(page)
        for script in root.xpath("//script|//style"):
            script.drop_tree()
        # mojibake repair is the one edit; whitespace is compared away (<br> has no text)
        visible = re.sub(r"\s+", "", repair(root.text_content()))
        art = read(html_dir, index, page_id)
        for line in art.text.split("\n"):
            if line.strip():
                assert re.sub(r"\s+", "", line) in visible, (page_id, line)


def test_debris_lines() -> None:
    for line in ["Advertisement", "Ancelotti on Bellingham (1:58)", "Read more: Real Madrid news", "Print"]:
        assert is_debris(line), line
    assert not is_debris("Carlo Ancelotti is expected to stay at Real Madrid, sources told ESPN.")
    assert not is_debris("Watford: Lee; Doyley, Shittu, DeMerit, Stewart; Smith, Williamson.")


def test_html_to_text_keeps_paragraphs() -> None:
    text = html_to_text("<p>First <b>para</b>.</p><p>Second<br>line</p><div>Advertisement</div>")
    assert text == "First para.\n\nSecond\nline"


def test_page_without_article_text_raises() -> None:
    with pytest.raises(HtmlError, match="no article text"):
        article_from_html(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", doc_id="empty")
    with pytest.raises(HtmlError):
        article_from_html(b"", doc_id="nothing")


def test_links_to_other_reports_are_debris(shared_dir: Path) -> None:
    """General rule: a line "MORE: <headline>" links to another report (its headline, not this
    report's reporting), so it is page furniture. Checked on every such line of the training
    reports, none of which the annotators took a claim from."""
    gold = (shared_dir / "eval" / "train" / "gold.jsonl").read_text(encoding="utf-8")
    evidence = {json.loads(line)["evidence"] for line in gold.splitlines() if line.strip()}
    links = []
    with (shared_dir / "eval" / "train" / "articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            links += [p for p in json.loads(line)["text"].splitlines() if p.startswith("MORE:")]
    assert len(links) > 20
    for line in links:
        assert is_debris(line) and is_debris_line(line), line
        assert not any(e in line for e in evidence), line
    assert not is_debris("More than 60,000 fans watched Arsenal beat Chelsea 2-0.")
    assert not is_debris_line("More than 60,000 fans watched Arsenal beat Chelsea 2-0.")
