"""Example questions beside the policy: checked against the clauses, indexed, used to rank, never quoted."""

from __future__ import annotations

import shutil

from assistant.answer import compose, is_covered
from assistant.calibration import WITH_EXAMPLES
from assistant.retrieve import Hit, Retriever, examples_score
from assistant.settings import Contacts
from conftest import POLICY_TXT, ROOT, KeywordEmbedder
from ingest.clauses import build_clauses
from ingest.index import ingest, open_live_index
from ingest.store import QUESTIONS_SUFFIX, open_client
from ingest.load import load_document
from ingest.questions import load_questions

SHIPPED = ROOT / "policy_docs" / "questions" / "online-safety-policy.toml"

# A question the keyword embedder places nowhere near ZP-6's own words ("recording", "Zoom", "host"),
# but word for word an example question filed under ZP-6.
ODD_QUESTION = "may I keep a copy of tonight's class on my tablet"


def _write(policy_dir, body: str, name: str = "online-safety-policy.toml"):
    folder = policy_dir / "questions"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")


ZP6 = f'''
["ZP-6"]
clause_starts = "We do not allow any recording"
questions = ["{ODD_QUESTION}", "can I screen record the session?"]
'''


def test_the_shipped_questions_all_fit_the_shipped_policy_in_every_format():
    for path in (ROOT / "policy_docs" / "online-safety-policy.pdf", POLICY_TXT):
        clauses = build_clauses(load_document(path))  # matched by name: online-safety-policy.*
        questions, warnings = load_questions(ROOT / "policy_docs", clauses)
        assert warnings == []
        assert len({q.clause_id for q in questions}) == len(clauses) == 67 and len(questions) >= 500


def test_questions_that_no_longer_fit_the_policy_are_left_out_with_a_reason(policy_dir, settings, fake_embedder):
    _write(policy_dir, ZP6 + '''
["ZP-99"]
clause_starts = "Anything"
questions = ["a clause that does not exist"]

["ZP-7"]
clause_starts = "We do not allow any recording"
questions = ["the policy was re-numbered under this one"]

["ZP-2"]
questions = ["no clause_starts"]
''')
    _write(policy_dir, '["ZP-1"]\nclause_starts = "Our"\nquestions = ["x"]\n', name="another-policy.toml")
    _write(policy_dir, "this is [not toml", name="broken.toml")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.questions == 2 and report.clauses == 67
    problems = "\n".join(report.question_warnings)
    assert "has no clause ZP-99" in problems
    assert "ZP-7 of online-safety-policy.pdf no longer starts with 'We do not allow any recording'" in problems
    assert "clause_starts is missing" in problems
    assert "no indexed document is named another-policy.*" in problems
    assert "broken.toml: cannot be read" in problems
    shown = report.render()
    assert "2 example questions" in shown and "has no clause ZP-99" in shown


def test_an_example_question_finds_its_clause_and_the_answer_quotes_only_the_clause(policy_dir, settings):
    embedder = KeywordEmbedder()
    ingest(settings.policy_dir, settings.store, embedder)
    collection, live = open_live_index(settings.store)
    before = Retriever(collection, live.clauses, embedder).search(ODD_QUESTION).hits[0].clause.clause_id

    _write(policy_dir, ZP6)
    report = ingest(settings.policy_dir, settings.store, embedder)
    assert report.questions == 2 and report.embedded == 0  # the clauses' vectors were reused
    collection, live = open_live_index(settings.store)
    assert len(live.questions) == 2
    found = Retriever(collection, live.clauses, embedder, questions=live.questions,
                      calibration=WITH_EXAMPLES).search(ODD_QUESTION)
    hits = found.hits
    # Found through its example question, not its own words.
    assert before != "ZP-6" and hits[0].clause.clause_id == "ZP-6" and hits[0].asked > hits[0].dense + 0.3

    answer = compose(found, "staff", Contacts(), WITH_EXAMPLES)
    assert answer.route == "answer" and answer.citations[0].clause_id == "ZP-6"
    assert ODD_QUESTION not in answer.answer and "screen record" not in answer.answer
    assert answer.citations[0].text.startswith("We do not allow any recording of our Zoom sessions")


def test_changing_the_questions_rebuilds_and_drops_the_old_question_collection(policy_dir, settings, fake_embedder):
    _write(policy_dir, ZP6)
    first = ingest(settings.policy_dir, settings.store, fake_embedder)
    again = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert again.up_to_date

    _write(policy_dir, ZP6.replace("can I screen record the session?", "can I film the zoom?"))
    calls = fake_embedder.texts_embedded
    second = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert not second.up_to_date and second.collection != first.collection
    assert fake_embedder.texts_embedded - calls == 1  # only the new question was embedded
    names = {c if isinstance(c, str) else c.name for c in open_client(settings.store).list_collections()}
    assert second.collection + QUESTIONS_SUFFIX in names and first.collection + QUESTIONS_SUFFIX not in names

    shutil.rmtree(policy_dir / "questions")
    third = ingest(settings.policy_dir, settings.store, fake_embedder)
    _, live = open_live_index(settings.store)
    assert third.questions == 0 and live.questions == ()
    names = {c if isinstance(c, str) else c.name for c in open_client(settings.store).list_collections()}
    assert not any(n.endswith(QUESTIONS_SUFFIX) for n in names)


def _hit(clause, score, dense, asked, lexical_raw=0.0):
    return Hit(clause, score, dense, 1.0, lexical_raw, asked)


def test_with_example_questions_coverage_needs_a_closer_match(settings):
    clause = build_clauses(load_document(POLICY_TXT))[0]
    # Scores that clear the bar for an index without example questions...
    assert is_covered([_hit(clause, 0.50, dense=0.50, asked=None)])
    # ...do not when every question finds some example question nearby.
    assert not is_covered([_hit(clause, 0.50, dense=0.30, asked=0.50)], WITH_EXAMPLES)
    assert is_covered([_hit(clause, 0.70, dense=0.30, asked=0.75)], WITH_EXAMPLES)


def test_a_clause_several_examples_resemble_beats_one_lucky_match():
    import numpy as np

    # Clause 0 has one example very like the question; clause 1 has three fairly like it; clause 2 none.
    similarity = np.array([0.80, 0.10, 0.10, 0.74, 0.74, 0.73], dtype=np.float32)
    index = np.array([[0, 1, 2], [3, 4, 5], [-1, -1, -1]])
    scores = examples_score(similarity, index)
    assert scores[1] > scores[0] and scores[2] == 0.0
    # A clause with a single example scores that example's similarity.
    assert examples_score(similarity, np.array([[0, -1, -1]]))[0] == np.float32(0.80)
