"""Write a build's collections: its clauses, and beside them its example questions and facets.

``embed_texts`` embeds example questions or facets, carrying over the vectors the live build already
has for the same words; ``write_build`` and ``write_facets`` create the build's collections, which
nobody reads until ``ingest.index`` switches the registry to them.

What this module does not do: decide what to embed (``ingest.index``, ``ingest.facets``), take the
writer lock (``ingest.lock``) or switch the live index.
"""

from __future__ import annotations

import json
from typing import Protocol, Sequence

from ingest.clauses import PARSER_VERSION, Clause
from ingest.facets import Facet
from ingest.folder import INDEX_VERSION
from ingest.lock import Lease
from ingest.questions import ExampleQuestion
from ingest.store import FACETS_SUFFIX, QUESTIONS_SUFFIX, Store, exists, get_all, guarded, max_batch

BATCH = 128  # texts per call to the embedder
ADD_BATCH = 4096  # records per call to Chroma, at most


class Embedder(Protocol):
    """What ingest needs of an embedding model (the LangChain ``Embeddings`` shape, plus an id)."""

    model_id: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def record_id(clause: Clause) -> str:
    """Chroma id: unique across documents, readable, stable."""
    return f"{clause.document}::{clause.clause_id}"


def clause_metadata(clause: Clause, settings_model: str, fingerprint: str) -> dict:
    return {
        "clause_id": clause.clause_id,
        "document": clause.document,
        "section": clause.section,
        "ordinal": clause.ordinal,
        "position": clause.position,
        "page": clause.page or "",
        "page_index": clause.page_index or 0,
        "text": clause.text,
        "kind": clause.kind,
        "parent_id": clause.parent_id or "",
        "lead_in_id": clause.lead_in_id or "",
        "options": json.dumps(list(clause.options)),
        "context": clause.context,
        "items": json.dumps(list(clause.items)),
        "number": clause.number,
        "content_hash": clause.content_hash,
        "parser_version": PARSER_VERSION,
        "index_version": INDEX_VERSION,
        "model": settings_model,
        "fingerprint": fingerprint,
    }


def write_build(client, name: str, fingerprint: str, model: str, clauses: Sequence[Clause],
                 vectors: dict[int, list[float]], keys: Sequence[str], questions: Sequence[ExampleQuestion],
                 question_vectors: Sequence[list[float]], lease: Lease) -> None:
    """Write a build's collections (its clauses, and its example questions beside them)."""
    for stale in (name, name + QUESTIONS_SUFFIX):  # a build of the same content that was interrupted: start afresh
        if exists(client, stale):
            client.delete_collection(stale)
    collection = client.create_collection(
        name,
        embedding_function=None,
        metadata={"hnsw:space": "cosine", "fingerprint": fingerprint, "model": model, "parser_version": PARSER_VERSION},
    )
    # Chroma's per-call cost dominates small batches: write as many records per call as it accepts.
    add_batch = max(BATCH, min(ADD_BATCH, max_batch(client, BATCH)))
    for start in range(0, len(clauses), add_batch):
        lease.renew()
        chunk = range(start, min(start + add_batch, len(clauses)))
        collection.add(
            ids=[record_id(clauses[i]) for i in chunk],
            embeddings=[vectors[i] for i in chunk],
            documents=[clauses[i].full_text for i in chunk],
            metadatas=[{**clause_metadata(clauses[i], model, fingerprint), "embedded": keys[i]} for i in chunk],
        )
    if questions:
        asked = client.create_collection(name + QUESTIONS_SUFFIX, embedding_function=None,
                                         metadata={"hnsw:space": "cosine", "fingerprint": fingerprint, "model": model})
        for start in range(0, len(questions), add_batch):
            lease.renew()
            chunk = questions[start : start + add_batch]
            asked.add(
                ids=[f"{q.document}::{q.clause_id}::{start + n}" for n, q in enumerate(chunk)],
                embeddings=question_vectors[start : start + len(chunk)],
                metadatas=[{"document": q.document, "clause_id": q.clause_id, "text": q.text} for q in chunk],
            )


def embed_texts(texts: Sequence[str], embedder: Embedder, client, store: Store, pointer: dict | None, model: str,
                 lease: Lease, suffix: str, counted: str, progress=None) -> list[list[float]]:
    """Vectors for a build's example questions or facets, carrying over those the live build has (in
    its collection ``suffix``, present when the pointer counts ``counted``). ``progress`` (the
    ``ingest.index.Progress`` shape) sees the batches as they are embedded."""
    known: dict[str, list[float]] = {}
    if texts and pointer and pointer.get("model") == model and pointer.get(counted):
        old = pointer["collection"] + suffix
        with guarded(store):
            if exists(client, old):
                got = get_all(client.get_collection(old, embedding_function=None), ["metadatas", "embeddings"])
                known = {meta["text"]: list(vector) for meta, vector in zip(got["metadatas"], got["embeddings"])}
    missing = sorted(set(texts) - set(known), key=len)
    batches = [missing[start : start + BATCH] for start in range(0, len(missing), BATCH)]
    for batch in progress.track(batches, len(missing)) if progress is not None and batches else batches:
        lease.renew()
        known.update(zip(batch, embedder.embed_documents(batch)))
    return [known[text] for text in texts]


def write_facets(client, name: str, fingerprint: str, model: str, facets: Sequence[Facet],
                  vectors: Sequence[list[float]], lease: Lease) -> None:
    """Write a build's facets beside its clauses (never queried through Chroma: read whole at open)."""
    if exists(client, name + FACETS_SUFFIX):  # an interrupted build of the same content
        client.delete_collection(name + FACETS_SUFFIX)
    if not facets:
        return
    collection = client.create_collection(name + FACETS_SUFFIX, embedding_function=None,
                                          metadata={"hnsw:space": "cosine", "fingerprint": fingerprint, "model": model})
    add_batch = max(BATCH, min(ADD_BATCH, max_batch(client, BATCH)))
    for start in range(0, len(facets), add_batch):
        lease.renew()
        chunk = facets[start : start + add_batch]
        collection.add(
            ids=[f"{f.document}::{f.clause_id}::{start + n}" for n, f in enumerate(chunk)],
            embeddings=list(vectors[start : start + len(chunk)]),
            metadatas=[{"document": f.document, "clause_id": f.clause_id, "kind": f.kind, "text": f.text} for f in chunk],
        )
