"""Embed clauses into Chroma and switch the live index over only when the new one is complete.

Each build goes into a new collection named after its content (``<collection>-<fingerprint>``); a
one-record registry collection points at the live one. Re-indexing therefore never touches the
collection that is answering: a build killed part-way leaves the pointer, and the old index, as they
were. Unchanged clauses reuse their stored vectors, so re-running ingest on unchanged documents does
no embedding work, and a changed document's old clauses disappear with the old collection.

Chroma is embedded (``PersistentClient`` under the data directory) unless a server URL is configured;
either way telemetry is off and we always pass our own vectors (Chroma's default embedding function
would try to download a model).

What this module does not do: parse documents (``ingest.load``, ``ingest.clauses``) or rank anything
(``assistant.retrieve``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from assistant.embedding import Embedder
from assistant.settings import Settings
from ingest.clauses import PARSER_VERSION, Clause, build_clauses
from ingest.load import LoadError, find_documents, load_document
from ingest.questions import QUESTIONS_FOLDER, ExampleQuestion, load_questions

REGISTRY_SUFFIX = "-registry"
QUESTIONS_SUFFIX = "-questions"  # the example questions of a build live beside its clauses
# Bump when what gets embedded changes (see embedding_text): every index then rebuilds.
INDEX_VERSION = "2"
_BATCH = 128
_ADD_BATCH = 4096
_GET_PAGE = 5000  # records per collection.get when reading a whole collection


class IndexStoreError(Exception):
    """Base for every problem with the index: not built yet, store unavailable, nothing to index."""


class IndexNotBuiltError(IndexStoreError):
    """There is no index yet: run ``policy-assistant ingest``."""


class StoreUnavailableError(IndexStoreError):
    """The Chroma store (a directory or a server) cannot be opened."""


class NothingToIndexError(IndexStoreError):
    """No document in the policy folder could be ingested; the previous index is kept."""


@dataclass(frozen=True)
class IngestReport:
    documents: tuple[str, ...]
    clauses_per_section: tuple[tuple[str, str, int], ...]  # (document, section label, clause count)
    skipped: tuple[tuple[str, str], ...]  # (file name, one-line reason)
    clauses: int
    embedded: int  # clauses whose vectors were computed this run
    reused: int  # clauses whose vectors were carried over from the previous index
    seconds: float
    up_to_date: bool  # nothing changed: no work done
    collection: str
    texts_embedded: int = 0  # distinct texts embedded: clauses with identical words share one embedding
    questions: int = 0  # example questions indexed (ingest.questions)
    question_warnings: tuple[str, ...] = ()  # example questions left out, one line each


@dataclass(frozen=True)
class LiveIndex:
    collection: str
    fingerprint: str
    model: str
    parser_version: str
    clauses: tuple[Clause, ...] = field(default=())
    # Example questions and their vectors, for retrieval only (never quoted).
    questions: tuple[tuple[ExampleQuestion, Sequence[float]], ...] = field(default=(), compare=False)


def open_client(settings: Settings):
    """A Chroma client: embedded under the data directory, or the configured server."""
    # Imported here: chromadb costs about a second to import; `--help` should not pay it.
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_url:
            from urllib.parse import urlparse

            url = urlparse(settings.chroma_url)
            if not url.hostname:
                raise StoreUnavailableError(f"chroma_url {settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    except StoreUnavailableError:
        raise
    except Exception as exc:
        where = settings.chroma_url or str(settings.index_dir)
        raise StoreUnavailableError(f"cannot open the Chroma store at {where}: {exc}") from None


def _registry(client, settings: Settings):
    return client.get_or_create_collection(settings.collection + REGISTRY_SUFFIX, embedding_function=None)


def read_pointer(client, settings: Settings) -> dict | None:
    """The live index's record in the registry, or None when nothing has been built yet."""
    got = _registry(client, settings).get(ids=["active"], include=["metadatas"])
    return got["metadatas"][0] if got["ids"] else None


def embedding_text(clause: Clause, parent: str | None) -> str:
    """What gets embedded: the citable unit itself, and for an option the words that introduce it.

    Measured on evals/data/questions.jsonl: adding the section title and list lead-in to every vector
    lowered hit@1 (0.728 against 0.759 without), so section context goes to BM25 only, where it helps.
    """
    return f"{parent}\n{clause.full_text}" if parent else clause.full_text


