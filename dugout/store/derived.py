"""What the store works out once, at ingest, so that a story never has to recompute it.

- per claim: its report's `day` (the date the story orders and filters by), its person and
  club keys (`subject_key`, `object_key`: the folded names the settling rules compare), and
  `sig`, a hash of everything the claim says plus its report's date and outlet: claims with
  one signature (a report stored again, syndicated copies) are one line of a story, counted.
- per report: a MinHash of its text, its LSH band keys (`report_bands`) and `cluster`, the
  first stored report it is a near-copy of (itself if none), so copies share one voice
  without comparing texts on every story.
- outcomes: `settlements` and `outcomes` (see `outcomes.py`), updated for the claims a new
  report can settle or be settled by.

`rebuild_all` recomputes everything from the stored rows: the version-4 migration and bulk
loaders use it.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from datasketch import MinHash
from sqlalchemy import and_, bindparam, delete, func, or_, select, text, union, update

from dugout.kb.names import fold

from . import outcomes as oc
from .dates import start_of
from .schema import articles as articles_t
from .schema import claims as claims_t
from .schema import outcome_counts as counts_t
from .schema import outcomes as outcomes_t
from .schema import report_bands as bands_t
from .schema import settlements as settlements_t

NEAR_DUPLICATE = 0.7
"""Estimated Jaccard similarity of shingle sets above which two reports are copies of one."""
SHINGLE = 3
PERMUTATIONS = 128
BANDS, ROWS = 14, 9
"""LSH bands of the signature: what datasketch picks for a 0.7 threshold at 128 permutations."""
_WORDS = re.compile(r"\w+")
_PG_OUTCOMES_LOCK = 0x6475_6F63  # "duoc": one writer at a time updates outcomes


# -- per claim ---------------------------------------------------------------------------------


def report_day(published: str | None, when: str | None) -> str | None:
    """The day a claim is placed by: its report's publication day, else the claim's own date."""
    day = start_of(published) or start_of(when)
    return day.isoformat() if day else None


def claim_signature(row: dict[str, Any], published: str | None, outlet: str | None) -> str:
    """A hash of what a claim says, where and when: equal for the same claim in a copied report."""
    fields = [
        row.get(k)
        for k in (
            "type",
            "subject",
            "object",
            "value",
            "polarity",
            "modality",
            "evidence",
            "attribution",
            "outlet",
            "happened",
            "confidence",
            "competition",
            "counterpart",
        )
    ]
    payload = json.dumps([*fields, published, outlet], ensure_ascii=False, default=str)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def derived_claim_columns(row: dict[str, Any], published: str | None, outlet: str | None) -> dict[str, Any]:
    """The version-4 columns of a claim row (as `store._claim_row` builds it) in a report."""
    return {
        "day": report_day(published, row.get("happened")),
        "subject_key": fold(row.get("subject")),
        "object_key": fold(row.get("object")) if row.get("object") else None,
        "sig": claim_signature(row, published, outlet),
    }


# -- per report: near-copies ---------------------------------------------------------------------


def _stable_hash(data: bytes) -> int:
    return zlib.crc32(data)


def minhash(text: str) -> MinHash:
    """MinHash of a text's word 3-shingles, with a stable hash so signatures can be stored."""
    words = _WORDS.findall(text.lower())  # near-copies share wording; accents need no folding here
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    m = MinHash(num_perm=PERMUTATIONS, seed=1, hashfunc=_stable_hash)
    m.update_batch([s.encode("utf-8") for s in shingles])  # vectorised: one numpy pass, not one per shingle
    return m


def signature_bytes(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint32).tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    va, vb = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(va == vb)) / len(va)


def band_keys(signature: bytes) -> list[int]:
    """One key per LSH band: reports sharing a key are compared, others never."""
    values = np.frombuffer(signature, dtype=np.uint32)
    return [(b << 32) | zlib.crc32(values[b * ROWS : (b + 1) * ROWS].tobytes()) for b in range(BANDS)]


def _nearest(conn: Any, sig: bytes, keys: list[int], doc: str | None) -> Any | None:
    """The earliest stored report (by date, then id), other than `doc`, at least `NEAR_DUPLICATE`
    similar to the signature `sig` with band keys `keys`; None when there is none."""
    cands = conn.execute(
        select(articles_t.c.id, articles_t.c.published, articles_t.c.minhash, articles_t.c.cluster)
        .where(
            articles_t.c.id.in_(select(bands_t.c.doc).where(bands_t.c.band.in_(keys)).distinct()),
            articles_t.c.id != (doc or ""),
        )
        .order_by(articles_t.c.published.asc().nulls_last(), articles_t.c.id)
    ).all()
    return next(
        (c for c in cands if c.minhash is not None and similarity(sig, c.minhash) >= NEAR_DUPLICATE), None
    )


