"""Embed a policy folder's clauses into a store and switch the live index over only when the new one is complete.

``ingest(policy_dir, store, embedder)`` takes the store's writer lock (``ingest.lock``: a second
ingest waits, then gives up with a message naming the holder), parses every document, carries over
the vectors of unchanged clauses, embeds the rest, writes the build into a new collection named after
its content and then switches the store's registry to it (``ingest.store``). Re-indexing therefore
never touches the collection that is answering until the switch: a build killed part-way leaves the
pointer, and the old index, as they were. The replaced build is dropped right after the switch; a
reader still holding it gets ``IndexMovedError`` and moves to the new one (``assistant.library``).

``open_live_index`` reads the live build back (its clauses, example questions and facets:
``ingest.facets``); writing a build's collections is ``ingest.build``;
``index_is_current`` tells, cheaply, whether the live build still matches the folder. Every Chroma
failure leaves this module as an ``IndexStoreError`` whose message says what to do.

What this module does not do: parse documents (``ingest.load``, ``ingest.clauses``), rank anything,
or know the product's settings: it takes a folder, a ``Store`` and anything with the ``Embedder``
shape.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, Sequence

from ingest.clauses import PARSER_VERSION, Clause
from ingest.build import BATCH, Embedder, embed_texts, record_id, write_build, write_facets
from ingest.facets import MAX_FACET_TEXTS, Facet, facets_within
from ingest.folder import INDEX_VERSION, collect_clauses, folder_stamp, language_warnings
from ingest.questions import ExampleQuestion, load_questions
from ingest.lock import Lease, writer_lock
from ingest.report import IngestReport, per_section
from ingest.store import (
    FACETS_SUFFIX,
    QUESTIONS_SUFFIX,
    IndexMovedError,
    IndexNotBuiltError,
    IngestLockedError,
    LiveCollection,
    NothingToIndexError,
    Store,
    drop_stale,
    exists,
    get_all,
    guarded,
    open_client,
    read_pointer,
    write_pointer,
)

WAIT_S = 600.0  # how long an ingest waits for another one of the same index before giving up
_OPEN_ATTEMPTS = 3  # a reader opening the live index while re-indexes switch it reads the pointer again


class Progress(Protocol):
    """Where ingest reports what it is doing: a line of news, and batches as they are embedded."""

    def note(self, message: str) -> None: ...

    def track(self, batches: Sequence[Sequence[str]], total: int) -> Iterable[Sequence[str]]: ...


@dataclass(frozen=True)
class LiveIndex:
    collection: str
    fingerprint: str
    model: str
    parser_version: str
    clauses: tuple[Clause, ...] = field(default=())
    # Example questions and their vectors, for retrieval only (never quoted).
    questions: tuple[tuple[ExampleQuestion, Sequence[float]], ...] = field(default=(), compare=False)
    built_at: float = 0.0  # when the build was switched in: a rebuild of the same content is another version
    # The clauses' sentences and context (``ingest.facets``) and their vectors, for retrieval only.
    facets: tuple[tuple[Facet, Sequence[float]], ...] = field(default=(), compare=False)

    def is_live(self, pointer: dict | None) -> bool:
        """Is this the build the registry's pointer names now?"""
        return bool(pointer) and (pointer.get("collection"), pointer.get("built_at", 0.0)) == (self.collection, self.built_at)


def embedding_text(clause: Clause, parent: str | None) -> str:
    """What gets embedded: the citable unit itself, and for an option the words that introduce it.

    Measured on evals/data/questions.jsonl: adding the section title and list lead-in to every vector
    lowered hit@1 (0.728 against 0.759 without), so section context goes to BM25 only, where it helps.
    """
    return f"{parent}\n{clause.full_text}" if parent else clause.full_text


