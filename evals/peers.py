"""The peers the shipped policy's questions are also put to, on the same clauses and model: BM25
alone, dense similarity alone, and the LangChain tutorial recipe (1,000-character recursive chunks,
200 overlap, Chroma, top 4), so the report shows what the pipeline adds.

What this module does not do: measure the pipeline itself (``evals.run``) or define metrics.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from evals.metrics import hit_at_k, mean, percentile, rate, reciprocal_rank, resolve_gold


@dataclass
class SystemResult:
    name: str
    hit1: float = 0.0
    hit3: float = 0.0
    mrr: float = 0.0
    cited_chars: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0


def score_ranking(name, questions, rank_fn, cited_fn, clause_text) -> tuple[SystemResult, list]:
    result = SystemResult(name)
    hits1, hits3, rrs, chars, times, misses = [], [], [], [], [], []
    for q in questions:
        gold, _ = resolve_gold(q["gold"], q["gold_text"], clause_text)
        started = time.perf_counter()
        ranked = rank_fn(q["question"])
        times.append((time.perf_counter() - started) * 1000)
        hits1.append(hit_at_k(ranked, gold, 1))
        hits3.append(hit_at_k(ranked, gold, 3))
        rrs.append(reciprocal_rank(ranked, gold))
        chars.append(cited_fn(ranked))
        if not hits1[-1]:
            misses.append((q["id"], q["gold"], ranked[:3]))
    result.hit1, result.hit3, result.mrr = rate(hits1), rate(hits3), mean(rrs)
    result.cited_chars, result.p50_ms, result.p95_ms = mean(chars), percentile(times, 50), percentile(times, 95)
    return result, misses


def peers(settings, answerable, clauses, clause_text, retriever) -> list[SystemResult]:
    from rank_bm25 import BM25Okapi

    from assistant.retrieve import tokenize

    results = []
    corpus = [tokenize(c.full_text) for c in clauses]
    bm25 = BM25Okapi(corpus)
    ids = [c.clause_id for c in clauses]
    length = {c.clause_id: len(c.full_text) for c in clauses}

    def bm25_rank(text):
        scores = bm25.get_scores(tokenize(text))
        return [ids[i] for i in sorted(range(len(ids)), key=lambda i: -scores[i])][:8]

    results.append(score_ranking("BM25 alone (clauses)", answerable, bm25_rank, lambda r: length.get(r[0], 0), clause_text)[0])

    def dense_rank(text):
        _, scores, _ = retriever._dense_scores(text)  # the clauses (own words and facets), no example questions or BM25
        return [ids[i] for i in sorted(range(len(ids)), key=lambda i: -scores[i])][:8]

    results.append(score_ranking("dense only (clauses)", answerable, dense_rank, lambda r: length.get(r[0], 0), clause_text)[0])
    results.append(tutorial_recipe(settings, answerable, clauses, clause_text))
    return results


def recipe_store(settings, pages: list[tuple[str, int, str]], embedder=None):
    """The tutorial's index over ``pages`` (source, page number, text): 1,000/200 recursive chunks in
    an in-memory Chroma collection of its own, embedded with the assistant's model. The caller drops
    it with ``store.delete_collection()``. ``embedder``: one model for chunks and questions instead."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embedding import document_embedder, query_embedder

    class _Embeddings:  # the LangChain Embeddings shape over our model
        def __init__(self):
            self.doc, self.query = (embedder, embedder) if embedder else (document_embedder(settings), query_embedder(settings))

        def embed_documents(self, texts):
            return self.doc.embed_documents(texts)

        def embed_query(self, text):
            return self.query.embed_query(text)

    documents = [Document(page_content=text, metadata={"source": source, "page": page}) for source, page, text in pages]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    # In-memory clients of one process share their collections: a name of its own for each store.
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name=f"recipe-{time.monotonic_ns()}", embedding_function=_Embeddings(), client=client)
    store.add_documents(chunks)
    return store


def tutorial_recipe(settings, answerable, clauses, clause_text) -> SystemResult:
    """The LangChain tutorial: load the PDF, 1,000/200 recursive chunks, Chroma, same model, top-k."""
    import pypdf

    pages = [(path.name, i, page.extract_text())
             for path in sorted(Path(settings.policy_dir).glob("*.pdf"))
             for i, page in enumerate(pypdf.PdfReader(str(path)).pages)]
    store = recipe_store(settings, pages)

    def norm(t):
        return " ".join(t.replace("\uf0b7", " ").split())

    clause_norm = {cid: norm(text)[:60] for cid, text in clause_text.items()}

    result = SystemResult("LangChain tutorial recipe (1,000-char chunks)")
    hits1, hits3, rrs, chars, times = [], [], [], [], []
    for q in answerable:
        gold, _ = resolve_gold(q["gold"], q["gold_text"], clause_text)
        started = time.perf_counter()
        docs = store.similarity_search(q["question"], k=4)
        times.append((time.perf_counter() - started) * 1000)
        contains = [{cid for cid, start in clause_norm.items() if start in norm(d.page_content)} for d in docs]
        first = next((i for i, c in enumerate(contains) if c & set(gold)), None)
        hits1.append(first == 0)
        hits3.append(first is not None and first < 3)
        rrs.append(1.0 / (first + 1) if first is not None else 0.0)
        chars.append(len(docs[0].page_content) if docs else 0)
    result.hit1, result.hit3, result.mrr = rate(hits1), rate(hits3), mean(rrs)
    result.cited_chars, result.p50_ms, result.p95_ms = mean(chars), percentile(times, 50), percentile(times, 95)
    store.delete_collection()
    return result
