"""coach_of and holds_role: who coaches where, who runs the club.

Football copy names a post in a few shapes: a title before the name ("Real
Madrid president Florentino Perez", "former Southampton boss Ralph
Hasenhuttl", "head coach Carlo Ancelotti"), an apposition ("Mauricio
Pochettino, who is set to take over at Chelsea"), "X's manager", "manager of
X", verbs ("has also managed Coventry, Southampton and Celtic", "coached
Tottenham", "under Ole Gunnar Solskjaer"). The knowledge base adds the posts it
knows were held at the report's date when person and team meet in a sentence.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from dugout.extract.context import (
    Draft,
    SentenceContext,
    children,
    described_as_coach,
    kb_team,
    opponents,
    previous_person,
)
from dugout.kb.index import KnowledgeBase
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention
from dugout.records import Claim

COACH_TITLES = {
    "manager",
    "coach",
    "boss",
    "head-coach",
    "gaffer",
    "tactician",
    "trainer",
    "coaches",
    "managers",
    "bosses",
    "mentor",
    "supremo",
}
ROLE_TITLES = {
    "president": "president",
    "chairman": "chairman",
    "chair": "chairman",
    "chairwoman": "chairman",
    "owner": "owner",
    "co-owner": "owner",
    "captain": "captain",
    "skipper": "captain",
    "ceo": "director",
}
TWO_WORD_ROLES = {
    ("sporting", "director"): "sporting_director",
    ("technical", "director"): "sporting_director",
    ("football", "director"): "sporting_director",
    ("general", "manager"): "sporting_director",
    ("chief", "executive"): "director",
    ("managing", "director"): "director",
    ("executive", "director"): "director",
    ("board", "member"): "board_member",
    ("assistant", "coach"): "assistant_coach",
    ("assistant", "manager"): "assistant_coach",
    ("first-team", "coach"): "assistant_coach",
}
THREE_WORD_ROLES = {
    ("director", "of", "football"): "sporting_director",
    ("assistant", "head", "coach"): "assistant_coach",
}
PAST_MARKS = {"former", "ex", "ex-", "previous", "then", "erstwhile", "old", "late", "one-time", "onetime"}
INTERIM_MARKS = {"interim", "caretaker", "acting", "temporary"}
INCOMING_MARKS = {"incoming", "future", "next"}
MANAGE_VERBS = {"manage", "coach"}
PLAYER_PAST = {
    "striker",
    "midfielder",
    "defender",
    "winger",
    "goalkeeper",
    "forward",
    "captain",
    "player",
    "international",
    "full-back",
    "centre-back",
    "keeper",
    "legend",
}
MODIFIER_SKIP = {
    "head",
    "the",
    "a",
    "an",
    "team",
    "first",
    "senior",
    "current",
    "'s",
    "’s",
    "impressive",
    "struggling",
    "beleaguered",
    "embattled",
    "under-pressure",
    "veteran",
    "and",
    "club",
    "side",
    "women",
    "women's",
    "b",
    "squad",
}


def _role_before(ctx: SentenceContext, person: Mention) -> tuple[str, str, int, list[str]] | None:
    """A title written just before a name: (family, value, index of the title's first word, marks)."""
    doc = ctx.doc
    i = person.start - 1
    sent_start = ctx.span.start
    if i < sent_start:
        return None
    if doc[i].text == "," and i - 1 >= sent_start and doc[i - 1].lower_ in ROLE_TITLES:
        i -= 1  # "Lyon president, Jean-Michel Aulas"
    words = [doc[k].lower_ for k in range(max(sent_start, i - 2), i + 1)]
    for size, table in ((3, THREE_WORD_ROLES), (2, TWO_WORD_ROLES)):
        if len(words) >= size and tuple(words[-size:]) in table:
            value = table[tuple(words[-size:])]
            return (
                "role" if value != "assistant_coach" else "role",
                value,
                i - size + 1,
                _marks(ctx, i - size),
            )
    word = doc[i].lower_
    # "B team coach and former striker Raul Gonzalez": look past a playing past to the title.
    k = i
    while (
        k > sent_start and i - k < 4 and (doc[k].lower_ in PLAYER_PAST or doc[k].lower_ in ("and", "former"))
    ):
        k -= 1
    if k < i and doc[k].lower_ in COACH_TITLES and doc[k + 1].lower_ == "and":
        return ("coach", "current", k, _marks(ctx, k - 1))
    if word in COACH_TITLES:
        return ("coach", "current", i, _marks(ctx, i - 1))
    if word in ROLE_TITLES:
        return ("role", ROLE_TITLES[word], i, _marks(ctx, i - 1))
    if word == "director" and i - 1 >= sent_start and doc[i - 1].lower_ in ("sporting", "technical"):
        return ("role", "sporting_director", i - 1, _marks(ctx, i - 2))
    return None


def _marks(ctx: SentenceContext, i: int) -> list[str]:
    """Words before a title that change its meaning ("former", "interim", "B team"), up to 5 back."""
    doc = ctx.doc
    marks: list[str] = []
    k = i
    while k >= ctx.span.start and i - k < 6:
        w = doc[k].lower_
        if w in PAST_MARKS or w in INTERIM_MARKS or w in INCOMING_MARKS:
            marks.append(w)
        if w == "b" or (w == "team" and k - 1 >= 0 and doc[k - 1].lower_ == "b"):
            marks.append("b_team")
        if doc[k].is_punct and doc[k].text not in ("-",):
            break
        k -= 1
    return marks


def _other_body_before(ctx: SentenceContext, index: int) -> bool:
    """Whether a capitalised name that is no team stands right before a title ("Uefa president",
    "FA chief executive", "US President")."""
    k = index - 1
    if k < ctx.span.start:
        return False
    tok = ctx.doc[k]
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and ctx.mention_of(tok) is None


def _team_before(ctx: SentenceContext, index: int) -> Mention | None:
    """A team named right before a title, possessive or not ("Real Madrid president", "Chelsea's boss")."""
    doc = ctx.doc
    k = index - 1
    while k >= ctx.span.start and (
        doc[k].lower_ in MODIFIER_SKIP
        or doc[k].lower_ in PAST_MARKS
        or doc[k].lower_ in INTERIM_MARKS
        or doc[k].lower_ in INCOMING_MARKS
    ):
        k -= 1
    if k < ctx.span.start:
        return None
    m = ctx.mention_of(doc[k])
    if m and (m.is_team or (m.kind == "place" and m.entity.kind == "national_team")):
        return m
    return None


def _b_team(ctx: SentenceContext, club: Entity | None) -> Entity | None:
    if club is None:
        return None
    for entity in ctx.kb.entities.values():
        if entity.parent == club.id and entity.subkind == "b_team":
            return entity
    return None


def _team_for(ctx: SentenceContext, person: Mention, title_index: int, exclude: set[str]) -> Mention | None:
    """The team a bare title ("head coach X") refers to: the club whose title it is ("their head
    coach" → the subject club), the nearest team named before the title, else one named after it."""
    known = kb_team(ctx, person.entity)
    teams = [m for m in ctx.teams() if m.entity.id not in exclude]
    if known is not None:
        for m in teams:
            if m.entity.id == known.id:
                return m
    against = opponents(ctx)
    before = [m for m in teams if m.end <= title_index and m.entity.id not in against]
    if before:
        return before[-1]
    doc = ctx.doc
    others = [p.start for p in ctx.people() if p.entity.id != person.entity.id]
    for m in teams:
        if m.start <= person.end:
            continue
        follows = doc[m.end].lower_ if m.end < len(doc) else ""
        if (
            follows in COACH_TITLES
            or follows in ROLE_TITLES
            or any(person.end <= o < m.start for o in others)
        ):
            break  # the team belongs to someone else's title or clause
        return m
    return None


def extract(ctx: SentenceContext) -> list[Draft]:
    drafts: list[Draft] = []
    people = ctx.people()
    for person in people:
        if person.via == "title":  # "The former Republic of Ireland manager" standing for him
            team = next((m for m in ctx.teams() if person.start <= m.start < person.end), None)
            title = ctx.doc[person.end - 1].lower_
            if team is not None and title in ROLE_TITLES:  # "Napoli's owner"
                drafts.append(
                    Draft(
                        "holds_role",
                        person.entity,
                        team.entity,
                        ROLE_TITLES[title],
                        ctx.doc[person.end - 1],
                        attributed=False,
                        score=0.6,
                    )
                )
                continue
            if team is not None:
                past = any(ctx.doc[k].lower_ in PAST_MARKS for k in range(person.start, team.start))
                drafts.append(
                    Draft(
                        "coach_of",
                        person.entity,
                        team.entity,
                        "former" if past else "current",
                        ctx.doc[person.end - 1],
                        attributed=False,
                        score=0.7,
                    )
                )
            continue
        found = _role_before(ctx, person)
        if found:
            family, value, title_index, marks = found
            team_m = _team_before(ctx, title_index)
            team = team_m.entity if team_m else None
            if team is None and family != "coach" and _other_body_before(ctx, title_index):
                team = ctx.kb.club_of_town(ctx.doc[title_index - 1].text)  # "Seattle sporting director"
                if team is None:
                    continue  # "the Uefa president, Aleksander Ceferin": a post at a body we do not hold
            if team is None:
                prior = None if "b_team" in marks else _team_for(ctx, person, title_index, set())
                team = prior.entity if prior else ctx.focus_club()
            if family == "coach":
                if "b_team" in marks:
                    team = _b_team(ctx, team) or team
                if team is None:
                    continue
                coach_value = "current"
                if any(m in PAST_MARKS for m in marks):
                    coach_value = "former"
                elif any(m in INTERIM_MARKS for m in marks):
                    coach_value = "interim"
                elif any(m in INCOMING_MARKS for m in marks):
                    coach_value = "incoming"
                drafts.append(
                    Draft(
                        "coach_of",
                        person.entity,
                        team,
                        coach_value,
                        ctx.doc[title_index],
                        attributed=False,
                        score=0.85 if team_m else 0.6,
                    )
                )
            else:
                if any(m in PAST_MARKS for m in marks) or team is None:
                    continue
                drafts.append(
                    Draft(
                        "holds_role",
                        person.entity,
                        team,
                        value,
                        ctx.doc[title_index],
                        attributed=False,
                        score=0.85 if team_m else 0.6,
                    )
                )
        drafts.extend(_apposition(ctx, person))
    drafts.extend(_verbs(ctx))
    drafts.extend(_successions(ctx))
    drafts.extend(_plural_lists(ctx))
    drafts.extend(_possessive_sides(ctx))
    drafts.extend(_known_posts(ctx))
    for draft in drafts:
        if draft.type == "coach_of" and draft.value == "current" and _spell_over(ctx, draft.trigger):
            draft.value = "former"
    return drafts


YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d\s*(?:-|–|to|and|until)\s*((?:19|20)?\d\d)\b")


def _spell_over(ctx: SentenceContext, title: Token | None) -> bool:
    """Whether a title comes with dates that closed the spell: "a successful spell as Wolves boss
    from 2017-2021" in a report of 2023; "boss between 2015 and 2018"."""
    if title is None:
        return False
    published = ctx.article.article.published or ""
    after = ctx.doc[title.i + 1 : min(title.i + 8, ctx.span.end)].text
    found = YEAR_RANGE.search(after)
    if found is None or not published[:4].isdigit():
        return False
    end = found.group(1)
    end_year = int(end) if len(end) == 4 else 2000 + int(end)
    return end_year < int(published[:4])


def _apposition(ctx: SentenceContext, person: Mention) -> list[Draft]:
    """Appositions: "X, the Chelsea manager", "X, a former head coach of the team",
    "X, who is set to take over at Chelsea"."""
    doc = ctx.doc
    out: list[Draft] = []
    k = person.end
    if k >= ctx.span.end or doc[k].text != ",":
        return out
    window = doc[k + 1 : min(k + 14, ctx.span.end)]
    words = [t.lower_ for t in window]
    out.extend(_role_apposition(ctx, person, window, words))
    if not words:
        return out
    title_pos = next((n for n, w in enumerate(words) if w in COACH_TITLES), None)
    if title_pos is not None and words[0] in ("the", "a", "an", "former", "now", "then", "who", "currently"):
        seg = window[: title_pos + 1]
        marks = [w for w in words[:title_pos] if w in PAST_MARKS | INTERIM_MARKS]
        seg_teams = []
        for t in seg:
            m = ctx.mention_of(t)
            if m and m.is_team and m not in seg_teams:
                seg_teams.append(m)
        team_m = seg_teams[0] if seg_teams else None
        team = team_m.entity if team_m else None
        if len(seg_teams) > 1 and any(m in PAST_MARKS for m in marks):
            # "a former Hibernian, West Brom, Celtic and Middlesbrough manager"
            for m in seg_teams[1:]:
                out.append(
                    Draft("coach_of", person.entity, m.entity, "former", window[title_pos], attributed=False)
                )
        tail = window[title_pos + 1 :]
        if team is None and len(tail) >= 2 and tail[0].lower_ == "of":
            m = ctx.mention_of(tail[1]) or (ctx.mention_of(tail[2]) if len(tail) > 2 else None)
            if m and m.is_team:
                team = m.entity
            elif tail[1].lower_ == "the" and len(tail) > 2 and tail[2].lower_ in ("club", "team", "side"):
                team = ctx.focus_club()
        sacked = any(t.lemma_ in ("sack", "fire", "dismiss", "axe") for t in tail)
        if team is None and (words[title_pos] in ("managers", "coaches", "bosses") or sacked):
            team = ctx.focus_club()
        if team is not None:
            value = (
                "former"
                if any(m in PAST_MARKS for m in marks) or sacked or "last" in words[:title_pos]
                else ("interim" if marks else "current")
            )
            # A plural title covers the names listed before it ("Lopetegui or Benitez, the last managers").
            covered = [person, *_listed_before(ctx, person)] if words[title_pos].endswith("s") else [person]
            for who in covered:
                out.append(Draft("coach_of", who.entity, team, value, window[title_pos], attributed=False))
                if sacked:
                    out.append(
                        Draft(
                            "job_status", who.entity, team, "dismissed", window[title_pos], attributed=False
                        )
                    )  # a past sacking told as background
    # "X, who is set to take over at Chelsea"
    if words[:1] == ["who"]:
        text = " ".join(words)
        if "take over" in text or "take charge" in text:
            team_m = next(
                (ctx.mention_of(t) for t in window if ctx.mention_of(t) and ctx.mention_of(t).is_team), None
            )
            if team_m is None:
                tail = doc[k + 1 : min(k + 14, ctx.span.end)]
                team_m = next(
                    (ctx.mention_of(t) for t in tail if ctx.mention_of(t) and ctx.mention_of(t).is_team), None
                )
            if team_m is not None:
                future = any(w in ("set", "expected", "will", "poised", "due", "likely") for w in words)
                out.append(
                    Draft(
                        "coach_of",
                        person.entity,
                        team_m.entity,
                        "incoming" if future else "current",
                        window[0],
                        attributed=False,
                        modality="expected" if future else "fact",
                    )
                )
    return out


SIDE_WORDS = {"side", "team", "squad", "outfit", "men", "charges"}


def _possessive_sides(ctx: SentenceContext) -> list[Draft]:
    """ "Lucien Favre's Borussia Dortmund", "his Norwich side": a coach's current team."""
    from dugout.extract.context import described_as_coach

    doc = ctx.doc
    out: list[Draft] = []
    for team in ctx.teams():
        if team.start < 2:
            continue
        before = doc[team.start - 1]
        after = doc[team.end] if team.end < ctx.span.end else None
        owner = None
        if before.text in ("'s", "’s", "'", "’"):
            owner = ctx.mention_of(doc[team.start - 2])
            if (
                owner is None
                or owner.kind != "person"
                or not (described_as_coach(ctx, owner) or (after is not None and after.lower_ in SIDE_WORDS))
            ):
                continue
        elif before.lower_ == "his" and after is not None and after.lower_ in SIDE_WORDS:
            people = [p for p in ctx.people() if p.end <= team.start]
            owner = people[0] if people else None
            if owner is None or not described_as_coach(ctx, owner):
                continue
        if owner is not None:
            out.append(
                Draft("coach_of", owner.entity, team.entity, "current", before, attributed=False, score=0.6)
            )
    return out


def _role_apposition(ctx: SentenceContext, person: Mention, window, words: list[str]) -> list[Draft]:
    """ "X, the club's technical director", "X, Lyon's president": an executive post after the name."""
    if (
        not words
        or words[0] not in ("the", "a", "an")
        and not (ctx.mention_of(window[0]) is not None and ctx.mention_of(window[0]).is_team)
    ):
        return []
    for n in range(min(len(words), 6)):
        pair = tuple(words[n : n + 2])
        value = TWO_WORD_ROLES.get(pair) if len(pair) == 2 else None
        size = 2
        if value is None and words[n] in ROLE_TITLES:
            value, size = ROLE_TITLES[words[n]], 1
        if value is None:
            continue
        if any(w in PAST_MARKS for w in words[:n]):
            return []
        team_m = next(
            (ctx.mention_of(t) for t in window[:n] if ctx.mention_of(t) and ctx.mention_of(t).is_team), None
        )
        team = team_m.entity if team_m else (ctx.focus_club() if "club" in words[:n] else None)
        if team is None:
            return []
        return [Draft("holds_role", person.entity, team, value, window[n + size - 1], attributed=False)]
    return []


def _listed_before(ctx: SentenceContext, person: Mention) -> list[Mention]:
    """People listed right before this one ("Julen Lopetegui or Rafael Benitez")."""
    found: list[Mention] = []
    current = person
    for m in reversed([p for p in ctx.people() if p.end <= person.start]):
        between = {t.lower_ for t in ctx.doc[m.end : current.start]}
        if between and between <= {",", "or", "and"}:
            found.append(m)
            current = m
        else:
            break
    return found


def _verbs(ctx: SentenceContext) -> list[Draft]:
    """ "has also managed Coventry, Southampton and Celtic", "coached Tottenham", "under X"."""
    out: list[Draft] = []
    for tok in ctx.span:
        # "had looked after Dortmund and Leverkusen", "has since taken charge of Mineiro and Internacional"
        if (
            tok.lemma_ == "take"
            and any(c.lower_ == "charge" for c in tok.children)
            and any(t.lower_ in ("temporary", "interim", "caretaker") for t in tok.subtree)
        ):
            subj = _subject_person(ctx, tok)  # "Assistant coach X will take temporary charge"
            team = _team_near(ctx, tok)
            if subj is not None and team is not None:
                out.append(Draft("coach_of", subj.entity, team, "interim", tok, attributed=False))
            continue
        phrasal = (tok.lemma_ == "look" and any(c.lower_ == "after" for c in tok.children)) or (
            tok.lemma_ == "take"
            and any(c.lower_ == "charge" for c in tok.children)
            and any(c.lower_ == "since" for c in tok.children)
        )
        if (tok.lemma_.lower() in MANAGE_VERBS or phrasal) and tok.pos_ == "VERB":
            subj = _subject_person(ctx, tok)
            if subj is None:
                continue
            objs = [c for c in tok.children if c.dep_ == "dobj"]
            if phrasal:  # the object hangs on "after" / "charge of"
                objs = [
                    x
                    for c in tok.subtree
                    if c.lower_ in ("after", "of") and c.dep_ == "prep"
                    for x in c.children
                    if x.dep_ == "pobj"
                ][:1]
            teams = []
            for o in objs:
                for t in [o, *[c for c in o.subtree if c.dep_ == "conj"]]:
                    m = ctx.mention_of(t)
                    if m and m.is_team and m not in teams:
                        teams.append(m)
            if not objs:  # a parse that lost the object: the list of teams right after the verb
                k = tok.i + 1
                while k < ctx.span.end:
                    m = ctx.mention_of(ctx.doc[k])
                    if m is not None and m.is_team:
                        teams.append(m)
                        k = m.end
                    elif ctx.doc[k].text in (",", "and") and teams:
                        k += 1
                    else:
                        break
            present = (
                not phrasal
                and tok.tag_ in ("VBZ", "VBP", "VBG")
                and not any(c.lower_ in ("has", "have", "had") for c in tok.children)
            )
            for m in teams:
                out.append(
                    Draft(
                        "coach_of",
                        subj.entity,
                        m.entity,
                        "current" if present else "former",
                        tok,
                        attributed=False,
                    )
                )
        if tok.lower_ == "under" and tok.dep_ == "prep":
            objs = children(tok, "pobj")
            if objs and objs[0].lower_ in ("helm", "guidance", "stewardship", "management", "tutelage"):
                # "two seasons under the helm of first Maurizio Sarri and then Andrea Pirlo": past coaches
                led = [ctx.mention_of(t) for t in objs[0].subtree]
                k = objs[0].right_edge.i + 1
                while k < ctx.span.end:  # "... of first Sarri and then Pirlo", parsed apart
                    m = ctx.mention_of(ctx.doc[k])
                    if m is not None and m.kind == "person":
                        led.append(m)
                        k = m.end
                    elif ctx.doc[k].lower_ in ("and", "then", "later", "finally", "subsequently"):
                        k += 1
                    else:
                        break
                team = _team_near(ctx, tok)
                clause = tok.head
                # "spent two seasons under the helm of X" is over; "under the management of X, Kerkez
                # has emerged" is now
                value = (
                    "current"
                    if clause.tag_ in ("VBZ", "VBP")
                    or (clause.tag_ == "VBN" and any(c.lower_ in ("has", "have") for c in clause.children))
                    else "former"
                )
                coaches = {m.entity.id: m for m in led if m is not None and m.kind == "person"}
                if len(coaches) > 1:
                    value = "former"  # a succession of coaches: the earlier ones at least are past
                for m in coaches.values():
                    if team is not None:
                        out.append(Draft("coach_of", m.entity, team, value, tok, attributed=False, score=0.6))
                continue
            m = ctx.mention_of(objs[0]) if objs else None
            if m and m.kind == "person":
                head = tok.head
                team = kb_team(ctx, m.entity) or ctx.article.coached.get(m.entity.id)
                for t in [] if team is not None else head.subtree:
                    tm = ctx.mention_of(t)
                    if tm and tm.is_team:
                        team = tm.entity
                        break
                team = team or ctx.focus_club()
                if team is not None and any(
                    w.lower_ in ("play", "played", "playing", "season") for w in ctx.span
                ):
                    out.append(Draft("coach_of", m.entity, team, "current", tok, attributed=False, score=0.5))
    return out


def _team_near(ctx: SentenceContext, tok: Token) -> Entity | None:
    """The team a clause is about: a team named in the sentence (the nearest), else the report's club."""
    teams = ctx.teams()
    if teams:
        return min(teams, key=lambda m: abs(m.start - tok.i)).entity
    return ctx.focus_club()


def _successions(ctx: SentenceContext) -> list[Draft]:
    """The coach being followed is the team's former coach: "after succeeding Roger Schmidt",
    "take over from Nigel Pearson", "the successor to Ruud van Nistelrooy", "replaces Glen Harris"."""
    out: list[Draft] = []
    doc = ctx.doc
    for tok in ctx.span:
        lemma = tok.lemma_.lower()
        followed: list[Mention] = []
        if lemma in ("succeed", "replace") and tok.pos_ == "VERB":
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            m = ctx.mention_of(obj)
            followed = [m] if m is not None and m.kind == "person" else []
        elif lemma == "successor" or (lemma == "take" and any(c.lower_ == "over" for c in tok.children)):
            for prep in (c for c in tok.subtree if c.lower_ in ("to", "from") and c.dep_ == "prep"):
                for obj in (c for c in prep.children if c.dep_ == "pobj"):
                    m = ctx.mention_of(obj)
                    if m is not None and m.kind == "person":
                        followed.append(m)
        for m in followed:
            if not described_as_coach(ctx, m) and not any(t.lower_ in COACH_TITLES for t in ctx.span):
                continue  # "replace Lucy Bronze" in a squad story is about a player
            aside = set()  # "take over from Pearson who departed for Hull": Hull is his new club
            for rel in (c for c in doc[m.end - 1].children if c.dep_ == "relcl"):
                aside |= {t.i for t in rel.subtree}
            named = [
                t for t in ctx.teams() if t.start > tok.i and t.start not in aside
            ]  # "replaced X as Belgium's manager"
            in_sentence = [
                t for t in ctx.teams() if t.end <= tok.i
            ]  # "PSV head coach ... after succeeding X"
            team = (
                (named[0].entity if named else None)
                or (in_sentence[-1].entity if in_sentence else None)
                or ctx.article.coached.get(m.entity.id)
                or kb_team(ctx, m.entity)
                or _team_near(ctx, tok)
            )
            if team is not None:
                out.append(
                    Draft("coach_of", m.entity, team, "former", doc[tok.i], attributed=False, score=0.6)
                )
    return out


def _plural_lists(ctx: SentenceContext) -> list[Draft]:
    """ "Sunderland has cycled through five managers ... with Steve Bruce, Martin O'Neill, ...":
    the people listed after a plural coach noun are the team's former coaches."""
    out: list[Draft] = []
    noun = next((t for t in ctx.span if t.lower_ in ("managers", "coaches", "bosses")), None)
    counted = noun is not None and any(
        c.dep_ == "nummod" or c.lower_ in ("several", "many", "numerous") for c in noun.children
    )
    if not counted:
        return out  # "five managers" a club has had, not "among Spanish managers"
    listed = [m for m in ctx.people() if m.start > noun.i]
    team = _team_near(ctx, noun)
    if (
        len(listed) >= 2
        and team is not None
        and not any(t.lower_ in ("candidates", "options") for t in ctx.span)
    ):
        for m in listed:
            out.append(Draft("coach_of", m.entity, team, "former", noun, attributed=False, score=0.6))
    return out


def _subject_person(ctx: SentenceContext, verb: Token) -> Mention | None:
    from dugout.extract.context import verb_subject

    subj = verb_subject(verb)
    m = ctx.mention_of(subj)
    if m and m.kind == "person":
        return m
    if subj is not None and subj.lower_ in ("he", "she"):
        people = [p for p in ctx.people() if p.start < verb.i]
        if people:
            return people[0]
        named_before = previous_person(ctx, subj)
        if named_before is not None:
            return named_before
    if subj is not None:
        # "The 53 year old Scot who has also managed ..." → the person the sentence is about
        people = ctx.people()
        if people and people[0].start < verb.i:
            return people[0]
    return None


def _known_posts(ctx: SentenceContext) -> list[Draft]:
    """Posts the knowledge base knows were held at the report's date, when person and team meet here."""
    out: list[Draft] = []
    published = ctx.article.article.published
    if published is None:
        return out  # without a date the knowledge base cannot say which post was held
    # the report's teams count too: "Pep Guardiola's second summer signing" in a Manchester City story
    in_report = {m.entity.id: m for v in ctx.article.sentences for m in v.mentions if m.is_team}
    if not in_report:
        return out
    for person in ctx.people():
        for role in ctx.kb.roles_of.get(person.entity.id, []):
            if role.organisation in in_report and role.role in ("head_coach", "interim_coach"):
                if role.active_on(published):
                    team = in_report[role.organisation].entity
                    value = "current" if role.role == "head_coach" else "interim"
                    out.append(
                        Draft("coach_of", person.entity, team, value, None, attributed=False, score=0.5)
                    )
    return out


def spells_ended(
    claims: list[Claim], kb: KnowledgeBase | None = None, published: str | None = None
) -> list[Claim]:
    """A coach the same report says was sacked or resigned is that team's former coach, whatever
    title the report gave him first ("have sacked Manager Roberto Di Matteo"), and no longer at risk
    there."""
    endings = [
        c
        for c in claims
        if c.type == "job_status"
        and c.value in ("dismissed", "resigned")
        and c.polarity == "affirmed"
        and c.modality in ("fact", "reported")
    ]
    returns = {
        (c.subject, c.object): c.when or ""
        for c in claims
        if c.type == "job_status" and c.value == "appointed" and c.polarity == "affirmed"
    }
    # a spell that ended before a return ("sacked in 2019, back in 2021") is not his job now
    ended = {
        (c.subject, c.object)
        for c in endings
        if (c.subject, c.object) not in returns or (c.when or "9999") >= returns[(c.subject, c.object)]
    }
    appointed_to = {
        c.subject: c.object
        for c in claims
        if c.type == "job_status"
        and c.value == "appointed"
        and c.polarity == "affirmed"
        and c.modality in ("fact", "reported")
    }
    clubs_now: dict[str, set[str | None]] = {}
    for c in claims:
        if c.type == "coach_of" and c.value == "current":
            clubs_now.setdefault(c.subject, set()).add(c.object)
    for claim in claims:
        if claim.type == "coach_of" and claim.value == "current" and (claim.subject, claim.object) in ended:
            claim.value = "former"
        elif (
            claim.type == "coach_of"
            and claim.value == "current"
            and claim.subject in appointed_to
            and claim.object != appointed_to[claim.subject]
            and len(clubs_now.get(claim.subject, ())) > 1
            and not (kb is not None and _national_side(kb, claim.object, appointed_to[claim.subject]))
        ):
            # "has since taken charge of Atletico Mineiro and Internacional" in a report on his
            # appointment elsewhere: one club at a time, those spells are over
            claim.value = "former"
    # "Nuno was under pressure ... and the club made the choice": pressure that ended in his
    # departure is over, no claim of its own
    # a new contract signed on his appointment is part of it, no extension
    fresh = {
        (c.subject, c.object)
        for c in claims
        if published
        and c.type == "job_status"
        and c.value == "appointed"
        and c.polarity == "affirmed"
        and (not c.when or published.startswith(c.when[:4]))
    }
    return [
        c
        for c in claims
        if not (c.type == "job_status" and c.value == "at_risk" and (c.subject, c.object) in ended)
        and not (c.type == "job_status" and c.value == "extended" and (c.subject, c.object) in fresh)
    ]


def _national_side(kb: KnowledgeBase, *names: str | None) -> bool:
    """Whether either team is a national side, which a club coach may hold at the same time."""
    return any(e.kind == "national_team" for name in names if name for e in kb.lookup(name))