def near_copy_of(conn: Any, text_: str) -> str | None:
    """The id of a stored report this text is a near-copy of, else None; reads only.

    Lets a caller skip a syndicated copy before paying for its language processing.
    """
    sig = signature_bytes(minhash(text_))
    found = _nearest(conn, sig, band_keys(sig), None)
    return found.id if found is not None else None


def assign_cluster(conn: Any, doc: str, text_: str) -> str:
    """Store a report's signature and band keys; return (and store) the cluster it belongs to.

    The cluster is that of the earliest stored report (by publication date, then id) whose
    signature is at least `NEAR_DUPLICATE` similar, else the report itself.
    """
    sig = signature_bytes(minhash(text_))
    keys = band_keys(sig)
    found = _nearest(conn, sig, keys, doc)
    cluster = (found.cluster or found.id) if found is not None else doc
    conn.execute(update(articles_t).where(articles_t.c.id == doc).values(minhash=sig, cluster=cluster))
    conn.execute(bands_t.insert(), [{"band": k, "doc": doc} for k in keys])
    return cluster


def mark_copies(conn: Any, rows: list[dict[str, Any]], cluster: str) -> None:
    """Point new claim rows (not yet inserted) at the first stored claim with their signature.

    "First" means in the same near-copy cluster; that claim's `copies` counts them, so a story
    reads one row for a claim stored many times (the name indexes hold `dup_of`, so the copies
    are not even read). Rows are marked before they are inserted, so no index entry is written
    twice (an update of an indexed column leaves a dead entry behind on PostgreSQL).
    """
    c = claims_t.c
    sigs = sorted({r["sig"] for r in rows})
    first: dict[str, int] = dict(
        conn.execute(
            select(c.sig, func.min(c.id))
            .join(articles_t, articles_t.c.id == c.doc)
            .where(c.sig.in_(sigs), c.dup_of.is_(None), articles_t.c.cluster == cluster)
            .group_by(c.sig)
        ).all()
    )
    added: dict[int, int] = defaultdict(int)
    for r in rows:
        rep = first.get(r["sig"])
        r["dup_of"], r["copies"] = rep, 1
        if rep is not None:
            added[rep] += 1
    if added:
        conn.execute(
            update(claims_t).where(c.id == bindparam("rid")).values(copies=c.copies + bindparam("k")),
            [{"rid": rep, "k": k} for rep, k in added.items()],
        )


def mark_copies_within(conn: Any, doc: str) -> None:
    """The same claim twice in one report: the later rows become copies of the first."""
    c = claims_t.c
    rows = conn.execute(select(c.id, c.sig).where(c.doc == doc, c.dup_of.is_(None)).order_by(c.id)).all()
    first: dict[str, int] = {}
    dups = []
    for r in rows:
        rep = first.setdefault(r.sig, r.id)
        if rep != r.id:
            dups.append({"cid": r.id, "rep": rep})
    if dups:
        conn.execute(update(claims_t).where(c.id == bindparam("cid")).values(dup_of=bindparam("rep")), dups)
        added: dict[int, int] = defaultdict(int)
        for d in dups:
            added[d["rep"]] += 1
        conn.execute(
            update(claims_t).where(c.id == bindparam("rid")).values(copies=c.copies + bindparam("k")),
            [{"rid": rep, "k": k} for rep, k in added.items()],
        )


def fill_copies(conn: Any) -> None:
    """`dup_of` and `copies` of every stored claim, in two set-based statements (bulk loads)."""
    conn.execute(text("UPDATE claims SET dup_of = NULL, copies = 1"))
    conn.execute(
        text(
            "UPDATE claims SET dup_of = r.rep FROM ("
            " SELECT c.id AS id, MIN(c.id) OVER (PARTITION BY c.sig, a.cluster) AS rep"
            " FROM claims c JOIN articles a ON a.id = c.doc) r"
            " WHERE r.id = claims.id AND r.rep <> claims.id"
        )
    )
    conn.execute(
        text(
            "UPDATE claims SET copies = r.n FROM ("
            " SELECT dup_of AS id, COUNT(*) + 1 AS n FROM claims WHERE dup_of IS NOT NULL GROUP BY dup_of) r"
            " WHERE r.id = claims.id"
        )
    )


# -- outcomes ------------------------------------------------------------------------------------

FOREVER = "9999-12-31"
"""`outcome_counts.until` of outcomes that still hold."""


