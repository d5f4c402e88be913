"""Features of a candidate claim: pure functions of the text, the parse and the knowledge base.

Each function returns a small dict of string keys (`{"path": "nsubj<sack>dobj", "left_s": "boss"}`),
merged into one dict per candidate; `DictVectorizer` encodes them and ignores keys it never saw in
training. Nothing here names a report, a sentence or a person: the words come from the text, and
the model learns which of them matter.

What is read, and why:
- the words of the sentence (trigger lemmas: "sacked", "bid", "linked"), with the sentence's
  tense, negation, modal verbs, quotation and attribution, which decide value and modality;
- the link between the two parties: the dependency path and the words on it, the words between
  them, their order and distance; titles beside each party ("boss", "striker", "president");
- where each party came from (named here, the sentence before, the report's focus club, the
  knowledge base), and what the knowledge base knows of them (a coach of this club now, before);
- position in the report and how often the report names each party, and how often it pairs the
  two (`pair_features`): a claim is made once per report, and a pair the report returns to is
  likelier one than a pair named together once in passing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Token

from dugout.extract.dating import estimated_date
from dugout.extract.lexicon import classes
from dugout.extract.pairs import Candidate, Party
from dugout.extract.scores import SCORE, scores_in
from dugout.kb.index import KnowledgeBase
from dugout.nlp.entities import Mention, ResolvedArticle, SentenceView

Features = dict[str, float]

CONTENT_POS = {"NOUN", "VERB", "ADJ", "ADV", "AUX", "ADP", "PART", "NUM"}
NEGATIONS = {"not", "n't", "no", "never", "nothing", "none", "without", "deny", "denied", "rule", "reject"}
QUOTES = ('"', "“", "”", "‘", "’")
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
WINDOW = 3


@dataclass
class ReportView:
    """What features need of a whole report, computed once per report."""

    resolved: ResolvedArticle
    kb: KnowledgeBase
    attributions: list[str | None]
    """Per sentence: the kind of source the shared attribution pass found ("sources", "outlet", ...)."""
    counts: Counter[str] = field(default_factory=Counter)
    focus: list[str] = field(default_factory=list)
    title: str = ""
    year: int | None = None
    sentence_cache: dict[int, Features] = field(default_factory=dict)
    rank: dict[str, int] = field(default_factory=dict)
    """Each named entity's rank by mentions (0: the most named), among the report's people for a
    person, among its other named entities for the rest."""
    pairs: PairIndex | None = None
    """Where the report pairs each candidate's parties (`PairIndex.of`), for `pair_features`."""
    kb_date: str | None = None
    """The date the knowledge base is read at: the publication date, or for an undated report
    the month its people's posts say it was written in (`dating.estimated_date`)."""

    @classmethod
    def of(cls, resolved: ResolvedArticle, kb: KnowledgeBase, attributions: list[str | None]) -> ReportView:
        people: Counter[str] = Counter()
        others: Counter[str] = Counter()
        clubs: Counter[str] = Counter()
        for view in resolved.sentences:
            for m in view.mentions:
                (people if m.kind == "person" else others)[m.entity.id] += 1
                if m.kind == "club":
                    clubs[m.entity.id] += 1
        published = resolved.article.published or ""
        kb_date = published or estimated_date(resolved, kb)
        return cls(
            resolved,
            kb,
            attributions,
            counts=people + others,
            focus=[c for c, _ in clubs.most_common(3)],
            title=(resolved.article.title or "").lower(),
            year=int(published[:4]) if published[:4].isdigit() else None,
            rank=_ranks(others) | _ranks(people),
            kb_date=kb_date or None,
        )

    @property
    def date_guessed(self) -> bool:
        """Whether `kb_date` is a guess (the report carries no date of its own)."""
        return self.kb_date is not None and not self.resolved.article.published


def _ranks(counts: Counter[str]) -> dict[str, int]:
    return {e: k for k, (e, _n) in enumerate(counts.most_common())}


