"""Alerts as an Atom feed (RFC 4287), so any feed reader can subscribe to a followed story.

One entry per alert: the change as its title, the evidence sentence and the
source in its content, a link to the report page where the evidence is
highlighted, and a stable `urn:uuid:` id so readers never show an alert twice.
Built with ElementTree, which escapes every text (report text is untrusted).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from xml.etree import ElementTree as ET

from .alerts import Alert
from .timing import now_iso

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _content(alert: Alert, source_url: str | None) -> str:
    """The entry's HTML: the change, the evidence quoted, the source (all escaped)."""
    e = html.escape
    source = ", ".join(x for x in (alert.outlet or "unknown outlet", alert.published or "undated") if x)
    link = f' · <a href="{e(source_url)}">original report</a>' if source_url else ""
    also = "".join(f"<li>{e(a)}</li>" for a in alert.also)
    claim = alert.claim
    said = " · ".join(
        str(x)
        for x in (claim.get("type"), claim.get("value"), claim.get("modality"), claim.get("attribution"))
        if x
    )
    return (
        f"<p><strong>{e(alert.summary)}</strong></p>"
        f"<blockquote>{e(alert.evidence)}</blockquote>"
        f"<p>{e(source)}{link}</p>"
        f"<p>Claim: {e(said)}</p>" + (f"<ul>{also}</ul>" if also else "")
    )


def _title(alert: Alert) -> str:
    """The change, led by the followed name unless the change names it already."""
    name = alert.story or alert.name
    return alert.summary if name in alert.summary else f"{name}: {alert.summary}"


def atom_feed(
    alerts: Sequence[Alert],
    *,
    title: str,
    self_url: str,
    site_url: str,
    entry_url: Callable[[Alert], str],
    source_url: Callable[[Alert], str | None] = lambda a: None,
) -> bytes:
    """The feed document: `self_url` is its own address (and id), `entry_url` each alert's page."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", self_url)
    _sub(feed, "title", title)
    _sub(feed, "subtitle", "Changes in followed football stories, each with its evidence and source.")
    _sub(feed, "updated", max((a.created_at for a in alerts), default=now_iso()))
    _sub(feed, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    _sub(feed, "generator", "dugout")
    author = _sub(feed, "author")
    _sub(author, "name", "dugout")
    for a in alerts:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:uuid:{a.uuid}")
        _sub(entry, "title", _title(a))
        _sub(entry, "updated", a.created_at)
        _sub(entry, "published", a.created_at)
        _sub(entry, "link", rel="alternate", type="text/html", href=entry_url(a))
        original = source_url(a)
        if original:
            _sub(entry, "link", rel="related", type="text/html", href=original)
        by = _sub(entry, "author")
        _sub(by, "name", a.outlet or "unknown outlet")
        _sub(entry, "category", term=a.kind, label=a.kind.replace("_", " "))
        _sub(
            entry,
            "summary",
            f"{a.summary} — “{a.evidence}” ({a.outlet or 'unknown outlet'}, {a.published or 'undated'})",
            type="text",
        )
        _sub(entry, "content", _content(a, original), type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
