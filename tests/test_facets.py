"""A clause is found by its sentences and by its heading and lead-in, not only by its own words as a whole."""

from __future__ import annotations

import numpy as np

from assistant.retrieve import FacetVectors, Retriever, facet_scores
from conftest import KeywordEmbedder
from ingest.clauses import Clause
from ingest.facets import Facet, facets_of, sentences
from ingest.index import ingest, open_live_index
from ingest.store import open_client

TWO_SECTIONS = """Club rules

Emails
Ask the club first before you share them with anyone outside the club.

Photographs
Ask the club first before you share them with anyone outside the club.
"""


def test_a_clause_of_several_sentences_is_split_and_a_single_sentence_is_kept_whole():
    text = "Staff keep the register for every session. Coaches check the equipment first; e.g. the nets and posts."
    assert sentences(text) == ["Staff keep the register for every session.",
                               "Coaches check the equipment first; e.g. the nets and posts."]
    assert sentences("Coaches check the equipment before every session.") == [
        "Coaches check the equipment before every session."]
    assert sentences("Yes. Coaches check the equipment before every session.") == [
        "Yes. Coaches check the equipment before every session."]  # a piece too short to stand alone


def test_a_list_item_is_read_with_its_section_and_lead_in():
    lead = Clause("P-1", "policy.pdf", "Social media", 1, 1, None, None, "Staff must not:", "paragraph",
                  items=("Accept friend requests from children.",))
    item = Clause("P-2", "policy.pdf", "Social media", 2, 2, None, None, "Accept friend requests from children.", "bullet",
                  lead_in_id="P-1", context="Staff must not:")
    facets = facets_of([lead, item])
    assert Facet("policy.pdf", "P-2", "context", "Social media Staff must not: Accept friend requests from children.") in facets
    assert not [f for f in facets if f.kind == "sentence"]  # no clause here has two sentences


def test_a_title_heading_every_section_is_left_out_of_the_context_it_cannot_tell_apart():
    title = "SAFEGUARDING AND PROTECTING CHILDREN POLICY"
    clauses = [Clause(f"P-{n}", "policy.pdf", f"{title} \u203a {section}", n, n, None, None, text, "paragraph")
               for n, (section, text) in enumerate([("Lifts", "Coaches never drive a child alone."),
                                                    ("Photos", "Photos need written consent."),
                                                    ("Trips", "Every trip needs two adults."),
                                                    ("Contacts", "The welfare officer is Sam.")], 1)]
    context = {f.clause_id: f.text for f in facets_of(clauses) if f.kind == "context"}
    assert context["P-1"] == "Lifts Coaches never drive a child alone."
    # One heading of several is a section, not the document's title: it stays.
    other = [*clauses[:2], Clause("Q-1", "policy.pdf", "Opening", 5, 5, None, None, "Welcome.", "paragraph"),
             Clause("Q-2", "policy.pdf", "Close", 6, 6, None, None, "Thanks.", "paragraph")]
    assert {f.text for f in facets_of(other) if f.clause_id == "P-1" and f.kind == "context"} == \
        {f"{title} \u203a Lifts Coaches never drive a child alone."}


def test_the_sentence_that_answers_lifts_its_clause_above_a_vaguer_whole():
    question = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    own = np.array([0.5, 0.6], dtype=np.float32)  # the long clause's average sits further from the question
    facets = FacetVectors(context=np.zeros((2, 3), dtype=np.float32), has_context=np.zeros(2, dtype=bool),
                          sentences=np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32),
                          sentence_row=np.array([0, 0]))
    scores = facet_scores(own, question, facets)
    assert scores[0] > scores[1] and scores[0] == 1.0


def test_the_heading_a_clause_sits_under_helps_find_it(settings, policy_dir):
    for path in policy_dir.iterdir():
        path.unlink()
    (policy_dir / "club-rules.txt").write_text(TWO_SECTIONS, encoding="utf-8")
    embedder = KeywordEmbedder()
    ingest(settings.policy_dir, settings.store, embedder)
    collection, live = open_live_index(settings.store, open_client(settings.store))
    assert {c.section for c in live.clauses} >= {"Emails", "Photographs"}
    assert {f.kind for f, _ in live.facets} == {"context"}
    question = "can I share a photo of the team?"
    # The two clauses' own words are the same: without facets the first in the policy wins.
    plain = Retriever(collection, live.clauses, embedder).search(question).hits[0].clause
    found = Retriever(collection, live.clauses, embedder, facets=live.facets).search(question).hits[0].clause
    assert plain.section == "Emails" and found.section == "Photographs"
    assert found.text == plain.text  # only the heading told them apart


def test_a_set_over_the_facet_bound_is_indexed_by_its_clauses_words_and_says_so(settings, fake_embedder):
    report = ingest(settings.policy_dir, settings.store, fake_embedder, max_facets=10)
    _, live = open_live_index(settings.store)
    assert len(live.clauses) == 67 and not live.facets and report.facets == 0
    assert "own words only" in report.render()
    # Within a bound that fits, the same folder gets its facets: a new bound is a new build, and the
    # clauses' own vectors are carried over.
    fake_embedder.texts_embedded = 0
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    _, live = open_live_index(settings.store)
    assert report.facets == len(live.facets) > 67 and report.reused == 67
    assert fake_embedder.texts_embedded == len({f.text for f, _ in live.facets})  # the facets' texts, nothing else
    assert "sentences and headings help find the clauses" in report.render()


def test_a_new_facet_bound_makes_the_index_out_of_date(settings, fake_embedder):
    from ingest.index import index_is_current

    ingest(settings.policy_dir, settings.store, fake_embedder)
    assert index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id)
    assert not index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id, max_facets=10)
    assert not index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id, max_facets=0)
