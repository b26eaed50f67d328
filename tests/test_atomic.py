"""Re-indexing is atomic: a build killed at any point leaves the previous index answering exactly as before.

A subprocess runs ``ingest.index.ingest`` with a slow fake embedder (or a slow Chroma ``add``) that
touches a marker file when the new build has started; the test then SIGKILLs it and checks that the
live index, opened afresh, ranks the same clauses for the same questions. Feedback writes are atomic
too: temp file beside the target, then ``os.replace``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assistant.retrieve import Retriever
from assistant.settings import Settings
from ingest.index import ingest, open_live_index
from ingest.store import FACETS_SUFFIX, REGISTRY_SUFFIX, open_client, read_pointer

from conftest import KeywordEmbedder

TESTS = Path(__file__).resolve().parent
QUESTIONS = ("will the zoom sessions be recorded?", "can I email a child?", "photos on social media", "passwords")

SLOW_INGEST = textwrap.dedent(
    """
    import sys, time
    from dataclasses import replace
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from conftest import KeywordEmbedder
    from assistant.settings import Settings
    from ingest.index import ingest

    phase, marker = sys.argv[1], Path(sys.argv[2])
    settings = replace(Settings(), policy_dir=Path({policy_dir!r}), data_dir=Path({data_dir!r}))

    class SlowEmbedder(KeywordEmbedder):
        model_id = "fake-keywords-v2"  # another model: every clause is embedded again into a new collection

        def embed_documents(self, texts):
            if phase == "embedding":
                marker.touch()
                time.sleep(600)
            return super().embed_documents(texts)

    if phase == "filled":  # the new collection is complete, the pointer not yet switched
        from chromadb.api.models.Collection import Collection
        real_add = Collection.add

        def add(self, *args, **kwargs):
            real_add(self, *args, **kwargs)
            if self.name != settings.store.registry_name:  # the registry holds the ingest lock, added first
                marker.touch()
                time.sleep(600)

        Collection.add = add
    ingest(settings.policy_dir, settings.store, SlowEmbedder())
    print("finished")
    """
)


def _forget_clients() -> None:
    """Chroma caches one system per path in-process; drop it so the next client reads the disk afresh."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def _ranked(settings: Settings) -> list[list[str]]:
    collection, live = open_live_index(settings.store)
    retriever = Retriever(collection, live.clauses, KeywordEmbedder())
    return [[hit.clause.clause_id for hit in retriever.search(q).hits] for q in QUESTIONS]


def _collections(settings: Settings) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in open_client(settings.store).list_collections()}


@pytest.mark.parametrize("phase", ["embedding", "filled"])
def test_a_reindex_killed_part_way_leaves_the_previous_index_answering(settings, tmp_path, phase):
    ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    pointer, before = read_pointer(open_client(settings.store), settings.store), _ranked(settings)
    _forget_clients()

    script = tmp_path / "slow_ingest.py"
    script.write_text(SLOW_INGEST.format(tests=str(TESTS), policy_dir=str(settings.policy_dir),
                                         data_dir=str(settings.data_dir)), encoding="utf-8")
    marker = tmp_path / "build-started"
    process = subprocess.Popen([sys.executable, str(script), phase, str(marker)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.communicate()[1].decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the new build never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        out, _ = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL and b"finished" not in out

    _forget_clients()
    assert read_pointer(open_client(settings.store), settings.store) == pointer
    _, live = open_live_index(settings.store)
    assert live.collection == pointer["collection"] and live.model == "fake-keywords" and len(live.clauses) == 67
    assert _ranked(settings) == before
    if phase == "filled":  # the killed build's collection exists, complete but never pointed at
        assert len({n for n in _collections(settings) if not n.endswith(FACETS_SUFFIX)}) == 3

    # The next ingest finishes the job and leaves only the live build (clauses, facets) and the registry.
    report = ingest(settings.policy_dir, settings.store, type("Again", (KeywordEmbedder,), {"model_id": "fake-keywords-v2"})())
    assert not report.up_to_date and report.embedded == 67
    assert _collections(settings) == {report.collection, report.collection + FACETS_SUFFIX,
                                      settings.collection + REGISTRY_SUFFIX}
    assert open_live_index(settings.store)[1].model == "fake-keywords-v2"


def test_an_unchanged_reingest_never_touches_the_live_collection(settings):
    ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    pointer = read_pointer(open_client(settings.store), settings.store)
    report = ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    assert report.up_to_date and read_pointer(open_client(settings.store), settings.store) == pointer


# --- feedback writes -----------------------------------------------------------------------------


@pytest.fixture
def feedback():
    import assistant.feedback

    return assistant.feedback


def _answer(route="answer"):
    from assistant.answer import Answer

    return Answer(route, "The policy says: ...", (), None, "test")


def test_feedback_is_written_to_a_temp_file_beside_it_then_replaced(feedback, tmp_path, monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(src, dst, *args, **kwargs):
        calls.append((Path(src), Path(dst), Path(src).read_bytes()))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(feedback.os, "replace", spy)
    feedback.record_feedback(tmp_path, question="can we record zoom?", answer=_answer(), role="staff", rating="up")
    feedback.record_feedback(tmp_path, question="photos?", answer=_answer("not_covered"), role="parent", rating="down")
    target = feedback.feedback_path(tmp_path)
    assert len(calls) == 2
    for src, dst, data in calls:
        assert dst == target and src != dst and src.parent == dst.parent  # same filesystem: the rename is atomic
        assert data.endswith(b"\n") and not src.exists()
    assert calls[1][2].startswith(calls[0][2])  # the whole file is rewritten, never appended in place
    assert [e.question for e in feedback.read_feedback(tmp_path)] == ["can we record zoom?", "photos?"]


def test_a_failed_feedback_write_leaves_the_file_as_it_was_and_no_temp_file(feedback, tmp_path, monkeypatch):
    feedback.record_feedback(tmp_path, question="first", answer=_answer(), role="staff", rating="up")
    target = feedback.feedback_path(tmp_path)
    before = target.read_bytes()

    def broken(src, dst, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(feedback.os, "replace", broken)
    with pytest.raises(OSError):
        feedback.record_feedback(tmp_path, question="second", answer=_answer(), role="staff", rating="down")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_writer_killed_mid_stream_leaves_only_whole_lines(feedback, tmp_path):
    marker = tmp_path / "writing"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from assistant.answer import Answer
        from assistant.feedback import record_feedback
        answer = Answer("answer", "x", (), None, "test")
        for i in range(100000):
            record_feedback(Path({str(tmp_path)!r}), question="q" * 5000 + str(i), answer=answer, role="staff", rating="up")
            if i == 20:
                Path({str(marker)!r}).touch()
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    lines = feedback.feedback_path(tmp_path).read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) > 20
    assert all(json.loads(line)["question"].startswith("q" * 5000) for line in lines[:-1])
