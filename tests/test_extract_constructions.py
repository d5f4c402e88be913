"""Each construction of football copy the extractor knows, pinned on a real sentence.

The sentences are read from ../shared at test time (seeds and dev reports);
a case names its report and a few words of the sentence, and says which
claim that sentence must yield.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dugout.extract.pipeline import Extractor
from dugout.ingest.readers import ReadOptions, read_inputs
from dugout.kb.names import names_match
from dugout.records import Article, Claim


@pytest.fixture(scope="module")
def claims_by_doc(shared_dir: Path) -> dict[str, list[Claim]]:
    articles = []
    for name in ("seeds", "dev"):
        path = shared_dir / "eval" / name / "articles.jsonl"
        articles += [
            a for a in read_inputs([str(path)], ReadOptions(allow_urls=False)) if isinstance(a, Article)
        ]
    return {article.id: claims for article, claims in Extractor().run(articles)}


ESPN = "000_f747a6ab05d9f706"
FE = "004_87e0b83675fd727f"

CASES = [
    # roles: a title before the name, with and without the club
    (
        ESPN,
        "Real Madrid president Florentino Perez",
        "holds_role",
        "Florentino Perez",
        "Real Madrid",
        "president",
    ),
    (ESPN, "head coach Carlo Ancelotti", "coach_of", "Carlo Ancelotti", "Real Madrid", "current"),
    (FE, "Sporting Director Santi Solari", "holds_role", "Santi Solari", "Real Madrid", "sporting_director"),
    (FE, "Real Madrid Castilla manager Raul", "coach_of", "Raul Gonzalez", "Real Madrid Castilla", "current"),
    # "B team coach and former striker": a B team's title past a playing career
    (ESPN, "B team coach and former striker", "coach_of", "Raul Gonzalez", "Real Madrid Castilla", "current"),
    # apposition with a future
    (ESPN, "who is set to take over at Chelsea", "coach_of", "Mauricio Pochettino", "Chelsea", "incoming"),
    # "has also managed A, B and C" (with "the 53 year old Scot" as the subject)
    ("p041", "has also managed Coventry", "coach_of", "Gordon Strachan", "Southampton", "former"),
    # a plural apposition covering names listed before it, and a sacking inside it
    (FE, "the last managers to be sacked", "job_status", "Julen Lopetegui", "Real Madrid", "dismissed"),
    (FE, "the last managers to be sacked", "coach_of", "Rafael Benitez", "Real Madrid", "former"),
    # job status: active and passive sackings, resignations, appointments, negated plans
    (
        "p003",
        "Chelsea have sacked Manager Roberto Di Matteo",
        "job_status",
        "Roberto Di Matteo",
        "Chelsea",
        "dismissed",
    ),
    ("p017", "after being sacked by Palermo", "job_status", "Stefano Colantuono", "Palermo", "dismissed"),
    (
        "p042",
        "Dick Advocaat has resigned as boss at Sunderland",
        "job_status",
        "Dick Advocaat",
        "Sunderland",
        "resigned",
    ),
    (
        "p017",
        "has been appointed as his successor",
        "job_status",
        "Davide Ballardini",
        "Palermo",
        "appointed",
    ),
    (FE, "no plans to sack Ancelotti", "job_status", "Carlo Ancelotti", "Real Madrid", "secure"),
    (ESPN, "his job is not at risk", "job_status", "Carlo Ancelotti", "Real Madrid", "secure"),
    ("p046", "beleaguered boss Erik ten Hag", "job_status", "Erik ten Hag", "Manchester United", "at_risk"),
    (ESPN, "decision to renew with Les Bleus", "job_status", "Didier Deschamps", "France", "extended"),
    # contracts
    (
        ESPN,
        "who has a contract until the summer of 2024",
        "contract_until",
        "Carlo Ancelotti",
        "Real Madrid",
        None,
    ),
    # candidates
    (
        ESPN,
        "could emerge as another alternative",
        "candidate_for",
        "Zinedine Zidane",
        "Real Madrid",
        "linked",
    ),
    (
        ESPN,
        "has an offer to take over the Brazilian national team",
        "candidate_for",
        "Carlo Ancelotti",
        "Brazil",
        "offered",
    ),
    (FE, "would take over if necessary", "candidate_for", "Santi Solari", "Real Madrid", "shortlisted"),
    # transfers
    (ESPN, "have already signed Fran Garcia", "transfer", "Fran Garcia", "Real Madrid", "signed"),
    (ESPN, "to beat City to the signing of", "transfer", "Jude Bellingham", "Manchester City", "interest"),
    ("p010", "Fulham have rejected an offer", "transfer", "Jay Stansfield", "Birmingham City", "bid"),
    (
        "p022",
        "following the departures of Romelu Lukaku",
        "transfer",
        "Romelu Lukaku",
        "Inter Milan",
        "signed",
    ),
    # squad needs
    (ESPN, "in the market for a new striker", "squad_need", "Real Madrid", None, "striker"),
    (
        FE,
        "It is their priority for the January transfer window",
        "squad_need",
        "Real Madrid",
        None,
        "right-back",
    ),
    ("p019", "looking for a permanent replacement", "squad_need", "Udinese", None, "manager"),
    # meetings
    (
        ESPN,
        "will meet with head coach Carlo Ancelotti",
        "meeting",
        "Florentino Perez",
        "Carlo Ancelotti",
        "planned",
    ),
    (FE, "had lunch with Ancelotti", "meeting", "Florentino Perez", "Carlo Ancelotti", "held"),
    (ESPN, "to meet with Borussia Dortmund", "meeting", "Real Madrid", "Borussia Dortmund", "planned"),
    # results: defeats, wins, draws in a leg, a result without a score
    (
        ESPN,
        "Wednesday's 4-0 defeat to Manchester City",
        "match_result",
        "Real Madrid",
        "Manchester City",
        "0-4",
    ),
    (FE, "a 4-0 win over Barcelona", "match_result", "Real Madrid", "Barcelona", "4-0"),
    (ESPN, "which ended in a 1-1 draw", "match_result", "Real Madrid", "Manchester City", "1-1"),
    (FE, "after their defeat to AC Milan", "match_result", "Real Madrid", "AC Milan", None),
    # results: "a 4-1 rout of X"; "their" is the clause's own team; an infinitive's result is its
    # clause subject's; "a 3-2 win for Lyon" against the headline's "Marseille v Lyon"; a wrapped score
    (
        "p046",
        "with a 4-1 rout of West Ham United",
        "match_result",
        "Tottenham Hotspur",
        "West Ham United",
        "4-1",
    ),
    (
        "p046",
        "in a 3-2 loss at Brighton",
        "match_result",
        "Tottenham Hotspur",
        "Brighton & Hove Albion",
        "2-3",
    ),
    ("p080", "following their 4-1 rout of Spanish", "match_result", "Manchester City", "Real Madrid", "4-1"),
    ("p085", "sealed a last-gasp 3-2 win for Lyon", "match_result", "Lyon", "Marseille", "3-2"),
    ("p074", "Vasco da Gama won", "match_result", "Vasco da Gama", "Bahia", "2-0"),
    ("p044", "since Tottenham`s 6-0 defeat", "match_result", "Tottenham Hotspur", "Manchester City", "0-6"),
    ("p088", "her side eventually losing", "match_result", "Everton Women", "Manchester City Women", None),
    ("p074", "who were\nheld 1-1 at Internacional", "match_result", "Corinthians", "Internacional", "1-1"),
    # transfers: clubs listed as interested; the club a player plays for is not a buyer; a coach's
    # wish names his club; "nears an exit"; interest amid outgoings; a signing with only a seller
    ("p092", "all credited with interest", "transfer", "Victor Osimhen", "Paris Saint-Germain", "interest"),
    ("p092", "all credited with interest", "transfer", "Victor Osimhen", "Bayern Munich", "interest"),
    ("p080", "Guardiola wants a new defender", "transfer", "Virgil van Dijk", "Manchester City", "interest"),
    ("p080", "reportedly nears an exit", "transfer", "Eliaquim Mangala", "Manchester City", "departure"),
    ("p025", "more outgoings, with interest in", "transfer", "Kyle Walker", "Manchester City", "departure"),
    ("p025", "after the arrival of Mateo Kovacic", "transfer", "Mateo Kovacic", "Manchester City", "signed"),
    ("p010", "the £4m Sunderland deal for striker", "transfer", "WiIll Grigg", "Sunderland", "signed"),
    (
        "p050",
        "in advanced discussions with Inter",
        "transfer",
        "Patrick Vieira",
        "Manchester City",
        "negotiating",
    ),
    ("p050", "Spanish midfielder Michel", "transfer", "Michel", "Birmingham City", "signed"),
    ("p088", "to bring Australian right back", "transfer", "Ellie Carpenter", "Lyon Women", "signed"),
    ("p088", "their need to replace Lucy Bronze", "transfer", "Lucy Bronze", "Lyon Women", "departure"),
    (
        "p031",
        "who left the club after scoring",
        "transfer",
        "Victor Rodriguez",
        "Seattle Sounders",
        "departure",
    ),
    (
        "p068",
        "closing in on a deal to join Hull City",
        "transfer",
        "Kieffer Moore",
        "Hull City",
        "negotiating",
    ),
    ("p068", "on the Black Cats’ radar", "transfer", "Kieffer Moore", "Sunderland", "interest"),
    # needs: several positions in one sentence, "in midfield", and not the one a signing fills
    ("p013", "strengthen alternatives on the wing", "squad_need", "Everton", None, "winger"),
    ("p013", "strengthening Rafa Benitez", "squad_need", "Everton", None, "midfielder"),
    # jobs: "parted ways with X"; "the departure of X" amid managerial changes; a closed spell
    ("p029", "Liverpool parted ways with Matt Beard", "coach_of", "Matt Beard", "Liverpool Women", "former"),
    (
        "p029",
        "announced the departure of Laura Kaminski",
        "coach_of",
        "Laura Kaminski",
        "Crystal Palace Women",
        "former",
    ),
    (
        "p099",
        "Wolverhampton Wanderers boss from 2017-2021",
        "coach_of",
        "Nuno Espirito Santo",
        "Wolverhampton Wanderers",
        "former",
    ),
    (
        "p027",
        "appointed Sammie Coates",
        "job_status",
        "Sammie Coates",
        "Doncaster Rovers Belles",
        "appointed",
    ),
    # the pressure on a manager belongs to his club, not to the opponent his side beat
    (
        "p044",
        "to ease the pressure on manager",
        "job_status",
        "Andre Villas-Boas",
        "Tottenham Hotspur",
        "at_risk",
    ),
    # "signed a one-year contract with the struggling club" in an undated report
    ("p042", "signed a one-year contract", "job_status", "Dick Advocaat", "Sunderland", "extended"),
    # "departed for Hull": appointed there; the club he left is former
    ("p062", "who departed for Hull", "job_status", "Nigel Pearson", "Hull City", "appointed"),
    ("p062", "take over from Nigel Pearson", "coach_of", "Nigel Pearson", "Leicester City", "former"),
    ("p070", "under the helm of first", "coach_of", "Andrea Pirlo", "Juventus", "former"),
    ("p033", "The Argentine coach has since taken", "coach_of", "Eduardo Coudet", "Internacional", "former"),
    ("p029", "The Swede had previously coached", "coach_of", "Robert Vilahamn", "BK Hacken Women", "former"),
    # contracts: "a year left on his current deal", "a contract in Sinsheim"
    (
        "p053",
        "just a year left on his current deal",
        "contract_until",
        "David De Gea",
        "Manchester United",
        None,
    ),
    ("p024", "has a contract in Sinsheim until 2021", "contract_until", "Nico Schulz", "Hoffenheim", None),
    # meetings in a quote run over paragraphs: "today Gordon met with me"
    ("p041", "today Gordon met with me", "meeting", "Gordon Strachan", "Steve Gibson", "held"),
    # candidates: "reports linking X with the job"; names "mentioned for the role"; "on Leicester's radar"
    ("p004", "reports linking Malaga", "candidate_for", "Manuel Pellegrini", "Manchester City", "linked"),
    ("p086", "mentioned for the role", "candidate_for", "Fergal Harkin", "Celtic", "shortlisted"),
    ("p086", "mentioned for the role", "candidate_for", "Matteo Tognozzi", "Celtic", "shortlisted"),
    ("p061", "on Leicester’s radar", "candidate_for", "Ralph Hasenhuttl", "Leicester City", "linked"),
]

# Sentences that must not yield a claim of this type about this person (false alarms fixed).
ABSENT = [
    ("p080", "With only Vincent Kompany", "transfer", "John Stones"),
    ("p027", "accepted the role of manager", "transfer", "Emma"),
    ("p099", "Nuno was under pressure", "job_status", "Nuno Espirito Santo"),
    ("p047", "moved him past Denis Law", "transfer", "Denis Law"),
    ("p097", "As the club of ÖFB team player", "transfer", "Phillipp Mwene"),
    ("p041", "he offered his resignation", "transfer", "Anthony Gordon"),
    ("p039", "has decided to quit", "transfer", "Paul Dickov"),
    ("p019", "caretaker coach Luca Gotti", "candidate_for", "Luca Gotti"),
    ("p099", "will take temporary charge", "candidate_for", "Hassan Khalifa"),
    ("p086", "As reported by Anthony Joseph", "candidate_for", "Anthony Joseph"),
    ("p009", "Fiorentina has rejected an enticing offer", "transfer", "Nicola Kalinic"),
    (ESPN, "to strengthen the left-back position", "squad_need", "Real Madrid"),
    ("p042", "the lack of backing", "job_status", "Dick Advocaat"),
    (ESPN, "bringing Eder Militao back in", "transfer", "Eder Militao"),
    (ESPN, "take the burden off of Benzema", "transfer", "Karim Benzema"),
    ("p044", "who he brought on", "transfer", "Lewis Holtby"),
]


def _parties(claim: Claim, type_: str, subject: str, obj: str | None) -> bool:
    """Whether a claim is about these parties (either order for meetings and results)."""
    if claim.type != type_:
        return False
    straight = names_match(claim.subject, subject) and (obj is None or names_match(claim.object, obj))
    turned = (
        type_ in ("meeting", "match_result")
        and obj is not None
        and names_match(claim.subject, obj)
        and names_match(claim.object, subject)
    )
    return straight or turned


def _find(
    claims: list[Claim], evidence: str, type_: str, subject: str, obj: str | None, value: object = ...
) -> Claim | None:
    keyed_by_value = type_ in ("job_status", "holds_role", "squad_need")
    for claim in claims:
        if (
            _parties(claim, type_, subject, obj)
            and evidence in claim.evidence
            and (value is ... or not keyed_by_value or claim.value == value)
        ):
            return claim
    return None


@pytest.mark.parametrize(
    ("doc", "evidence", "type_", "subject", "obj", "value"), CASES, ids=[f"{c[2]}:{c[1][:30]}" for c in CASES]
)
def test_construction(claims_by_doc, doc, evidence, type_, subject, obj, value) -> None:
    claims = claims_by_doc[doc]
    found = _find(claims, evidence, type_, subject, obj, value)
    if found is None:  # one claim per key: the same claim may carry firmer evidence from another sentence
        found = _find(claims, "", type_, subject, obj, value)
    assert found is not None, f"no {type_} {subject} / {obj} in {doc}"
    if type_ == "match_result" and value and not names_match(found.subject, subject):
        value = "-".join(reversed(value.split("-")))
    assert found.value == value


@pytest.mark.parametrize(("doc", "evidence", "type_", "subject"), ABSENT)
def test_no_claim(claims_by_doc, doc, evidence, type_, subject) -> None:
    wrong = [
        c
        for c in claims_by_doc[doc]
        if c.type == type_
        and evidence in c.evidence
        and names_match(c.subject, subject)
        and (type_ != "squad_need" or c.value == "left-back")
    ]
    assert not wrong, wrong


def test_modality_and_attribution(claims_by_doc) -> None:
    """The shared passes: sources make it reported, "set to" expected, "if" conditional, options possible."""
    espn, fe = claims_by_doc[ESPN], claims_by_doc[FE]
    secure = _find(espn, "his job is not at risk", "job_status", "Carlo Ancelotti", "Real Madrid")
    assert secure is not None and secure.modality == "reported" and secure.attribution == "sources"
    lunch = _find(fe, "had lunch with Ancelotti", "meeting", "Florentino Perez", "Carlo Ancelotti")
    assert lunch is not None and lunch.attribution == "Marca" and lunch.when == "2024-11-06"
    solari = _find(fe, "would take over if necessary", "candidate_for", "Santi Solari", "Real Madrid")
    assert solari is not None and solari.modality == "conditional"
    zidane = _find(espn, "could emerge", "candidate_for", "Zinedine Zidane", "Real Madrid")
    assert zidane is not None and zidane.modality == "possible"
    role = _find(
        espn, "Real Madrid president Florentino Perez", "holds_role", "Florentino Perez", "Real Madrid"
    )
    assert role is not None and role.modality == "fact" and role.attribution is None


def test_debris_never_becomes_a_claim(claims_by_doc) -> None:
    for claims in claims_by_doc.values():
        for claim in claims:
            assert "(1:58)" not in claim.evidence and "Stream on ESPN+" not in claim.evidence
            assert "pic.twitter.com" not in claim.evidence


def test_one_claim_per_key(claims_by_doc) -> None:
    from dugout.extract.pipeline import _match_key

    for claims in claims_by_doc.values():
        keys = [_match_key(c) for c in claims]
        assert len(keys) == len(set(keys))


def test_outlet_inferred_for_plain_text(shared_dir: Path) -> None:
    """Plain text carries no outlet: "sources told ESPN" and an outlet's own tweet signature give it."""
    from dugout.extract.attribution import infer_outlet
    from dugout.kb.index import load_kb

    kb = load_kb()
    seeds = shared_dir / "seeds"
    assert infer_outlet((seeds / f"{ESPN}.txt").read_text(encoding="utf-8"), kb) == "ESPN"
    assert infer_outlet((seeds / f"{FE}.txt").read_text(encoding="utf-8"), kb) == "Football España"
    assert infer_outlet("Chelsea beat Arsenal 2-0 on Sunday.", kb) is None
