"""Compose what the user sees from ranked clauses: an extractive answer quoting clauses verbatim, or
an honest "the policy does not cover this" with who to ask.

Every sentence shown is either a clause quoted word for word with its id, section, document and
page, or one of three fixed lines (the framing line, the who-to-ask line and the safeguarding
signpost) that state nothing about what the policy says. The role shapes those lines, never which
clauses are cited.

What this module does not do: rank (``assistant.retrieve``), judge whether a clause states the fact a
question asks for (``assistant.kinds``), route disclosures (``assistant.route``; a disclosure answer is
built from the notice alone) or call a language model (``assistant.llm``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence, get_args

from assistant.calibration import PLAIN, Calibration
from assistant.kinds import fitting_age_first, missing_answer_kind, stating_first
from assistant.notice import Notice, dsl_reference, dsl_with_role
from assistant.retrieve import Hit, Retrieval
from assistant.sections import display_title
from assistant.settings import Contacts
from ingest.clauses import Clause

# What the person gets: an answer quoting clauses, an honest "not covered", or the safeguarding notice.
Route = Literal["answer", "not_covered", "disclosure", "language"]  # "language": the English-only notice
ROUTES: tuple[Route, ...] = get_args(Route)


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
    if bar.long_clause_words and best.ranked is not None and len(best.clause.full_text.split()) >= bar.long_clause_words:
        closeness = max(closeness, best.ranked)
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
    hits = fitting_age_first(question_hint, stating_first(question_hint, retrieval.hits))
    # What the card would quote: a lead-in with its items ("training shall be provided:" / "Annually").
    missing = missing_answer_kind(question_hint, Citation.of(hits[0].clause).text, hits[0].clause.section) if hits else ""
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