PairKey = tuple[str, str, str | None]


def pair_key(candidate: Candidate) -> PairKey:
    """The parties of a candidate as the report's pair index keys them: its kind, the subject's
    entity, and the object's entity (or the position, for a need)."""
    other = candidate.object.entity.id if candidate.object is not None else candidate.position
    return (candidate.kind, candidate.subject.entity.id, other)


@dataclass
class PairIndex:
    """For each pair of parties, the sentences where a candidate pairs them (any source), and
    those where the sentence names both."""

    sentences: dict[PairKey, list[int]]
    named: dict[PairKey, set[int]]

    @classmethod
    def of(cls, candidates: list[Candidate]) -> PairIndex:
        sentences: dict[PairKey, set[int]] = {}
        named: dict[PairKey, set[int]] = {}
        for c in candidates:
            key = pair_key(c)
            sentences.setdefault(key, set()).add(c.sentence)
            if c.subject.source == "here" and (c.object is None or c.object.source == "here"):
                named.setdefault(key, set()).add(c.sentence)
        return cls({k: sorted(v) for k, v in sentences.items()}, named)


def pair_features(candidate: Candidate, report: ReportView) -> Features:
    """How the report treats this candidate's pair: in how many sentences it pairs the two (named
    in both, and in any way), which of those sentences this is, and how high each party ranks by
    mentions (`ReportView.rank`). None without a pair index (`instances_of` builds it).

    The key keeps the parties' order, so a team-team pair written both ways round counts as two.
    Sorting the parties of team-team and person-person pairs was measured with
    `bench/crossval.py --fast`: F1 0.621 and 0.626 (seeds 0 and 1), as without (results 0.566 and
    0.572 against 0.562 and 0.569), so it is left as it was."""
    if report.pairs is None:
        return {}
    key = pair_key(candidate)
    where = report.pairs.sentences[key]
    f: Features = {
        f"pair_named_n={_bucket(len(report.pairs.named.get(key, ())), (0, 1, 2, 3, 5))}": 1.0,
        f"pair_any_n={_bucket(len(where), (1, 2, 3, 5, 8))}": 1.0,
        f"pair_nth={_bucket(where.index(candidate.sentence), (0, 1, 2))}": 1.0,
        f"s_rank_rep={_bucket(report.rank.get(candidate.subject.entity.id, 9), (0, 1, 2, 4))}": 1.0,
    }
    if candidate.object is not None:
        f[f"o_rank_rep={_bucket(report.rank.get(candidate.object.entity.id, 9), (0, 1, 2, 4))}"] = 1.0
    return f


def _bucket(n: int, edges: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 13, 21)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower() if tok.pos_ != "PROPN" else "PROPN"


def sentence_features(view: SentenceView, index: int, report: ReportView) -> Features:
    """The sentence's own cues, shared by every candidate in it."""
    cached = report.sentence_cache.get(index)
    if cached is not None:
        return cached
    f = _token_cues(view.span)
    f.update(_root_cues(view.span.root))
    f.update(_text_cues(view.text))
    f.update(_years(view.text, report.year))
    kind = report.attributions[index] if index < len(report.attributions) else None
    f[f"attr={kind}"] = 1.0
    f[f"sent_at={_bucket(index, (0, 1, 2, 4, 8, 16))}"] = 1.0
    report.sentence_cache[index] = f
    return f


def _token_cues(span) -> Features:
    """The sentence's content words, modal verbs, negations and conditionals."""
    f: Features = {}
    for tok in span:
        if tok.pos_ in CONTENT_POS and not tok.is_punct:
            _word(f, "w", tok.lemma_.lower())
        if tok.tag_ == "MD":
            f[f"modal={tok.lower_}"] = 1.0
        if tok.dep_ == "neg" or tok.lower_ in NEGATIONS:
            f["neg"] = 1.0
            f[f"neg={tok.lower_}"] = 1.0
        if tok.lower_ in ("if", "unless"):
            f["cond"] = 1.0
    return f


