"""Find the clauses that answer a question: dense similarity from Chroma fused with BM25 over clauses.

Dense scores come from Chroma, the question embedded as asked, and from the clause's facets
(``ingest.facets``, scored by ``facet_scores``): the closer of its own words and its closest sentence,
averaged with the clause read in its context; then the closer of that and its example questions
(``ingest.questions``, scored by ``examples_score``), when the policy has them. Lexical scores come
from BM25 (rank-bm25) over each clause with its section title, list lead-in and example questions;
for BM25 only, the question is expanded with the domain vocabulary (``assistant/data/vocabulary.json``:
"ring" -> telephone, "insta" -> social media, "pics" -> photos) and misspelt words are mapped to the
nearest word the policy uses.
``fuse`` combines them with the weight of the ``Calibration`` the assistant was built with
(``assistant.calibration``; evals/README.md has the measurements). ``Retriever.search`` returns one
``Retrieval``: the ranked hits and everything the answer step needs to judge them.

What this module does not do: decide whether the policy covers the question (``assistant.answer``
does, from the ``Retrieval``), see disclosures (the router runs first and they never get here), or
write anything anywhere.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from assistant.calibration import PLAIN, Calibration
from ingest.clauses import Clause
from ingest.facets import context_texts
from ingest.index import record_id

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabulary.json"

# How many of a clause's closest example questions its score averages over (see examples_score).
EXAMPLES_NEAREST = 3

_STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be been before being below between both but by can
    could did do does doing down during each few for from further had has have having he her here hers herself
    him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves im ive id dont doesnt cant wont
    isnt arent u ur pls please hi hello thanks thank ok okay yes also get got go going want wants wanted need
    needs know let lets like tell say said really still ever even much many way thing things anyone someone
    something anything one two us we're i'm it's that's there's what's allowed""".split()
)


@dataclass(frozen=True)
class Hit:
    clause: Clause
    score: float  # fused, 0..1
    dense: float  # cosine similarity of question and the clause's own words (not its facets)
    lexical: float  # BM25 score scaled to 0..1 by the best clause for this question
    lexical_raw: float
    # How like the clause's example questions the question is (``examples_score``: the closest, averaged
    # with the mean of the three closest); 0.0 when the clause has none, None when the index has none at all.
    asked: float | None = None
    # The score the clause ranks by from its facets (its closest sentence, and it read in context); None
    # when the index has no facets.
    ranked: float | None = None


@dataclass(frozen=True)
class Retrieval:
    """One search: what was searched, the ranked hits, and how foreign the question's words are to the policy."""

    query: str  # the text searched (a follow-up is searched with the question before it)
    hits: tuple[Hit, ...]
    # Share of the question's content words the policy never uses, even after expansion and spelling
    # correction ("refund", "parking", "allergy"): a strong sign of an out-of-scope question.
    unknown_share: float = 0.0