def clause_from_metadata(meta: dict) -> Clause:
    return Clause(
        clause_id=meta["clause_id"],
        document=meta["document"],
        section=meta["section"],
        ordinal=int(meta["ordinal"]),
        position=int(meta["position"]),
        page=meta["page"] or None,
        page_index=int(meta["page_index"]) or None,
        text=meta["text"],
        kind=meta["kind"],
        parent_id=meta["parent_id"] or None,
        lead_in_id=meta["lead_in_id"] or None,
        options=tuple(json.loads(meta["options"])),
        context=meta.get("context", ""),
        items=tuple(json.loads(meta.get("items", "[]"))),
        number=meta.get("number", ""),
    )


def fingerprint_of(clauses: Sequence[Clause], model: str, questions: Sequence[ExampleQuestion] = (),
                   facets: bool = True) -> str:
    digest = hashlib.sha256(f"parser={PARSER_VERSION}\nindex={INDEX_VERSION}\nmodel={model}\nfacets={facets}\n".encode())
    for clause in clauses:
        digest.update(f"{record_id(clause)}={clause.content_hash}\n".encode())
    for question in questions:
        digest.update(f"q:{question.document}::{question.clause_id}={question.text}\n".encode())
    return digest.hexdigest()[:20]


def ingest(
    policy_dir: Path,
    store: Store,
    embedder: Embedder,
    progress: Progress | None = None,
    client=None,
    wait: float = WAIT_S,
    max_facets: int = MAX_FACET_TEXTS,
) -> IngestReport:
    """Parse the policy folder and make the index match it, holding the store's writer lock (waiting up
    to ``wait`` seconds for another ingest). ``max_facets``: the most facet texts embedded
    (``ingest.facets.facets_within``). Raises NothingToIndexError if nothing loads,
    IngestLockedError if the lock stays taken, and StoreUnavailableError when the store fails."""
    client = client if client is not None else open_client(store)
    with writer_lock(client, store, wait, progress.note if progress else None) as lease:
        return _ingest_locked(policy_dir, store, embedder, progress, client, lease, max_facets)


