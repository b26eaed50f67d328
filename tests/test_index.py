"""Ingest makes the Chroma index match the policy folder, doing no more embedding work than it must."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from ingest.index import ingest, open_live_index
from ingest.store import FACETS_SUFFIX, NothingToIndexError, open_client, read_pointer

from conftest import KeywordEmbedder, POLICY_TXT


def test_first_ingest_indexes_every_clause_with_its_metadata(settings, fake_embedder):
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.clauses == 67 and report.embedded == 67 and not report.skipped
    collection, live = open_live_index(settings.store)
    assert len(live.clauses) == 67
    got = collection.get(ids=["online-safety-policy.pdf::ZP-6"], include=["metadatas", "documents"])
    meta = got["metadatas"][0]
    assert meta["section"] == "Our Zoom Policy" and meta["page"] == "2" and meta["model"] == "fake-keywords"
    assert got["documents"][0].startswith("We do not allow any recording of our Zoom sessions")
    assert {"content_hash", "parser_version", "ordinal", "document"} <= set(meta)


def test_reingest_of_unchanged_documents_does_no_embedding_work(settings, fake_embedder):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    calls = fake_embedder.calls
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.up_to_date and report.embedded == 0
    assert fake_embedder.calls == calls


def test_changed_document_replaces_its_clauses_and_reuses_unchanged_vectors(settings, fake_embedder, policy_dir):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    text = POLICY_TXT.read_text(encoding="utf-8").replace(
        "Any social media groups will be set to private", "Any social media groups will be set to private and closed"
    )
    (policy_dir / "online-safety-policy.pdf").unlink()
    (policy_dir / "online-safety-policy.txt").write_text(text, encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.embedded == 67  # a new document name: nothing to carry over
    (policy_dir / "online-safety-policy.txt").write_text(text.replace("and closed", "and hidden"), encoding="utf-8")
    fake_embedder.texts_embedded = 0
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    # The changed clause, and that clause read in its context (ingest.facets): nothing else is embedded again.
    assert report.embedded == 1 and report.reused == 66 and fake_embedder.texts_embedded == 2
    _, live = open_live_index(settings.store)
    texts = [c.text for c in live.clauses]
    assert "Any social media groups will be set to private and hidden" in texts
    assert not any("and closed" in t for t in texts)
    assert len(texts) == 67 and {c.document for c in live.clauses} == {"online-safety-policy.txt"}
    # Only the live build (its clauses and their facets) and the registry remain in the store.
    names = {c.name for c in open_client(settings.store).list_collections()}
    assert names == {live.collection, live.collection + FACETS_SUFFIX, settings.collection + "-registry"}


def test_a_different_embedding_model_rebuilds_everything(settings, fake_embedder):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    other = KeywordEmbedder(keywords=("zoom", "email"))
    other.model_id = "another-model"
    report = ingest(settings.policy_dir, settings.store, other)
    assert report.embedded == 67 and report.reused == 0
    assert read_pointer(open_client(settings.store), settings.store)["model"] == "another-model"


def test_bad_files_are_skipped_with_reasons_and_the_rest_ingests(settings, fake_embedder, policy_dir):
    (policy_dir / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    (policy_dir / "budget.xlsx").write_bytes(b"PK")
    shutil.copy(policy_dir / "online-safety-policy.pdf", policy_dir / "copy-of-policy.pdf")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.clauses == 67
    reasons = dict(report.skipped)
    # Files are read in name order, so the later of two identical documents is the one skipped.
    assert set(reasons) == {"scan.pdf", "budget.xlsx", "online-safety-policy.pdf"}
    assert "same text as copy-of-policy.pdf" in reasons["online-safety-policy.pdf"]
    assert "unsupported file type" in reasons["budget.xlsx"]


def test_empty_folder_keeps_the_previous_index(settings, fake_embedder, policy_dir):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    _, before = open_live_index(settings.store)
    (policy_dir / "online-safety-policy.pdf").unlink()
    with pytest.raises(NothingToIndexError, match="previous index is unchanged"):
        ingest(settings.policy_dir, settings.store, fake_embedder)
    _, after = open_live_index(settings.store)
    assert after == before


def test_a_previously_indexed_document_that_is_now_unreadable_keeps_its_clauses(settings, fake_embedder, policy_dir):
    (policy_dir / "photos.md").write_text("# Photos\n\nWe ask before taking photos.\n", encoding="utf-8")
    ingest(settings.policy_dir, settings.store, fake_embedder)
    (policy_dir / "photos.md").write_bytes(b"")  # a bad replacement
    (policy_dir / "zoom.md").write_text("# Zoom\n\nCameras stay on.\n", encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert "its previously indexed version is kept" in dict(report.skipped)["photos.md"]
    _, live = open_live_index(settings.store)
    texts = {c.text for c in live.clauses}
    assert {"We ask before taking photos.", "Cameras stay on."} <= texts


def test_a_line_repeated_across_documents_is_embedded_once(settings, fake_embedder, policy_dir):
    shared = "- Report every concern to the Designated Safeguarding Lead on the same day."
    for name, own in (("trips.md", "- Carry a first aid kit on every trip."), ("sport.md", "- Check the pitch before play.")):
        (policy_dir / name).write_text(f"# {name[:-3].title()} Policy\n\n## Rules\n\n{shared}\n{own}\n", encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.embedded == 67 + 4 and report.texts_embedded == 67 + 3
    _, live = open_live_index(settings.store)
    repeated = [c for c in live.clauses if c.text == shared[2:]]
    assert [c.document for c in repeated] == ["sport.md", "trips.md"]  # both cited, one embedding


@pytest.mark.model
def test_quantized_ingest_is_its_own_model_built_once_and_close_to_the_full_one(settings):
    import numpy as np

    from assistant.embedding import OnnxMiniLMEmbedder, document_embedder

    quick = replace(settings, quantized_ingest=True)
    embedder = document_embedder(quick)
    # Switching the setting rebuilds the index, never mixes vectors.
    assert embedder.model_id != document_embedder(settings).model_id
    texts = ["We do not allow any recording of our Zoom sessions", "can I ring a child on their mobile?"]
    fast = np.array(embedder.embed_documents(texts))
    full = np.array(OnnxMiniLMEmbedder().embed_documents(texts))
    assert ((fast * full).sum(axis=1) > 0.97).all()
    built = list((settings.data_dir / "models").glob("*.onnx"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    document_embedder(quick).embed_documents(texts[:1])
    assert built[0].stat().st_mtime_ns == stamp  # reused, not rebuilt


def test_an_unchanged_folder_is_known_current_without_parsing_and_a_changed_one_is_not(settings, fake_embedder,
                                                                                      policy_dir, monkeypatch):
    import ingest.index as index_module

    ingest(settings.policy_dir, settings.store, fake_embedder)
    parsed = []
    real_collect = index_module.collect_clauses
    monkeypatch.setattr(index_module, "collect_clauses", lambda folder: parsed.append(folder) or real_collect(folder))
    assert index_module.index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id)
    assert parsed == []  # names, sizes and times were enough

    (policy_dir / "trips.md").write_text("# Trips Policy\n\n## Coaches\n\n- A first aider on every coach.\n", encoding="utf-8")
    assert not index_module.index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id)
    assert not index_module.index_is_current(settings.policy_dir, settings.store, "another-model")
    ingest(settings.policy_dir, settings.store, fake_embedder)
    assert index_module.index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id)


def test_a_document_not_in_english_is_indexed_with_a_warning_naming_it(settings, fake_embedder, policy_dir):
    # An organisation's policy in Italian: questions are answered in English only, so its administrator
    # is told at ingest, not by the first parent who gets the English-only notice.
    (policy_dir / "regolamento.txt").write_text(
        "Tutela dei minori\n\nIl responsabile della tutela deve essere informato subito di ogni segnalazione. "
        "Gli allenatori non devono mai restare da soli con un atleta minorenne negli spogliatoi.\n\n"
        "I genitori possono chiedere in ogni momento di leggere il regolamento della società sportiva.\n",
        encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert "regolamento.txt" in report.documents and not report.skipped
    assert len(report.document_warnings) == 1 and report.document_warnings[0].startswith("regolamento.txt ")
    assert "Warning: regolamento.txt reads as written in another language (it)" in report.render()


def test_a_document_half_in_another_language_is_named_as_partly_so(settings, fake_embedder, policy_dir):
    english = ("Staff must report every concern to the safeguarding lead on the same day. Volunteers never "
               "stay alone with a child in the changing rooms, and parents may read this policy at any time. ")
    german = ("Alle Mitarbeitenden melden jede Sorge noch am selben Tag der verantwortlichen Person. Ehrenamtliche "
              "bleiben nie allein mit einem Kind in der Umkleide, und Eltern dürfen diese Richtlinie jederzeit lesen. ")
    (policy_dir / "policy-two-languages.txt").write_text(
        "Our policy\n\n" + english * 8 + "\n\nUnsere Richtlinie\n\n" + german * 8 + "\n", encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert [w.split(" (")[0] for w in report.document_warnings] == ["policy-two-languages.txt is partly written in another language"]
    assert "(de, about " in report.document_warnings[0]