@lru_cache(maxsize=1)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> dict[str, tuple[str, ...]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {key.lower(): tuple(values) for key, values in data["expansions"].items()}


def vocabulary_entry(vocabulary: dict[str, tuple[str, ...]], word: str) -> tuple[str, ...]:
    """The expansions for a word, or for its stem when only that is listed ("ipads" -> "ipad")."""
    return vocabulary.get(word) or vocabulary.get(stem(word), ())


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet "photos"/"photo", "recording"/"record", "emails"/"email"."""
    for suffix, keep in (("'s", 3), ("ies", 4), ("ing", 5), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= keep + len(suffix) - 1:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word


def tokenize(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))
    return [stem(w) for w in words if w not in _STOPWORDS]


def expand_question(question: str, vocabulary: dict[str, tuple[str, ...]], known: frozenset[str]) -> tuple[list[str], str]:
    """Tokens for BM25 and extra words for the embedded question.

    Words the policy never uses are mapped to a close word it does ("pasword" -> "password").
    """
    lowered = question.lower().replace("’", "'")
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)?(?:'[a-z]+)?", lowered)
    extra: list[str] = []
    for phrase, values in vocabulary.items():
        if " " in phrase and phrase in lowered:
            extra.extend(values)
    tokens: list[str] = []
    for word in words:
        if word in _STOPWORDS:
            continue
        token = stem(word)
        expansions = vocabulary_entry(vocabulary, word)
        extra.extend(expansions)
        if token not in known and not expansions and len(word) >= 4:
            close = difflib.get_close_matches(token, known, n=1, cutoff=0.8)
            if close:
                token = close[0]
                for key in (token, token + "s"):
                    if key in vocabulary:
                        extra.extend(vocabulary[key])
        tokens.append(token)
    extra_tokens = [stem(w) for w in extra]
    return tokens + extra_tokens, " ".join(dict.fromkeys(extra))


def fuse(dense: Sequence[float], lexical: Sequence[float], dense_weight: float) -> list[float]:
    """Weighted sum of cosine similarity and max-scaled BM25: the plain heart of ranking."""
    top = max(lexical, default=0.0)
    scaled = [x / top if top > 0 else 0.0 for x in lexical]
    return [dense_weight * d + (1.0 - dense_weight) * s for d, s in zip(dense, scaled)]


class Retriever:
    """Ranks the live index's clauses for a question. Built once per process; ``search`` is thread-safe.

    ``questions`` are the index's example questions with their vectors (``LiveIndex.questions``): a
    clause's dense score is the better of its own words and its example questions' score, and the
    examples' words join its BM25 text. Without them, clauses are scored on their own words.
    ``calibration`` is the one the assistant was built with (``assistant.calibration.for_index``).
    ``facets`` are the index's sentences and contexts with their vectors (``LiveIndex.facets``); an
    index built before them is scored on the clauses' own vectors.
    """

    def __init__(self, collection, clauses: Sequence[Clause], query_embedder, vocabulary=None, questions=(),
                 calibration: Calibration = PLAIN, facets=()) -> None:
        import numpy as np
        from rank_bm25 import BM25Okapi  # small, pure Python

        self._collection = collection
        self.clauses = tuple(clauses)
        self._embedder = query_embedder
        self.embedder = query_embedder  # the library reopens a re-indexed store with the same model
        self._vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
        self._row = {record_id(c): i for i, c in enumerate(self.clauses)}
        rows = {(c.document, c.clause_id): i for i, c in enumerate(self.clauses)}
        asked = [(rows[(q.document, q.clause_id)], q.text, vector) for q, vector in questions
                 if (q.document, q.clause_id) in rows]
        self._question_vectors = np.array([vector for _, _, vector in asked], dtype=np.float32)
        # Per clause, its example questions' texts (for BM25) and their indexes into the vectors.
        examples: dict[int, list[str]] = {}
        per_clause: dict[int, list[int]] = {}
        for i, (row, text, _) in enumerate(asked):
            examples.setdefault(row, []).append(text)
            per_clause.setdefault(row, []).append(i)
        # The indexes as one row per clause (padded with -1), so a query scores every clause's examples in one step.
        width = max((len(v) for v in per_clause.values()), default=0)
        self._example_index = np.full((len(self.clauses), width), -1, dtype=np.int64)
        for row, indexes in per_clause.items():
            self._example_index[row, : len(indexes)] = indexes
        self.calibration = calibration
        self._facets = FacetVectors.of(facets, rows, len(self.clauses))
        corpus, own_words = [], set()
        for i, context in enumerate(context_texts(self.clauses)):
            tokens = tokenize(context)  # the context facet's words
            own_words.update(tokens)
            corpus.append(tokens + tokenize(" ".join(examples.get(i, ()))))
        self._bm25 = BM25Okapi(corpus) if corpus else None
        # The policy's own words only: spelling correction and the out-of-scope signal must not
        # learn a word from an example question ("refund?" in an example is not policy).
        self._known = frozenset(own_words)

    def search(self, question: str, k: int = 8) -> Retrieval:
        if not self.clauses or not question.strip():
            return Retrieval(question, (), self.unknown_share(question))
        tokens, _ = expand_question(question, self._vocabulary, self._known)
        lexical = list(self._bm25.get_scores(tokens)) if tokens and self._bm25 else [0.0] * len(self.clauses)
        # The question as asked: the vocabulary's words help BM25, but appended to the embedded question
        # they cost other policies 3 to 4 points of hit@1 (evals/README.md).
        # Ranking uses the facets' score; the closeness the coverage bar reads (Hit.dense) stays the
        # clause's own words: on the facets' score the same bar let more out-of-scope questions through
        # for no answerable one kept (evals/README.md).
        dense, ranked, asked = self._dense_scores(question)
        fused = fuse([max(d, a or 0.0) for d, a in zip(ranked, asked)], lexical, self.calibration.dense_weight)
        top = max(lexical, default=0.0)
        order = sorted(range(len(self.clauses)), key=lambda i: (-fused[i], self.clauses[i].position))
        hits = tuple(
            Hit(self.clauses[i], fused[i], dense[i], lexical[i] / top if top > 0 else 0.0, lexical[i], asked[i],
                ranked[i] if self._facets is not None else None)
            for i in order[:k]
        )
        return Retrieval(question, hits, self.unknown_share(question))

    def unknown_share(self, question: str) -> float:
        """Share of the question's content words that the policy never uses, even after expansion and
        spelling correction: "refund", "parking" and "allergy" are strong signs of an out-of-scope question."""
        words = [w for w in re.findall(r"[a-z0-9]+(?:'[a-z]+)?", question.lower().replace("’", "'"))
                 if w not in _STOPWORDS and len(w) >= 3]
        if not words:
            return 0.0
        unknown = 0
        for word in words:
            token = stem(word)
            if token in self._known or any(stem(x) in self._known for x in vocabulary_entry(self._vocabulary, word)):
                continue
            if len(word) >= 4 and difflib.get_close_matches(token, self._known, n=1, cutoff=0.8):
                continue
            unknown += 1
        return unknown / len(words)

    def _dense_scores(self, text: str) -> tuple[list[float], list[float], list]:
        """Cosine similarity of the text with each clause's own words, the score it ranks by (with its
        facets, when the index has them), and each clause's example-question score."""
        vector = self._embedder.embed_query(text)
        n = len(self.clauses)
        # Ids only (no metadata): each clause's row is known from its Chroma id, and fetching
        # metadata for every candidate doubled the query's cost.
        got = self._collection.query(query_embeddings=[vector], n_results=min(n, 200), include=["distances"])
        scores = [0.0] * n
        for record, distance in zip(got["ids"][0], got["distances"][0]):
            row = self._row.get(record)
            if row is not None:
                scores[row] = 1.0 - float(distance)  # cosine space: distance = 1 - similarity
        import numpy as np

        ranked = scores
        if self._facets is not None:
            ranked = facet_scores(np.asarray(scores, dtype=np.float32), np.asarray(vector, dtype=np.float32),
                                  self._facets).tolist()
        if not len(self._question_vectors):
            return scores, ranked, [None] * n
        similarity = self._question_vectors @ np.asarray(vector, dtype=np.float32)
        return scores, ranked, examples_score(similarity, self._example_index).tolist()