def _ingest_locked(policy_dir: Path, store: Store, embedder: Embedder, progress: Progress | None, client,
                   lease: Lease, max_facets: int) -> IngestReport:
    started = time.perf_counter()
    # Before reading: a change while ingesting shows next time. The facet bound is part of it.
    stamp = folder_stamp(policy_dir, embedder.model_id, max_facets)
    clauses, skipped, documents = collect_clauses(policy_dir)
    if not clauses:
        reasons = "; ".join(reason for _, reason in skipped) or "the folder is empty"
        raise NothingToIndexError(f"nothing to index in {policy_dir} ({reasons}); the previous index is unchanged")

    model = embedder.model_id
    pointer = read_pointer(client, store)
    old_records = None
    with guarded(store):
        if pointer and exists(client, pointer["collection"]):
            old_records = get_all(client.get_collection(pointer["collection"], embedding_function=None),
                                  ["metadatas", "embeddings"])

    # A document that was indexed before but cannot be read now (a corrupt or locked replacement)
    # keeps its previous clauses: a bad upload must not silently remove a policy from the answers.
    unreadable = {name for name, reason in skipped if "same text as" not in reason}
    if old_records and unreadable:
        kept = [clause_from_metadata(m) for m in old_records["metadatas"] if m["document"] in unreadable]
        if kept:
            clauses = sorted(clauses + kept, key=lambda c: (c.document, c.position))
            kept_names = sorted({c.document for c in kept})
            documents = sorted(set(documents) | set(kept_names))
            skipped = [(n, f"{r}; its previously indexed version is kept" if n in kept_names else r) for n, r in skipped]

    questions, question_warnings = load_questions(policy_dir, clauses)
    document_warnings = tuple(language_warnings(clauses))
    facets = facets_within(clauses, max_facets)
    fingerprint = fingerprint_of(clauses, model, questions, bool(facets))
    name = store.build_name(fingerprint)
    sections = per_section(clauses)
    if pointer and pointer.get("fingerprint") == fingerprint and old_records is not None:
        if pointer.get("folder_stamp") != stamp:  # touched but not changed: remember the folder as it is
            write_pointer(client, store, {**pointer, "folder_stamp": stamp})
        return IngestReport(tuple(documents), sections, tuple(skipped), len(clauses), 0, 0,
                            time.perf_counter() - started, True, pointer["collection"], 0,
                            len(questions), tuple(question_warnings), len(facets), document_warnings)

    # Vectors worth carrying over: same text in the same context, embedded by the same model.
    reusable: dict[str, list[float]] = {}
    if old_records and pointer.get("model") == model:
        for meta, vector in zip(old_records["metadatas"], old_records["embeddings"]):
            if meta.get("parser_version") == PARSER_VERSION and meta.get("index_version") == INDEX_VERSION:
                reusable[meta.get("embedded", "")] = list(vector)

    by_id = {(c.document, c.clause_id): c for c in clauses}
    texts = []
    for clause in clauses:
        parent = by_id.get((clause.document, clause.parent_id)) if clause.parent_id else None
        texts.append(embedding_text(clause, parent.text if parent else None))
    keys = [_reuse_key(text, c.document) for c, text in zip(clauses, texts)]
    to_embed = [i for i, key in enumerate(keys) if key not in reusable]
    vectors: dict[int, list[float]] = {i: reusable[k] for i, k in enumerate(keys) if k in reusable}
    # A text that several clauses share (a standard line repeated across a policy set) is embedded
    # once: the model gives the same vector for the same words, so the repeats are pure cost.
    sharing: dict[str, list[int]] = {}
    for i in to_embed:
        sharing.setdefault(texts[i], []).append(i)
    # Shortest first, across the whole build: each batch then pads to a length close to all of its
    # texts. Sorting only within each batch processed about 40% more tokens on the synthetic corpus.
    distinct = sorted(sharing, key=len)
    batches = [distinct[i : i + BATCH] for i in range(0, len(distinct), BATCH)]
    iterator = progress.track(batches, len(distinct)) if progress else batches
    for batch in iterator:
        lease.renew()
        for text, vector in zip(batch, embedder.embed_documents(batch)):
            for i in sharing[text]:
                vectors[i] = vector

    question_vectors = embed_texts([q.text for q in questions], embedder, client, store, pointer, model, lease,
                                    QUESTIONS_SUFFIX, "questions")
    if progress is not None and not facets and max_facets > 0:
        progress.note(f"This policy set is large: its clauses are found by their own words only, not also by each "
                      f"sentence and heading (more than max_facet_texts = {max_facets:,} texts to embed).")
    if progress is not None and facets:
        progress.note(f"Embedding the clauses' sentences and each clause in its context ({len(facets)} texts, "
                      "used to find clauses, never quoted).")
    facet_vectors = embed_texts([f.text for f in facets], embedder, client, store, pointer, model, lease,
                                 FACETS_SUFFIX, "facets", progress)
    with guarded(store):
        write_build(client, name, fingerprint, model, clauses, vectors, keys, questions, question_vectors, lease)
        write_facets(client, name, fingerprint, model, facets, facet_vectors, lease)

    # Still ours, and nobody switched meanwhile (a lease lost after a long pause): never silently win.
    lease.renew(force=True)
    if read_pointer(client, store) != pointer:
        raise IngestLockedError(f"another ingest switched the policy index at {store.where} while this one ran; "
                                "this build was not switched in: run `policy-assistant ingest` again")
    # The switch: one upsert of one record. Until here, the previous index answered.
    write_pointer(client, store, {"collection": name, "fingerprint": fingerprint, "model": model,
                                  "parser_version": PARSER_VERSION, "built_at": time.time(), "clauses": len(clauses),
                                  "questions": len(questions), "facets": len(facets), "folder_stamp": stamp})
    with guarded(store):
        drop_stale(client, store, keep=name)
    return IngestReport(tuple(documents), sections, tuple(skipped), len(clauses), len(to_embed),
                        len(clauses) - len(to_embed), time.perf_counter() - started, False, name, len(distinct),
                        len(questions), tuple(question_warnings), len(facets), document_warnings)


