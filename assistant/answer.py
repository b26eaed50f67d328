"""Compose what the user sees from ranked clauses: an extractive answer quoting clauses verbatim, or
an honest "the policy does not cover this" with who to ask.

Every sentence shown is either a clause quoted word for word with its id, section, document and
page, or one of three fixed lines (the framing line, the who-to-ask line and the safeguarding
signpost) that state nothing about what the policy says. The role shapes those lines, never which
clauses are cited.

What this module does not do: rank (``assistant.retrieve``), route disclosures (``assistant.route``;
a disclosure answer is built from the notice alone) or call a language model (``assistant.llm``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Sequence, get_args

from assistant.calibration import PLAIN, Calibration
from assistant.notice import Notice, dsl_reference, dsl_with_role
from assistant.retrieve import Hit, Retrieval
from assistant.sections import display_title
from assistant.settings import Contacts
from ingest.clauses import Clause

# What the person gets: an answer quoting clauses, an honest "not covered", or the safeguarding notice.
Route = Literal["answer", "not_covered", "disclosure", "language"]  # "language": the English-only notice
ROUTES: tuple[Route, ...] = get_args(Route)
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
# A person's name: a title and a name ("Mrs Patel"), a "Name:" label with a name after it, or two
# capitalised words (an initial between them allowed) neither of which is a word of roles, bodies or
# forms ("Claire Williamson", not "Designated Safeguarding Officer", "Torphins Playgroup" or "[Insert Name]").
_ROLE_WORDS = (
    r"the|our|your|their|this|that|if|a|an|all|any|each|every|designated|safeguarding|lead|leads|officer|officers|child|children|"
    r"protection|welfare|club|church|school|playgroup|pre|preschool|nursery|policy|team|manager|head|deputy|coordinator|"
    r"co-ordinator|person|focal|local|authority|trust|board|committee|council|group|service|services|centre|center|"
    r"association|society|youth|junior|senior|online|safety|e-safety|insert|name|contact|details|email|phone|number|role|"
    r"date|review|director|chair|chairperson|trustee|trustees|staff|volunteer|volunteers|leader|leaders|superintendent|"
    r"minister|governor|governors|adult|adults|designate|lado|dsl|dso|cwo|nspcc|police|social|care|helpline"
)
_PERSON_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Revd?|Reverend|Pastor|Father)\.?\s+[A-Z][a-z]|\bName:\s*(?!\[)[A-Z]"
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
                r"|regularly|always|never)\b", re.IGNORECASE)),
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


def stating_first(question: str, hits: Sequence[Hit], min_ratio: float = STATED_MIN_RATIO) -> list[Hit]:
    """The hits, with a clause that names the person the question asks for first when the best one does
    not and it scores nearly as well ("who's the safeguarding lead?": the clause naming them). Of the kinds
    that refuse, only a deputy and a ratio (``_BROUGHT_FORWARD``): for the others, the best clause not
    stating the fact is the sign that the policy does not say (a clause further down giving some other
    number would answer the wrong question; measured, evals/README.md)."""
    hits = list(hits)
    asked = _first_asked(question, _ANSWER_KINDS)
    if asked is None or asked[0] not in _BROUGHT_FORWARD:
        asked = _first_asked(question, _PREFERRED_KINDS)
    if asked is None or not hits or _stated(*asked, hits[0].clause.full_text, hits[0].clause.section):
        return hits
    for i, hit in enumerate(hits[1:3], start=1):
        if hit.score < hits[0].score * min_ratio:
            break
        if _stated(*asked, hit.clause.full_text, hit.clause.section):
            return [hit, *hits[:i], *hits[i + 1:]]
    return hits


# Refusing kinds whose stating clause answers what they ask, so it is brought forward like a naming one.
_BROUGHT_FORWARD = frozenset({"deputy", "ratio"})
# Kinds a clause may state in its heading instead ("Deputy Safeguarding Lead" over a bare name).
_STATED_IN_HEADING = frozenset({"deputy"})


def _first_asked(question: str, kinds) -> tuple[str, re.Pattern] | None:
    """The first of the kinds the question asks for, with what states it."""
    return next(((kind, states) for kind, asks, states in kinds if asks.search(question)), None)


def _stated(kind: str, states: re.Pattern, clause_text: str, where: str) -> bool:
    return bool(states.search(f"{where}\n{clause_text}" if kind in _STATED_IN_HEADING else clause_text))


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
    if not _stated(kind, states, clause_text, where):
        return kind
    # A contact asked for by name ("the NSPCC helpline", "the RFU safeguarding team") is not given by
    # someone else's number: the clause or its heading must name whose it is.
    if kind == "contact" and not all(_names(a, f"{where}\n{clause_text}") for a in _acronyms(question)):
        return kind
    return ""


@dataclass(frozen=True)
class Citation:
    clause_id: str
    document: str
    section: str
    page: str | None
    # What is quoted, verbatim, one part per line: the clause with its options; a list item under the
    # lead-in it depends on ("Staff must not:" first, then the item); a lead-in with its items.
    text: str
    page_index: int | None = None
    context: str = ""  # the lead-in quoted before the clause, when it depends on one

    @classmethod
    def of(cls, clause: Clause) -> "Citation":
        if clause.context:  # an item that introduces lines of its own is quoted with both
            text = "\n".join((clause.context, clause.full_text, *clause.items))
        elif clause.items:
            text = "\n".join((clause.text, *clause.items))
        else:
            text = clause.full_text
        return cls(clause.clause_id, clause.document, clause.section_label, clause.page, text, clause.page_index,
                   clause.context)

    def to_dict(self) -> dict:
        return {"clause_id": self.clause_id, "document": self.document, "section": self.section,
                "page": self.page, "text": self.text, "context": self.context}

    def reference(self) -> str:
        page = f", page {self.page}" if self.page else ""
        # The heading as the app shows it (no bracket left open by the way the document was read).
        return f"{self.clause_id}, {display_title(self.section)}, {self.document}{page}"

    def quoted(self) -> str:
        """How an answer quotes the clause: verbatim in quotation marks, the parts after the first as a
        list, then where it is."""
        quoted = self.text.replace("\n", "\n  - ")
        return f"\u201c{quoted}\u201d ({self.reference()})"


@dataclass(frozen=True)
class Answer:
    route: Route
    answer: str
    citations: tuple[Citation, ...] = ()
    notice: Notice | None = None
    reason: str = ""  # content-free: why this route (for the DSL's review and tests), never message text
    notes: tuple[str, ...] = field(default=())  # e.g. the question was cut to a bounded prefix

    def to_dict(self) -> dict:
        return {
            "route": self.route,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "notice": self.notice.to_dict() if self.notice else None,
        }


def is_covered(hits: Sequence[Hit], calibration: Calibration = PLAIN, unknown_share: float = 0.0) -> bool:
    """Does the best clause answer the question? Close in meaning, or sharing enough vocabulary."""
    if not hits:
        return False
    best = hits[0]
    bar = calibration.coverage
    # Closeness is the clause's own words, or its example questions' score when the index has them.
    closeness = best.dense if best.asked is None else max(best.dense, best.asked)
    if closeness >= bar.min_dense and best.score >= bar.min_fused:
        return True
    return (
        best.lexical_raw >= bar.min_lexical_raw
        and closeness >= bar.min_dense * 0.5
        and unknown_share < bar.max_unknown_share
    )


def select_citations(hits: Sequence[Hit], max_citations: int = 3, related_min_ratio: float = PLAIN.related_min_ratio) -> list[Clause]:
    """The best clause, then only those scoring nearly as well (and not already quoted inside it)."""
    if not hits:
        return []
    chosen = [hits[0].clause]
    for hit in hits[1:]:
        if len(chosen) >= max_citations or hit.score < hits[0].score * related_min_ratio:
            break
        clause = hit.clause
        if any(_contains(c, clause) or _contains(clause, c) for c in chosen):
            continue
        chosen.append(clause)
    return chosen


def _contains(outer: Clause, inner: Clause) -> bool:
    """A parent already quotes its options."""
    return inner.parent_id == outer.clause_id and inner.document == outer.document


def who_to_ask(role: str, contacts: Contacts, online_presence: bool = False) -> str:
    """The line naming who to ask; contact details only where configuration gives them."""
    dsl = f"{dsl_with_role(contacts)}{_reach(contacts.dsl_phone, contacts.dsl_email)}"
    if online_presence and (contacts.online_name or contacts.online_phone or contacts.online_email):
        who = contacts.online_name or "the person"
        person = f"{who}, who manages the online presence{_reach(contacts.online_phone, contacts.online_email)}"
        target = f"{person}, or {dsl}"
    else:
        target = dsl
    if role == "parent":
        return f"For anything this does not answer, contact {target}."
    if role == "participant":
        return f"If you are not sure, ask a member of staff or {target}."
    return f"If you are unsure, ask {target}."


def _reach(phone: str, email: str) -> str:
    ways = [w for w in (phone, email) if w]
    return f": {', '.join(ways)}" if ways else ""


_FRAMING = {
    "staff": "The policy says:",
    "volunteer": "The policy says:",
    "parent": "Here is what the policy says:",
    "participant": "Here is what the policy says:",
}
SIGNPOST = "If this is about something that has happened, speak to {dsl} now{reach}."
NOT_COVERED = "The policy does not cover this."
_ONLINE_WORDS = ("social media", "online presence", "website", "posts", "accounts", "account")


def compose(
    retrieval: Retrieval,
    role: str,
    contacts: Contacts,
    calibration: Calibration = PLAIN,
    *,
    max_citations: int = 3,
    signpost: bool = False,
) -> Answer:
    """The extractive answer for a retrieval (or not_covered when the best clause does not answer)."""
    question_hint = retrieval.query
    hits = stating_first(question_hint, retrieval.hits)
    missing = missing_answer_kind(question_hint, hits[0].clause.full_text, hits[0].clause.section) if hits else ""
    if missing or not is_covered(retrieval.hits, calibration, retrieval.unknown_share):
        online = any(w in question_hint.lower() for w in ("social media", "facebook", "instagram", "website", "post"))
        lines = [NOT_COVERED, who_to_ask(role, contacts, online_presence=online)]
        if signpost:
            lines.append(SIGNPOST.format(dsl=dsl_reference(contacts), reach=_reach(contacts.dsl_phone, contacts.dsl_email)))
        reason = f"coverage:no_{missing}" if missing else "coverage:below_threshold"
        return Answer("not_covered", "\n".join(lines), (), None, reason)

    clauses = select_citations(hits, max_citations, calibration.related_min_ratio)
    citations = tuple(Citation.of(c) for c in clauses)
    lines = [_FRAMING.get(role, _FRAMING["staff"])]
    lines.extend(citation.quoted() for citation in citations)
    online = any(w in c.full_text.lower() or c.section.lower().endswith("online presence") for c in clauses for w in _ONLINE_WORDS)
    lines.append(who_to_ask(role, contacts, online_presence=online))
    if signpost:
        lines.append(SIGNPOST.format(dsl=dsl_reference(contacts), reach=_reach(contacts.dsl_phone, contacts.dsl_email)))
    return Answer("answer", "\n".join(lines), citations, None, f"retrieval:top={citations[0].clause_id}")


def disclosure_answer(notice: Notice, reason: str) -> Answer:
    """A disclosure is never answered from the policy: the notice is the whole reply."""
    return Answer("disclosure", notice.to_text(), (), notice, reason)
