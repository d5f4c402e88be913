"""The readers on real inputs from ../shared, and on every kind of bad input.

Real reports are read from ../shared at test time (copied into tmp_path where a
test needs them under another name or folder, never into the repository); the
bad inputs are small invented files written to tmp_path.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dugout.ingest.clean import content_blocks, published_hint
from dugout.ingest.readers import READABLE_SUFFIXES, ReadOptions, read_inputs, read_path, read_url
from dugout.records import Article, InputProblem

ESPN_SEED = "000_f747a6ab05d9f706"
FE_SEED = "004_87e0b83675fd727f"
ESPN_HTML = "espnfc13-example-input"


@pytest.fixture(scope="module")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "seeds"


@pytest.fixture(scope="module")
def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    found: dict[str, Article] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        items = list(read_path(path, ReadOptions()))
        assert len(items) == 1, items
        assert isinstance(items[0], Article), items[0]
        found[items[0].id] = items[0]
    assert set(found) == {ESPN_SEED, FE_SEED}
    return found


def blocks_text(article: Article) -> list[str]:
    return [article.text[b.start : b.end] for b in content_blocks(article.text)]


def only(items: list) -> object:
    assert len(items) == 1, items
    return items[0]


def problems_of(items: list) -> list[InputProblem]:
    return [i for i in items if isinstance(i, InputProblem)]


# -- plain text: the two seed reports ------------------------------------------------------------


def test_seed_ids_are_file_stems_and_text_is_kept_verbatim(seeds_dir: Path, seed_articles) -> None:
    for doc_id, article in seed_articles.items():
        path = seeds_dir / f"{doc_id}.txt"
        assert article.text == path.read_text(encoding="utf-8")
        assert article.source == str(path)
        assert article.outlet is None  # a plain file names no outlet unless told


def test_seed_title_is_guessed_from_a_headline_line(seed_articles) -> None:
    # the ESPN file opens with page debris ("<", ">") and then its headline
    assert seed_articles[ESPN_SEED].title == (
        "Carlo Ancelotti to meet Real Madrid president, expected to stay - sources"
    )
    # the Football España file opens with a full paragraph: no headline to guess
    assert seed_articles[FE_SEED].title is None


def test_page_debris_is_in_no_content_block(seed_articles) -> None:
    espn = seed_articles[ESPN_SEED]
    blocks = blocks_text(espn)
    assert blocks, "the report has content"
    # the debris is in the raw text ...
    assert "\nplay\n" in espn.text
    assert "(1:58)" in espn.text
    assert "Stream on ESPN+" in espn.text
    # ... and in no block
    for block in blocks:
        assert block.strip().lower() != "play"
        assert "(1:58)" not in block
        assert "Stream on ESPN+" not in block
        assert block.strip() not in {"<", ">"}
    # while the reporting around it is kept, and blocks are ranges of the original text
    assert any(b.startswith("Real Madrid president Florentino Perez will meet") for b in blocks)
    assert any("Stick with the Italian" in b or "stick with the Italian" in b for b in blocks)
    for b in content_blocks(espn.text):
        assert 0 <= b.start < b.end <= len(espn.text)
        assert espn.text[b.start : b.end] == espn.text[b.start : b.end].strip()


def test_tweet_signature_is_trimmed_and_dates_the_report(seed_articles) -> None:
    fe = seed_articles[FE_SEED]
    assert "pic.twitter.com/" in fe.text
    blocks = blocks_text(fe)
    for block in blocks:
        assert "pic.twitter.com" not in block
        assert "@footballespana_" not in block
        assert "November 6, 2024" not in block
    # the tweet's own words stay, up to the signature
    tweet = [b for b in blocks if "right-back position cannot wait" in b]
    assert len(tweet) == 1
    assert tweet[0].endswith("It is their priority for the January transfer window. (Marca)")
    assert published_hint(fe.text) == "2024-11-06"
    # a plain file without a date takes the hint, marked as a hint
    assert fe.published == "2024-11-06"
    assert fe.published_hint is True
    # the ESPN file gives no date away
    assert published_hint(seed_articles[ESPN_SEED].text) is None
    assert seed_articles[ESPN_SEED].published is None


def test_outlet_and_published_options_apply_to_plain_files(seeds_dir: Path) -> None:
    options = ReadOptions(outlet="ESPN", published="2023-05-19")
    espn = only(list(read_path(seeds_dir / f"{ESPN_SEED}.txt", options)))
    assert isinstance(espn, Article)
    assert (espn.outlet, espn.published, espn.published_hint) == ("ESPN", "2023-05-19", False)
    # a given date wins over the date a tweet hints at
    fe = only(list(read_path(seeds_dir / f"{FE_SEED}.txt", ReadOptions(published="2024-11-07"))))
    assert isinstance(fe, Article)
    assert (fe.published, fe.published_hint) == ("2024-11-07", False)


# -- JSONL: the dev set ---------------------------------------------------------------------------


def test_dev_jsonl_records_keep_ids_and_metadata(shared_dir: Path) -> None:
    path = shared_dir / "eval" / "dev" / "articles.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = list(read_path(path, ReadOptions()))
    assert problems_of(items) == []
    assert len(items) == len(records) == 49
    for number, (record, article) in enumerate(zip(records, items, strict=True), 1):
        assert isinstance(article, Article)
        assert article.id == str(record["id"])
        assert article.text == record["text"]
        assert article.url == (record.get("url") or None)
        assert article.outlet == (record.get("outlet") or None)
        assert article.title == (record.get("title") or None)
        assert article.source == f"{path}:{number}"
        if record.get("published"):
            assert article.published == record["published"][:10]
            assert article.published_hint is False
        elif article.published is not None:
            assert article.published_hint is True
            assert article.published == published_hint(record["text"])
    assert len({a.id for a in items}) == 49


def test_jsonl_options_fill_only_missing_metadata(shared_dir: Path) -> None:
    path = shared_dir / "eval" / "seeds" / "articles.jsonl"
    items = list(read_path(path, ReadOptions(outlet="Other", published="2000-01-01")))
    assert [a.id for a in items] == [ESPN_SEED, FE_SEED]
    assert [(a.outlet, a.published) for a in items] == [
        ("ESPN", "2023-05-19"),
        ("Football España", "2024-11-06"),
    ]


# -- folders ---------------------------------------------------------------------------------------


def test_folder_is_read_recursively_and_only_readable_files(tmp_path: Path, seeds_dir: Path) -> None:
    top = tmp_path / "reports"
    (top / "deeper" / "deepest").mkdir(parents=True)
    shutil.copy(seeds_dir / f"{ESPN_SEED}.txt", top / "espn.txt")
    shutil.copy(seeds_dir / f"{FE_SEED}.txt", top / "deeper" / "deepest" / "fe.txt")
    (top / "deeper" / "notes.pdf").write_bytes(b"%PDF-1.4 not a report")
    (top / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (top / "README").write_text("no suffix, not read", encoding="utf-8")
    items = list(read_path(top, ReadOptions()))
    assert problems_of(items) == []
    assert sorted(a.id for a in items) == ["espn", "fe"]
    by_id = {a.id: a for a in items}
    assert by_id["fe"].text == (seeds_dir / f"{FE_SEED}.txt").read_text(encoding="utf-8")
    assert by_id["fe"].source == str(top / "deeper" / "deepest" / "fe.txt")
    assert ".txt" in READABLE_SUFFIXES and ".pdf" not in READABLE_SUFFIXES


def test_folder_without_readable_files_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    problem = only(list(read_path(tmp_path, ReadOptions())))
    assert isinstance(problem, InputProblem)
    assert problem.where == str(tmp_path)


# -- stdin -------------------------------------------------------------------------------------------

_stdin_app = typer.Typer()


@_stdin_app.command()
def _show(paths: list[str], outlet: str | None = None) -> None:
    """Print what the readers make of the inputs, one JSON object a line."""
    for item in read_inputs(paths, ReadOptions(outlet=outlet)):
        if isinstance(item, InputProblem):
            print(json.dumps({"problem": str(item)}))
        else:
            print(json.dumps({**item.to_record(), "hint": item.published_hint, "source": item.source}))


def test_stdin_is_read_through_dash(seeds_dir: Path) -> None:
    data = (seeds_dir / f"{FE_SEED}.txt").read_bytes()
    result = CliRunner().invoke(_stdin_app, ["-", "--outlet", "Football España"], input=data)
    assert result.exit_code == 0, result.output
    row = json.loads(only(result.stdout.splitlines()))
    assert row["id"] == "stdin"
    assert row["source"] == "<stdin>"
    assert row["text"] == data.decode("utf-8")
    assert row["outlet"] == "Football España"
    assert (row["published"], row["hint"]) == ("2024-11-06", True)


def test_stdin_jsonl_is_read_as_records(shared_dir: Path) -> None:
    data = (shared_dir / "eval" / "seeds" / "articles.jsonl").read_bytes()
    result = CliRunner().invoke(_stdin_app, ["-"], input=data)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [ESPN_SEED, FE_SEED]
    assert [r["outlet"] for r in rows] == ["ESPN", "Football España"]


# -- HTML ----------------------------------------------------------------------------------------------


def test_html_page_gets_outlet_title_and_text(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "html" / f"{ESPN_HTML}.html"
    article = only(list(read_path(path, ReadOptions())))
    assert isinstance(article, Article), article
    assert article.id == ESPN_HTML
    assert article.title and "Arsenal" in article.title
    assert article.outlet
    assert article.published and len(article.published) == 10
    assert len(article.text) > 1000
    assert "<" not in article.text[:200]
    # the user's --outlet wins over the page's own
    again = only(list(read_path(path, ReadOptions(outlet="ESPN FC"))))
    assert isinstance(again, Article)
    assert again.outlet == "ESPN FC"


# -- bad inputs: one InputProblem each, naming the file and the reason -------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("binary.jsonl", b"\x00\x01\x02\x03 not json", "binary"),
        ("binary.html", b"<html>\x00\x00\x00</html>", "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.jsonl", b"  \n\n", "empty"),
        ("empty.html", b"", "empty"),
        ("latin1.txt", "Ancelotti à Madrid, café crème.\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_file_is_one_problem(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    problem = only(list(read_path(path, ReadOptions())))
    assert isinstance(problem, InputProblem)
    assert problem.where == str(path)
    assert reason.lower() in problem.reason.lower()
    assert str(path) in str(problem)


def test_malformed_jsonl_line_names_file_and_line_and_good_lines_are_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "one", "text": "Xabi Alonso is the coach of Bayer Leverkusen."}),
                '{"id": "two", "text": "broken',
                "",
                json.dumps({"id": "three", "text": "Real Madrid beat Barcelona 4-0.", "outlet": "X"}),
                "[1, 2, 3]",
                json.dumps({"id": "no-text"}),
                json.dumps({"id": "blank-text", "text": "   "}),
                json.dumps({"text": "A record without an id."}),
                json.dumps({"id": "", "text": "A record with an empty id."}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    items = list(read_path(path, ReadOptions()))
    articles = [i for i in items if isinstance(i, Article)]
    problems = problems_of(items)
    assert [a.id for a in articles] == ["one", "three"]
    assert articles[1].outlet == "X"
    assert [p.where for p in problems] == [f"{path}:{n}" for n in (2, 5, 6, 7, 8, 9)]
    reasons = [p.reason for p in problems]
    assert "JSON" in reasons[0]
    assert "object" in reasons[1]
    assert all('"text"' in r for r in reasons[2:4])
    assert all('"id"' in r for r in reasons[4:6])


def test_jsonl_text_may_hold_unicode_line_separators(tmp_path: Path) -> None:
    path = tmp_path / "separators.jsonl"
    text = "Xabi Alonso is the coach.\u2028Bayer Leverkusen won.\u2029Again.\x85\x0c"
    records = [{"id": "one", "text": text}, {"id": "two", "text": "Real Madrid beat Barcelona."}]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    items = list(read_path(path, ReadOptions()))
    assert problems_of(items) == []
    assert [a.text for a in items if isinstance(a, Article)][0] == text


def test_missing_path_is_one_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "report.txt"
    problem = only(list(read_inputs([str(missing)], ReadOptions())))
    assert isinstance(problem, InputProblem)
    assert problem.where == str(missing)
    assert "no such file" in problem.reason


def test_bad_inputs_do_not_stop_the_batch(tmp_path: Path, seeds_dir: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("Pérez".encode("latin-1"))
    inputs = [
        str(tmp_path / "empty.txt"),
        str(seeds_dir / f"{ESPN_SEED}.txt"),
        str(tmp_path / "missing.txt"),
        str(tmp_path / "latin1.txt"),
        str(seeds_dir / f"{FE_SEED}.txt"),
    ]
    items = list(read_inputs(inputs, ReadOptions()))
    assert [type(i).__name__ for i in items] == [
        "InputProblem",
        "Article",
        "InputProblem",
        "InputProblem",
        "Article",
    ]
    assert [p.where for p in problems_of(items)] == [inputs[0], inputs[2], inputs[3]]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_url_is_one_problem() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/report.html"
    problem = only(list(read_url(url, ReadOptions(allow_private=True))))
    assert isinstance(problem, InputProblem)
    assert problem.where == url
    assert "connect" in problem.reason.lower()


def test_private_url_is_refused_without_allow_private() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/report.html"
    problem = only(list(read_url(url, ReadOptions())))
    assert isinstance(problem, InputProblem)
    assert problem.where == url
    assert "refused" in problem.reason
    assert "allow_private" in problem.reason or "private" in problem.reason


def test_urls_are_refused_where_not_allowed() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    problem = only(list(read_inputs([url], ReadOptions(allow_urls=False))))
    assert isinstance(problem, InputProblem)
    assert problem.where == url


def test_pretty_printed_json_file_is_one_record_or_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text(
        json.dumps({"id": "pretty", "text": "Xabi Alonso is the coach of Bayer Leverkusen."}, indent=2),
        encoding="utf-8",
    )
    items = list(read_path(path, ReadOptions()))
    assert len(items) == 1, items
    assert isinstance(items[0], Article) or items[0].where.startswith(str(path))