def _reuse_key(embedded_text: str, document: str) -> str:
    """Vectors depend only on the words embedded: the same words in the same document reuse theirs."""
    return f"{document}|{hashlib.sha256(embedded_text.encode('utf-8')).hexdigest()[:16]}"


def open_live_index(store: Store, client=None) -> tuple[LiveCollection, LiveIndex]:
    """The live collection and every clause in it. Raises IndexNotBuiltError before the first ingest.

    A re-index may switch the pointer and drop the build while it is being read: the pointer is then
    read again (a few times), so a reader always opens one whole build."""
    client = client if client is not None else open_client(store)
    for attempt in range(_OPEN_ATTEMPTS):
        try:
            with guarded(store):
                return _open_live(store, client)
        except IndexMovedError:
            if attempt == _OPEN_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _open_live(store: Store, client) -> tuple[LiveCollection, LiveIndex]:
    pointer = read_pointer(client, store)
    if not pointer:
        raise IndexNotBuiltError("there is no index yet: run `policy-assistant ingest` first")
    try:
        collection = client.get_collection(pointer["collection"], embedding_function=None)
    except Exception as exc:
        if "does not exist" not in str(exc):
            raise
        if read_pointer(client, store) != pointer:
            raise IndexMovedError(f"the policy index was rebuilt while it was being opened ({exc})") from None
        raise IndexNotBuiltError(f"the live index ({pointer['collection']}) is missing from {store.where}: "
                                 "run `policy-assistant ingest` to rebuild it") from None
    got = get_all(collection, ["metadatas"])
    clauses = sorted((clause_from_metadata(m) for m in got["metadatas"]), key=lambda c: (c.document, c.position))
    questions = []
    if pointer.get("questions"):
        asked = client.get_collection(pointer["collection"] + QUESTIONS_SUFFIX, embedding_function=None)
        got = get_all(asked, ["metadatas", "embeddings"])
        # Rows as Chroma returns them (arrays): converting 1,000 vectors to tuples of floats cost ~0.1 s per start.
        questions = [(ExampleQuestion(m["document"], m["clause_id"], m["text"]), v)
                     for m, v in zip(got["metadatas"], got["embeddings"])]
    facets = []
    if pointer.get("facets"):
        got = get_all(client.get_collection(pointer["collection"] + FACETS_SUFFIX, embedding_function=None),
                      ["metadatas", "embeddings"])
        facets = [(Facet(m["document"], m["clause_id"], m["kind"], m["text"]), v)
                  for m, v in zip(got["metadatas"], got["embeddings"])]
    if len(clauses) != pointer.get("clauses", len(clauses)):  # read while being dropped: not a whole build
        raise IndexMovedError("the policy index was rebuilt while it was being opened")
    live = LiveIndex(pointer["collection"], pointer["fingerprint"], pointer["model"], pointer["parser_version"],
                     tuple(clauses), tuple(questions), pointer.get("built_at", 0.0), tuple(facets))
    return LiveCollection(collection, store, client, live.is_live), live


def index_is_current(policy_dir: Path, store: Store, model: str, client=None, max_facets: int = MAX_FACET_TEXTS) -> bool:
    """Does the live index match the policy folder as it is now (same clauses, model and parser)?
    A store that cannot be read raises StoreUnavailableError: "out of date" would send a person the
    wrong way."""
    client = client if client is not None else open_client(store)
    pointer = read_pointer(client, store)
    if not pointer:
        return False
    with guarded(store):
        live = exists(client, pointer["collection"])
    if not live or pointer.get("folder_stamp") == folder_stamp(policy_dir, model, max_facets):
        return live  # no file changed since it was built
    try:
        clauses, _, _ = collect_clauses(policy_dir)
    except NothingToIndexError:
        return False
    questions, _ = load_questions(policy_dir, clauses)
    facets = bool(facets_within(clauses, max_facets))
    return pointer.get("fingerprint") == fingerprint_of(clauses, model, questions, facets)