def _count(conn: Any, rows: Sequence[dict[str, Any]], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) outcome rows from the per-voice counters."""
    tally: dict[tuple, int] = defaultdict(int)
    for r in rows:
        tally[(r["voice"] or "unknown", r["outcome"], r["since"], r["until"] or FOREVER)] += 1
    if not tally:
        return
    params = [
        {"voice": k[0], "outcome": k[1], "since": k[2], "until": k[3], "n": n * sign}
        for k, n in tally.items()
    ]
    if sign > 0:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(counts_t)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["voice", "outcome", "since", "until"],
                set_={"n": counts_t.c.n + stmt.excluded.n},
            ),
            params,
        )
        return
    k = counts_t.c
    key = and_(
        k.voice == bindparam("b_voice"),
        k.outcome == bindparam("b_outcome"),
        k.since == bindparam("b_since"),
        k.until == bindparam("b_until"),
    )
    conn.execute(
        update(counts_t).where(key).values(n=k.n + bindparam("b_n")),
        [{f"b_{name}": value for name, value in p.items()} for p in params],
    )
    conn.execute(delete(counts_t).where(k.n <= 0))


def _forget(conn: Any, ids: list[int]) -> None:
    """Drop the settlements and outcomes of targets about to be redone, and their counts."""
    o = outcomes_t.c
    old = conn.execute(select(o.voice, o.outcome, o.since, o.until).where(o.claim_id.in_(ids))).all()
    _count(conn, [r._asdict() for r in old], -1)
    conn.execute(delete(outcomes_t).where(o.claim_id.in_(ids)))
    conn.execute(delete(settlements_t).where(settlements_t.c.claim_id.in_(ids)))


def _fact_query() -> Any:
    return select(
        claims_t.c.id,
        claims_t.c.doc,
        claims_t.c.type,
        claims_t.c.subject,
        claims_t.c.object,
        claims_t.c.value,
        claims_t.c.polarity,
        claims_t.c.modality,
        claims_t.c.day,
        claims_t.c.attribution,
        func.coalesce(claims_t.c.outlet, articles_t.c.outlet).label("publisher"),
    ).join(articles_t, articles_t.c.id == claims_t.c.doc)


def _fact(row: Any, publishers: Iterable[str] | None) -> oc.Fact:
    voice = None
    if publishers is not None:
        voice = oc.voice_of(row.attribution, row.publisher, publishers) or f"report {row.doc}"
    return oc.Fact(
        ref=row.id,
        id=row.id,
        doc=row.doc,
        type=row.type,
        subject=row.subject,
        object=row.object,
        value=row.value,
        polarity=row.polarity,
        modality=row.modality,
        day=date.fromisoformat(row.day) if row.day else None,
        voice=voice,
    )


def publishers(conn: Any) -> set[str]:
    """Every outlet that published a stored report or claim (attributions may name one loosely)."""
    query = union(
        select(articles_t.c.outlet).where(articles_t.c.outlet.is_not(None)).distinct(),
        select(claims_t.c.outlet).where(claims_t.c.outlet.is_not(None)).distinct(),
    )
    return {r[0] for r in conn.execute(query)}


def _settlement_rows(found: Sequence[oc.Settlement]) -> tuple[list[dict], list[dict]]:
    srows, orows = [], []
    for s in found:
        c = s.claim
        srows.append(
            {
                "claim_id": c.id,
                "kind": s.kind,
                "voice": c.voice,
                "subject_key": c.subject_key,
                "object_key": c.object_key if c.object else None,
                "day": oc.iso(c.day),
                "first_day": oc.iso(s.first_day),
                "end_day": oc.iso(s.end_day),
                "stay_day": oc.iso(s.stay_day),
            }
        )
        for i in s.intervals:
            orows.append(
                {
                    "claim_id": c.id,
                    "settled_by": i.settled_by.id,
                    "outcome": i.outcome,
                    "voice": c.voice,
                    "since": oc.iso(i.since),
                    "until": oc.iso(i.until),
                    "reason": i.reason,
                }
            )
    return srows, orows


def _write(conn: Any, found: Sequence[oc.Settlement], chunk: int = 5000, counts: bool = True) -> None:
    srows, orows = _settlement_rows(found)
    for rows, table in ((srows, settlements_t), (orows, outcomes_t)):
        for i in range(0, len(rows), chunk):
            conn.execute(table.insert(), rows[i : i + chunk])
    if counts:
        _count(conn, orows, 1)


def _could_change(row: Any, target: oc.Fact, event: oc.Fact) -> bool:
    """Whether a new event comes before what decided a stored target (so it must be redone)."""
    r = oc.role(target, event)
    day = event.day
    if r is None or day is None:
        return False
    first, end, stay = (
        date.fromisoformat(d) if d else None for d in (row.first_day, row.end_day, row.stay_day)
    )
    if r == "first":
        return first is None or day < first
    if r == "end":
        return end is None or day < end
    return (stay is None or day < stay) and (end is None or day < end)


def _lock_outcomes(conn: Any) -> None:
    """Two writers must not update outcomes from snapshots that miss each other's reports."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_OUTCOMES_LOCK})


