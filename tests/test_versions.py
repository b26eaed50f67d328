"""Index versions are safe across processes: people keep getting answers while the index is rebuilt.

Another process re-ingests changed content in a loop while several users ask through the app's own
handler (``Handlers.respond``, what a question in the browser calls); the admin's re-index runs while
users ask. Zero failed answers, and every answer comes from one version, old or new: each version
of the policy has a document name of its own, so an answer citing clauses of two names is a mix.

The same over a real Chroma server with two real ``serve`` instances is in test_chroma_server.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.library import Library, opener_for
from assistant.settings import Settings
from assistant.ui.admin import AdminHandlers
from assistant.ui.handlers import Handlers
from ingest.index import ingest
from ingest.store import FACETS_SUFFIX, IndexMovedError, open_client, read_pointer

from conftest import POLICY_TXT, FakeRouter, KeywordEmbedder

TESTS = Path(__file__).resolve().parent
QUESTIONS = ("Can I record a Zoom session?", "Can I email a child about their homework?",
             "Can I share photos on social media?", "Do staff need a DBS check?")

REINGEST_LOOP = textwrap.dedent(
    """
    import sys, time
    from dataclasses import replace
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from conftest import KeywordEmbedder
    from assistant.settings import Settings
    from ingest.index import ingest

    settings = replace(Settings(), policy_dir=Path({policy_dir!r}), data_dir=Path({data_dir!r}))
    text = Path({policy_txt!r}).read_text(encoding="utf-8")
    for round in range(1, {rounds} + 1):
        for old in settings.policy_dir.glob("*.txt"):
            old.unlink()
        (settings.policy_dir / f"policy-v{{round}}.txt").write_text(text, encoding="utf-8")
        ingest(settings.policy_dir, settings.store, KeywordEmbedder())
        print(round, flush=True)
        time.sleep(0.2)
    """
)


def _folder(settings: Settings) -> None:
    for path in settings.policy_dir.iterdir():
        path.unlink()
    (settings.policy_dir / "policy-v0.txt").write_text(POLICY_TXT.read_text(encoding="utf-8"), encoding="utf-8")


def _app(settings: Settings) -> tuple[Library, Handlers]:
    opener = opener_for(settings, embedder=KeywordEmbedder(), router=FakeRouter())
    library = Library(settings, opener(), opener)
    # Users here ask as fast as they can, for minutes: the per-client bound (tests/test_app_limits.py) is not this test's.
    return library, Handlers(library, replace(settings, max_questions_per_minute=100_000))


class Users:
    """Threads asking through the app's handler until stopped; each answer's cited document names."""

    def __init__(self, handlers: Handlers, count: int = 3) -> None:
        self.handlers = handlers
        self.failures: list[str] = []
        self.versions: list[set[str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._ask, args=(n,), daemon=True) for n in range(count)]

    def _ask(self, n: int) -> None:
        asked = 0
        while not self._stop.is_set():
            question = QUESTIONS[(n + asked) % len(QUESTIONS)]
            asked += 1
            try:
                # Each user is one browser session, as the app's queue gives it.
                conversation = self.handlers.respond(question, "staff", None, session=f"user-{n}")
            except Exception as exc:  # a failed answer: what the person would see as an error
                self.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            shown = conversation.answers[-1] if conversation.answers else None
            answer = shown.answer if shown is not None else None
            if answer is not None and answer.citations:
                self.versions.append({c.document for c in answer.citations})

    def __enter__(self) -> "Users":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def _check(users: Users, rounds_seen: set[str]) -> None:
    assert users.failures == [], users.failures[:5]
    assert len(users.versions) >= 50
    mixed = [v for v in users.versions if len(v) != 1]
    assert mixed == []  # every answer from one version of the policy
    answered_from = set().union(*users.versions)
    assert answered_from <= rounds_seen
    assert len(answered_from) >= 3  # the users moved along with the re-indexes


def test_answers_never_fail_or_mix_while_another_process_reingests_changed_content(settings, tmp_path):
    _folder(settings)
    library, handlers = _app(settings)
    rounds = 8
    script = tmp_path / "reingest_loop.py"
    script.write_text(REINGEST_LOOP.format(tests=str(TESTS), policy_dir=str(settings.policy_dir),
                                           data_dir=str(settings.data_dir), policy_txt=str(POLICY_TXT),
                                           rounds=rounds), encoding="utf-8")
    with Users(handlers) as users:
        time.sleep(0.5)
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
        time.sleep(1.5)  # long enough to follow the last switch (the library looks once a second)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(n) for n in range(1, rounds + 1)]
    _check(users, {f"policy-v{n}.txt" for n in range(rounds + 1)})
    assert library.documents == [f"policy-v{rounds}.txt"]  # it ends on the newest version


def test_the_admin_reindex_fails_no_concurrent_question(settings):
    _folder(settings)
    library, handlers = _app(settings)
    text = POLICY_TXT.read_text(encoding="utf-8")
    rounds = 6
    with Users(handlers) as users:
        for round in range(1, rounds + 1):
            time.sleep(0.3)
            for old in settings.policy_dir.glob("*.txt"):
                old.unlink()
            (settings.policy_dir / f"policy-v{round}.txt").write_text(text, encoding="utf-8")
            report = AdminHandlers(handlers.library, settings).reingest()  # the admin's "Re-ingest" button
            assert report.startswith("Indexed 67 clauses"), report
        time.sleep(0.3)
    _check(users, {f"policy-v{n}.txt" for n in range(rounds + 1)})


def test_a_reader_moves_to_a_build_switched_in_elsewhere_even_if_the_old_one_stays(settings, monkeypatch):
    """A writer killed between its switch and dropping the old build leaves both: readers still move."""
    import ingest.index

    _folder(settings)
    library, _ = _app(settings)
    library._follow_every = 0.0
    assert library.ask("Can I record a Zoom session?").citations[0].document == "policy-v0.txt"
    monkeypatch.setattr(ingest.index, "drop_stale", lambda *args, **kwargs: None)
    (settings.policy_dir / "policy-v0.txt").rename(settings.policy_dir / "policy-v1.txt")
    ingest.index.ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    names = {c.name for c in open_client(settings.store).list_collections() if not c.name.endswith(FACETS_SUFFIX)}
    assert len(names) == 3  # the old build is still there, and still answers its holders
    assert library.ask("Can I record a Zoom session?").citations[0].document == "policy-v1.txt"
    assert library.documents == ["policy-v1.txt"]


def test_a_rebuild_of_the_same_content_is_a_new_version(settings):
    """Content A, then B, then A again: the third build has the first one's name but is another version."""
    _folder(settings)
    library, _ = _app(settings)
    library._follow_every = 0.0
    first = library.assistant.index
    text = POLICY_TXT.read_text(encoding="utf-8")
    (settings.policy_dir / "policy-v0.txt").write_text(text.replace("set to private", "set to private and closed"))
    ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    (settings.policy_dir / "policy-v0.txt").write_text(text)
    ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    pointer = read_pointer(open_client(settings.store), settings.store)
    assert pointer["collection"] == first.collection and not first.is_live(pointer)
    assert library.ask("Can I record a Zoom session?").route == "answer"
    assert library.assistant.index.is_live(pointer)


def test_an_assistant_alone_reports_a_dropped_build_as_moved(settings):
    """Without a library the error names what happened (IndexMovedError), never a Chroma internal."""
    _folder(settings)
    library, _ = _app(settings)
    assistant = library.assistant
    (settings.policy_dir / "policy-v0.txt").rename(settings.policy_dir / "policy-v1.txt")
    ingest(settings.policy_dir, settings.store, KeywordEmbedder())
    with pytest.raises(IndexMovedError):
        assistant.ask("Can I record a Zoom session?")
    assert assistant.ask("my stepdad hits me").route == "disclosure"  # the router needs no index
