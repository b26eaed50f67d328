"""The induction quiz: built deterministically from the clauses, graded without storing anything.

Every option is a clause quoted verbatim; the same policy always gives the same quiz. What this module
does not do: render the quiz or its record (``assistant.ui.pages``) or keep who took it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

from assistant.sections import policy_sections
from ingest.clauses import Clause

QUIZ_MAX_QUESTIONS = 6
QUIZ_OPTIONS = 3


@dataclass(frozen=True)
class QuizQuestion:
    prompt: str
    options: tuple[Clause, ...]  # in the order shown
    answer: Clause  # the clause that is the answer key

    def choices(self) -> list[tuple[str, str]]:
        return [(c.full_text, c.clause_id) for c in self.options]


@dataclass(frozen=True)
class QuizItem:
    question: QuizQuestion
    chosen: str | None  # clause id picked, or None
    correct: bool


@dataclass(frozen=True)
class QuizResult:
    items: tuple[QuizItem, ...]

    @property
    def score(self) -> int:
        return sum(1 for i in self.items if i.correct)

    @property
    def total(self) -> int:
        return len(self.items)


def _rank(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _quizzable(c: Clause) -> bool:
    """A clause that makes a good option: a rule on its own (not a lead-in, not an option), readable length."""
    text = c.text.strip()
    return c.kind in ("paragraph", "bullet") and not c.options and not text.endswith(":") and 40 <= len(text) <= 260


def build_quiz(clauses: Sequence[Clause], max_questions: int = QUIZ_MAX_QUESTIONS) -> list[QuizQuestion]:
    """One question per section (in reading order, at most ``max_questions``): which of these clauses is
    in that section? The key and the distractors (clauses from other sections) are chosen by a hash
    of their ids and text, so the same policy always gives the same quiz."""
    sections = [s for s in policy_sections(clauses) if any(_quizzable(c) for c in s.clauses)]
    if len(sections) < 2:
        return []
    questions = []
    for section in sections[:max_questions]:
        key = min((c for c in section.clauses if _quizzable(c)), key=lambda c: _rank("key", c.clause_id, c.text))
        others = sorted(
            (c for s in sections if s is not section for c in s.clauses if _quizzable(c)),
            key=lambda c: _rank("distractor", key.clause_id, c.clause_id, c.text),
        )
        distractors: list[Clause] = []
        used_sections: set[str] = set()
        for c in others:  # prefer distractors from different sections
            if c.section_label not in used_sections:
                distractors.append(c)
                used_sections.add(c.section_label)
            if len(distractors) == QUIZ_OPTIONS - 1:
                break
        options = sorted([key, *distractors], key=lambda c: _rank("order", key.clause_id, c.clause_id))
        if section.title == section.clauses[0].section_label and not section.clauses[0].section:
            prompt = "Which of these does the policy say in its opening, before the first heading?"
        else:
            prompt = f"Which of these does the policy say under \u201c{section.title}\u201d?"
        questions.append(QuizQuestion(prompt, tuple(options), key))
    return questions


def grade_quiz(quiz: Sequence[QuizQuestion], chosen: Sequence[str | None]) -> QuizResult:
    items = []
    for i, question in enumerate(quiz):
        pick = chosen[i] if i < len(chosen) else None
        items.append(QuizItem(question, pick, pick == question.answer.clause_id))
    return QuizResult(tuple(items))
