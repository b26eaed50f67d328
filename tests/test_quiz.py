"""The induction quiz asks what to do, for any organisation's policy: one option quotes the policy, the
others are plausible but not the policy, and every question and option reads as a sentence.

Checked on the shipped policy and on the six other organisations' policies in ../shared/policies-dev/
(none of which the quiz's grammar was written from: it names no policy, organisation or topic).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import pytest

from assistant import quiz as Q
from assistant.quiz.rules import clause_rules, grammar, sentences
from ingest.clauses import build_clauses
from ingest.load import load_document

from conftest import POLICY_PDF, ROOT

DEV_POLICIES = ROOT.parent / "shared" / "policies-dev"
POLICY_FILES = [POLICY_PDF] + sorted(
    p for p in DEV_POLICIES.glob("*/*") if p.suffix in (".pdf", ".docx", ".md") and p.name not in ("SOURCE.md", "README.md"))
MIN_QUESTIONS = 3  # every policy here states at least three rules a question can be made of


@pytest.fixture(scope="module", params=POLICY_FILES, ids=lambda p: p.parent.name if p != POLICY_PDF else "shipped")
def policy(request):
    clauses = build_clauses(load_document(request.param))
    return clauses, Q.build_quiz(clauses)


def reads_as_a_sentence(text: str) -> bool:
    """A whole sentence, not a fragment: a capital first, a verb (a modal, or an order), words to the end,
    brackets and quotes closed, no doubled space or punctuation left behind."""
    g = grammar()
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    has_verb = bool(g.modal_pattern.search(text) or re.search(r"\bneed not\b", text)
                    or re.match(r"(?:Do not|Don.t|Never|Always) ", text))
    return (text[:1].isupper() and len(words) >= 4 and has_verb and "  " not in text and " ," not in text
            and ",," not in text and ".." not in text
            and not re.search(r"\b(?:and|or|the|a|an|to|of|with)[.?!]?$", text) and not text.rstrip().endswith((",", ":", ";"))
            and text.count("(") == text.count(")") and text.count("\u201c") == text.count("\u201d"))


def test_there_is_a_quiz_for_every_policy(policy):
    clauses, quiz = policy
    assert MIN_QUESTIONS <= len(quiz) <= Q.QUIZ_MAX_QUESTIONS


def test_every_question_asks_what_to_do_and_reads_as_a_sentence(policy):
    _, quiz = policy
    for question in quiz:
        asked, _, ask = question.prompt.rpartition("? ")
        assert ask == Q.ASK, question.prompt
        assert re.search(r"(?:^|, )(?:[Cc]an|[Ss]hould) \w", asked), question.prompt  # "Can staff ...?", "Should we ...?"
        assert reads_as_a_sentence(asked[0].upper() + asked[1:] + "?"), question.prompt


def test_one_option_quotes_the_policy_and_the_others_are_not_the_policy(policy):
    clauses, quiz = policy
    policy_text = [c.full_text for c in clauses]
    for question in quiz:
        assert len(question.options) == Q.QUIZ_OPTIONS and len(set(question.options)) == Q.QUIZ_OPTIONS
        key = question.options[question.answer]
        assert key in question.clause.text  # verbatim, from the clause it cites
        for i, option in enumerate(question.options):
            assert reads_as_a_sentence(option), option
            if i != question.answer:
                # Never the policy's words: not another clause, not a sentence of one.
                assert not any(option in text for text in policy_text), option


def test_wrong_options_are_plausible_the_same_rule_turned_round(policy):
    """Each wrong option is about what the question asks (the rule's own action), only the rule differs."""
    _, quiz = policy
    for question in quiz:
        asked = question.prompt.rpartition("? ")[0]
        content = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", asked)} - {"should", "what", "does", "policy"}
        for i, option in enumerate(question.options):
            if i != question.answer:
                shared = content & {w.lower() for w in re.findall(r"[A-Za-z]{4,}", option)}
                assert len(shared) >= 0.8 * len(content), (asked, option)


def test_the_quiz_is_the_same_every_time_whatever_the_order_of_the_clauses(policy):
    clauses, quiz = policy
    assert Q.build_quiz(list(reversed(clauses))) == quiz


def _clause(text: str, clause_id: str = "S-1", position: int = 0, section: str = "Social media"):
    """A paragraph clause of a made-up policy (the fields every clause has, from the shipped policy's first)."""
    return replace(_first_clause(), clause_id=clause_id, position=position, section=section, text=text,
                   kind="paragraph", options=(), parent_id=None, lead_in_id=None)


@lru_cache(maxsize=1)
def _first_clause():
    return build_clauses(load_document(POLICY_PDF))[0]


def test_a_prohibition_gives_the_key_and_permission_with_conditions_the_policy_does_not_give():
    rule = _clause("Staff must not accept friend requests from children.")
    other = _clause("Volunteers should wear a badge at every session.", "S-2", 1, "Sessions")
    quiz = Q.build_quiz([rule, other])
    question = next(q for q in quiz if q.clause.clause_id == "S-1")
    assert question.prompt == "Can staff accept friend requests from children? What does the policy say?"
    assert question.options[question.answer] == "Staff must not accept friend requests from children."
    wrong = [o for i, o in enumerate(question.options) if i != question.answer]
    assert all(o.startswith("Staff may accept friend requests from children ") and o.endswith(".") for o in wrong)


def test_a_wrong_option_is_never_a_condition_another_clause_gives():
    rule = _clause("Staff must not accept friend requests from children.")
    allowed = _clause("Staff may accept friend requests from children with a parent's written permission.", "S-2", 1)
    wrong = Q.wrong_options(clause_rules(rule)[0], [rule, allowed])
    assert wrong and not any("parent" in w for w in wrong)


def test_sentences_that_lean_on_another_or_are_not_rules_make_no_question():
    for text in ("Staff and participants should never share these codes with anyone else.",  # "these codes"
                 "It is important that all staff understand the signs.",
                 "We believe every child should be valued, safe and happy.",
                 "Repeated offenses may result in a temporary or permanent ban from the community.",  # not permission
                 "understand the safety aspects when using websites",  # a fragment of a list
                 "Our online presence will adhere to the following guidelines:"):
        assert clause_rules(_clause(text)) == [], text


def test_sentences_keep_abbreviations_whole():
    assert sentences("Use a work phone, e.g. the club mobile. Never use your own.") == [
        "Use a work phone, e.g. the club mobile.", "Never use your own."]


def test_grading_counts_right_answers_and_unanswered_questions(policy):
    _, quiz = policy
    chosen = [str(q.answer) for q in quiz[:-1]] + [None]
    result = Q.grade_quiz(quiz, chosen)
    assert (result.score, result.total, result.answered) == (len(quiz) - 1, len(quiz), len(quiz) - 1)
    wrong = str((quiz[0].answer + 1) % Q.QUIZ_OPTIONS)
    item = Q.grade_quiz(quiz, [wrong]).items[0]
    assert not item.correct and item.chosen_text == quiz[0].options[int(wrong)]