def _like_last(column: Any, key: str | None) -> Any:
    """`column` (a folded name) ends in the last word of `key`: names that match must (`names_match`)."""
    last = (key or "").split(" ")[-1]
    if not last:
        return column.is_(None)
    escaped = last.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(column == last, column.like(f"% {escaped}", escape="\\"))


def _first(conn: Any, query: Any, accept: Any, page: int = 8) -> oc.Fact | None:
    """The first row of `query` (ordered by day, id) that `accept` takes: a short page, then the rest."""
    ordered = query.order_by(claims_t.c.day, claims_t.c.id)
    rows = conn.execute(ordered.limit(page)).all()
    for r in rows:
        f = _fact(r, None)
        if accept(f):
            return f
    if len(rows) < page:
        return None
    for r in conn.execute(ordered.offset(page)):
        f = _fact(r, None)
        if accept(f):
            return f
    return None


def _deciding_events(conn: Any, t: oc.Fact) -> list[oc.Fact]:
    """The first event of each kind that can settle target `t`: all `Events.settle` needs of it.

    A few indexed queries (person key and day) per target instead of every claim about him.
    """
    c = claims_t.c
    kind = oc.target_kind(t)
    day = oc.iso(t.day)
    later = _fact_query().where(c.subject_key == t.subject_key, c.day > day, c.polarity == "affirmed")
    found: list[oc.Fact | None] = []
    if kind == "transfer":
        moves = later.where(c.type == "transfer", c.value.in_(oc.MOVES), c.object.is_not(None))
        found.append(
            _first(conn, moves.where(c.modality != "conditional"), lambda o: oc.role(t, o) == "first")
        )
    elif kind == "candidate":
        posts = or_(
            and_(c.type == "coach_of", c.value.in_(oc.APPOINTED_COACH)),
            and_(c.type == "job_status", c.value == "appointed"),
        )
        mine = later.where(posts, c.modality != "conditional", c.object.is_not(None))
        found.append(_first(conn, mine, lambda o: oc.role(t, o) == "first"))
        if t.object:
            others = (
                _fact_query()
                .where(c.object_key == t.object_key, c.day > day, c.polarity == "affirmed", posts)
                .where(c.modality != "conditional", c.subject_key != t.subject_key)
            )
            found.append(_first(conn, others, lambda o: oc.role(t, o) == "first"))
    elif kind == "job":
        at_club = later.where(_like_last(c.object_key, t.object_key))
        ends = at_club.where(c.type == "job_status", c.value.in_(oc.TERMINAL))
        end = _first(conn, ends, lambda o: oc.role(t, o) == "end")
        need = oc.AT_RISK_DAYS if t.value == "at_risk" else oc.STILL_THERE_DAYS
        in_post = or_(
            and_(c.type == "coach_of", c.value.in_(("current", "interim"))),
            and_(c.type == "job_status", c.value.in_(("secure", "extended", "at_risk"))),
        )
        stays = at_club.where(in_post, c.day >= oc.iso(t.day + timedelta(days=need)))  # type: ignore[operator]
        if end is not None:
            stays = stays.where(c.day <= oc.iso(end.day))
        found += [end, _first(conn, stays, lambda o: oc.role(t, o) == "stay")]
    return [f for f in found if f is not None]