def _root_cues(root: Token) -> Features:
    """The main verb, its tag and its auxiliaries: tense and voice ("has been sacked")."""
    f: Features = {f"root={root.lemma_.lower()}": 1.0, f"root_tag={root.tag_}": 1.0}
    for child in root.children:
        if child.dep_ in ("aux", "auxpass"):
            f[f"root_aux={child.lemma_.lower()}"] = 1.0
    return f


def _text_cues(text: str) -> Features:
    """Quotation, a question, a score written in the sentence."""
    f: Features = {}
    if any(q in text for q in QUOTES) or text.count('"') >= 1:
        f["quote"] = 1.0
    if text.rstrip().endswith("?"):
        f["question"] = 1.0
    if SCORE.search(text):
        f["score_in_sentence"] = 1.0
    return f


def _years(text: str, year: int | None) -> Features:
    """Whether the sentence names a year before, at or after the report's own."""
    f: Features = {}
    for m in YEAR.finditer(text):
        y = int(m.group(1))
        if year is None:
            f["year_named"] = 1.0
        elif y < year - 1:
            f["year_long_ago"] = 1.0
        elif y < year:
            f["year_last"] = 1.0
        elif y == year:
            f["year_this"] = 1.0
        else:
            f["year_future"] = 1.0
    return f