def examples_score(similarity, example_index, nearest: int = EXAMPLES_NEAREST):
    """Each clause's score from its example questions: the closest one, averaged with the mean of the
    ``nearest`` closest. One example worded like the question counts, but a clause that several
    examples resemble beats one with a single lucky match (measured in evals/README.md).

    ``similarity``: the question's cosine similarity with every example; ``example_index``: per clause,
    the indexes of its examples, padded with -1. A clause without examples scores 0.
    """
    import numpy as np

    padded = np.where(example_index >= 0, similarity[np.maximum(example_index, 0)], -np.inf)
    if padded.shape[1] == 0:
        return np.zeros(len(example_index), dtype=np.float32)
    top = -np.sort(-padded, axis=1)[:, :nearest]
    counted = np.isfinite(top)
    mean_top = np.where(counted, top, 0.0).sum(axis=1) / np.maximum(counted.sum(axis=1), 1)
    return np.where(counted[:, 0], 0.5 * top[:, 0] + 0.5 * mean_top, 0.0).astype(np.float32)


@dataclass(frozen=True)
class FacetVectors:
    """An index's facets as matrices: each clause's context vector (a zero row where it has none) and
    every sentence vector with the row of its clause."""

    context: object  # (clauses, dims) float32
    has_context: object  # (clauses,) bool
    sentences: object  # (sentences, dims) float32
    sentence_row: object  # (sentences,) int

    @classmethod
    def of(cls, facets, rows: dict, n: int) -> "FacetVectors | None":
        import numpy as np

        known = [(rows[(f.document, f.clause_id)], f.kind, vector) for f, vector in facets
                 if (f.document, f.clause_id) in rows]
        if not known:
            return None
        dims = len(known[0][2])
        context = np.zeros((n, dims), dtype=np.float32)
        has_context = np.zeros(n, dtype=bool)
        sentence_rows, sentence_vectors = [], []
        for row, kind, vector in known:
            if kind == "context":
                context[row], has_context[row] = vector, True
            else:
                sentence_rows.append(row)
                sentence_vectors.append(vector)
        sentences = np.array(sentence_vectors, dtype=np.float32).reshape(-1, dims)
        return cls(context, has_context, sentences, np.array(sentence_rows, dtype=np.int64))


def facet_scores(own, vector, facets: FacetVectors):
    """Each clause's dense score from its facets (``ingest.facets``): the better of its own words and its
    closest sentence, averaged with the clause read in its context. ``own``: the question's cosine
    similarity with each clause's own vector; ``vector``: the question's."""
    import numpy as np

    best = own.copy()
    if len(facets.sentence_row):
        np.maximum.at(best, facets.sentence_row, facets.sentences @ vector)
    return np.where(facets.has_context, 0.5 * (best + facets.context @ vector), best).astype(np.float32)