def _stored_targets(conn: Any, events: list[oc.Fact]) -> list[oc.Fact]:
    """Stored targets that one of the new `events` comes before what decided them."""
    s = settlements_t.c
    subjects = {e.subject_key for e in events}
    clubs = {e.object_key for e in events if e.object and oc.is_appointment(e)}
    days = [e.day for e in events if e.day]
    earliest, latest = oc.iso(min(days)), oc.iso(max(days))
    horizon = oc.iso(max(days) - timedelta(days=oc.SECURE_HORIZON_DAYS))
    open_ = or_(
        and_(s.kind != "job", or_(s.first_day.is_(None), s.first_day > earliest)),
        and_(
            s.kind == "job",
            or_(s.end_day.is_(None), s.end_day > earliest),
            or_(s.stay_day.is_(None), s.stay_day > earliest, s.day >= horizon),
        ),
    )
    fact_columns = [col for col in _fact_query().selected_columns if col.name != "day"]
    stored = conn.execute(
        select(settlements_t, *fact_columns)
        .join(claims_t, claims_t.c.id == s.claim_id)
        .join(articles_t, articles_t.c.id == claims_t.c.doc)
        .where(
            s.day < latest,
            open_,
            or_(s.subject_key.in_(subjects), and_(s.kind == "candidate", s.object_key.in_(clubs))),
        )
    ).all()
    by_subject: dict[str, list[oc.Fact]] = defaultdict(list)
    by_club: dict[str, list[oc.Fact]] = defaultdict(list)
    for e in events:
        by_subject[e.subject_key].append(e)
        if e.object and oc.is_appointment(e):
            by_club[e.object_key].append(e)
    changed = []
    for row in stored:
        target = _fact(row, None)
        target.voice = row.voice
        near = by_subject.get(target.subject_key, []) + by_club.get(target.object_key, [])
        if any(_could_change(row, target, e) for e in near):
            changed.append(target)
    return changed


def update_outcomes(conn: Any, doc: str, known: Iterable[str]) -> None:
    """Score the new report's claims and redo the stored targets its claims settle first.

    `known` is the set of publishers (see `publishers`); the report's own outlets are added.
    """
    _lock_outcomes(conn)
    rows = conn.execute(_fact_query().where(claims_t.c.doc == doc).order_by(claims_t.c.id)).all()
    names = set(known) | {r.publisher for r in rows if r.publisher}
    new = [_fact(r, names) for r in rows]
    redo = oc.targets(new)
    events = [f for f in new if oc.is_event(f)]
    if events:
        changed = _stored_targets(conn, events)
        if changed:
            _forget(conn, [t.id for t in changed])
            redo += changed
    found = [oc.Events(_deciding_events(conn, t)).settle(t) for t in redo]
    _write(conn, [s for s in found if s is not None])


def rebuild_outcomes(conn: Any) -> None:
    """Recompute every settlement and outcome from the stored claims (migration, bulk loads)."""
    _lock_outcomes(conn)
    conn.execute(delete(outcomes_t))
    conn.execute(delete(settlements_t))
    conn.execute(delete(counts_t))
    names = publishers(conn)
    rows = conn.execute(
        _fact_query().order_by(articles_t.c.published.asc().nulls_last(), claims_t.c.id)
    ).all()
    _write(conn, oc.settle_all([_fact(r, names) for r in rows]), counts=False)
    conn.execute(
        text(
            "INSERT INTO outcome_counts (voice, outcome, since, until, n)"
            " SELECT COALESCE(voice, 'unknown'), outcome, since, COALESCE(until, :forever), COUNT(*)"
            " FROM outcomes GROUP BY COALESCE(voice, 'unknown'), outcome, since, COALESCE(until, :forever)"
        ),
        {"forever": FOREVER},
    )


def fill_claim_columns(conn: Any, docs: Sequence[str] | None = None, chunk: int = 2000) -> None:
    """Set the version-4 claim columns of stored claims (of `docs`, or all) from their rows."""
    query = select(
        claims_t, articles_t.c.published.label("a_published"), articles_t.c.outlet.label("a_outlet")
    ).join(articles_t, articles_t.c.id == claims_t.c.doc)
    if docs is not None:
        query = query.where(claims_t.c.doc.in_(list(docs)))
    rows = conn.execute(query).all()
    stmt = (
        update(claims_t)
        .where(claims_t.c.id == bindparam("cid"))
        .values(
            day=bindparam("d"), subject_key=bindparam("sk"), object_key=bindparam("ok"), sig=bindparam("sg")
        )
    )
    params = []
    for r in rows:
        cols = derived_claim_columns(r._asdict(), r.a_published, r.a_outlet)
        params.append(
            {
                "cid": r.id,
                "d": cols["day"],
                "sk": cols["subject_key"],
                "ok": cols["object_key"],
                "sg": cols["sig"],
            }
        )
    for i in range(0, len(params), chunk):
        conn.execute(stmt, params[i : i + chunk])


def rebuild_all(conn: Any) -> None:
    """Everything this module keeps, from scratch: claim columns, clusters, outcomes."""
    fill_claim_columns(conn)
    conn.execute(delete(bands_t))
    for row in conn.execute(
        select(articles_t.c.id, articles_t.c.text).order_by(
            articles_t.c.published.asc().nulls_last(), articles_t.c.id
        )
    ).all():
        assign_cluster(conn, row.id, row.text)
    fill_copies(conn)
    rebuild_outcomes(conn)
