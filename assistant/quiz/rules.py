"""The rules a policy states, read from its sentences with a grammar kept as data.

A rule is one sentence: an optional lead ("If a child contacts you, "), a subject ("Staff"), a modal
phrase ("must not") and an action ("accept friend requests"), perhaps ending in an exception
(", unless ..."). ``clause_rules(clause)`` gives every rule a clause states that a question can be
made of; ``grammar()`` is ``assistant/data/quiz.toml`` compiled (modal phrases, question forms,
wrong-option frames, the word lists that keep a rule self-contained).

What this module does not do: make questions or wrong options (``assistant.quiz``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from ingest.clauses import Clause

QUIZ_DATA = Path(__file__).resolve().parents[1] / "data" / "quiz.toml"
MIN_SENTENCE, MAX_SENTENCE = 25, 220  # characters: long enough to be a rule, short enough to read as an option
MAX_SUBJECT_WORDS = 8
_MARKUP = re.compile(r"[{}<>|\[\]*_#`]|https?:|www\.")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "vs.", "approx.")
_BRACKETS = {")": "(", "]": "[", "\u201d": "\u201c"}


@dataclass(frozen=True)
class Rule:
    """One sentence of a clause that states a rule, taken apart."""

    clause: Clause
    sentence: str  # verbatim, the right option
    lead: str  # "If a child contacts you, " or ""
    subject: str  # as written ("" for an order with no subject)
    modal: str  # as written ("must not"); for an order, its opening words ("Do not")
    kind: str  # "prohibition" | "obligation" | "permission"
    action: str  # what the rule is about, without its exception: "accept friend requests from children"
    exception: str  # ", unless ..." as written, or ""
    end: str  # the sentence's closing punctuation, mirrored on the wrong options


@dataclass(frozen=True)
class _Grammar:
    modals: dict[str, str]  # phrase -> kind
    modal_pattern: re.Pattern
    imperatives: dict[str, str]
    questions: dict[str, str]
    not_a_subject: frozenset[str]
    not_in_a_subject: frozenset[str]
    lead_openers: frozenset[str]
    exception_markers: tuple[str, ...]
    leans_back: re.Pattern
    people: frozenset[str]
    pronoun_subjects: frozenset[str]
    lead_leans_back: frozenset[str]
    determiners: frozenset[str]
    permission_conditions: re.Pattern
    subject_head_ends: frozenset[str]
    pronouns: dict[str, tuple[str, str, str]]
    wrong: tuple[dict, ...]


def _any_word(phrases: Sequence[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def grammar(path: Path = QUIZ_DATA) -> _Grammar:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modals = {phrase: kind for kind, phrases in data["modals"].items() for phrase in phrases}
    alternatives = "|".join(re.escape(m) for m in sorted(modals, key=len, reverse=True))
    words = data["words"]
    return _Grammar(
        modals=modals,
        modal_pattern=re.compile(rf"(?<![\w'’-])({alternatives})(?![\w'’-])", re.IGNORECASE),
        imperatives={phrase: kind for kind, phrases in data["imperatives"].items() for phrase in phrases},
        questions=dict(data["questions"]),
        not_a_subject=frozenset(words["not_a_subject"]),
        not_in_a_subject=frozenset(words["not_in_a_subject"]),
        lead_openers=frozenset(words["lead_openers"]),
        exception_markers=tuple(words["exception_markers"]),
        leans_back=_any_word(words["leans_back"]),
        people=frozenset(words["people"]),
        pronoun_subjects=frozenset(words["pronoun_subjects"]),
        lead_leans_back=frozenset(words["lead_leans_back"]),
        determiners=frozenset(words["determiners"]),
        permission_conditions=_any_word(words["permission_conditions"]),
        subject_head_ends=frozenset(words["subject_head_ends"]),
        pronouns={k: tuple(v) for k, v in data["pronouns"].items()},
        wrong=tuple(data["wrong"]),
    )


def sentences(text: str) -> list[str]:
    """A clause's sentences, verbatim (abbreviations such as "e.g." do not end one)."""
    out, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z\u201c\"(])", text):
        before = text[start:match.start()].rsplit(None, 1)[-1].lower() if text[start:match.start()].strip() else ""
        if before in _ABBREVIATIONS:
            continue
        out.append(text[start:match.start()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _balanced(text: str) -> bool:
    stack = []
    for ch in text:
        if ch in "([\u201c":
            stack.append(ch)
        elif ch in _BRACKETS:
            if not stack or stack.pop() != _BRACKETS[ch]:
                return False
    return not stack and text.count('"') % 2 == 0


def lower_words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'’-]*", text.lower())


def _split_lead(sentence: str, g: _Grammar) -> tuple[str, str]:
    """("If a child contacts you, ", "you must ...") when the sentence opens with a lead."""
    first = lower_words(sentence[:20])[:1]
    comma = sentence.find(", ")
    if first and first[0] in g.lead_openers and 0 < comma <= 90:
        return sentence[: comma + 2], sentence[comma + 2:]
    return "", sentence


def parse_rule(clause: Clause, sentence: str) -> Rule | None:
    """The rule one sentence states, or None when it states none that a question can be made of."""
    g = grammar()
    if not (MIN_SENTENCE <= len(sentence) <= MAX_SENTENCE) or _MARKUP.search(sentence) or not _balanced(sentence):
        return None
    if not sentence[0].isupper() or sentence.rstrip().endswith((":", ";", ",", "?")):
        return None
    if re.search(r"(?<!\b[a-z])\. +[a-z]", sentence):
        return None  # ". criminal investigation": text from elsewhere on the page ran into the sentence
    end = sentence[-1] if sentence[-1] in ".!" else ""
    body = sentence[: len(sentence) - len(end)].rstrip()
    lead, rest = _split_lead(body, g)
    if lead and (not _balanced(lead) or set(lower_words(lead)) & g.lead_leans_back):
        return None
    imperative = next((p for p in sorted(g.imperatives, key=len, reverse=True)
                       if rest.lower().startswith(p + " ")), None)
    if imperative and not lead:
        subject, modal, kind = "", rest[: len(imperative)], g.imperatives[imperative]
        action = rest[len(imperative):].strip()
    else:
        match = g.modal_pattern.search(rest)
        if not match:
            return None
        subject, modal = rest[: match.start()].strip(), match.group(1)
        kind = g.modals[modal.lower()]
        action = rest[match.end():].strip()
        words = lower_words(subject)
        if (not words or len(subject.split()) > MAX_SUBJECT_WORDS or re.search(r"[,;:()]", subject)
                or words[0] in g.not_a_subject or set(words) & g.not_in_a_subject
                or words[-1] in ("and", "or", "the", "a", "an", "of", "to")
                or (words[0] in g.pronoun_subjects and (len(words) > 2 or words[-1] not in (words[0], "all", "both")))):
            return None
        if not lead and not subject[0].isupper():
            return None
    if action.lower().startswith(("only ", "be able", "also ", "so ", "then ")) or len(action.split()) < 2:
        return None  # "can only be ...", "will also ...": a question about it would not stand alone
    exception = ""
    lowered = action.lower()
    for marker in g.exception_markers:
        at = lowered.find(marker)
        if at > 0:
            action, exception = action[:at], action[at:]
            lowered = action.lower()
    action = action.rstrip(" ,")
    if g.leans_back.search(action) and not re.search(r"\b(?:this|that) (?:policy|code|procedure|agreement|document)\b",
                                                       action, re.IGNORECASE):
        return None
    if g.modal_pattern.search(action) or action.endswith(("and", "or", "to", "the", "of", "with")) or len(action.split()) < 2:
        return None  # a second rule in the same sentence, or an action cut short
    if kind == "permission" and not (is_people(subject) and g.permission_conditions.search(action + exception)):
        return None  # "may result in a ban" says what can happen, not what someone may do
    return Rule(clause, sentence, lead, subject, modal, kind, action, exception, end)


def clause_rules(clause: Clause) -> list[Rule]:
    """The rules a clause states, one per sentence that states one."""
    if clause.kind not in ("paragraph", "bullet", "option") or clause.text.rstrip().endswith(":"):
        return []
    return [rule for s in sentences(clause.text) if (rule := parse_rule(clause, s)) is not None]


def is_people(subject: str) -> bool:
    """Is the subject someone who can act? Read from its main words: "recordings of children" is not."""
    g = grammar()
    head = []
    for word in lower_words(subject):
        if word in g.subject_head_ends:
            break
        head.append(word)
    return not subject or bool(set(head) & g.people)