def _root(span_doc, mention: Mention) -> Token:
    return span_doc[mention.start : mention.end].root


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token]] | None:
    """The tokens from a up to the lowest common ancestor, and from b up to it."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in ids_b:
            return up_a[: k + 1], up_b[: ids_b[t.i] + 1]
    return None


def path_features(a: Token, b: Token, prefix: str = "") -> Features:
    """The dependency path between two tokens: its shape, its words and their common head."""
    found = _path(a, b)
    if found is None:
        return {f"{prefix}path=none": 1.0}
    up, down = found
    lca = up[-1]
    shape = (
        "<".join(t.dep_ for t in up[:-1]) + f"^{_lemma(lca)}^" + ">".join(t.dep_ for t in reversed(down[:-1]))
    )
    f: Features = {
        f"{prefix}path={shape}" if len(up) + len(down) <= 8 else f"{prefix}path=long": 1.0,
        f"{prefix}lca={_lemma(lca)}": 1.0,
        f"{prefix}lca_pos={lca.pos_}": 1.0,
        f"{prefix}path_len={_bucket(len(up) + len(down) - 2)}": 1.0,
    }
    for t in up[1:-1] + down[1:-1]:
        if not t.is_punct:
            _word(f, f"{prefix}on_path", _lemma(t))
    for c in classes(lca.lemma_.lower()):
        f[f"{prefix}lca_cls={c}"] = 1.0
    return f


def _word(f: Features, key: str, lemma: str) -> None:
    """A word feature, and one for each word class of the word (`lexicon`)."""
    f[f"{key}={lemma}"] = 1.0
    for c in classes(lemma):
        f[f"{key}_cls={c}"] = 1.0


def around(view: SentenceView, mention: Mention, side: str) -> Features:
    """The words just before and after a mention ("Chelsea boss X", "X, the former striker"),
    its syntactic head and the nouns attached to it."""
    doc = view.span.doc
    f: Features = {}
    start, end = view.span.start, view.span.end
    for k in range(1, WINDOW + 1):
        if mention.start - k >= start:
            f[f"{side}_left{k}={doc[mention.start - k].lower_}"] = 1.0
            _word(f, f"{side}_left", doc[mention.start - k].lemma_.lower())
        if mention.end - 1 + k < end:
            f[f"{side}_right{k}={doc[mention.end - 1 + k].lower_}"] = 1.0
            _word(f, f"{side}_right", doc[mention.end - 1 + k].lemma_.lower())
    root = _root(doc, mention)
    f[f"{side}_dep={root.dep_}"] = 1.0
    f[f"{side}_head={root.dep_}:{_lemma(root.head)}"] = 1.0
    for child in root.children:
        if child.dep_ in ("compound", "amod", "appos", "poss", "nmod") and not (
            mention.start <= child.i < mention.end
        ):
            f[f"{side}_mod={child.dep_}:{_lemma(child)}"] = 1.0
    f[f"{side}_via={mention.via}"] = 1.0
    f.update(neighbourhood(view, root, side))
    head = group_head(root)
    if head is not root:  # "the exits of Depay, Pique and Bellerin": Bellerin shares Depay's verb
        f.update(neighbourhood(view, head, side))
        f[f"{side}_listed"] = 1.0
    size = list_size(head)
    if size > 1:
        f[f"{side}_list={_bucket(size, (2, 3, 4))}"] = 1.0
    return f


def group_head(token: Token) -> Token:
    """The first member of the coordination a token is in ("Depay" for "Bellerin" in "Depay,
    Pique and Bellerin"): what it shares its verb, title and path with."""
    for _ in range(12):
        if token.dep_ != "conj" or token.head is token:
            break
        token = token.head
    return token


def list_size(head: Token) -> int:
    size, frontier = 1, [head]
    while frontier and size < 12:
        conj = [c for t in frontier for c in t.children if c.dep_ == "conj"]
        size += len(conj)
        frontier = conj
    return size


def neighbourhood(view: SentenceView, root: Token, side: str, radius: int = 2) -> Features:
    """The words within `radius` dependency arcs of a mention, and the verb that governs it with
    the arc that leads there ("dobj:sack", "pobj:by>agent:sack"): which trigger this party is
    tied to, not just which triggers the sentence holds."""
    f: Features = {}
    seen = {root.i}
    frontier = [root]
    for _ in range(radius):
        nxt = []
        for tok in frontier:
            for other in (*tok.children, tok.head):
                if other.i in seen or not (view.span.start <= other.i < view.span.end):
                    continue
                seen.add(other.i)
                nxt.append(other)
                if other.pos_ in CONTENT_POS and not other.is_punct:
                    _word(f, f"{side}_nb", _lemma(other))
        frontier = nxt
    arcs = []
    tok = root
    for _ in range(5):
        arcs.append(tok.dep_)
        if tok.head is tok:
            break
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
            _word(f, f"{side}_verb", tok.lemma_.lower())
            f[f"{side}_verb_arc={'>'.join(arcs)}:{tok.lemma_.lower()}"] = 1.0
            f[f"{side}_verb_tag={tok.tag_}"] = 1.0
            break
        if tok.dep_ == "prep" or tok.pos_ == "ADP":
            arcs.append(tok.lower_)
    return f


def party_features(party: Party, side: str, report: ReportView) -> Features:
    """Where a party came from and what the report and the knowledge base say of it."""
    e = party.entity
    f: Features = {
        f"{side}_src={party.source}": 1.0,
        f"{side}_kind={e.kind}": 1.0,
        f"{side}_sub={e.subkind}": 1.0,
        f"{side}_known={e.known}": 1.0,
        f"{side}_count={_bucket(report.counts[e.id])}": 1.0,
    }
    if e.id in report.focus:
        f[f"{side}_focus={report.focus.index(e.id)}"] = 1.0
    words = e.name.lower().split()
    if words and words[-1] in report.title:
        f[f"{side}_in_title"] = 1.0
    for role in report.kb.roles_known(e.id, report.kb_date):
        f[f"{side}_kb_role={role.role}"] = 1.0
    return f


def kb_pair_features(subject: Party, obj: Party, report: ReportView) -> Features:
    """What the knowledge base knows of the person at the team: a role, and whether it is held
    at the report's date (`ReportView.kb_date`: guessed for an undated report) or over (roles
    begun later are not read: `KnowledgeBase.roles_known`). A post dated only to the month or
    year the report falls in is also read as ending or beginning then (`Role.edge_on`)."""
    date = report.kb_date
    f: Features = {}
    for role in report.kb.roles_known(subject.entity.id, date):
        if role.organisation != obj.entity.id:
            continue
        f[f"kb_pair={role.role}"] = 1.0
        if not date:
            tense = "undated"
        else:  # a role read here has begun by then, so one not held then is over
            tense = "now" if role.active_on(date) else "past"
            edge = role.edge_on(date) if tense == "now" else None
            if edge:  # "now" only to the month or year: the change may have come before the report
                f[f"kb_pair_{edge}={role.role}"] = 1.0
        f[f"kb_pair_{tense}={role.role}"] = 1.0
    if f and report.date_guessed:  # read at a guessed date: surer than none, less than a real one
        f["kb_pair_date_guessed"] = 1.0
    return f


def between_features(view: SentenceView, a: Mention, b: Mention) -> Features:
    """The words between two mentions of one sentence, their order and distance."""
    doc = view.span.doc
    first, second = (a, b) if a.start <= b.start else (b, a)
    f: Features = {
        "order=" + ("so" if first is a else "os"): 1.0,
        f"dist={_bucket(max(0, second.start - first.end))}": 1.0,
    }
    words = doc[first.end : second.start]
    for tok in words[:10]:
        if not tok.is_punct or tok.text in (",", "(", ":", "-"):
            f[f"btw={_lemma(tok)}"] = 1.0
    if len(words) <= 3:
        f["btw_seq=" + "_".join(_lemma(t) for t in words)] = 1.0
    if any(m.start >= first.end and m.end <= second.start and m.kind == "person" for m in view.mentions):
        f["btw_person"] = 1.0
    if any(
        m.start >= first.end and m.end <= second.start and (m.is_team or m.kind == "place")
        for m in view.mentions
    ):
        f["btw_team"] = 1.0
    if SCORE.search(words.text):
        f["btw_score"] = 1.0
    return f


def candidate_features(candidate: Candidate, report: ReportView) -> Features:
    """Every feature of one candidate, merged into one dict."""
    view = report.resolved.sentences[candidate.sentence]
    f: Features = {f"kind={candidate.kind}": 1.0}
    f.update(sentence_features(view, candidate.sentence, report))
    f.update(party_features(candidate.subject, "s", report))
    s_mention = candidate.subject.mention
    if s_mention is not None:
        f.update(around(view, s_mention, "s"))
    if candidate.object is not None:
        f.update(party_features(candidate.object, "o", report))
        f.update(kb_pair_features(candidate.subject, candidate.object, report))
        o_mention = candidate.object.mention
        here = o_mention is not None and candidate.object.source == "here"
        if o_mention is not None and here:
            f.update(around(view, o_mention, "o"))
        if s_mention is not None and here:
            doc = view.span.doc
            f.update(between_features(view, s_mention, o_mention))
            s_root, o_root = _root(doc, s_mention), _root(doc, o_mention)
            f.update(path_features(s_root, o_root))
            if group_head(s_root) is not s_root or group_head(o_root) is not o_root:
                f.update(path_features(group_head(s_root), group_head(o_root)))
        elif s_mention is not None:
            f[f"implied_o_from={candidate.object.source}"] = 1.0
            f.update(stand_in_features(view, s_mention, candidate.object, report))
    if candidate.position is not None:
        f.update(position_features(view, candidate, report))
    f.update(rivals(view, candidate))
    f.update(pair_features(candidate, report))
    if candidate.kind == "team_team":
        f.update(result_features(view, candidate))
    if TENSORS:
        f.update(tensor_features(view, candidate))
    return f


TENSORS = False

STAND_IN_PRONOUNS = frozenset({"they", "them", "their", "we", "us", "our"})
"""Pronouns a sentence uses for a club it does not name ("they are making a strong push to sign
X"). "the club" needs none: the resolver already makes it a mention of the report's club."""


def stand_in(
    view: SentenceView, subject: Mention, team: Party, report: ReportView
) -> tuple[str, Token] | None:
    """What stands in a sentence for a team it does not name: a person the knowledge base holds
    at that team on the report's date (at any time, in an undated report: "Guardiola's side have
    completed deals for X"), else the club pronoun nearest the subject. None when neither is
    there. An undated report's guessed date (`ReportView.kb_date`) is not read here: "X's side"
    names the coach of the day, and a wrong guess would lose him ("Dybala made the switch to
    Jose Mourinho's side", train t0041, guessed 2017-05 from Totti's captaincy)."""
    doc = view.span.doc
    published = report.resolved.article.published  # not a guessed date: any post will do
    held = {
        r.person
        for r in report.kb.roles_at.get(team.entity.id, ())
        if not published or r.active_on(published)
    }
    for m in view.mentions:
        if m.kind == "person" and m.entity.id != subject.entity.id and m.entity.id in held:
            return "staff", _root(doc, m)
    s_root = _root(doc, subject)
    pronouns = [t for t in view.span if t.lower_ in STAND_IN_PRONOUNS]
    if not pronouns:
        return None
    return "pronoun", min(pronouns, key=lambda t: abs(t.i - s_root.i))


def stand_in_features(view: SentenceView, subject: Mention, team: Party, report: ReportView) -> Features:
    """For a team the sentence does not name: what stands in for it (`stand_in`), and the
    dependency path and order between the subject and that word, read as they are for a named
    team, so "X ... they signed" and "X ... Chelsea signed" share what the model learned."""
    found = stand_in(view, subject, team, report)
    if found is None:
        return {"o_stand_in=none": 1.0}
    kind, token = found
    s_root = _root(view.span.doc, subject)
    f = path_features(s_root, token)
    f[f"o_stand_in={kind}"] = 1.0
    f["order=" + ("so" if s_root.i < token.i else "os")] = 1.0
    f.update(neighbourhood(view, token, "o"))
    return f


def result_features(view: SentenceView, candidate: Candidate) -> Features:
    """How a score sits between two teams: before, between or after them, higher number first or
    not, and the result word it belongs to with that word's owner ("Barcelona's 6-1 win over X",
    "X 1-3 Y", "lost 2-0 to Y"). What says whose goals come first."""
    match = SCORE.search(view.text, candidate.score[0] if candidate.score else 0)
    if match is None:
        return {"res_score=none": 1.0}
    a, b = int(match.group(1)), int(match.group(2))
    f: Features = {f"res_order={'draw' if a == b else 'desc' if a > b else 'asc'}": 1.0}
    score_span = view.span.char_span(match.start(), match.end(), alignment_mode="expand")
    if score_span is None:
        return f
    f.update(score_choice(view, candidate, score_span.start))
    s, o = candidate.subject.mention, candidate.object.mention if candidate.object else None
    at = score_span.start
    if s is not None and o is not None and candidate.object.source == "here":
        first, second = sorted((s.start, o.start))
        where = "before" if at < first else "between" if at < second else "after"
        f[f"res_pos={where}"] = 1.0
        f[f"res_pos_s={'before' if at < s.start else 'after'}"] = 1.0
    f.update(result_word(view, candidate, score_span))
    f.update(outcome_roles(view, candidate, at))
    return f


def result_word(view: SentenceView, candidate: Candidate, score_span) -> Features:
    """The word a score belongs to ("a 4-0 win", "lost 2-1"), and its owner where one is named
    ("Barcelona's 6-1 win"): this candidate's subject, or another team."""
    doc = view.span.doc
    f: Features = {}
    head = score_span.root.head
    for k in (score_span.end, score_span.end + 1):
        if k < view.span.end and doc[k].pos_ == "NOUN":
            head = doc[k]
            break
    f[f"res_word={head.lemma_.lower()}"] = 1.0
    for child in head.children:
        if child.dep_ == "poss":
            owner = view.mention_at(child)
            if (
                owner is not None
                and candidate.subject.mention is not None
                and owner.entity.id == candidate.subject.entity.id
            ):
                f[f"res_owner=s:{head.lemma_.lower()}"] = 1.0
            elif owner is not None:
                f[f"res_owner=o:{head.lemma_.lower()}"] = 1.0
    return f


def score_choice(view: SentenceView, candidate: Candidate, at: int) -> Features:
    """For a candidate reading one of several scores: whether its score is the one nearest each
    named team, and how far it is from the nearer ("beaten Roma 6-2 and PSG 2-1": PSG's is 2-1).
    Nothing for a candidate of a sentence with one score."""
    if candidate.score is None:
        return {}
    spans = (view.span.char_span(k, k + 1, alignment_mode="expand") for k, _, _ in scores_in(view.text))
    starts = [span.start for span in spans if span is not None]
    f: Features = {f"res_scores={_bucket(len(starts), (2, 3, 4))}": 1.0}
    gaps = []
    for side, party in (("s", candidate.subject), ("o", candidate.object)):
        if party is None or party.mention is None or party.source != "here":
            continue
        nearest = min(starts, key=lambda k: abs(k - party.mention.start), default=at)
        f[f"res_nearest_{side}={nearest == at}"] = 1.0
        gaps.append(abs(at - party.mention.start))
    if gaps:
        f[f"res_gap={_bucket(min(gaps), (1, 2, 3, 5, 8))}"] = 1.0
    return f


OUTCOME_CLASSES = ("WIN", "LOSE", "DRAW")


def outcome_class(token: Token) -> str | None:
    """Whether a word reports winning, losing or a draw. "Defeat" is both in the lexicon: as a
    verb it is a win ("Madrid defeated Barcelona"), as a noun a loss ("defeat to Arsenal")."""
    found = [c for c in classes(_lemma(token)) if c in OUTCOME_CLASSES]
    if len(found) > 1:
        return "WIN" if token.pos_ == "VERB" else "LOSE"
    return found[0] if found else None


def outcome_roles(view: SentenceView, candidate: Candidate, score_at: int) -> Features:
    """How each team stands to the result word nearest the score: its subject ("X beat"), its
    object, the owner ("X's 4-1 rout"), after which preposition ("defeat to X", "win over X",
    "beaten by X"), or the subject of the clause the word sits in ("X ... in a 1-0 triumph").
    Joined with the word's class, so a linear model can read who won: a team under "win" as
    subject won, under "defeat to" as object won, which neither the word nor the role says alone."""
    words = [t for t in view.span if outcome_class(t) is not None]
    if not words:
        return {}
    word = min(words, key=lambda t: abs(t.i - score_at))
    cls = outcome_class(word)
    f: Features = {}
    for side, party in (("s", candidate.subject), ("o", candidate.object)):
        if party is None or party.mention is None or party.source != "here":
            continue
        relation = _relation_to(group_head(_root(view.span.doc, party.mention)), word)
        f[f"res_role={side}:{cls}:{relation}"] = 1.0
        f[f"res_role={side}:{_lemma(word)}:{relation}"] = 1.0
    return f


def _relation_to(token: Token, word: Token, depth: int = 4) -> str:
    """The team's tie to the result word: the preposition nearest the word on the way down to the
    team ("prep_to" in "a win away to X", "prep_at" in "defeat at the hands of X"), else the
    dependency of the word's child on that way ("nsubj", "poss"); "clause_nsubj" where the team
    is the subject of a clause above the word, however deep ("Albion guaranteed a finish ...
    thanks to a 1-0 victory"); else "none"."""
    below, node, preposition = None, token, None
    for _ in range(depth):
        if node.head.i == node.i:
            break
        below, node = node, node.head
        if node.i == word.i:
            return f"prep_{preposition}" if preposition else below.dep_
        if node.pos_ == "ADP" or node.dep_ == "agent":
            preposition = _lemma(node)
    if token.dep_ in ("nsubj", "nsubjpass") and token.head.i in {a.i for a in word.ancestors}:
        return f"clause_{token.dep_}"
    return "none"


def rivals(view: SentenceView, candidate: Candidate) -> Features:
    """How this candidate's parties stand among the others the sentence offers: how many teams
    and people it names, and whether this team is the one nearest the person (and this person
    the one nearest the team). A claim picks one of several; this says which one this is."""
    teams = [
        m for m in view.mentions if m.is_team or (m.kind == "place" and m.entity.kind == "national_team")
    ]
    people = [m for m in view.mentions if m.kind == "person"]
    f: Features = {
        f"n_teams={_bucket(len({m.entity.id for m in teams}), (0, 1, 2, 3))}": 1.0,
        f"n_people={_bucket(len({m.entity.id for m in people}), (0, 1, 2, 3))}": 1.0,
    }
    s, o = candidate.subject.mention, candidate.object.mention if candidate.object else None
    if s is None or o is None or candidate.object.source != "here":
        return f
    pool = people if candidate.kind == "person_person" else teams
    others = sorted(
        {abs(m.start - s.start) for m in pool if m.entity.id not in (candidate.subject.entity.id,)}
    )
    near = abs(o.start - s.start)
    f[f"o_rank={_bucket(others.index(near) if near in others else 9, (0, 1, 2))}"] = 1.0
    subjects = sorted({abs(m.start - o.start) for m in (people if candidate.kind != "team_team" else teams)})
    d = abs(s.start - o.start)
    f[f"s_rank={_bucket(subjects.index(d) if d in subjects else 9, (0, 1, 2))}"] = 1.0
    return f


def tensor_features(view: SentenceView, candidate: Candidate) -> Features:
    """The model's own context vectors (tok2vec) of each named party: what the surrounding words
    say of it ("signed", "sacked", "linked"), in a form that generalises past the words seen."""
    doc = view.span.doc
    if doc.tensor is None or not doc.tensor.size:
        return {}
    f: Features = {}
    for side, party in (("s", candidate.subject), ("o", candidate.object)):
        if party is None or party.mention is None or party.source != "here":
            continue
        vec = doc.tensor[party.mention.start : party.mention.end].mean(axis=0)
        for k, v in enumerate(vec):
            f[f"{side}_t{k}"] = float(v)
    return f


def position_features(view: SentenceView, candidate: Candidate, report: ReportView) -> Features:
    """A squad need: the position named, the words before it ("a new", "need a") and its link to
    the team."""
    doc = view.span.doc
    at = candidate.position_at or view.span.start
    tok = doc[at]
    f: Features = {f"pos={candidate.position}": 1.0, f"pos_head={tok.dep_}:{_lemma(tok.head)}": 1.0}
    for k in range(1, WINDOW + 1):
        if at - k >= view.span.start:
            f[f"pos_left={doc[at - k].lemma_.lower()}"] = 1.0
    mention = candidate.subject.mention
    if mention is not None and candidate.subject.source == "here":
        f.update(path_features(_root(doc, mention), tok, prefix="pos_"))
    f.update(neighbourhood(view, tok, "pos"))
    if labels_person(view, tok):
        f["pos_labels_person"] = 1.0
    return f


def labels_person(view: SentenceView, tok: Token) -> bool:
    """Whether a position word is a person's title, not a need ("Chelsea midfielder N'Golo
    Kante", "Kante, the midfielder"): the word is attached to a person's name or stands right
    before one."""
    people = [m for m in view.mentions if m.kind == "person"]
    for m in people:
        if m.start <= tok.head.i < m.end and tok.dep_ in ("compound", "amod", "appos", "nmod"):
            return True
        title = tok.doc[tok.i : m.start]  # "right-back" in "right-back Joel Veltman"
        if 0 < len(title) <= 4 and " " not in title.text:
            return True
    return False
