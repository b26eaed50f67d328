"""The policy library the app and the CLI answer from: the live assistant, kept on the live index,
re-indexed, or given a new policy version.

``Library.ask`` answers from the assistant of the live index. Any process may re-index at any time
(``ingest``, an ``ask`` that re-ingests, another app instance on the same Chroma server): the writer
switches the registry's pointer, then drops the build it replaced. So the library re-reads the
pointer at most once a second and moves to the new build; and a question whose build disappeared
under it (``IndexMovedError``) is asked again, whole, on the new one. Every answer therefore comes
from one version, old or new, never a mix, and a re-index fails no question.

Why readers that re-read the pointer rather than a grace period or leases: it needs no clock shared
between hosts and no guess of how long a reader may hold a build, a crashed instance leaves nothing
behind that pins an old build, and the old build's disk is freed at once. The cost is one rebuild of
the retriever (the router and model are kept) on the first question after a switch.

``Library.reindex`` re-ingests the policy folder through the composition root and swaps in the new
assistant. ``install_upload`` accepts a file only if it parses into clauses (``validate_upload``),
builds and switches the index of the policy folder as it will be (a staging folder of links, hidden
inside the policy folder) and only then changes the folder: the file goes in, the file it replaces
goes to ``<data_dir>/policy-archive``. Whatever fails before that leaves the folder as it was. The
clause changes of each new version are recorded (``assistant.changes``).

What this module does not do: render anything, or decide who may call it (the app's admin gate does).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from assistant.changes import ClauseDiff, diff_clauses, save_changes
from assistant.settings import Settings
from ingest.folder import collect_clauses, read_document
from ingest.load import LoadError, check_file, find_documents
from ingest.questions import QUESTIONS_FOLDER
from ingest.store import IndexMovedError, IndexStoreError, open_client, read_pointer

ARCHIVE_DIR = "policy-archive"
STAGING_PREFIX = ".upload-"  # hidden: ingest and the folder stamp never read it as a policy
FOLLOW_EVERY_S = 1.0  # how often a library looks at the pointer for a build another process switched to
ASK_ATTEMPTS = 3  # a question is asked again on the new build at most this many times in all


class UploadRejected(Exception):
    """An uploaded policy file that cannot be used; the message says why, in one line."""


def validate_upload(path: Path, name: str | None = None) -> str:
    """Check an uploaded policy file (type, size, content, and that it parses into clauses within the
    bounds of ``ingest.limits``); return the safe file name to save it as."""
    path = Path(path)
    name = Path(name or path.name).name
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "policy"
    suffix = Path(safe).suffix.lower()
    try:
        check_file(path, safe)  # the same type and size rules as every file in the policy folder
    except LoadError as exc:
        raise UploadRejected(str(exc)) from None
    head = path.open("rb").read(8)
    if suffix == ".pdf" and not head.startswith(b"%PDF-"):
        raise UploadRejected(f"{name}: this is not a PDF file")
    if suffix == ".docx" and not head.startswith(b"PK\x03\x04"):
        raise UploadRejected(f"{name}: this is not a Word (.docx) file")
    if suffix not in (".pdf", ".docx"):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRejected(f"{name}: text files must be UTF-8") from None
    with tempfile.TemporaryDirectory() as tmp:  # parsed under the name it will have, as ingest will read it
        copy = Path(tmp) / safe
        shutil.copyfile(path, copy)
        try:
            read_document(copy)
        except LoadError as exc:
            raise UploadRejected(f"{exc}; nothing was changed") from None
    return safe


def opener_for(settings: Settings, **collaborators) -> Callable[..., object]:
    """The composition root as a library calls it, ``opener(reingest=..., policy_dir=...)``:
    ``assistant.pipeline.open_assistant`` with these settings (``policy_dir`` replacing their policy
    folder) and the given collaborators (progress, embedder, router)."""

    def opener(reingest: bool = False, policy_dir: Path | None = None):
        from assistant.pipeline import open_assistant

        chosen = replace(settings, policy_dir=Path(policy_dir)) if policy_dir else settings
        return open_assistant(chosen, reingest=reingest, **collaborators)

    return opener


class Library:
    """What the app answers from: the live assistant and its clauses, swapped together on re-index.

    ``opener(reingest=..., policy_dir=...)`` builds an assistant through the composition root
    (``assistant.pipeline.open_assistant`` with the app's collaborators), ingesting ``policy_dir``
    (default: the settings' policy folder) first when asked to.
    """

    def __init__(self, settings: Settings, assistant, opener: Callable[..., object], *,
                 follow_every: float = FOLLOW_EVERY_S) -> None:
        self.settings = settings
        self.assistant = assistant
        self._opener = opener
        self._follow_every = follow_every
        self._lock = threading.Lock()  # one re-index or upload at a time
        self._moving = threading.Lock()  # one move to a newer build at a time
        self._looked = time.monotonic()
        self._client = None

    @property
    def clauses(self):
        return self.assistant.clauses

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(c.document for c in self.clauses))

    # -- answering across re-indexes ------------------------------------------------------------------

    def ask(self, question: str, role: str = "staff", history: Sequence[dict] = ()):
        """``Assistant.ask`` on the live build; asked again, whole, on the new build if a re-index
        dropped this one meanwhile. Other store failures raise ``IndexStoreError`` (the router has run:
        a disclosure never gets here as a question)."""
        assistant = self._current()
        for attempt in range(ASK_ATTEMPTS):
            try:
                return assistant.ask(question, role=role, history=history)
            except IndexMovedError:
                if attempt == ASK_ATTEMPTS - 1:
                    raise
                assistant = self._move(assistant)
        raise AssertionError("unreachable")

    def _store_client(self):
        if self._client is None:
            self._client = open_client(self.settings.store)
        return self._client

    def _current(self):
        """The assistant, moved to the build the pointer names if another process switched it."""
        assistant = self.assistant
        index = getattr(assistant, "index", None)
        if index is None or time.monotonic() - self._looked < self._follow_every:
            return assistant
        self._looked = time.monotonic()
        try:
            pointer = read_pointer(self._store_client(), self.settings.store)
            if pointer and not index.is_live(pointer):
                return self._move(assistant)
        except IndexStoreError:
            pass  # the question itself reports an unavailable store, after the router has run
        return assistant

    def _move(self, stale):
        """An assistant on the live build, with the stale one's router and query model."""
        from assistant.pipeline import build_assistant

        with self._moving:
            if self.assistant is not stale:  # moved already (or re-indexed here)
                return self.assistant
            fresh = build_assistant(self.settings, client=self._store_client(), embedder=stale.retriever.embedder,
                                    router=stale.router)
            self.assistant = fresh
            return fresh

    # -- re-index and upload ----------------------------------------------------------------------------

    def reindex(self, renamed: dict[str, str] | None = None) -> tuple[str, ClauseDiff]:
        """Ingest the policy folder, rebuild the assistant, record and return what changed."""
        with self._lock:
            return self._reindex(renamed)

    def _reindex(self, renamed: dict[str, str] | None, policy_dir: Path | None = None) -> tuple[str, ClauseDiff]:
        before = self.clauses
        if policy_dir is None:
            assistant = self._opener(reingest=True)
        else:
            assistant = self._opener(reingest=True, policy_dir=policy_dir)
        report = assistant.ingest_report
        diff = diff_clauses(before, assistant.clauses, renamed)
        with self._moving:
            self.assistant = assistant
        if report is not None and not report.up_to_date:  # an unchanged policy keeps the record of the last real change
            save_changes(self.settings.data_dir, diff)
        return (report.render() if report is not None else ""), diff

    def install_upload(self, upload: Path, replaces: str | None) -> tuple[str, ClauseDiff]:
        """Save an uploaded policy version into the policy folder once the index with it is live.

        Until then the policy folder is untouched: the index is built from a staging folder holding
        the folder as it will be. The replaced file is kept under ``<data_dir>/policy-archive``."""
        name = validate_upload(upload)
        policy_dir = Path(self.settings.policy_dir)
        policy_dir.mkdir(parents=True, exist_ok=True)
        replaced = [n for n in dict.fromkeys(Path(n).name for n in (replaces, name) if n) if (policy_dir / n).is_file()]
        with self._lock:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=policy_dir))
            try:
                _stage(policy_dir, staging, leave_out=set(replaced))
                shutil.copyfile(upload, staging / name)
                _, skipped, documents = collect_clauses(staging)
                if name not in documents:  # e.g. the same text as another document in the folder
                    raise UploadRejected(f"{dict(skipped).get(name, name)}; nothing was changed")
                copied = [other for other, reason in skipped if name in reason]  # read first, the other was skipped
                if copied:
                    raise UploadRejected(f"{name}: same text as {copied[0]}, already in the policy folder; nothing was changed")
                try:
                    report, diff = self._reindex({replaces: name} if replaces else None, policy_dir=staging)
                except Exception as exc:  # whatever went wrong, the folder and the index are as they were
                    raise UploadRejected(f"{name} could not be ingested, so the previous policy was kept: {exc}") from None
                # The new index is live: the folder follows. Same files (links), same times: the
                # folder's stamp now matches the index, so nothing re-ingests.
                archive = Path(self.settings.data_dir) / ARCHIVE_DIR / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                for old in replaced:
                    archive.mkdir(parents=True, exist_ok=True)
                    shutil.move(str(policy_dir / old), str(archive / old))
                os.replace(staging / name, policy_dir / name)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            self._settle()
        return f"Saved {name} into {policy_dir}" + (f" (replacing {replaces})" if replaces else "") + ".\n" + report, diff

    def _settle(self) -> None:
        """The assistant built over the staging folder, rebuilt with the library's own settings."""
        try:
            self._move(self.assistant)
        except IndexStoreError:
            pass  # the staged one answers the same; the next question moves it if need be


def _stage(policy_dir: Path, staging: Path, leave_out: set[str]) -> None:
    """The policy folder's files (and example questions) in ``staging``, as links where the file
    system allows: same content, size and modification time, so the same folder stamp."""
    for path in find_documents(policy_dir):
        if path.name not in leave_out:
            _link(path, staging / path.name)
    questions = policy_dir / QUESTIONS_FOLDER
    if questions.is_dir():
        (staging / QUESTIONS_FOLDER).mkdir()
        for path in sorted(questions.glob("*.toml")):
            _link(path, staging / QUESTIONS_FOLDER / path.name)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)  # keeps the modification time, which the folder stamp reads