def _metadata(clause: Clause, settings_model: str, fingerprint: str) -> dict:
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
        "content_hash": clause.content_hash,
        "parser_version": PARSER_VERSION,
        "index_version": INDEX_VERSION,
        "model": settings_model,
        "fingerprint": fingerprint,
    }


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
    )


def record_id(clause: Clause) -> str:
    """Chroma id: unique across documents, readable, stable."""
    return f"{clause.document}::{clause.clause_id}"


def fingerprint_of(clauses: Sequence[Clause], model: str, questions: Sequence[ExampleQuestion] = ()) -> str:
    digest = hashlib.sha256(f"parser={PARSER_VERSION}\nindex={INDEX_VERSION}\nmodel={model}\n".encode())
    for clause in clauses:
        digest.update(f"{record_id(clause)}={clause.content_hash}\n".encode())
    for question in questions:
        digest.update(f"q:{question.document}::{question.clause_id}={question.text}\n".encode())
    return digest.hexdigest()[:20]


def folder_stamp(policy_dir: Path, model: str) -> str:
    """Names, sizes and modification times of the policy folder's files and example questions, with
    the model and versions: equal stamps mean the index built from the folder is still current,
    known without parsing a document (parsing the shipped PDF takes about 0.4 s of a one-shot ask)."""
    folder = Path(policy_dir)
    digest = hashlib.sha256(f"parser={PARSER_VERSION}\nindex={INDEX_VERSION}\nmodel={model}\n".encode())
    paths = find_documents(folder) if folder.is_dir() else []
    if (folder / QUESTIONS_FOLDER).is_dir():
        paths += sorted((folder / QUESTIONS_FOLDER).glob("*.toml"))
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def collect_clauses(policy_dir: Path) -> tuple[list[Clause], list[tuple[str, str]], list[str]]:
    """Load and parse every document in the folder. Returns clauses, skipped (name, reason), documents."""
    folder = Path(policy_dir)
    if not folder.is_dir():
        raise NothingToIndexError(f"policy folder {folder} does not exist; create it and put the policy documents in it")
    clauses: list[Clause] = []
    skipped: list[tuple[str, str]] = []
    documents: list[str] = []
    seen: dict[str, str] = {}
    for path in find_documents(folder):
        try:
            document = load_document(path)
        except LoadError as exc:
            skipped.append((path.name, str(exc)))
            continue
        parsed = build_clauses(document)
        if not parsed:
            skipped.append((path.name, f"{path.name}: no clauses found; check it is the right file"))
            continue
        content = hashlib.sha256("\n".join(c.full_text for c in parsed).encode()).hexdigest()
        if content in seen:
            skipped.append((path.name, f"{path.name}: same text as {seen[content]}; remove one copy from the folder"))
            continue
        seen[content] = path.name
        documents.append(path.name)
        clauses.extend(parsed)
    return clauses, skipped, documents


