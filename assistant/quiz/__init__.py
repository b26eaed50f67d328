"""The induction quiz: questions about what to do, built from the policy's own rules, for any policy.

``build_quiz(clauses)`` finds sentences that state a rule: an optional lead ("If a child contacts
you, "), a subject ("Staff"), a modal phrase ("must not") and an action ("accept friend requests"),
perhaps ending in an exception (", unless ..."). Each question asks what to do ("Can staff accept
friend requests? What does the policy say?"); one option is the sentence, quoted verbatim, and the
others are that rule turned round ("Staff may accept friend requests if a parent or carer agrees")
or given an exception the policy does not have. A wrong option is never another clause, and never
a condition that the rule itself or another clause on the same subject mentions (it could be
true). The grammar (modal phrases, question forms, wrong-option frames) is data:
``assistant/data/quiz.toml``, read by ``assistant.quiz.rules``. The same policy always gives the
same quiz; nothing is downloaded and no model runs.

What this module does not do: render the quiz or its record (``assistant.ui.pages``), or keep who
took it or what they chose.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Sequence

from assistant.quiz.rules import Rule, is_people, lower_words, clause_rules, grammar, sentences
from assistant.sections import policy_sections
from ingest.clauses import Clause

QUIZ_MAX_QUESTIONS = 6
QUIZ_OPTIONS = 3
ASK = "What does the policy say?"


@dataclass(frozen=True)
class QuizQuestion:
    prompt: str  # "Can staff accept friend requests? What does the policy say?"
    options: tuple[str, ...]  # in the order shown; exactly one quotes the policy
    answer: int  # index of the option that quotes the policy
    clause: Clause  # where that quote comes from

    def choices(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a radio group; values say nothing about which is right."""
        return [(text, str(i)) for i, text in enumerate(self.options)]

    @property
    def quote(self) -> str:
        return self.options[self.answer]


@dataclass(frozen=True)
class QuizItem:
    question: QuizQuestion
    chosen: str | None  # the option's value ("0", "1", ...), or None
    correct: bool

    @property
    def chosen_text(self) -> str | None:
        try:
            return self.question.options[int(self.chosen)] if self.chosen is not None else None
        except (ValueError, IndexError):
            return None


@dataclass(frozen=True)
class QuizResult:
    items: tuple[QuizItem, ...]

    @property
    def score(self) -> int:
        return sum(1 for i in self.items if i.correct)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.chosen is not None)


