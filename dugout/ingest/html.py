"""Read one saved or fetched HTML page into an `Article`.

The page is decoded here (not by trafilatura) because real football pages lie
about their encoding: many archived pages declare ISO-8859-1 but are stored as
UTF-8, and a few carry mojibake baked in by the publisher's own CMS. Main text
and metadata come from trafilatura; what it leaves behind that is plainly page
furniture (video captions with durations, "Advertisement", share prompts) is
dropped line by line. Nothing inside a kept paragraph is rewritten, so every
sentence handed to the NLP stage is a sentence that is really in the page
(apart from repaired mojibake and normalised whitespace).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import ftfy
import lxml.html
import trafilatura
from lxml import etree

from dugout.kb.outlets import outlet_for_url, site_of
from dugout.records import Article

__all__ = ["HtmlError", "article_from_html", "decode_html", "html_to_text", "outlet_from_url"]


class HtmlError(ValueError):
    """The page could not be read as an article (no main text, or not HTML at all)."""


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# WHATWG: browsers decode these labels as windows-1252, and so do we (0x80-0x9F are
# curly quotes and dashes in practice, not C1 control characters).
_AS_CP1252 = {"latin-1", "iso8859-1", "ascii", "cp1252"}
_LATIN_SINGLE_BYTE = {
    "cp1250",
    "cp1252",
    "cp1254",
    "cp1257",
    "cp1258",
    "cp850",
    "cp437",
    "mac-roman",
    "mac-latin2",
    "iso8859-2",
    "iso8859-3",
    "iso8859-4",
    "iso8859-9",
    "iso8859-10",
    "iso8859-13",
    "iso8859-14",
    "iso8859-15",
    "iso8859-16",
}


def _codec(label: str | bytes | None) -> str | None:
    """Python codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset the HTTP header or the page itself declares (header first, as browsers do)."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and _codec(m.group(1)):
            return _codec(m.group(1))
    m = _META_CHARSET.search(data[:8192])
    return _codec(m.group(1)) if m else None


