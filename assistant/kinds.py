"""What kind of fact a question asks for (a phone number, a duration, a ratio, a deputy, a person's name),
and whether a clause states it: a clause close in meaning that does not state the fact asked for does not
answer the question ("how long do you keep recordings?" is not answered by "Recordings are kept securely").

``missing_answer_kind`` names the kind a clause leaves out; ``stating_first`` brings forward a clause that
states it when it scores nearly as well as the best.

What this module does not do: rank (``assistant.retrieve``) or compose the answer (``assistant.answer``,
which refuses when a kind is missing).
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from assistant.retrieve import Hit

# A question asking for a particular fact is answered only by a clause that states one, however close
# in meaning the clause is: "how long do you keep recordings?" needs a duration, "how often should we
# change the passwords?" a frequency, "what's the safeguarding lead's phone number?" a number. Each
# kind is (name, what the question asks, what the clause must state); the first kind asked decides.
# The password, contact, name and frequency kinds refuse none of the example questions in policy_docs/questions/
# (written blind to evals/) for their own clause; a test keeps it so.
_ASKS_FOR_VALUE = (  # asking for the value itself, not about it ("what's the rule on sharing passwords?")
    r"\b(?:what(?:'s|’s| is| are)|whats|wats|tell me|give me|send me|can (?:i|we) (?:have|get)|is there (?:a|an|any)"
    r"|(?:have|has) (?:you|u|they) got|do (?:you|u) have"
    r"|where (?:can|do) (?:i|we) find|forgot(?:ten)?|reset|recover)"
    r"(?:\s+(?!(?:rules?|polic\w*|about|on|of|regarding|around|with|to|shar\w*|keep\w*|protect\w*)\b)[\w'’-]+){0,5}?\s+"
)
_NUMBER_WORDS = (  # numbers in words, cardinal and ordinal; "once", "twice", "half", "a year"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen"
    r"|hundred|thousand|dozen|half|once|twice"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth"
    r"|(?:twent|thirt|fort|fift|sixt)ieth|an? (?:hour|day|week|fortnight|month|term|year)"
)
# A person's name: a title and a name ("Mrs Patel"), a "Name:" label with a name after it (not a role: a table's
# "Name: Lead Safeguarding Officer"), or two capitalised words (an initial between them allowed) neither of which
# is a word of roles, bodies, places or forms ("Claire Williamson", not "Designated Safeguarding Officer",
# "Torphins Playgroup", "Stuart Street" or "[Insert Name]").
_ROLE_WORDS = (
    r"the|our|your|their|this|that|if|a|an|all|any|each|every|designated|safeguarding|lead|leads|officer|officers|child|children|"
    r"protection|welfare|club|church|school|playgroup|pre|preschool|nursery|policy|team|manager|head|deputy|coordinator|"
    r"co-ordinator|person|focal|local|authority|trust|board|committee|council|group|service|services|centre|center|"
    r"association|society|youth|junior|senior|online|safety|e-safety|insert|name|contact|details|email|phone|number|role|"
    r"date|review|director|chair|chairperson|trustee|trustees|staff|volunteer|volunteers|leader|leaders|superintendent|"
    r"minister|governor|governors|adult|adults|designate|lado|dsl|dso|cwo|nspcc|police|social|care|helpline|"
    r"national|regional|street|road|lane|avenue|house|park|square|court|building|hall|office|"  # places: "Stuart Street"
    r"governing|body|bodies|leadership|management"  # bodies: "Governing Body", "Senior Leadership Team"
)
_PERSON_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Revd?|Reverend|Pastor|Father)\.?\s+[A-Z][a-z]|\bName:\s*(?!\[)(?!(?i:" + _ROLE_WORDS + r")\b)[A-Z]"
    r"|\b(?!(?i:" + _ROLE_WORDS + r")\b)[A-Z][a-z'’]+(?:\s+[A-Z]\.?)?\s+(?!(?i:" + _ROLE_WORDS + r")\b)[A-Z][a-z'’]+\b")
# Asking for who stands in for someone; and a clause (or its heading) naming a deputy or who acts in an absence.
_DEPUTY_ASKED = re.compile(r"\b(?:deput(?:y|ies|ise)|back-?up (?:person|lead|contact|officer)|stand-?in|alternate)\b",
                           re.IGNORECASE)
_DEPUTY_STATED = re.compile(r"\b(?:deput\w*|absen\w*|unavailable|not available|alternat\w*|back-?up|cover(?:s|ing)? for|"
                            r"in (?:his|her|their) place|instead of)\b", re.IGNORECASE)
# Asking for a ratio ("what's the ratio ...?", "how many leaders do we need per child?"), and a clause stating one
# ("1:8", "one adult to every six").
_RATIO_ASKED = re.compile(r"\b(?:what(?:'s|’s| is| are)?|whats)\s+(?:\w+\s+){0,3}?ratios?\b|\bratios? (?:of|for|between)\b"
                          r"|\bhow many \w+ (?:\w+ ){0,4}?(?:per|for every|to every|for each|to each) (?:child|kid|young person|"
                          r"participant|pupil|player|member|ninja|camper|scout|adult|leader|student)s?\b", re.IGNORECASE)
_RATIO_STATED = re.compile(r"\d\s*:\s*\d|\b(?:\d+|" + _NUMBER_WORDS + r")\b[^.]{0,40}?\b(?:to|for|per)\s+(?:every\s+|each\s+)?"
                           r"(?:\d+|" + _NUMBER_WORDS + r")\b", re.IGNORECASE)
_NEVER = re.compile(r"(?!)")  # a policy never states a password: only the person who holds it can help
_ANSWER_KINDS = (
    ("password", re.compile(
        _ASKS_FOR_VALUE + r"(?:password|passcode|pass code|login|log-in|pin)s?\b(?![\s-]*(?:protect|polic|rule|shar))",
        re.IGNORECASE), _NEVER),
    # "Is there a deputy if the lead is away?" is not answered by the lead's name: only by a clause (or its
    # heading) that names a deputy or says who acts in the lead's absence.
    ("deputy", _DEPUTY_ASKED, _DEPUTY_STATED),
    # A phone number asked for is not given by an email address: the clause must hold a number one can dial.
    ("contact", re.compile(
        _ASKS_FOR_VALUE + r"(?:phone|mobile|telephone|whatsapp) (?:number|no)\b"
        # "... and what's their number?": a number that belongs to someone is how to reach them.
        r"|\b(?:what(?:'s|’s| is)|whats) (?:their|his|her|your|the dsl'?s|the lead'?s) number\b",
        re.IGNORECASE), re.compile(r"\d[\d \-()]{5,}\d|\b(?:999|111|112)\b")),
    # ... nor is an email address given by a phone number.
    ("contact", re.compile(
        _ASKS_FOR_VALUE + r"e-?mail address\b|\b(?:what(?:'s|’s| is)|whats) (?:their|his|her|your|the dsl'?s|the lead'?s) e-?mail\b",
        re.IGNORECASE), re.compile(r"@|\[at\]|\(at\)")),
    ("contact", re.compile(_ASKS_FOR_VALUE + r"(?:contact (?:number|no)|contact details|address)\b", re.IGNORECASE),
     re.compile(r"\d{4,}|@|www\.|https?://")),
    # "What's the name of the e-safety lead?" is answered by a person's name, not by what the lead does.
    ("name", re.compile(r"\b(?:what(?:'s|’s| is| are)|whats|tell me|give me|send me)\s+(?:the\s+)?names?\s+"
                        r"(?:and\s+\S+\s+(?:\S+\s+)?)?of\s+(?:\S+\s+){0,5}?(?:lead|officer|person|co-?ordinator|manager|"
                        r"leader|worker|superintendent|head|teacher|coach|dsls?|dso|cwo|lado|trustee|chair|director|minister|"
                        r"vicar|deputy|designated)s?\b", re.IGNORECASE), _PERSON_NAME),
    ("frequency", re.compile(r"\bhow (?:often|frequently)\b|\bhow many times\b", re.IGNORECASE),
     re.compile(r"\b(?:\d+|one|two|three) times\b|\b(?:every|daily|weekly|monthly|annually|yearly|termly|once|twice"
                r"|regular(?:ly)?|periodic(?:ally)?|routinely|always|never|annual|quarterly|fortnightly|nightly|biannual|biennial)\b"
                r"|\b(?:each|per|a) (?:year|annum|term|month|week|day|session)\b", re.IGNORECASE)),
    # "How many hours/days ...?" is answered by a number of them ("within 24 hours", "two working days"), not by
    # any number ("Regulation 35"); "what's the ratio ...?" by a ratio ("1:8", "one adult to every six").
    *((("quantity", re.compile(r"\bhow many " + asked + r"\b", re.IGNORECASE),
        re.compile(r"(?:\d+|\b(?:" + _NUMBER_WORDS + r"))[\s-]*(?:[\w-]+\s+){0,2}?" + stated + r"\b|\b(?:a|an|one|per|each|every) "
                   + stated + r"\b", re.IGNORECASE))
       for asked, stated in (("minutes", "min(?:ute)?s?"), ("hours", "(?:hour|hr)s?"), ("days", "days?"),
                             ("weeks", "(?:week|wk)s?"), ("months", "months?"), ("years", "(?:year|yr)s?")))),
    ("ratio", _RATIO_ASKED, _RATIO_STATED),
    # A number may be written in words ("at least two adults", "their eighteenth birthday"). "When do
    # we ...?" is not here: an event answers it ("at induction", "before the trip") as well as a date.
    ("quantity", re.compile(
        # Money asked about in a yes/no question ("does the club pay it?", "is there a fee?") is answered by who pays
        # or whether one is charged, not by an amount.
        r"^\W*(?!(?:do|does|did|is|are|was|were|will|would|can|could|should|shall|must|have|has|am|if)\b)"
        r"(?:[\w'’]+\W+){0,15}?(?:costs?|price|fees?|pays?)\b"
        # "How much should I ask them?" asks how far to go, not for an amount ("how much do we pay?" does).
        r"|\b(how (long|much(?!\s+(?:should|can|could|do|does|would|will|must|shall|may)\s+(?:i|we|you|they|staff|volunteers?)\s+"
        r"(?!(?:pay|spend|charge|owe|give|get|earn|cost|donate|raise|claim|need to pay)\b))|many|old|young)|what age|what time"
        # An age limit asked in other words ("what's the minimum age to volunteer?", "the youngest age you take")
        r"|(?:minimum|maximum|youngest|oldest|lowest|upper|lower) age|age (?:limits?|range|restrictions?|requirements?))\b",
        re.IGNORECASE),
     re.compile(r"\d|\b(?:" + _NUMBER_WORDS + r")\b", re.IGNORECASE)),
)


# "Who's the safeguarding lead?" is best answered by the clause that names them, but a role answers it
# too ("the DSL"), so this kind only brings a naming clause forward (``stating_first``), never refuses.
_PREFERRED_KINDS = (
    ("person", re.compile(r"\bwho(?:'s|’s| is| are|s)\s+(?:the|our|your|their|\w+'s|\w+’s)\s+(?:\S+\s+){0,4}?(?:lead|officer|person|"
                          r"co-?ordinator|manager|leader|worker|head|dsls?|dso|cwo|lado|trustee|chair|director|minister|"
                          r"vicar|deputy|contact)s?\b", re.IGNORECASE), _PERSON_NAME),
)
# How close to the best clause's score a clause stating the asked-for fact must be to come first.
STATED_MIN_RATIO = 0.7
# ... and a contact asked for by whose it is, which the clause must also name (``missing_answer_kind``).
NAMED_CONTACT_MIN_RATIO = 0.5


def stating_first(question: str, hits: Sequence[Hit], min_ratio: float = STATED_MIN_RATIO) -> list[Hit]:
    """The hits, with a clause that names the person the question asks for first when the best one does
    not and it scores nearly as well ("who's the safeguarding lead?": the clause naming them). Of the kinds
    that refuse, only a deputy and a ratio (``_BROUGHT_FORWARD``): for the others, the best clause not
    stating the fact is the sign that the policy does not say (a clause further down giving some other
    number would answer the wrong question; measured, evals/README.md)."""
    hits = list(hits)
    asked = _first_asked(question, _ANSWER_KINDS)
    if asked is not None and asked[0] == "contact" and (_acronyms(question) or _whose(question)) and hits:
        # A contact asked for by whose it is ("the number for MASH"): a clause that gives it and names them
        # answers the right question, so it comes first rather than the best clause's refusal.
        if not missing_answer_kind(question, hits[0].clause.full_text, hits[0].clause.section):
            return hits
        return _brought_forward(hits, lambda hit: _gives_named(question, asked[1], hit.clause.full_text, hit.clause.section),
                                NAMED_CONTACT_MIN_RATIO)
    if asked is None or asked[0] not in _BROUGHT_FORWARD:
        asked = _first_asked(question, _PREFERRED_KINDS)
    if asked is None or not hits or _stated(*asked, hits[0].clause.full_text, hits[0].clause.section):
        return hits
    return _brought_forward(hits, lambda hit: _stated(*asked, hit.clause.full_text, hit.clause.section), min_ratio)


def _brought_forward(hits: list[Hit], wanted: Callable[[Hit], bool | None], min_ratio: float) -> list[Hit]:
    """The hits with the first of the next two that is ``wanted`` brought to the front, when it scores at least
    ``min_ratio`` of the best; as they were otherwise."""
    for i, hit in enumerate(hits[1:3], start=1):
        if hit.score < hits[0].score * min_ratio:
            break
        if wanted(hit):
            return [hit, *hits[:i], *hits[i + 1:]]
    return hits


# A child's age named in a question ("my 9 yr old", "kids aged about 6", "10 and 11 year olds", "13-16 yr olds").
_AGE_ASKED = re.compile(
    r"\b(\d{1,2})(?:\s*(?:-|–|to|and|or)\s*(\d{1,2}))?\s*-?\s*(?:yrs?|years?|y/?o)s?\b|\baged?\s+(?:about\s+|around\s+)?(\d{1,2})\b",
    re.IGNORECASE)
# An age band a clause states: "4 - 8 years", "aged 9 to 14", "4 and 5 years old", "under 11s", "18 or over".
_AGE_BAND = re.compile(
    r"\b(?:aged?\s+)?(?P<lo>\d{1,2})\s*(?:-|–|to|and)\s*(?P<hi>\d{1,2})\s*(?:years?|yrs?|year olds)\b"
    r"|\baged\s+(?P<lo2>\d{1,2})\s*(?:-|–|to)\s*(?P<hi2>\d{1,2})\b"
    r"|\b(?:under|below|younger than)\s+(?:the\s+age\s+of\s+|age\s+)?(?P<under>\d{1,2})s?\b"
    r"|\b(?:over|above|older than)\s+(?:the\s+age\s+of\s+|age\s+)?(?P<over>\d{1,2})s?\b"
    r"|\b(?P<orover>\d{1,2})\s+(?:years?\s+)?(?:or|and)\s+(?:over|above|older)\b",
    re.IGNORECASE)


def asked_ages(question: str) -> list[int]:
    """The ages a question names: "N year old(s)", "N yo", "aged N", or "my N yr" ("for 2 years" is a time)."""
    ages = []
    for m in _AGE_ASKED.finditer(question):
        aged = m.group(3) or re.match(r"\s*-?\s*olds?\b", question[m.end():]) or re.search(r"y/?os?$", m.group(0), re.IGNORECASE)
        if aged or re.search(r"\b(?:my|our|his|her|their|a|an)\s*$", question[:m.start()], re.IGNORECASE):
            ages.extend(int(g) for g in m.groups() if g)
    return [a for a in ages if 2 <= a <= 25]


def age_bands(text: str) -> list[tuple[int, int]]:
    """The age bands a clause states, each (youngest, oldest): "under 11s" is (0, 10), "16 and over" (16, 99)."""
    bands = []
    for m in _AGE_BAND.finditer(text):
        g = m.groupdict()
        if g["lo"] or g["lo2"]:
            bands.append((int(g["lo"] or g["lo2"]), int(g["hi"] or g["hi2"])))
        elif g["under"]:
            bands.append((0, int(g["under"]) - 1))
        elif g["over"]:
            bands.append((int(g["over"]) + 1, 99))
        else:
            bands.append((int(g["orover"]), 99))
    return [(lo, hi) for lo, hi in bands if lo <= hi]


def fitting_age_first(question: str, hits: Sequence[Hit], min_ratio: float = STATED_MIN_RATIO) -> list[Hit]:
    """The hits, with a clause whose age band holds the ages the question names first, when the best one
    states only bands that leave them out and it scores nearly as well ("a group of 10 and 11 year olds":
    "9 - 12 years - one adult to eight children", not "13 - 18 years ...")."""
    hits = list(hits)
    ages = asked_ages(question)
    if not ages or not hits:
        return hits

    def fits(hit: Hit) -> bool | None:
        bands = age_bands(hit.clause.full_text)
        return any(all(lo <= a <= hi for a in ages) for lo, hi in bands) if bands else None

    if fits(hits[0]) is not False:
        return hits
    return _brought_forward(hits, fits, min_ratio)


# Refusing kinds whose stating clause answers what they ask, so it is brought forward like a naming one.
_BROUGHT_FORWARD = frozenset({"deputy", "ratio"})
# Kinds a clause may state in its heading instead ("Deputy Safeguarding Lead" over a bare name).
_STATED_IN_HEADING = frozenset({"deputy"})


def _first_asked(question: str, kinds) -> tuple[str, re.Pattern] | None:
    """The first of the kinds the question asks for, with what states it."""
    return next(((kind, states) for kind, asks, states in kinds if asks.search(question)), None)


def _stated(kind: str, states: re.Pattern, clause_text: str, where: str) -> bool:
    return bool(states.search(f"{where}\n{clause_text}" if kind in _STATED_IN_HEADING else clause_text))


_OWN_NUMBER = re.compile(r"(?m)^\s*(?:\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}[.)])\s+")
_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")


def _acronyms(question: str) -> list[str]:
    """The acronyms a question names ("the NSPCC helpline"); none when it is written in capitals throughout."""
    letters = [c for c in question if c.isalpha()]
    if sum(c.isupper() for c in letters) > len(letters) / 2:
        return []
    return _ACRONYM.findall(question)


def _names(acronym: str, text: str) -> bool:
    """The text names what the acronym stands for: the letters themselves, or capitalised words with those
    initials ("Local Authority Designated Officer" for LADO, "Club Welfare Officer" for CWO)."""
    if re.search(rf"\b{acronym}s?\b", text, re.IGNORECASE):
        return True
    initials = "".join(w[0] for w in _CAPITALISED.findall(text)).upper()
    return acronym.upper() in initials


def missing_answer_kind(question: str, clause_text: str, where: str = "") -> str:
    """The kind of fact the question asks for that the clause does not state ("" when none is missing).
    ``where``: the clause's section heading, which may name whose the contact is."""
    asked = _first_asked(question, _ANSWER_KINDS)
    if asked is None:
        return ""
    kind, states = asked
    clause_text = _OWN_NUMBER.sub("", clause_text)  # "3.7 In the event ...": the policy's own number is no amount
    if not _stated(kind, states, clause_text, where):
        return kind
    # A contact asked for by name ("the NSPCC helpline", "the RFU safeguarding team", "Ofsted's phone number") is
    # not given by someone else's number: the clause or its heading must name whose it is.
    if kind == "contact" and not _names_whose(question, f"{where}\n{clause_text}"):
        return kind
    return ""


