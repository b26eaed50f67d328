"""The scorer: logistic regression over hashed word and character n-grams and the rule layers' findings.

Trained by ``assistant.train_router`` (deterministic) into ``assistant/data/router_scorer.json``; it
catches what the rules miss, with a threshold set for recall.

What this module does not do: decide a route on its own (the router applies its thresholds).
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from assistant.route.lexicon import Analysis

SCORER_PATH = Path(__file__).resolve().parents[1] / "data" / "router_scorer.json"


def rule_features(a: Analysis) -> list[str]:
    """The rule layers' findings as scorer features (shared by training and routing)."""
    feats = []
    for h in a.hits:
        kind = "s" if h.strong else "w"
        feats.append(f"@fam:{h.family}:{kind}")
        if h.permission:
            feats.append(f"@perm:{kind}")
        if h.quoted:
            feats.append(f"@quoted:{kind}")
        feats.append(f"@any:{kind}")
        if h.hypothetical:
            feats.append(f"@scoped:{kind}")
        if h.direct:
            feats.append("@direct")
        if h.first_person:
            feats.append(f"@first:{kind}")
        if h.possessive:
            feats.append(f"@poss:{kind}")
    for name in ("procedural", "fiction", "generic", "benign", "figurative", "joking", "question", "report", "event", "recurrence", "possessive",
                 "first_person", "heavy"):
        if getattr(a, name):
            feats.append(f"@ctx:{name}")
    if a.framed and not (a.report or a.event or a.first_person):
        feats.append("@ctx:framed_clean")
    if not a.hits:
        feats.append("@nohits")
    return feats


def text_features(norm: str) -> list[str]:
    """Word uni/bigrams and character 3-5-grams of words (within word boundaries)."""
    tokens = [t for t in norm.split() if t not in ("|", ",", '"')]
    feats = [f"w:{t}" for t in tokens]
    feats += [f"b:{a}_{b}" for a, b in zip(tokens, tokens[1:])]
    for t in set(tokens):
        padded = f"<{t}>"
        for n in (3, 4, 5):
            feats.extend(f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    return feats


def hash_features(features: Iterable[str], dim: int) -> np.ndarray:
    """Distinct hashed indices (crc32 is stable across runs, unlike Python's hash())."""
    return np.unique(np.fromiter((zlib.crc32(f.encode("utf-8")) % dim for f in features), dtype=np.int64))


@dataclass(frozen=True)
class Scorer:
    """Logistic regression over hashed features: p = sigmoid(w . x + b), x binary and L2-normalised."""

    weights: np.ndarray
    bias: float
    threshold: float  # route at or above this (set on the training split for recall)
    framed_threshold: float  # the stricter bar for messages framed as procedural/fiction with no specifics
    dim: int
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str = SCORER_PATH) -> "Scorer":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        dim = int(data["dim"])
        weights = np.zeros(dim, dtype=np.float64)
        weights[np.asarray(data["indices"], dtype=np.int64)] = np.asarray(data["weights"], dtype=np.float64)
        return cls(weights, float(data["bias"]), float(data["threshold"]), float(data["framed_threshold"]), dim,
                   {k: v for k, v in data.items() if k not in ("indices", "weights")})

    def probability(self, norm: str, analysis: Analysis) -> float:
        idx = hash_features(text_features(norm) + rule_features(analysis), self.dim)
        if idx.size == 0:
            return 1.0 / (1.0 + math.exp(-self.bias))
        z = float(self.weights[idx].sum()) / math.sqrt(idx.size) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
