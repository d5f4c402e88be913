"""Word classes of football English: synonyms pooled so the model can learn from a class what it
could not learn from each rare word ("axed", "relieved of his duties" and "sacked" are one signal;
"skipper" and "captain" another).

These are vocabulary, not rules: a feature says which class a word near a party belongs to, and
the trained model decides what that is worth. Lemmas, lower case.
"""

from __future__ import annotations

WORD_CLASSES: dict[str, frozenset[str]] = {
    "COACH": frozenset(
        "coach manager boss head-coach gaffer tactician trainer coaching managerial caretaker interim "
        "stand-in helm dugout hot-seat hotseat bench".split()
    ),
    "PLAYER": frozenset(
        "player striker forward winger midfielder defender goalkeeper keeper full-back fullback "
        "centre-back center-back right-back left-back wing-back playmaker attacker frontman "
        "centre-forward teenager youngster starlet talent international star signing loanee "
        "academy graduate prospect captain skipper veteran".split()
    ),
    "EXECUTIVE": frozenset(
        "president chairman chairwoman owner co-owner director ceo chief executive board "
        "sporting-director vice-president investor shareholder hierarchy".split()
    ),
    "CAPTAIN": frozenset("captain skipper armband vice-captain".split()),
    "SACK": frozenset(
        "sack fire dismiss axe oust relieve part depart departure exit remove terminate "
        "replace boot dismissal sacking firing".split()
    ),
    "APPOINT": frozenset(
        "appoint hire name unveil install confirm announce appointment arrival succeed successor "
        "replace take charge".split()
    ),
    "RESIGN": frozenset("resign quit step leave walk resignation stand".split()),
    "PRESSURE": frozenset(
        "pressure threat risk brink doubt future scrutiny under-fire beleaguered embattled "
        "precarious crisis ultimatum axe".split()
    ),
    "BACKING": frozenset("back support backing confidence faith trust safe secure commit".split()),
    "EXTEND": frozenset("extend extension renew renewal new contract deal until expire expiry".split()),
    "INTEREST": frozenset(
        "interest interested target monitor eye keen admire track scout watch link linked radar "
        "shortlist consider pursue pursuit chase want covet".split()
    ),
    "BID": frozenset("bid offer proposal approach enquiry inquiry submit table rebuff reject".split()),
    "NEGOTIATE": frozenset("talk negotiation negotiate discussion agent representative camp".split()),
    "AGREE": frozenset(
        "agree agreement verge close closing finalise complete medical personal terms".split()
    ),
    "SIGN": frozenset(
        "sign signing join joined arrive arrival move switch acquire acquisition recruit "
        "buy purchase land capture secure seal snap fee transfer".split()
    ),
    "LOAN": frozenset("loan loanee loaned temporary".split()),
    "DEPART": frozenset(
        "sell sale leave depart departure exit release offload let outgoing quit farewell".split()
    ),
    "WIN": frozenset("beat win victory triumph thrash rout hammer defeat edge overcome down".split()),
    "LOSE": frozenset("lose loss defeat beaten fall succumb suffer".split()),
    "DRAW": frozenset("draw stalemate tie level".split()),
    "MEET": frozenset("meet meeting talk summit hold sit lunch dinner".split()),
    "CANDIDATE": frozenset(
        "candidate contender frontrunner front-runner favourite favorite option replacement "
        "successor shortlist linked approach".split()
    ),
    "PAST": frozenset("former ex previously once formerly then earlier spell stint".split()),
    "FUTURE": frozenset("will set expect due poised plan soon next upcoming".split()),
    "HEDGE": frozenset("could may might possible potential reportedly rumour speculation".split()),
    "NEGATION": frozenset("not no never deny rule reject without dismiss".split()),
}

CLASSES_OF: dict[str, tuple[str, ...]] = {}
for _name, _words in WORD_CLASSES.items():
    for _word in _words:
        CLASSES_OF[_word] = (*CLASSES_OF.get(_word, ()), _name)


def classes(lemma: str) -> tuple[str, ...]:
    """The classes a lemma belongs to (none for most words)."""
    return CLASSES_OF.get(lemma, ())
