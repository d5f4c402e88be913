"""Hostile input to the readers and the command line: wrong field types, impossible dates, a report
over the size cap, UTF-16 files, symbolic link loops, a JSON array saved as .jsonl, a long claims list.

Each case gets one line naming the file (and line, and field) and the rest of the batch is read
and stored; nothing raises. Records are the seed reports of ../shared with one field spoiled.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dugout.cli import app
from dugout.ingest.dates import FIRST_YEAR, LAST_YEAR, BadDate, parse_day, parse_published
from dugout.ingest.fields import MAX_TEXT_CHARS
from dugout.ingest.readers import ReadOptions, article_from_record, read_bytes, read_inputs, read_path
from dugout.records import Article, InputProblem
from dugout.store import Store

try:
    from tests.corpus_text import corpus_text
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from corpus_text import corpus_text

try:
    from tests.store_fixtures import db_url, pg_database, pg_url  # noqa: F401
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import db_url, pg_database, pg_url  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
ESPN_SEED = "000_f747a6ab05d9f706"
FE_SEED = "004_87e0b83675fd727f"
IMPOSSIBLE = ["2024-13-45", "2024-02-31", "abcd-efghij", "9999-99-99xx", "yesterday"]
SPOILED = {  # field -> a value of the wrong type, as a hostile or careless writer sends it
    "title": ["x"],
    "outlet": {"name": "ESPN"},
    "author": ["A. Writer", "B. Writer"],
    "url": 42,
    "id": ["a"],
    "published": 20241106,
    "text": {"body": "Ancelotti stays."},
}


def dugout(*args: str, input: bytes | None = None):
    """The real CLI in a child process (stderr as it would reach a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "dugout.cli", *args],
        input=input,
        capture_output=True,
        cwd=REPO,
        timeout=300,
    )


def seeds(shared_dir: Path) -> list[dict[str, Any]]:
    path = shared_dir / "eval" / "seeds" / "articles.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def problem_lines(stderr: str) -> list[str]:
    return [
        line for line in stderr.splitlines() if line.startswith("dugout: ") and "reports read" not in line
    ]


# -- record fields of the wrong type ----------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
FIELDS = ("id", "text", "title", "url", "outlet", "author", "published")


def _right_type(field: str, value: Any) -> bool:
    if value is None:
        return True
    if field == "id":
        return isinstance(value, str | int) and not isinstance(value, bool)
    return isinstance(value, str)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=JSON_VALUES)
def test_a_field_of_any_type_gives_an_article_of_strings_or_one_problem_naming_it(
    field: str, value: Any
) -> None:
    record = {"id": "r1", "text": "Xabi Alonso is the coach of Bayer Leverkusen.", field: value}
    item = article_from_record(record, "reports.jsonl:3", ReadOptions())
    if isinstance(item, Article):
        assert _right_type(field, value)
        for name in ("id", "text", "title", "url", "outlet", "author", "published"):
            assert getattr(item, name) is None or isinstance(getattr(item, name), str), name
        return
    assert isinstance(item, InputProblem) and item.where == "reports.jsonl:3"
    if not _right_type(field, value):
        assert item.reason.startswith(f'field "{field}" must be'), item.reason
    else:  # the right type, but empty (no text, no id) or a string that is no date
        assert field in item.reason or (field == "text" and "text" in item.reason), item.reason


def test_a_record_that_is_not_an_object_says_what_it_is() -> None:
    for record, kind in (([1, 2], "a list"), ("text", "a string"), (None, "null")):
        item = article_from_record(record, "x.jsonl:1", ReadOptions())
        assert isinstance(item, InputProblem) and item.reason.endswith(f"not {kind}")


