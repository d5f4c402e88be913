"""Turn what a user points dugout at — files, folders, stdin, URLs, feeds — into Articles.

Every reader yields `Article` or `InputProblem`: bad input is reported with its
file (and line) and the batch goes on; nothing here raises on bad data.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dugout.ingest.clean import content_blocks, published_hint
from dugout.ingest.dates import BadDate
from dugout.ingest.fields import MAX_TEXT_CHARS, json_type, published_of, record_problem, within_limit
from dugout.kb.outlets import report_outlet
from dugout.records import Article, InputProblem

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
READABLE_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES

Item = Article | InputProblem


@dataclass
class ReadOptions:
    """Metadata the user gives for inputs that carry none (plain text files)."""

    outlet: str | None = None
    published: str | None = None
    allow_private: bool = False
    allow_urls: bool = True


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16: FF FE 00 00 starts with UTF-16's FF FE
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def utf8_of_wide(data: bytes, where: str) -> bytes | InputProblem:
    """UTF-16 or UTF-32 text with a byte-order mark (as Windows tools save it) as UTF-8 bytes;
    other bytes as they are. Its zero bytes would otherwise make it look binary."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec.lower()).encode("utf-8")
            except UnicodeDecodeError as e:
                return InputProblem(
                    where,
                    f"not {codec} text, though it starts with a {codec} byte-order mark "
                    f"(undecodable bytes at offset {e.start})",
                )
    return data


def _binary(data: bytes, kind: str) -> str:
    head = data[:8192]
    if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
        return f"binary file, not {kind} (UTF-16 without a byte-order mark? save it as UTF-8)"
    return f"binary file, not {kind}"


