"""A question's facts a clause must state or fit: the age a parent names against a rule's age bands, and a
frequency given in words ("regular reviews")."""

from __future__ import annotations

from assistant.answer import compose
from assistant.kinds import age_bands, asked_ages, missing_answer_kind
from assistant.retrieve import Hit, Retrieval
from assistant.settings import Contacts
from ingest.clauses import build_clauses
from ingest.load import load_document

RATIOS = """# Ratios

The NSPCC advises this:

- 4 - 8 years - one adult to six children
- 9 - 12 years - one adult to eight children
- 13 - 18 years - one adult to ten children

Never allow under 11s to be unsupervised.
"""


def _clauses(tmp_path):
    path = tmp_path / "policy.md"
    path.write_text(RATIOS, encoding="utf-8")
    return {c.full_text.split(" - ")[0] if " - " in c.full_text else c.full_text[:12]: c
            for c in build_clauses(load_document(path))}


def _answer(question, ranked):
    hits = tuple(Hit(clause, score, 0.6, 1.0, 8.0) for clause, score in ranked)
    return compose(Retrieval(question, hits), "parent", Contacts())


def test_the_age_a_question_names_picks_the_band_that_holds_it(tmp_path):
    c = _clauses(tmp_path)
    # Ranked by meaning alone, the neighbouring band came first: every band reads alike.
    answer = _answer("whats the adult to child ratio for a group of 10 and 11 year olds",
                     [(c["13"], 0.56), (c["9"], 0.52), (c["4"], 0.47)])
    assert "9 - 12 years" in answer.citations[0].text
    answer = _answer("how many adults do we need if 12 kids aged about 6 are coming?",
                     [(c["9"], 0.59), (c["4"], 0.55), (c["13"], 0.54)])
    assert "4 - 8 years" in answer.citations[0].text
    # A band that holds the age, already first, stays first.
    answer = _answer("ratio for my 12 year olds group?", [(c["9"], 0.56), (c["13"], 0.55)])
    assert "9 - 12 years" in answer.citations[0].text
    # Far behind the best, a fitting band is not brought forward: the best may answer something else.
    answer = _answer("ratio for a group of 10 year olds", [(c["13"], 0.60), (c["9"], 0.30)])
    assert "13 - 18 years" in answer.citations[0].text


def test_ages_are_read_from_how_people_write_them_and_durations_are_not_ages():
    assert asked_ages("is my 9 yr old allowed to wander off") == [9]
    assert asked_ages("our soccer camp is for 13-16 yr olds") == [13, 16]
    assert asked_ages("my 17yo wants to help") == [17]
    assert asked_ages("I had a background check 3 yrs ago, is it ok") == []
    assert asked_ages("do DBS checks need renewing every 3 years?") == []
    assert age_bands("Never allow under 11s to be unsupervised.") == [(0, 10)]
    assert age_bands("young people aged 16 and over") == [(16, 99)]
    assert age_bands("4 and 5 years old") == [(4, 5)]


def test_a_frequency_in_words_answers_how_often():
    question = "how often do our safeguarding docs need updating"
    assert missing_answer_kind(question, "All your written documents need regular reviews.") == ""
    assert missing_answer_kind(question, "All your written documents need to be signed by the chair.") == "frequency"


CONTACTS = """# Reporting

## If a child is at risk

You must follow up your call by sending the referral form to the hub within 48 hours.

If urgent action is needed, contact the Multi Agency Safeguarding Hub (MASH) Tel 0345 155 1071 and give as much information as you can.

If you are unsure what to do, contact the Police on 999. The NSPCC website also has advice.
"""


def test_a_contact_asked_for_by_whose_it_is_comes_from_the_clause_that_gives_it_and_names_them(tmp_path):
    path = tmp_path / "policy.md"
    path.write_text(CONTACTS, encoding="utf-8")
    form, mash, police = build_clauses(load_document(path))
    # Ranked first, the clause about the hub's form gives no number; the one naming MASH beside its number does.
    answer = _answer("whats the phone number for MASH if i need to ring them urgently", [(form, 0.67), (mash, 0.46)])
    assert answer.route == "answer" and "0345 155 1071" in answer.citations[0].text
    # A clause naming the NSPCC beside someone else's number (the Police's) is not the NSPCC's number.
    answer = _answer("whats the actual phone number for the NSPCC helpline?", [(form, 0.60), (police, 0.45)])
    assert answer.route == "not_covered"