def _names_whose(question: str, text: str) -> bool:
    """The text names whose contact the question asks for: each acronym it names, and its words for them."""
    return all(_names(a, text) for a in _acronyms(question)) and _says_whose(_whose(question), text)


_SENTENCE_OR_LINE = re.compile(r"(?<=[.!?])\s+|\n+")


def _gives_named(question: str, states: re.Pattern, clause_text: str, where: str) -> bool:
    """One sentence or line of the clause both gives the contact and names whose it is (or the clause is one
    line under a heading that names them): a clause naming them beside someone else's number does not."""
    parts = [p for p in _SENTENCE_OR_LINE.split(_OWN_NUMBER.sub("", clause_text)) if p.strip()]
    texts = [f"{where}\n{parts[0]}"] if len(parts) == 1 else parts
    return any(states.search(t) and _names_whose(question, t) for t in texts)


# Whose contact is asked for, in words ("the number for childline", "Ofsted's phone number", "the PACEY helpline
# number"): the clause, or its heading, must name them too, or it gives someone else's.
_WHOSE = (
    re.compile(r"\b(?:number|no|e-?mail(?: address)?|contact details|details) (?:for|of) (?:the |a |an )?(?P<who>[\w'’ -]{2,40}?)"
               r"(?=\s*(?:[?.,!;]|\b(?:if|so|when|because|cos|in case|to|i|we|on|at|in|or)\b|$))", re.IGNORECASE),
    re.compile(r"\b(?P<who>[A-Za-z][\w-]+)(?:'s|’s) (?:phone |telephone |mobile |contact |helpline |office )?(?:number|no|e-?mail)\b",
               re.IGNORECASE),
    re.compile(r"\bthe (?P<who>[\w-]+(?: [\w-]+)?) (?:phone |helpline |telephone |contact |mobile )?number\b", re.IGNORECASE),
)
_GENERIC_CONTACT = frozenset("the a an our your their his her my its phone telephone mobile number email e-mail address contact details "
                             "helpline line main actual best direct or and what whats what's person people team someone local".split())


def _whose(question: str) -> list[str]:
    """The words naming whose contact a question asks for (acronyms aside: ``_acronyms``)."""
    for pattern in _WHOSE:
        m = pattern.search(question)
        if m:
            words = re.findall(r"[\w’'-]+", m.group("who"))
            return [w for w in words if w.lower() not in _GENERIC_CONTACT and len(w) > 2 and not _ACRONYM.fullmatch(w)]
    return []


def _says_whose(words: list[str], text: str) -> bool:
    """The text holds each word, or a word sharing its first five letters ("deputies" for "deputy"), or an
    acronym holding their initials ("CWO" for "welfare officer")."""
    if all(re.search(rf"\b{re.escape(w[:5])}", text, re.IGNORECASE) for w in words):
        return True
    initials = "".join(w[0] for w in words).upper()
    return len(initials) >= 2 and any(initials in acronym for acronym in _ACRONYM.findall(text))