def decode_html(data: bytes | str, content_type: str | None = None) -> str:
    """Bytes of a page as text: BOM, then declaration, then detection.

    One deliberate exception to "the declaration wins": bytes that are valid UTF-8
    *and* contain multi-byte sequences are read as UTF-8 even when a single-byte
    charset is declared. Valid multi-byte UTF-8 almost never happens by accident in
    cp1252 text, while pages re-saved as UTF-8 with their old ISO-8859-1 meta tag
    left in are common (most of the archived pages in ../shared/corpus/html are like
    that); trusting the tag there turns every "£" into "Â£".
    """
    if isinstance(data, str):
        return data
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    declared = declared_charset(data, content_type)
    if declared is None or not declared.startswith("utf-16"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if declared and declared != "utf-8":  # a UTF-8 label on bytes that are not UTF-8 is just wrong
        return data.decode(declared, errors="replace")
    best = charset_normalizer.from_bytes(data).best()
    guess = _codec(best.encoding) if best is not None and best.encoding else None
    if guess is None or guess in _LATIN_SINGLE_BYTE:
        # Detection cannot tell Latin code pages apart on a mostly-English page (it reads
        # "Muñiz" as cp1250 "Muńiz"); for English football news the browsers' default,
        # windows-1252, is the right call whenever the bytes are valid in it.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return data.decode(guess or "cp1252", errors="replace")


_FTFY = ftfy.TextFixerConfig(
    # only undo encoding damage; leave quotes, ligatures and widths as the page has them
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    unescape_html=False,
    explain=False,
)


def repair(text: str) -> str:
    """Undo mojibake ("Â£", "â€™") when ftfy is confident; otherwise return the text unchanged."""
    return ftfy.fix_text(text, config=_FTFY)


# --------------------------------------------------------------------------- debris

_DEBRIS_LINE = re.compile(
    r"""^(?:
        advertisement | advert | sponsored(?:\ content)? | related\ (?:links|stories|articles)
      | (?:click|tap)\ here\b.{0,60} | read\ more\b.{0,80} | (?:also\ )?see\ also\b.{0,80}
      | more\ ?:.{0,200}
      | share\ (?:this|on)\b.{0,40} | (?:follow|like)\ us\ on\b.{0,60}
      | (?:sign\ up|subscribe)\b.{0,80}(?:newsletter|updates|alerts).{0,40}
      | get\ .{0,30}\ on\ whatsapp.{0,20}
      | please\ use\ .{0,40}browser.{0,80}
      | (?:video|watch|play|now\ playing)\b.{0,120}
      | print(?:\ this)?(?:\ (?:page|article|story))? | e-?mail(?:\ (?:this|to\ a\ friend))?.{0,20}
      | comments?\ \(\d+\) | \d+\ comments? | have\ your\ say\b.{0,40} | report\ this\ (?:comment|post)
      | quote\ \|\ report\ this\ post | posted\ by:?\ .{1,80}\ (?:on|at)\ .{4,40}
      | (?:<<\s*)?back\ to\ (?:index|top|news).{0,20} | bookmark\ this\ page
      | scroll\ down\b.{0,30} | view\ all\ comments | .{0,200}\ball\ rights\ reserved\b.{0,200}
      | (?:©|\(c\)|copyright)\ .{0,120}
      | (?:photo|picture|image)s?\s*:.{0,80} | (?:getty|reuters|ap|afp|pa)(?:\ images)?
    )$""",
    re.I | re.X,
)
# markup that leaked into text (ad-server <script>/<noscript> snippets)
_MARKUP = re.compile(r"^<(?:!--|[!/]?[a-z][^>]*>)", re.I)
# a video or audio caption: "Ancelotti on Bellingham (1:58)" or "... 2:14"
_DURATION = re.compile(r"\(?\b\d{1,2}:\d{2}\)?\s*$")
# a list of promo links: every line a short "- Name: headline" teaser
_TEASER = re.compile(r"^[-•›»]\s*\S.{0,100}$")


def is_debris(paragraph: str) -> bool:
    """True for a paragraph that is page furniture rather than report text.

    Judged on the whole paragraph only: a line is dropped or kept, never edited.
    """
    p = paragraph.strip()
    if not p:
        return True
    if _DEBRIS_LINE.match(p) or _MARKUP.match(p):
        return True
    lines = [ln.strip() for ln in p.split("\n") if ln.strip()]
    if all(ln.count(" | ") >= 2 and not _SENTENCE_END.search(ln) for ln in lines):
        return True  # "Home | Football | Cricket | ..." menus
    if all(_DURATION.search(ln) and len(ln) < 160 and not ln.endswith(".") for ln in lines):
        return True
    return len(lines) > 1 and all(_TEASER.match(ln) for ln in lines)


# where reader comments begin: everything from here on is not the report
_COMMENTS_START = re.compile(
    r"""^(?:(?:\d+\s+)?(?:readers?'?\s+|your\s+|user\s+)?comments?(?:\s*\(\d+\))?\s*:?
        | have\ your\ say\b.{0,40} | thanks\ for\ your\ comments\b.{0,60}
        | (?:post|add|leave|write)\ (?:a|your)\ comment\b.{0,40}
        | comments?\ (?:are|is|have\ been)\ (?:now\ )?closed\b.{0,40}
        | related\ (?:to\ this\ (?:story|article)|(?:internet\ )?links|stories|articles|news)\b.{0,30}
        | (?:more|other|latest|top)\ (?:stories|headlines|news)\b.{0,40}
        | most\ (?:read|popular|viewed)\b.{0,30}
        | (?:e-?mail|mail)\ (?:this\ )?(?:to\ a\ friend|story|article)\b.{0,60}
        | print\ (?:this\ )?(?:story|article|page)\b.{0,60})$""",
    re.I | re.X,
)
_SENTENCE_END = re.compile(r"""[.!?:;]["'\u201d\u2019)]*$""")


def is_prose(paragraph: str) -> bool:
    """A paragraph that reads like report text: sentences, not a menu entry or a link."""
    words = len(paragraph.split())
    return words >= 20 or (words >= 4 and bool(_SENTENCE_END.search(paragraph)))


def trim(paragraphs: list[str]) -> list[str]:
    """Keep the report out of trafilatura's blocks: whole paragraphs dropped, none edited.

    - page furniture (`is_debris`) goes;
    - reader comments go: everything from a "Comments" / "Have your say" heading
      on, once some report text has been seen;
    - headings, bylines and breadcrumbs before the first real paragraph go;
    - runs of three or more short non-sentence blocks (menus, link lists,
      "more stories") go.
    """
    kept: list[str] = []
    for p in paragraphs:
        if _COMMENTS_START.match(p) and sum(len(k.split()) for k in kept if is_prose(k)) >= 60:
            break
        if not is_debris(p):
            kept.append(p)
    while kept and not is_prose(kept[0]):
        kept.pop(0)
    out: list[str] = []
    run: list[str] = []
    for p in [*kept, ""]:
        if p and not is_prose(p):
            run.append(p)
            continue
        if len(run) < 3:
            out.extend(run)
        run = []
        if p:
            out.append(p)
    return out


# --------------------------------------------------------------------------- extraction

# Tuned on ../shared/corpus/html with bench/html_extraction.py (see its docstring).
_EXTRACT_OPTIONS = {
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}


_BLOCKS = frozenset(
    "p head div section article main list item quote blockquote table row tr ul ol li h1 h2 h3 h4 h5 h6 "
    "pre code figure figcaption header footer aside dl dt dd td th cell tbody thead form nav center".split()
)
_BREAKS = frozenset(("lb", "br"))
_SPACE = re.compile(r"\s+")  # in HTML a newline in text is just a space


def _paragraphs(body: etree._Element, *, flat_text_is_lines: bool = True) -> list[str]:
    """The main-content tree as paragraphs: one per block element, line breaks kept as "\\n".

    trafilatura's own output is a flat list of <p>/<head>/<list> blocks, but when it
    falls back to its readability-style extractor the tree is nested <div>s with loose
    text, so block boundaries are found at any depth.
    """
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BREAKS:
            parts.append("\n")
        elif tag in _BLOCKS:
            parts.append("\n\n")
        if el.text and tag not in ("script", "style"):
            parts.append(_SPACE.sub(" ", el.text))
        for child in el:
            walk(child)
            if child.tail:
                parts.append(_SPACE.sub(" ", child.tail))
        if tag in _BLOCKS:
            parts.append("\n\n")

    if flat_text_is_lines and len(body) == 1 and len(body[0]) == 0 and (body[0].text or "").count("\n") >= 3:
        # trafilatura's last-resort extraction: the whole page's text in one block, with
        # element boundaries left as newlines; those are the only breaks there are
        return [ln for ln in (re.sub(r"\s+", " ", x).strip() for x in body[0].text.split("\n")) if ln]
    walk(body)
    paragraphs = []
    for block in re.split(r"\n\s*\n", "".join(parts)):
        lines = (re.sub(r"[ \u00a0]+", " ", ln).strip() for ln in block.split("\n"))
        text = "\n".join(ln for ln in lines if ln)
        if text:
            paragraphs.append(text)
    return paragraphs


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), paragraphs separated by a blank line.

    Only furniture lines are dropped (`is_debris`); no boilerplate detection, since a
    feed's content element holds the article and nothing else.
    """
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//iframe|//object|//embed"):
        bad.drop_tree()
    paragraphs = [repair(p) for p in _paragraphs(root, flat_text_is_lines=False)]
    return "\n\n".join(p for p in paragraphs if not is_debris(p))


def outlet_from_url(url: str | None) -> str | None:
    """The outlet a page's address gives: the knowledge base's name for its site ("bbc.co.uk" ->
    "BBC Sport"), else its bare host ("www.example.com" -> "example.com"). See `kb/outlets.py`."""
    return outlet_for_url(url)


_OG_SITE = re.compile(
    r"""<meta[^>]+(?:property|name)\s*=\s*["']og:site_name["'][^>]*content\s*=\s*["']([^"']+)["']""", re.I
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _clean_meta(value: str | None) -> str | None:
    if not value:
        return None
    value = re.sub(r"\s+", " ", repair(value)).strip()
    return value or None


def _plausible_outlet(name: str | None, title: str | None) -> bool:
    """A site name that names a site: not a copyright line, not the headline, not a sentence."""
    if not name or len(name.split()) > 5 or len(name) > 50:
        return False
    folded = name.casefold()
    if "©" in name or "copyright" in folded or "rights reserved" in folded:
        return False
    return not (title and (title.casefold() in folded or folded in title.casefold()))


def _weak_title(title: str | None, sitename: str | None, url: str | None) -> bool:
    """A <title> that names the site or section rather than the story ("SuperSoccer", "icHarrow")."""
    if not title or len(title.split()) <= 3:
        return True
    folded = title.casefold()
    host = (site_of(url) or "").split(".")[0]
    return bool(sitename and folded == sitename.casefold()) or bool(host and host in folded.replace(" ", ""))


def _headline_before_text(paragraphs: list[str]) -> str | None:
    """The heading just above the first real paragraph: on old pages, the story's headline."""
    for i, p in enumerate(paragraphs):
        if is_prose(p):
            for q in reversed(paragraphs[max(0, i - 3) : i]):
                if 2 <= len(q.split()) <= 16 and "\n" not in q and not is_debris(q) and q[-1:] not in ".,;":
                    return q
            return None
    return None


def article_from_html(
    data: bytes | str, *, doc_id: str, url: str | None = None, content_type: str | None = None
) -> Article:
    """One HTML page as an Article: main text with paragraph breaks, title, date, author, outlet.

    `content_type` is the HTTP Content-Type header when the page was fetched; its
    charset outranks the page's own declaration. Raises HtmlError when the page has
    no article text.
    """
    html = decode_html(data, content_type)
    if not html.strip():
        raise HtmlError(f"{doc_id}: empty page")
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **_EXTRACT_OPTIONS)
    except Exception as exc:  # trafilatura/lxml raise a zoo of parser errors on junk
        raise HtmlError(f"{doc_id}: could not parse the page as HTML ({exc})") from exc
    body = getattr(doc, "body", None) if doc is not None else None
    paragraphs = [] if body is None else _paragraphs(body)
    raw = [repair(p) for p in paragraphs]
    paragraphs = trim(raw)
    text = "\n\n".join(paragraphs).strip()
    if not text:
        raise HtmlError(f"{doc_id}: no article text found in the page")

    title = _clean_meta(doc.title)
    if _weak_title(title, doc.sitename, url):
        title = _headline_before_text(raw) or title
    if title and paragraphs and paragraphs[0] == title:
        # trafilatura often repeats the headline as the first block; the title field has it
        text = "\n\n".join(paragraphs[1:]).strip() or text
    m = _OG_SITE.search(html[:200_000])
    candidates = (doc.sitename, m.group(1) if m else None)
    outlet = next((c for c in map(_clean_meta, candidates) if _plausible_outlet(c, title)), None)
    outlet = outlet or outlet_from_url(url) or outlet_from_url(doc.url)
    date = doc.date if doc.date and _ISO_DATE.match(doc.date) else None
    return Article(
        id=doc_id,
        text=text,
        title=title,
        url=url or doc.url,
        outlet=outlet,
        published=date[:10] if date else None,
        author=_clean_meta(doc.author),
        source="html",
    )