@pytest.fixture(scope="module")
def spoiled_file(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """good, then one record per spoiled field, then good: the good ones must be stored."""
    espn, fe = seeds(shared_dir)
    path = tmp_path_factory.mktemp("spoiled") / "reports.jsonl"
    lines = [json.dumps(espn)]
    for n, (field, value) in enumerate(SPOILED.items()):
        lines.append(json.dumps(espn | {"id": f"bad-{n}", "text": f"{espn['text']} ({n})", field: value}))
    lines.append(json.dumps(fe))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_stores_the_good_records_around_fields_of_the_wrong_type(
    spoiled_file: Path, db_url: str
) -> None:
    run = dugout("ingest", str(spoiled_file), "--db", db_url)
    stderr = run.stderr.decode()
    assert run.returncode == 1, stderr
    assert "Traceback" not in stderr and "Error" not in stderr
    lines = problem_lines(stderr)
    assert len(lines) == len(SPOILED), stderr
    for line_no, (line, field) in enumerate(zip(lines, SPOILED, strict=True), start=2):
        assert line.startswith(f'dugout: {spoiled_file}:{line_no}: field "{field}" must be'), line
    assert f"2 stored, 0 skipped as duplicates, {len(SPOILED)} failed" in stderr
    with Store.open(db_url) as store:
        assert {a.id for a in store.articles()} == {ESPN_SEED, FE_SEED}


# -- dates ------------------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))
ZONES = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
TIMES = st.times()
FORMS = {
    "iso": lambda d, t, z: d.isoformat(),
    "iso datetime with zone": lambda d, t, z: datetime.combine(d, t, z).isoformat(),
    "iso datetime, Z": lambda d, t, z: datetime.combine(d, t).isoformat() + "Z",
    "iso datetime, no zone": lambda d, t, z: datetime.combine(d, t).isoformat(sep=" ", timespec="minutes"),
    "rfc 822": lambda d, t, z: format_datetime(datetime.combine(d, t.replace(microsecond=0), z)),
    "rfc 822, GMT": lambda d, t, z: format_datetime(datetime.combine(d, t, UTC), usegmt=True),
    "day month year": lambda d, t, z: f"{d.day} {d.strftime('%B')} {d.year}",
    "month day, year": lambda d, t, z: f"{d.strftime('%B')} {d.day}, {d.year}",
}


@settings(max_examples=400, deadline=None)
@given(day=DAYS, time=TIMES, zone=ZONES, form=st.sampled_from(sorted(FORMS)))
def test_every_real_day_in_every_accepted_form_reads_as_that_day(day, time, zone, form) -> None:
    written = FORMS[form](day, time, zone)
    assert parse_published(written) == day.isoformat(), written


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_real_day_or_refused_naming_it(text: str) -> None:
    try:
        found = parse_published(text)
    except BadDate as e:
        assert repr(text) in str(e)
    else:
        assert FIRST_YEAR <= date.fromisoformat(found).year <= LAST_YEAR


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(
        st.integers(min_value=1000, max_value=9999),
        st.integers(min_value=0, max_value=99),
        st.integers(min_value=0, max_value=99),
    )
)
def test_no_impossible_day_is_kept(parts: tuple[int, int, int]) -> None:
    written = "{:04d}-{:02d}-{:02d}".format(*parts)
    try:
        date(*parts)
    except ValueError:
        for parse in (parse_published, parse_day):
            with pytest.raises(BadDate, match="is not a real date"):
                parse(written)
    else:
        assert parse_day(written) == written


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_impossible_dates_are_refused_by_name(value: str) -> None:
    for parse in (parse_published, parse_day):
        with pytest.raises(BadDate) as caught:
            parse(value)
        assert repr(value) in str(caught.value)
    item = article_from_record(
        {"id": "x", "text": "Some text.", "published": value}, "r.jsonl:1", ReadOptions()
    )
    assert isinstance(item, InputProblem) and item.reason.startswith(f'field "published": {value!r}')


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (["claims", "--since"], "2024-13-45"),
        (["story", "Carlo Ancelotti", "--as-of"], "2024-02-31"),
        (["ingest", "-", "--published"], "9999-99-99xx"),
        (["extract", "-", "--published"], "yesterday"),
    ],
)
def test_cli_date_options_are_refused_naming_the_value(args: list[str], value: str, tmp_path: Path) -> None:
    db = [] if args[0] == "extract" else ["--db", str(tmp_path / "x.db")]
    result = CliRunner().invoke(app, [*args, value, *db])
    assert result.exit_code == 2, result.output
    assert repr(value) in " ".join(result.output.split())


# -- the size cap -----------------------------------------------------------------------------------------


def test_a_report_over_the_cap_is_one_problem_and_the_batch_goes_on(shared_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    big.write_text(corpus_text(shared_dir, MAX_TEXT_CHARS + 1), encoding="utf-8")
    record = seeds(shared_dir)[0]
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text(
        json.dumps(record | {"id": "huge", "text": big.read_text("utf-8")})
        + "\n"
        + json.dumps(record)
        + "\n",
        encoding="utf-8",
    )
    items = list(read_inputs([str(big), str(jsonl)], ReadOptions()))
    assert [type(i).__name__ for i in items] == ["InputProblem", "InputProblem", "Article"]
    assert items[0].where == str(big) and items[1].where == f"{jsonl}:1"
    for problem in items[:2]:
        assert f"over the limit of {MAX_TEXT_CHARS:,}" in problem.reason
    at_cap = tmp_path / "at_cap.txt"
    at_cap.write_text(big.read_text("utf-8")[:MAX_TEXT_CHARS], encoding="utf-8")
    assert isinstance(next(iter(read_inputs([str(at_cap)], ReadOptions()))), Article)


def test_a_text_file_far_over_the_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(4 * MAX_TEXT_CHARS + 5)  # sparse: no disk used, and never read
    (problem,) = read_path(path, ReadOptions())
    assert (
        isinstance(problem, InputProblem)
        and "bytes" in problem.reason
        and f"{MAX_TEXT_CHARS:,}" in problem.reason
    )


@pytest.mark.parametrize("verb", ["ingest", "extract"])
def test_help_documents_the_cap(verb: str) -> None:
    result = CliRunner().invoke(app, [verb, "--help"])
    assert f"{MAX_TEXT_CHARS:,}" in " ".join(result.output.split())


# -- messages: UTF-16, symbolic links, a JSON array in .jsonl ---------------------------------------------


def with_mark(text: str, codec: str) -> bytes:
    """Text in a wide encoding with its byte-order mark (the -be/-le codecs write none: add it)."""
    return text.encode(codec) if codec.endswith(("16", "32")) else ("\ufeff" + text).encode(codec)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-le"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read_as_text(
    shared_dir: Path, tmp_path: Path, codec: str
) -> None:
    text = (shared_dir / "seeds" / f"{ESPN_SEED}.txt").read_text("utf-8")
    path = tmp_path / "windows.txt"
    path.write_bytes(with_mark(text, codec))
    (article,) = read_path(path, ReadOptions())
    assert isinstance(article, Article) and article.text == text
    record = with_mark(json.dumps({"id": "w", "text": text}), codec)
    (as_jsonl,) = read_bytes(record, "w", "w.jsonl", ".jsonl", ReadOptions())
    assert isinstance(as_jsonl, Article) and as_jsonl.text == text


