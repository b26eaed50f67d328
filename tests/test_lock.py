"""One ingest writes an index at a time: a second one says who holds the lock and waits, or gives up
with a clear message when told not to wait; never a traceback, and never a silent win.

The first ingest runs in a subprocess whose fake embedder pauses once the lock is held (a marker file
says so); the second is the ``ingest`` command itself, in this process, with the keyword embedder.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assistant.cli import cmd_ingest
from ingest import lock
from ingest.index import ingest
from ingest.store import IngestLockedError, open_client, read_pointer, registry

from conftest import POLICY_TXT, KeywordEmbedder

TESTS = Path(__file__).resolve().parent

SLOW_INGEST = textwrap.dedent(
    """
    import sys, time
    from dataclasses import replace
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from conftest import KeywordEmbedder
    from assistant.settings import Settings
    from ingest.index import ingest

    marker, pause = Path(sys.argv[1]), float(sys.argv[2])
    settings = replace(Settings(), policy_dir=Path({policy_dir!r}), data_dir=Path({data_dir!r}))

    class Slow(KeywordEmbedder):
        def embed_documents(self, texts):
            if not marker.exists():
                marker.touch()
                time.sleep(pause)
            return super().embed_documents(texts)

    print(ingest(settings.policy_dir, settings.store, Slow()).collection, flush=True)
    """
)


@pytest.fixture
def keyword_document_embedder(monkeypatch):
    import assistant.embedding

    monkeypatch.setattr(assistant.embedding, "document_embedder", lambda settings, **kw: KeywordEmbedder())


def _first(settings, tmp_path, folder: Path, pause: float) -> tuple[subprocess.Popen, Path]:
    """Ingest ``folder`` into the settings' index in a subprocess, holding the lock for ``pause`` seconds."""
    script = tmp_path / "slow_ingest.py"
    script.write_text(SLOW_INGEST.format(tests=str(TESTS), policy_dir=str(folder), data_dir=str(settings.data_dir)),
                      encoding="utf-8")
    marker = tmp_path / "holding-the-lock"
    process = subprocess.Popen([sys.executable, str(script), str(marker), str(pause)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "the first ingest never started embedding"
        time.sleep(0.05)
    return process, marker


def _other_folder(tmp_path) -> Path:
    folder = tmp_path / "other-policies"
    folder.mkdir()
    (folder / "policy-b.txt").write_text(POLICY_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _documents(settings) -> set[str]:
    from ingest.index import open_live_index

    return {c.document for c in open_live_index(settings.store)[1].clauses}


def test_a_second_ingest_with_other_content_waits_saying_why_then_indexes_its_own(
        settings, tmp_path, keyword_document_embedder, capsys):
    process, _ = _first(settings, tmp_path, _other_folder(tmp_path), pause=4)
    started = time.monotonic()
    status = cmd_ingest(settings, argparse.Namespace(wait=None))
    waited = time.monotonic() - started
    out, err = capsys.readouterr()
    first_out, first_err = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in first_err, first_err[-2000:]
    assert status == 0 and "Traceback" not in err
    assert waited > 2  # it waited for the first one to finish
    waiting = [line for line in err.splitlines() if line.startswith("Waiting:")]
    assert len(waiting) == 1, err
    assert f"another ingest of the policy index at {settings.index_dir} is running" in waiting[0]
    assert f"{socket.gethostname()}, process {process.pid}" in waiting[0]
    assert out.startswith("Indexed 67 clauses")  # then it built its own content, after the first
    assert _documents(settings) == {"online-safety-policy.pdf"}


def test_told_not_to_wait_the_second_gives_up_clearly_and_the_first_wins(settings, tmp_path,
                                                                          keyword_document_embedder, capsys):
    process, _ = _first(settings, tmp_path, _other_folder(tmp_path), pause=3)
    status = cmd_ingest(settings, argparse.Namespace(wait=0))
    out, err = capsys.readouterr()
    process.communicate(timeout=60)
    assert status == 1 and out == "" and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith("error: another ingest of the policy index at") and f"process {process.pid}" in line
    assert line.endswith("run `policy-assistant ingest` again when it has finished")
    assert process.returncode == 0 and _documents(settings) == {"policy-b.txt"}


def test_an_ingest_killed_while_holding_the_lock_never_blocks_the_next(settings, tmp_path, fake_embedder, capsys):
    process, _ = _first(settings, tmp_path, settings.policy_dir, pause=600)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    started = time.monotonic()
    report = ingest(settings.policy_dir, settings.store, fake_embedder, wait=0)
    assert time.monotonic() - started < 20 and report.clauses == 67
    assert registry(open_client(settings.store), settings.store).get(ids=[lock.LOCK_ID])["ids"] == []


def _plant(settings, **holder) -> None:
    """A lock record as another machine's ingest leaves it."""
    client = open_client(settings.store)
    now = client.heartbeat() / 1e9
    record = {"token": "elsewhere", "host": "another-host", "pid": 1, "started": "", "since": now, "renewed": now,
              **holder}
    registry(client, settings.store).add(ids=[lock.LOCK_ID], embeddings=[[1.0]], metadatas=[record])


def test_a_lock_held_on_another_machine_is_respected_until_its_lease_runs_out(settings, fake_embedder):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    pointer = read_pointer(open_client(settings.store), settings.store)
    _plant(settings)
    (settings.policy_dir / "extra.md").write_text("# Extra\n\n- One more rule.\n", encoding="utf-8")
    with pytest.raises(IngestLockedError, match="another-host, process 1"):
        ingest(settings.policy_dir, settings.store, fake_embedder, wait=0.5)
    assert read_pointer(open_client(settings.store), settings.store) == pointer
    registry(open_client(settings.store), settings.store).delete(ids=[lock.LOCK_ID])
    now = open_client(settings.store).heartbeat() / 1e9
    _plant(settings, renewed=now - lock.LEASE_S - 1)  # stopped renewing: gone
    assert ingest(settings.policy_dir, settings.store, fake_embedder, wait=0).clauses == 68


def test_an_ingest_that_lost_its_lock_switches_nothing(settings, fake_embedder, monkeypatch):
    """Paused past its lease, another ingest took over: the first must not then switch its build in."""
    ingest(settings.policy_dir, settings.store, fake_embedder)
    pointer = read_pointer(open_client(settings.store), settings.store)
    real_renew = lock.Lease.renew

    def taken_over(self, force=False):
        if force:  # just before the switch: someone else holds the lock now
            registry(self._client, self._store).delete(ids=[lock.LOCK_ID])
            _plant(settings)
        return real_renew(self, force)

    monkeypatch.setattr(lock.Lease, "renew", taken_over)
    (settings.policy_dir / "extra.md").write_text("# Extra\n\n- One more rule.\n", encoding="utf-8")
    with pytest.raises(IngestLockedError, match="another ingest took over; nothing was switched"):
        ingest(settings.policy_dir, settings.store, fake_embedder)
    assert read_pointer(open_client(settings.store), settings.store) == pointer
