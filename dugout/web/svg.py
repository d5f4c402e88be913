"""The story's timeline as an SVG chart, drawn on the server: no script, no library, no CDN.

One row per claim type, time left to right; each claim is a dot coloured by
its outlet (a fixed palette that colour-blind readers can tell apart), filled
when the claim says when it happened and a ring when it is placed by its
report's date. Every dot is a link to its evidence in the report and carries
a tooltip (`<title>`). Every piece of report text is escaped here, since this
markup goes into the page as is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from dugout.records import CLAIM_TYPES
from dugout.story.dates import start_of
from dugout.story.timeline import Event

# Okabe & Ito's colour-blind-safe palette (yellow dropped: too pale on white), then two more.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B")
OTHER = "#888888"

TYPE_LABELS = {
    "coach_of": "coach",
    "holds_role": "role",
    "job_status": "job status",
    "contract_until": "contract",
    "meeting": "meeting",
    "candidate_for": "candidate",
    "transfer": "transfer",
    "squad_need": "squad need",
    "match_result": "result",
}

WIDTH = 880
LEFT = 118
RIGHT = 22
TOP = 10
AXIS = 34
ROW = 38
LANE = 15
RADIUS = 6.5
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def outlet_colours(outlets: Sequence[str | None]) -> dict[str, str]:
    """A colour per outlet, in name order, from the fixed palette (grey once it runs out)."""
    names = sorted({o or "unknown outlet" for o in outlets}, key=str.casefold)
    return {n: PALETTE[i] if i < len(PALETTE) else OTHER for i, n in enumerate(names)}


@dataclass
class Chart:
    """The SVG and what the page shows beside it."""

    svg: Markup
    colours: dict[str, str]
    plotted: int
    unplaced: int


def _month_ticks(lo: date, hi: date, most: int = 7) -> list[tuple[date, str]]:
    span_months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if span_months / s <= most), 120)
    ticks = []
    year, month = lo.year, lo.month
    # start on a month that is a multiple of the step (January for yearly ticks)
    while (month - 1) % min(step, 12) != 0 or (step > 12 and year % (step // 12) != 0):
        month += 1
        if month > 12:
            month, year = 1, year + 1
    while (d := date(year, month, 1)) <= hi:
        if d >= lo:
            ticks.append((d, str(year) if step >= 12 else f"{MONTHS[month - 1]} {year}"))
        month += step
        while month > 12:
            month, year = month - 12, year + 1
    return ticks


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def timeline_chart(
    events: Sequence[Event],
    link: Callable[[str, int | None], str],
    as_of: str | None = None,
    title: str = "Timeline",
    width: int = WIDTH,
    id: str = "chart",
) -> Chart:
    """The chart of `events`; `link(doc, claim_id)` gives each dot's href.

    `width` is the drawing's width in its own units: a narrow one (about 400) keeps the
    labels legible on a phone, where the page shows it instead of the wide one.
    """
    left = LEFT if width >= 600 else 84
    placed = [(e, start_of(e.date)) for e in events]
    dated = [(e, d) for e, d in placed if d is not None]
    colours = outlet_colours([e.claim.outlet for e, _d in dated])
    if not dated:
        empty = Markup('<p class="muted">No dated events to chart.</p>')
        return Chart(empty, colours, 0, len(events))
    types = [t for t in CLAIM_TYPES if any(e.claim.claim.type == t for e, _d in dated)]
    lo = min(d for _e, d in dated)
    hi = max(d for _e, d in dated)
    pad = max(timedelta(days=20), (hi - lo) * 0.05)
    lo, hi = lo - pad, hi + pad
    plot_w = width - left - RIGHT
    days = max((hi - lo).days, 1)

    def x_of(d: date) -> float:
        return left + plot_w * (d - lo).days / days

    # stack dots that would overlap within a row into lanes
    lanes: dict[str, list[tuple[Event, float, int]]] = {t: [] for t in types}
    for e, d in sorted(dated, key=lambda p: (p[1], p[0].claim.id or 0)):
        row = lanes[e.claim.claim.type]
        x = x_of(d)
        near = [lane for (_e, px, lane) in row if abs(px - x) < RADIUS * 2 + 1]
        lane = next(i for i in range(len(near) + 1) if i not in near)
        row.append((e, x, lane))
    n_lanes = {t: 1 + max((ln for *_r, ln in lanes[t]), default=0) for t in types}
    heights = {t: max(ROW, 2 * RADIUS + 16 + LANE * (n_lanes[t] - 1)) for t in types}
    height = TOP + sum(heights.values()) + AXIS

    parts: list[str] = [
        f'<svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{escape(id)}-title">',
        f'<title id="{escape(id)}-title">{escape(title)}</title>',
    ]
    y = TOP
    row_y: dict[str, float] = {}
    for i, t in enumerate(types):
        h = heights[t]
        if i % 2 == 0:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{h}" fill="#f4f4f1"/>')
        parts.append(
            f'<text x="{left - 8}" y="{_num(y + h / 2 + 5)}" text-anchor="end" class="row-label" '
            f'font-size="14" fill="#333">{escape(TYPE_LABELS.get(t, t))}</text>'
        )
        row_y[t] = y
        y += h
    axis_y = y
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - RIGHT}" y2="{axis_y}" stroke="#666"/>')
    for d, label in _month_ticks(lo, hi, most=max(2, int(plot_w // 70))):
        x = _num(x_of(d))
        parts.append(f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{axis_y + 5}" stroke="#ccc" stroke-width="1"/>')
        parts.append(
            f'<text x="{x}" y="{axis_y + 22}" text-anchor="middle" font-size="13" fill="#444">'
            f"{escape(label)}</text>"
        )
    cut = start_of(as_of)
    if cut is not None and lo <= cut <= hi:
        x = _num(x_of(cut))
        parts.append(
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{axis_y}" stroke="#b00" stroke-dasharray="4 3"/>'
            f'<text x="{x}" y="{TOP + 11}" text-anchor="end" dx="-4" font-size="12" fill="#b00">as of</text>'
        )
    for t in types:
        for e, x, lane in lanes[t]:
            c = e.claim
            outlet = c.outlet or "unknown outlet"
            colour = colours[outlet]
            cy = row_y[t] + heights[t] / 2 + LANE * (lane - (n_lanes[t] - 1) / 2)
            fill, stroke = (colour, "#fff") if e.dated else ("#fff", colour)
            tip = f"{e.date}{'' if e.dated else ' (report date)'} · {outlet}: {e.text}"
            parts.append(
                f'<a href="{escape(link(c.doc, c.id))}" class="dot" data-claim="{c.id or ""}">'
                f'<circle cx="{_num(x)}" cy="{_num(cy)}" r="{RADIUS}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{1.5 if e.dated else 3}"><title>{escape(tip)}</title></circle></a>'
            )
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), colours, len(dated), len(events) - len(dated))


def swatch(colour: str, ring: bool = False) -> Markup:
    """A small dot for legends (an SVG, since the page's policy forbids inline styles)."""
    fill, stroke = ("#fff", colour) if ring else (colour, colour)
    return Markup(
        '<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
        f'<circle cx="7" cy="7" r="5" fill="{escape(fill)}" stroke="{escape(stroke)}" '
        'stroke-width="2"/></svg>'
    )