def ingest(
    settings: Settings,
    embedder: Embedder,
    progress: Callable[[Iterable, int], Iterable] | None = None,
    client=None,
) -> IngestReport:
    """Parse the policy folder and make the index match it. Raises NothingToIndexError if nothing loads."""
    started = time.perf_counter()
    stamp = folder_stamp(settings.policy_dir, embedder.model_id)  # before reading: a change while ingesting shows next time
    clauses, skipped, documents = collect_clauses(settings.policy_dir)
    if not clauses:
        reasons = "; ".join(reason for _, reason in skipped) or "the folder is empty"
        raise NothingToIndexError(f"nothing to index in {settings.policy_dir} ({reasons}); the previous index is unchanged")

    client = client if client is not None else open_client(settings)
    model = embedder.model_id
    pointer = read_pointer(client, settings)
    old_records = None
    if pointer and _exists(client, pointer["collection"]):
        old_records = _get_all(client.get_collection(pointer["collection"], embedding_function=None),
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

    questions, question_warnings = load_questions(settings.policy_dir, clauses)
    fingerprint = fingerprint_of(clauses, model, questions)
    name = f"{settings.collection}-{fingerprint}"
    per_section = _per_section(clauses)
    if pointer and pointer.get("fingerprint") == fingerprint and old_records is not None:
        if pointer.get("folder_stamp") != stamp:  # touched but not changed: remember the folder as it is
            _registry(client, settings).upsert(ids=["active"], embeddings=[[1.0]], metadatas=[{**pointer, "folder_stamp": stamp}])
        return IngestReport(tuple(documents), per_section, tuple(skipped), len(clauses), 0, 0,
                            time.perf_counter() - started, True, pointer["collection"], 0,
                            len(questions), tuple(question_warnings))

    # Vectors worth carrying over: same text in the same context, embedded by the same model.
    reusable: dict[str, list[float]] = {}
    if old_records and pointer.get("model") == model:
        for meta, vector in zip(old_records["metadatas"], old_records["embeddings"]):
            if meta.get("parser_version") == PARSER_VERSION and meta.get("index_version") == INDEX_VERSION:
                reusable[_reuse_key(meta["content_hash"], meta["parent_id"], meta["document"])] = list(vector)

    by_id = {(c.document, c.clause_id): c for c in clauses}
    texts = []
    for clause in clauses:
        parent = by_id.get((clause.document, clause.parent_id)) if clause.parent_id else None
        texts.append(embedding_text(clause, parent.text if parent else None))
    keys = [_reuse_key(c.content_hash, c.parent_id or "", c.document) for c in clauses]
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
    batches = [distinct[i : i + _BATCH] for i in range(0, len(distinct), _BATCH)]
    iterator = progress(batches, len(distinct)) if progress else batches
    for batch in iterator:
        for text, vector in zip(batch, embedder.embed_documents(batch)):
            for i in sharing[text]:
                vectors[i] = vector

    question_vectors = _embed_questions(questions, embedder, client, pointer, model)

    for stale in (name, name + QUESTIONS_SUFFIX):  # a build of the same content that was interrupted: start afresh
        if _exists(client, stale):
            client.delete_collection(stale)
    collection = client.create_collection(
        name,
        embedding_function=None,
        metadata={"hnsw:space": "cosine", "fingerprint": fingerprint, "model": model, "parser_version": PARSER_VERSION},
    )
    # Chroma's per-call cost dominates small batches: write as many records per call as it accepts.
    add_batch = max(_BATCH, min(_ADD_BATCH, _max_batch(client)))
    for start in range(0, len(clauses), add_batch):
        chunk = range(start, min(start + add_batch, len(clauses)))
        collection.add(
            ids=[record_id(clauses[i]) for i in chunk],
            embeddings=[vectors[i] for i in chunk],
            documents=[clauses[i].full_text for i in chunk],
            metadatas=[_metadata(clauses[i], model, fingerprint) for i in chunk],
        )

    if questions:
        asked = client.create_collection(name + QUESTIONS_SUFFIX, embedding_function=None,
                                         metadata={"hnsw:space": "cosine", "fingerprint": fingerprint, "model": model})
        for start in range(0, len(questions), add_batch):
            chunk = questions[start : start + add_batch]
            asked.add(
                ids=[f"{q.document}::{q.clause_id}::{start + n}" for n, q in enumerate(chunk)],
                embeddings=question_vectors[start : start + len(chunk)],
                metadatas=[{"document": q.document, "clause_id": q.clause_id, "text": q.text} for q in chunk],
            )

    # The switch: one upsert of one record. Until here, the previous index answered.
    _registry(client, settings).upsert(
        ids=["active"],
        embeddings=[[1.0]],
        metadatas=[{"collection": name, "fingerprint": fingerprint, "model": model,
                    "parser_version": PARSER_VERSION, "built_at": time.time(), "clauses": len(clauses),
                    "questions": len(questions), "folder_stamp": stamp}],
    )
    _drop_stale(client, settings, keep=name)
    return IngestReport(tuple(documents), per_section, tuple(skipped), len(clauses), len(to_embed),
                        len(clauses) - len(to_embed), time.perf_counter() - started, False, name, len(distinct),
                        len(questions), tuple(question_warnings))


def _embed_questions(questions: Sequence[ExampleQuestion], embedder: Embedder, client, pointer: dict | None,
                     model: str) -> list[list[float]]:
    """Vectors for the example questions, carrying over those the live index already has."""
    known: dict[str, list[float]] = {}
    if questions and pointer and pointer.get("model") == model and pointer.get("questions"):
        old = pointer["collection"] + QUESTIONS_SUFFIX
        if _exists(client, old):
            got = _get_all(client.get_collection(old, embedding_function=None), ["metadatas", "embeddings"])
            known = {meta["text"]: list(vector) for meta, vector in zip(got["metadatas"], got["embeddings"])}
    missing = sorted({q.text for q in questions} - set(known), key=len)
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        known.update(zip(batch, embedder.embed_documents(batch)))
    return [known[q.text] for q in questions]


def _max_batch(client) -> int:
    try:
        return int(client.get_max_batch_size())
    except Exception:  # older servers do not say; the embedding batch size is always accepted
        return _BATCH


def _reuse_key(content_hash: str, parent_id: str, document: str) -> str:
    return f"{document}|{parent_id}|{content_hash}"


def _per_section(clauses: Sequence[Clause]) -> tuple[tuple[str, str, int], ...]:
    counts: dict[tuple[str, str], int] = {}
    for clause in clauses:
        key = (clause.document, clause.section_label)
        counts[key] = counts.get(key, 0) + 1
    return tuple((doc, section, n) for (doc, section), n in counts.items())


def _get_all(collection, include: list[str]) -> dict:
    """Every record of a collection, read in pages: one unbounded get of more than about 32,000
    records fails inside Chroma's SQLite ("too many SQL variables")."""
    got: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    while True:
        page = collection.get(include=include, limit=_GET_PAGE, offset=len(got["ids"]))
        got["ids"].extend(page["ids"])
        for key in include:
            got[key].extend(page[key])
        if len(page["ids"]) < _GET_PAGE:
            return got


def _exists(client, name: str) -> bool:
    return name in {c if isinstance(c, str) else c.name for c in client.list_collections()}


def _drop_stale(client, settings: Settings, keep: str) -> None:
    # Only this organisation's builds, "<collection>-<fingerprint>": a bare prefix test would also drop
    # another organisation's index whose name extends this one ("org" and "org-a" on one server).
    own = re.compile(re.escape(settings.collection) + r"-[0-9a-f]{20}(" + QUESTIONS_SUFFIX + ")?")
    for entry in client.list_collections():
        name = entry if isinstance(entry, str) else entry.name
        if own.fullmatch(name) and name not in (keep, keep + QUESTIONS_SUFFIX):
            client.delete_collection(name)


def open_live_index(settings: Settings, client=None) -> tuple[object, LiveIndex]:
    """The live collection and every clause in it. Raises IndexNotBuiltError before the first ingest."""
    client = client if client is not None else open_client(settings)
    pointer = read_pointer(client, settings)
    if not pointer or not _exists(client, pointer["collection"]):
        raise IndexNotBuiltError("there is no index yet: run `policy-assistant ingest` first")
    collection = client.get_collection(pointer["collection"], embedding_function=None)
    got = _get_all(collection, ["metadatas"])
    clauses = sorted((clause_from_metadata(m) for m in got["metadatas"]), key=lambda c: (c.document, c.position))
    questions = []
    if pointer.get("questions") and _exists(client, pointer["collection"] + QUESTIONS_SUFFIX):
        asked = client.get_collection(pointer["collection"] + QUESTIONS_SUFFIX, embedding_function=None)
        got = _get_all(asked, ["metadatas", "embeddings"])
        # Rows as Chroma returns them (arrays): converting 1,000 vectors to tuples of floats cost ~0.1 s per start.
        questions = [(ExampleQuestion(m["document"], m["clause_id"], m["text"]), v)
                     for m, v in zip(got["metadatas"], got["embeddings"])]
    live = LiveIndex(pointer["collection"], pointer["fingerprint"], pointer["model"], pointer["parser_version"],
                     tuple(clauses), tuple(questions))
    return collection, live


def index_is_current(settings: Settings, model: str, client=None) -> bool:
    """Does the live index match the policy folder as it is now (same clauses, model and parser)?"""
    try:
        client = client if client is not None else open_client(settings)
        pointer = read_pointer(client, settings)
        if pointer and pointer.get("folder_stamp") == folder_stamp(settings.policy_dir, model):
            return _exists(client, pointer["collection"])  # no file changed since it was built
        clauses, _, _ = collect_clauses(settings.policy_dir)
    except IndexStoreError:
        return False
    questions, _ = load_questions(settings.policy_dir, clauses)
    return (bool(pointer) and pointer.get("fingerprint") == fingerprint_of(clauses, model, questions)
            and _exists(client, pointer["collection"]))