def test_utf16_without_a_mark_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nomark.txt"
    path.write_bytes("Ancelotti stays at Real Madrid.".encode("utf-16-le"))
    (problem,) = read_path(path, ReadOptions())
    assert isinstance(problem, InputProblem) and "UTF-16 without a byte-order mark" in problem.reason


def test_symbolic_link_loops_and_broken_links_are_named(shared_dir: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    os.symlink(loop.name, loop)
    (problem,) = read_path(loop, ReadOptions())
    assert isinstance(problem, InputProblem) and problem.reason.startswith("symbolic link loop")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text((shared_dir / "seeds" / f"{ESPN_SEED}.txt").read_text("utf-8"), "utf-8")
    os.symlink("b.txt", folder / "b.txt")  # a loop inside the folder
    os.symlink("gone.txt", folder / "c.txt")  # a broken link
    os.symlink("gone", folder / ".#lock")  # not a report's name (an editor's lock): not reported
    items = list(read_path(folder, ReadOptions()))
    assert [type(i).__name__ for i in items] == ["Article", "InputProblem", "InputProblem"]
    assert items[1].where == str(folder / "b.txt") and items[1].reason.startswith("symbolic link loop")
    assert items[2].where == str(folder / "c.txt") and "broken symbolic link" in items[2].reason
    (missing,) = read_path(tmp_path / "nothing.txt", ReadOptions())
    assert missing.reason == "no such file or directory"


def test_a_pretty_printed_json_array_in_a_jsonl_file_is_read_as_records(
    shared_dir: Path, tmp_path: Path
) -> None:
    records = seeds(shared_dir)
    path = tmp_path / "pretty.jsonl"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    items = list(read_path(path, ReadOptions()))
    assert [i.id for i in items] == [ESPN_SEED, FE_SEED]
    assert [i.source for i in items] == [f"{path}[1]", f"{path}[2]"]
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(records[0], indent=2), encoding="utf-8")
    assert [i.id for i in read_path(one, ReadOptions())] == [ESPN_SEED]
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(records, indent=2)[:-40], encoding="utf-8")
    (problem,) = read_path(broken, ReadOptions())
    assert isinstance(problem, InputProblem) and "not valid JSON" in problem.reason
    from_stdin = list(read_bytes(json.dumps(records).encode(), "stdin", "<stdin>", "", ReadOptions()))
    assert [i.id for i in from_stdin] == [ESPN_SEED, FE_SEED]


def test_claims_say_how_many_more_there_are_and_page_on(spoiled_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "claims.db"
    assert dugout("ingest", str(spoiled_file), "--db", str(db)).returncode == 1
    with sqlite3.connect(db) as conn:
        total = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert total > 10
    first = dugout("claims", "--db", str(db), "--limit", "5", "--json")
    assert first.returncode == 0
    assert len(first.stdout.splitlines()) == 5
    assert f"showed claims 1-5 of {total}; {total - 5} more: --offset 5" in first.stderr.decode()
    second = dugout("claims", "--db", str(db), "--limit", "5", "--offset", "5", "--json")
    assert set(second.stdout.splitlines()).isdisjoint(first.stdout.splitlines())
    rest = dugout("claims", "--db", str(db), "--limit", str(total), "--json")
    assert len(rest.stdout.splitlines()) == total and b"more" not in rest.stderr
    for bad in (["--limit", "0"], ["--offset", "-1"], ["--offset", str(2**63)]):
        run = dugout("claims", "--db", str(db), *bad)
        assert run.returncode == 2 and b"Traceback" not in run.stderr, bad


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=-(2**70), max_value=2**70))
def test_store_refuses_an_offset_past_the_bound_before_the_database_sees_it(
    offset: int, tmp_path: Path
) -> None:
    with Store.open(str(tmp_path / "bound.db")) as store:
        if 0 <= offset <= 1_000_000_000:
            assert store.claims(offset=offset, limit=1) == []
        else:
            with pytest.raises(ValueError, match="offset"):
                store.claims(offset=offset, limit=1)