def _rank(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _lower_first(subject: str, names: set[str]) -> str:
    """The subject inside a question: "Staff" -> "staff", but a name ("Feering Falcons", "I", "LADO")
    stays as it is. A name is a word the policy capitalises in the middle of a sentence too."""
    first, _, rest = subject.partition(" ")
    titled = rest[:1].isupper()  # "Social Services", "Ministry Leaders": a name as a whole
    if first.lower() not in grammar().determiners and (first in names or titled or (len(first) > 1 and first.isupper())):
        return subject
    return first.lower() + (" " + rest if rest else "")


def _names(clauses: Sequence[Clause]) -> set[str]:
    """Words the policy writes with a capital in the middle of a sentence more often than without."""
    capital: dict[str, int] = {}
    lower: dict[str, int] = {}
    for c in clauses:
        for m in re.finditer(r"(?<=[a-z,] )([A-Z][\w'’-]*)", c.text):
            capital[m.group(1)] = capital.get(m.group(1), 0) + 1
        for w in re.findall(r"\b[a-z][\w'’-]*", c.text):
            lower[w] = lower.get(w, 0) + 1
    return {w for w, n in capital.items() if n > lower.get(w.lower(), 0)}


def _quality(rule: Rule) -> int:
    """Which rules make the best questions: what a person may not or may do, then what they must do."""
    if rule.kind in ("prohibition", "permission"):
        return 0 if is_people(rule.subject) else 2
    return 1 if is_people(rule.subject) else 3


def _question(rule: Rule, names: set[str]) -> str:
    g = grammar()
    subject = _lower_first(rule.subject, names) if rule.subject else "you"
    question = g.questions[rule.kind].format(subject=subject, action=rule.action)
    if rule.lead:
        question = rule.lead + question[0].lower() + question[1:]
    return f"{question} {ASK}"


def _stems(text: str) -> set[str]:
    stop = {"with", "from", "that", "this", "their", "they", "will", "would", "should", "must", "have", "there",
            "about", "into", "only", "which", "your", "other", "when", "where", "what", "being", "been"}
    return {w[:5] for w in lower_words(text) if len(w) >= 4 and w not in stop}


def _pronouns(subject: str) -> tuple[str, str, str]:
    g = grammar()
    key = subject.lower() if subject.lower() in ("i", "we", "you") else ("you" if not subject else "other")
    return g.pronouns[key]


def wrong_options(rule: Rule, clauses: Sequence[Clause]) -> list[str]:
    """Every wrong option the grammar gives this rule, in a fixed order: the rule turned round, or given a
    condition that neither the rule nor another clause on the same subject mentions."""
    g = grammar()
    subject = rule.lead + (rule.subject or ("you" if rule.lead else "You"))
    they, them, themselves = _pronouns(rule.subject)
    about = _stems(rule.action)
    related = [c.full_text.lower() for c in clauses
               if c is not rule.clause and about and len(about & _stems(c.full_text)) * 2 >= len(about)]
    own = rule.action.lower()
    out = []
    for frame in g.wrong:
        if rule.kind not in frame["kinds"] or (frame.get("exception", False) and not rule.exception):
            continue
        if frame.get("people") and not is_people(rule.subject):
            continue
        if "modals" in frame and rule.modal.lower() not in frame["modals"]:
            continue
        cues = [re.compile(r"\b" + re.escape(cue)) for cue in frame.get("cues", [])]
        if any(cue.search(own) for cue in cues) or any(cue.search(text) for cue in cues for text in related):
            continue
        if any(re.search(rf"\b{re.escape(word)}\b", own) for word in frame.get("clashes", [])):
            continue
        modal = rule.modal if rule.subject else (rule.modal[0].lower() + rule.modal[1:])
        text = frame["text"].format(subject=subject, action=rule.action, modal=modal, they=they, them=them,
                                    themselves=themselves)
        text = text[0].upper() + text[1:] + rule.end
        if text != rule.sentence and text not in out:
            out.append(text)
    return out


def build_quiz(clauses: Sequence[Clause], max_questions: int = QUIZ_MAX_QUESTIONS) -> list[QuizQuestion]:
    """Up to ``max_questions`` questions, spread over the policy's sections in reading order: each from a
    rule that has enough wrong options, chosen and ordered by a hash of the text, so the same policy
    always gives the same quiz."""
    ordered = sorted(clauses, key=lambda c: (c.document, c.position))
    names = _names(ordered)
    seen: dict[str, int] = {}
    for clause in ordered:
        for sentence in set(sentences(clause.text)):
            seen[sentence] = seen.get(sentence, 0) + 1
    per_section: list[list[tuple[Rule, list[str]]]] = []
    for section in policy_sections(ordered):
        usable = []
        for clause in section.clauses:
            best = None  # one rule a clause: the best question its sentences make
            for rule in clause_rules(clause):
                if seen[rule.sentence] > 1:
                    continue  # a sentence in several clauses is a running header or a repeat, not a rule to learn
                wrong = wrong_options(rule, ordered)
                if len(wrong) >= QUIZ_OPTIONS - 1 and (best is None or _quality(rule) < _quality(best[0])):
                    best = (rule, wrong)
            if best is not None:
                usable.append(best)
        if usable:
            usable.sort(key=lambda pair: (_quality(pair[0]), _rank("rule", pair[0].clause.clause_id, pair[0].sentence)))
            per_section.append(usable)
    picked: list[tuple[Rule, list[str]]] = []
    depth = 0
    while len(picked) < max_questions and any(depth < len(s) for s in per_section):
        # Sections evenly spread over the policy first, then a second rule from each, and so on.
        layer = [s[depth] for s in per_section if depth < len(s)]
        wanted = min(len(layer), max_questions - len(picked))
        picked += [layer[i * len(layer) // wanted] for i in range(wanted)]
        depth += 1
    picked.sort(key=lambda pair: (pair[0].clause.document, pair[0].clause.position))
    questions = []
    for rule, wrong in picked:
        chosen = sorted(wrong, key=lambda w: _rank("wrong", rule.sentence, w))[: QUIZ_OPTIONS - 1]
        options = sorted([rule.sentence, *chosen], key=lambda o: _rank("order", rule.sentence, o))
        questions.append(QuizQuestion(_question(rule, names), tuple(options), options.index(rule.sentence),
                                      rule.clause))
    return questions


def grade_quiz(quiz: Sequence[QuizQuestion], chosen: Sequence[str | None]) -> QuizResult:
    items = []
    for i, question in enumerate(quiz):
        pick = chosen[i] if i < len(chosen) else None
        pick = None if pick in (None, "") else str(pick)
        items.append(QuizItem(question, pick, pick == str(question.answer)))
    return QuizResult(tuple(items))