def decode_text(data: bytes, where: str) -> str | InputProblem:
    """UTF-8 text (BOM tolerated), or a clear reason why these bytes are not text."""
    if not data.strip():
        return InputProblem(where, "empty file")
    if b"\x00" in data[:8192]:
        return InputProblem(where, _binary(data, "text"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return InputProblem(
            where, f"not UTF-8 text (undecodable byte 0x{data[e.start]:02x} at offset {e.start})"
        )


def guess_title(text: str) -> str | None:
    """The first paragraph when it reads like a headline: short and without a closing full stop."""
    blocks = content_blocks(text)
    if not blocks:
        return None
    first = text[blocks[0].start : blocks[0].end].strip()
    if len(first) <= 160 and not first.endswith((".", "!", '"', "”")) and "\n" not in first:
        return first
    return None


def article_from_text(text: str, doc_id: str, options: ReadOptions, source: str | None = None) -> Article:
    published = options.published
    hinted = False
    if not published:
        published = published_hint(text)
        hinted = published is not None
    return Article(
        id=doc_id,
        text=text,
        title=guess_title(text),
        outlet=options.outlet,
        published=published,
        source=source,
        published_hint=hinted,
    )


def article_from_record(record: object, where: str, options: ReadOptions) -> Item:
    """One input record of the eval format: {"id","url","outlet","published","title","text"}."""
    if not isinstance(record, dict):
        return InputProblem(where, f"a record must be a JSON object, not {json_type(record)}")
    problem = record_problem(record)
    if problem:
        return InputProblem(where, problem)
    text = record.get("text")
    if not text or not text.strip():
        return InputProblem(where, 'record has no "text"')
    doc_id = record.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        return InputProblem(where, 'record has no "id"')
    try:
        published = published_of(record.get("published"))
    except BadDate as e:
        return InputProblem(where, f'field "published": {e}')
    hinted = False
    if not published and options.published:
        published = options.published
    if not published:
        published = published_hint(text)
        hinted = published is not None
    return Article(
        id=str(doc_id),
        text=text,
        title=record.get("title") or None,
        url=record.get("url") or None,
        outlet=report_outlet(record.get("outlet") or options.outlet, record.get("url")),
        published=published,
        author=record.get("author") or None,
        source=where,
        published_hint=hinted,
    )


def _jsonl_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text, split at newlines only: `str.splitlines` would also split
    at U+2028/U+2029 and other separators that JSON strings may hold raw (the corpus has them)."""
    return text.split("\n")


def read_jsonl(lines: Iterable[str], where: str, options: ReadOptions) -> Iterator[Item]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputProblem(f"{where}:{number}", f"not valid JSON ({e.msg} at column {e.colno})")
            continue
        yield article_from_record(record, f"{where}:{number}", options)


def _json_document(text: str) -> object | None:
    """The JSON value `text` holds as a whole, or None when it is not one JSON document."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def read_jsonl_text(text: str, where: str, options: ReadOptions) -> Iterator[Item]:
    """A .jsonl file's records. A JSON array or one pretty-printed record saved as .jsonl is read
    as the JSON document it is, rather than as one error per line."""
    stripped = text.lstrip()
    lines = _jsonl_lines(text)
    first = next((line for line in lines if line.strip()), "")
    if stripped.startswith("[") or (_json_document(first) is None and isinstance(_json_document(text), dict)):
        yield from read_json_document(text, where, options)
        return
    yield from read_jsonl(lines, where, options)


def read_json_document(text: str, where: str, options: ReadOptions) -> Iterator[Item]:
    """A .json file: one record, or an array of records (JSON Lines files are .jsonl)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from read_jsonl(_jsonl_lines(text), where, options)  # JSON Lines under a .json name
            return
        yield InputProblem(where, f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})")
        return
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, 1):
        yield article_from_record(record, f"{where}[{number}]" if len(records) > 1 else where, options)


def read_html_bytes(
    data: bytes,
    doc_id: str,
    where: str,
    url: str | None,
    options: ReadOptions,
    content_type: str | None = None,
) -> Item:
    from dugout.ingest.html import HtmlError, article_from_html

    try:
        article = article_from_html(data, doc_id=doc_id, url=url, content_type=content_type)
    except HtmlError as e:
        return InputProblem(where, str(e))
    article.outlet = options.outlet or article.outlet
    article.published = options.published or article.published
    if not article.published:
        article.published = published_hint(article.text)
        article.published_hint = article.published is not None
    article.source = where
    return article


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return (
        "<html" in head or "<!doctype html" in head or ("<body" in head) or ("<p>" in head and "</p>" in head)
    )


def read_bytes(data: bytes, doc_id: str, where: str, suffix: str, options: ReadOptions) -> Iterator[Item]:
    """Dispatch one file's bytes on its suffix, sniffing the content when the suffix says nothing."""
    data = utf8_of_wide(data, where)
    if isinstance(data, InputProblem):
        yield data
        return
    if suffix in HTML_SUFFIXES:
        if not data.strip():
            yield InputProblem(where, "empty file")
            return
        if b"\x00" in data[:8192]:
            yield InputProblem(where, _binary(data, "HTML"))
            return
        yield read_html_bytes(data, doc_id, where, None, options)
        return
    if suffix in FEED_SUFFIXES:
        from dugout.ingest.feeds import articles_from_feed

        yield from articles_from_feed(data, feed_url=where, fetch_page=None)
        return
    text = decode_text(data, where)
    if isinstance(text, InputProblem):
        yield text
        return
    stripped = text.lstrip()
    if suffix in JSON_SUFFIXES:
        yield from read_json_document(text, where, options)
    elif suffix in JSONL_SUFFIXES or (suffix not in TEXT_SUFFIXES and stripped.startswith("{")):
        yield from read_jsonl_text(text, where, options)
    elif suffix not in TEXT_SUFFIXES and stripped.startswith("[") and _json_document(text) is not None:
        yield from read_json_document(text, where, options)  # an array of records on stdin
    elif suffix not in TEXT_SUFFIXES and looks_like_html(text):
        yield read_html_bytes(data, doc_id, where, None, options)
    elif suffix not in TEXT_SUFFIXES and stripped.startswith("<?xml"):
        from dugout.ingest.feeds import articles_from_feed

        yield from articles_from_feed(data, feed_url=where, fetch_page=None)
    else:
        yield article_from_text(text, doc_id, options, source=where)


def _stat_problem(path: Path) -> str | None:
    """Why `path` names nothing to read (a link loop, a broken link, nothing at all), or None."""
    try:
        path.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop: the link leads back to itself, so there is no file to read"
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return f"broken symbolic link: its target {target} does not exist"
        if e.errno in (errno.ENOENT, errno.ENOTDIR):
            return "no such file or directory"
        return f"cannot read ({e.strerror})"
    return None


def _folder_files(path: Path) -> list[Path]:
    """The readable files under a folder, in name order, with the links among them that lead
    nowhere (loops, broken links): those are reported, not skipped without a word."""
    found = []
    for p in path.rglob("*"):
        if p.suffix.lower() not in READABLE_SUFFIXES:
            continue
        if p.is_file() or (p.is_symlink() and not p.exists()):
            found.append(p)
    return sorted(found)


def read_path(path: Path, options: ReadOptions) -> Iterator[Item]:
    """A file or a folder (recursively, readable files only, in name order)."""
    where = str(path)
    problem = _stat_problem(path)
    if problem:
        yield InputProblem(where, problem)
        return
    if path.is_dir():
        files = _folder_files(path)
        if not files:
            yield InputProblem(where, "folder holds no .txt, .jsonl, .html or feed files")
        for file in files:
            yield from read_path(file, options)
        return
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if suffix in TEXT_SUFFIXES and size > 4 * MAX_TEXT_CHARS + 4:  # UTF-8 has at most 4 bytes a character
        yield InputProblem(
            where, f"file is {size:,} bytes: more than one report may hold ({MAX_TEXT_CHARS:,} characters)"
        )
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield InputProblem(where, f"cannot read ({e.strerror})")
        return
    yield from read_bytes(data, path.stem, where, suffix, options)


def url_id(url: str) -> str:
    """A short stable id for a page named only by its URL: host plus a hash of the URL."""
    host = urlsplit(url).hostname or "url"
    return f"{host}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:12]}"


def read_url(url: str, options: ReadOptions, fetcher: Callable[..., object] | None = None) -> Iterator[Item]:
    """A web page or an RSS/Atom feed, fetched with the safety limits of `fetch`."""
    from dugout.ingest.feeds import articles_from_feed, looks_like_feed
    from dugout.ingest.fetch import FetchError, fetch

    get = fetcher or fetch
    try:
        page = get(url, allow_private=options.allow_private)
    except FetchError as e:
        message = str(e)
        yield InputProblem(url, message[len(url) + 2 :] if message.startswith(f"{url}: ") else message)
        return
    body: bytes = page.body  # type: ignore[attr-defined]
    if looks_like_feed(body, page.content_type):  # type: ignore[attr-defined]

        def fetch_page(link: str) -> bytes:
            return get(link, allow_private=options.allow_private).body  # type: ignore[attr-defined]

        yield from articles_from_feed(body, feed_url=url, fetch_page=fetch_page)
        return
    yield read_html_bytes(
        body,
        url_id(url),
        url,
        page.final_url,
        options,  # type: ignore[attr-defined]
        content_type=page.content_type,
    )  # type: ignore[attr-defined]


def read_inputs(inputs: Iterable[str], options: ReadOptions) -> Iterator[Item]:
    """Everything the user named, in order: paths, folders, '-' for stdin, and URLs; a report
    over the size cap (`fields.MAX_TEXT_CHARS`) is a problem, not a report."""
    return within_limit(_named_inputs(inputs, options))


def _named_inputs(inputs: Iterable[str], options: ReadOptions) -> Iterator[Item]:
    for name in inputs:
        if name == "-":
            data = sys.stdin.buffer.read()
            yield from read_bytes(data, "stdin", "<stdin>", "", options)
        elif name.startswith(("http://", "https://")):
            if not options.allow_urls:
                yield InputProblem(name, "URLs are read by `dugout ingest`, not here")
                continue
            yield from read_url(name, options)
        else:
            yield from read_path(Path(name), options)
