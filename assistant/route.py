"""The safeguarding router: every message, every turn, is checked here before anything else runs.

``Router.route(message, history)`` decides whether a message is a policy question (route
``"question"``) or a disclosure or safeguarding concern (route ``"disclosure"``), which the caller
must answer with the DSL notice (``assistant.notice``) instead of retrieval or an LLM. Layers, in
order, each explainable:

1. normalisation: lower case, text-speak and common misspellings, repeated letters, punctuation;
2. lexicon families (data: ``data/router_lexicon.toml``): "strong" patterns route on their own,
   "weak" ones add up by weight, and "direct" ones stay disclosures even when asked as a question
   ("can you help me find somewhere else to live");
3. context rules (ConText/NegEx-style): a hypothetical scope ("if a child tells me ...") or a
   procedural, definitional, fiction or general frame ("what should we do", "in the film") can
   clear a harm match, but only when no specific person or event is present ("a child told me
   today", "my stepdad", "hits me"). Negation and question marks never clear anything;
4. a logistic-regression scorer over hashed n-grams and the rule features
   (``data/router_scorer.json``, trained by ``assistant.train_router``) catches what the rules
   miss; its threshold is set for recall;
5. the conversation: weak signals of earlier user turns add up with the new message's.

The whole message is always scanned by the lexicon (a disclosure at the end of a 100,000-character
message still routes; such a message costs about a second, an ordinary one a few milliseconds);
the scorer reads at most ``MAX_WINDOWS`` windows of a long message, chosen around lexicon matches
plus the first and the last. ``audience`` is a guess ("child" only with child cues and no adult
ones); the caller should prefer what it knows about the user's role.

When unsure it routes (fails closed): any internal error routes to ``"disclosure"`` with layer
``"fallback"``. Every decision carries a content-free reason code (layer and family names, a
score), never message text.

What it deliberately does not do: it never logs, prints, stores or returns the message text (not
even in exceptions); it does not read the environment or touch the network; it uses no sentence
embeddings (similarity must never be what clears a message); it does not render the notice or
decide who the reader is beyond a child/adult guess for the plain-words notice; it does not keep
conversation state (the caller passes earlier user messages in ``history``).
"""

from __future__ import annotations

import bisect
import json
import math
import re
import tomllib
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

ROUTES = ("disclosure", "question")
LAYERS = ("lexicon", "context", "scorer", "conversation", "fallback", "none")
DATA_DIR = Path(__file__).parent / "data"
LEXICON_PATH = DATA_DIR / "router_lexicon.toml"
SCORER_PATH = DATA_DIR / "router_scorer.json"

# A message routes when its weak signals reach this many points (one weak family is 0.5-0.7).
WEAK_THRESHOLD = 1.0
# A conversation routes when the weak signals of its last turns add up to this.
CONVERSATION_THRESHOLD = 1.0
CONVERSATION_TURNS = 20  # how many earlier user turns count towards the sum (bounded work)
# Bonus points a weak signal earns when the message names a specific person or event.
SPECIFIC_BONUS = 0.5
# Scorer windows: long messages are scored in windows and the highest window wins, so a
# disclosure at the end of a long message is not lost; at most this many windows are scored.
WINDOW_TOKENS = 64
WINDOW_STRIDE = 48
MAX_WINDOWS = 24

_REASON_RE = re.compile(r"^[a-z_]+(:[a-z0-9_.]+)?(\+[a-z_]+(:[a-z0-9_.]+)?)*$")


class LexiconError(Exception):
    """The lexicon data file cannot be used (a bad pattern, an unknown macro, a missing section)."""


@dataclass(frozen=True)
class RouteDecision:
    route: str  # "disclosure" or "question"
    reason: str  # content-free code, e.g. "lexicon:physical_abuse+context:first_person"; never message text
    layer: str  # "lexicon" | "context" | "scorer" | "conversation" | "fallback" | "none"
    families: tuple[str, ...] = ()  # lexicon families that matched
    score: float = 0.0  # 0..1 scorer probability (1.0 for rule hits)
    signpost: bool = False  # a procedural question with heavy harm vocabulary: answer it, add a DSL line
    audience: str = "adult"  # "child" when the message reads as written by a child or young person

    @property
    def is_disclosure(self) -> bool:
        return self.route == "disclosure"


# --------------------------------------------------------------------------------------------
# Normalisation


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u2032": "'"})
_CLAUSE_END = re.compile(r"[.!?;:\n\r\u2026\u3002\uff01\uff1f\u061f]+")
_COMMA = re.compile(r"[,\uff0c\u060c]")
_NON_WORD = re.compile(r"[^\w'|,\"]+|_+")
_EDGE_APOSTROPHE = re.compile(r"(?<!\w)'+|'+(?!\w)")
_QUOTES = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb]")
_REPEATED = re.compile(r"\w*([^\W\d_])\1{2,}\w*")
_RUN3 = re.compile(r"([^\W\d_])\1{2,}")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")


class Normaliser:
    """Turns raw text into the canonical form the lexicon patterns are written against."""

    def __init__(self, token_map: dict[str, str], keep_doubles: Iterable[str]):
        self.token_map = {k.lower(): v.lower() for k, v in token_map.items()}
        self.keep_doubles = frozenset(w.lower() for w in keep_doubles) | frozenset(self.token_map.values())
        keys = sorted(self.token_map, key=len, reverse=True)
        self._map_re = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w'])") if keys else None

    def _fix_repeats(self, match: re.Match) -> str:
        word = match.group(0)
        doubled = _RUN3.sub(r"\1\1", word)
        if doubled in self.keep_doubles or doubled in self.token_map:
            return doubled
        return _RUN3.sub(r"\1", word)

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
        text = _CLAUSE_END.sub(" | ", text)
        text = _COMMA.sub(" , ", text)
        text = _QUOTES.sub(' " ', text)
        text = _NON_WORD.sub(" ", text)
        text = _EDGE_APOSTROPHE.sub(' " ', text)
        text = _REPEATED.sub(self._fix_repeats, text)
        if self._map_re is not None:
            text = self._map_re.sub(lambda m: self.token_map[m.group(0)], text)
        text = _POSSESSIVE.sub("", text).replace("'", "")
        out: list[str] = []
        for token in text.split():
            if token == "|" and (not out or out[-1] in ("|", ",")):
                if out and out[-1] == ",":
                    out[-1] = "|"
                continue
            if token == "," and (not out or out[-1] in ("|", ",")):
                continue
            out.append(token)
        while out and out[-1] in ("|", ","):
            out.pop()
        return " ".join(out)


# --------------------------------------------------------------------------------------------
# Lexicon


@dataclass(frozen=True)
class Family:
    name: str
    category: str
    weight: float
    strong: re.Pattern | None
    weak: re.Pattern | None
    direct: re.Pattern | None  # strong, and a disclosure even when asked as a question about procedure


@dataclass(frozen=True)
class Hit:
    family: str
    strong: bool
    direct: bool  # a "direct" pattern: only fiction, or a hypothetical in a question, clears it
    start: int
    end: int
    first_person: bool  # the writer is the one harmed ("hits me", "i am being ...")
    possessive: bool  # a specific person of the writer's ("my son", "my stepdad") is involved
    quoted: bool  # inside quotation marks: reported speech, not the writer's own words
    hypothetical: bool  # inside a hypothetical scope ("if a child ...", "what if ...")
    about_others: bool  # that hypothetical is about someone else ("if a child ...", not "if i ...")
    permission: bool  # inside a permission question ("can the tutor ...", "is it ok to ...")


@dataclass(frozen=True)
class Analysis:
    """What the rule layers found in one normalised message (positions and flags, never the text)."""

    hits: tuple[Hit, ...]
    procedural: bool  # a question about procedure, policy, definitions or permission
    fiction: bool  # fiction, training material, news, research
    generic: bool  # talk about people in general ("children who ...", "often")
    benign: bool  # a benign secret (surprise party, secret santa): clears secrecy matches only
    question: bool  # reads as a question (a question mark, or opens with a question word)
    report: bool  # a specific report outside hypothetical scope ("a child told me", "she said")
    event: bool  # a specific time outside hypothetical scope ("today", "last night")
    recurrence: bool  # something that keeps happening ("keeps", "again", "every night"): weaker than a time
    possessive: bool  # a hit involves "my son", "my dad" ... outside hypothetical scope
    first_person: bool  # the writer speaks of themselves as the one harmed, in some hit
    figurative: bool  # an idiom was blanked ("kill the zoom call"): the scorer uses its stricter bar
    joking: bool  # laughter or "jk": clears weak signals only, never a strong match
    heavy: bool  # heavy harm vocabulary anywhere (for the DSL signpost on procedural questions)
    child_cues: int
    adult_cues: int

    @property
    def framed(self) -> bool:
        return self.procedural or self.fiction or self.generic

    @property
    def specific(self) -> bool:
        return self.report or self.event or self.possessive or self.first_person

    def families(self, strong: bool | None = None) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for h in self.hits:
            if strong is None or h.strong == strong:
                seen.setdefault(h.family, None)
        return tuple(seen)


def _compile(patterns: Sequence[str], macros: dict[str, str], where: str) -> re.Pattern | None:
    if not patterns:
        return None
    expanded = [_expand(p, macros, where).strip() for p in patterns]
    try:
        return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in expanded) + r")(?!\w)")
    except re.error as exc:
        for p in expanded:
            try:
                re.compile(p)
            except re.error as inner:
                raise LexiconError(f"{where}: bad pattern {p!r}: {inner}") from None
        raise LexiconError(f"{where}: {exc}") from None


_MACRO_RE = re.compile(r"%([A-Z_]+)%")


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    for _ in range(5):  # macros may use macros; five levels is plenty
        if "%" not in pattern:
            return pattern
        def sub(m: re.Match) -> str:
            if m.group(1) not in macros:
                raise LexiconError(f"{where}: unknown macro %{m.group(1)}%")
            return macros[m.group(1)]
        pattern = _MACRO_RE.sub(sub, pattern)
    return pattern


_FIRST_PERSON_WORDS = frozenset({"me", "myself", "us"})
_FIRST_PERSON_BEFORE = re.compile(
    r"\b(?:i|we) (?:am|was|were|get|got|have been|had been|keep|kept|feel|felt|have|had|do not|did not|can not|"
    r"am being|was being|just|always|still|never|really|will|would|want|wanna|think i)\b|\b(?:i|me|myself)$"
)
_POSSESSIVE_WORDS = frozenset({"my", "our"})
_QUESTION_OPENERS = frozenset(
    "what how who where when why which can could should would will do does did is are am was were may must shall "
    "any anyone whats hows".split()
)
# A hypothetical about someone else: "if a child ...", "a young person who ...", not "if i ...".
_ABOUT_OTHERS = re.compile(
    r"(?:(?:what )?if|when|whenever|suppose|supposing|imagine|say|in case|should|were|unless)? ?"
    r"(?:a|an|any|every|the|one|someone|somebody|anyone|they|their|he|she|his|her|kids|children|young|people|parents?)\b"
)
# Families whose matches a benign secret (a surprise party) can clear.
_BENIGN_CLEARS = frozenset({"grooming"})


class Lexicon:
    """Compiled lexicon families and context cues, loaded from the data file."""

    def __init__(self, data: dict):
        try:
            macros = dict(data.get("macros", {}))
            for name in list(macros):
                macros[name] = _expand(macros[name], macros, f"macro {name}")
            norm = data.get("normalise", {})
            ctx = data["context"]
            fams = data["families"]
        except (KeyError, TypeError) as exc:
            raise LexiconError(f"lexicon data is missing a section: {exc}") from None
        words = set(norm.get("keep_doubles", []))
        for fam in fams.values():
            for p in fam.get("strong", []) + fam.get("weak", []):
                words.update(w for w in re.findall(r"[a-z]+", p) if re.search(r"([a-z])\1", w))
        self.normalise = Normaliser(norm.get("map", {}), words)
        c = lambda key: _compile(ctx.get(key, []), macros, f"context.{key}")  # noqa: E731
        self.hypothetical = c("hypothetical")
        self.permission = c("permission")
        self.procedural = c("procedural")
        self.fiction = c("fiction")
        self.generic = c("generic")
        self.benign = c("benign")
        self.figurative = c("figurative")
        self.report = c("report")
        self.event = c("event")
        self.recurrence = c("recurrence")
        self.child_speaker = c("child_speaker")
        self.adult_speaker = c("adult_speaker")
        self.heavy = c("heavy")
        self.joking = c("joking")
        self.families: tuple[Family, ...] = tuple(
            Family(
                name=name,
                category=str(f.get("category", name)),
                weight=float(f.get("weight", 0.5)),
                strong=_compile(f.get("strong", []), macros, f"families.{name}.strong"),
                weak=_compile(f.get("weak", []), macros, f"families.{name}.weak"),
                direct=_compile(f.get("direct", []), macros, f"families.{name}.direct"),
            )
            for name, f in fams.items()
        )
        self.weights = {f.name: f.weight for f in self.families}

    @classmethod
    def load(cls, path: Path | str = LEXICON_PATH) -> "Lexicon":
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(f"{path}: {exc}") from None
        return cls(data)

    def analyse(self, norm: str, question_mark: bool = False) -> Analysis:
        """Find families and context cues in normalised text (see the module docstring)."""
        # Context cues are read from the whole text; harm matches from the text with figurative and
        # benign phrases blanked (same length, so positions stay valid).
        cues = norm
        plain = norm.replace(' " ', " ").replace('" ', "").replace(' "', "")  # frames read across quotes
        if self.figurative is not None:
            norm = self.figurative.sub(lambda m: "_" * len(m.group(0)), norm)
        hypo = self._scopes(self.hypothetical, norm)
        others = [(a, b) for a, b in hypo if _ABOUT_OTHERS.match(norm, a)]
        perm = self._scopes(self.permission, norm)
        quotes = _quoted(norm)

        def outside(pattern: re.Pattern | None) -> bool:
            if pattern is None:
                return False
            return any(not _inside(m.start(), hypo) for m in pattern.finditer(cues))

        def found(pattern: re.Pattern | None) -> bool:
            return pattern is not None and pattern.search(plain) is not None

        hits: list[Hit] = []
        for fam in self.families:
            for kind, pattern in (("direct", fam.direct), ("strong", fam.strong), ("weak", fam.weak)):
                strong = kind != "weak"
                if pattern is None:
                    continue
                for m in pattern.finditer(norm):
                    span_words = set(m.group(0).split())
                    clause_start = max(norm.rfind("|", 0, m.start()), norm.rfind(",", 0, m.start())) + 1
                    before_words = norm[max(clause_start, m.start() - 30):m.start()].split()[-3:]
                    quoted = _inside(m.start(), quotes)
                    asked = len(before_words) >= 2 and before_words[-1] == "i" and before_words[-2] in _QUESTION_OPENERS
                    first = not quoted and (bool(span_words & _FIRST_PERSON_WORDS) or (
                        not asked and bool(_FIRST_PERSON_BEFORE.search(" ".join(before_words)))))
                    poss = not quoted and bool((span_words | set(before_words)) & _POSSESSIVE_WORDS)
                    hits.append(Hit(fam.name, strong, kind == "direct", m.start(), m.end(), first, poss, quoted,
                                    _inside(m.start(), hypo), _inside(m.start(), others), _inside(m.start(), perm)))
                    if not strong:
                        break  # one weak match per family is enough
        return Analysis(
            hits=tuple(hits),
            procedural=found(self.procedural),
            fiction=found(self.fiction),
            generic=found(self.generic),
            benign=found(self.benign),
            question=question_mark or first_word_is_question(cues) or found(self.procedural),
            report=outside(self.report),
            event=outside(self.event),
            recurrence=outside(self.recurrence),
            possessive=any(h.possessive and not (h.hypothetical or h.permission) for h in hits),
            first_person=any(h.first_person and not h.permission for h in hits),
            heavy=found(self.heavy),
            joking=found(self.joking),
            figurative=self.figurative is not None and norm != cues,
            child_cues=len(self.child_speaker.findall(norm)) if self.child_speaker else 0,
            adult_cues=len(self.adult_speaker.findall(norm)) if self.adult_speaker else 0,
        )

    @staticmethod
    def _scopes(pattern: re.Pattern | None, norm: str) -> list[tuple[int, int]]:
        """ConText-style scopes: from a trigger to the end of its clause (or a "but")."""
        if pattern is None:
            return []
        scopes = []
        for m in pattern.finditer(norm):
            ends = [i for i in (norm.find("|", m.start()), norm.find(",", m.start()), norm.find(" but ", m.start())) if i >= 0]
            scopes.append((m.start(), min(ends) if ends else len(norm)))
        return scopes


def first_word_is_question(norm: str) -> bool:
    """Any clause opening with a question word (the "?" itself is gone after normalisation)."""
    return any(clause.split(" ", 1)[0] in _QUESTION_OPENERS for clause in norm.split(" | ") if clause)


def _quoted(norm: str) -> list[tuple[int, int]]:
    marks = [m.start() for m in re.finditer(r'"', norm)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


def _inside(pos: int, scopes: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in scopes)


# --------------------------------------------------------------------------------------------
# Scorer


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


# --------------------------------------------------------------------------------------------
# Router


@dataclass(frozen=True)
class _Turn:
    decision: RouteDecision
    signal: float  # weak points this message adds to the conversation


class Router:
    """Routes a message to "disclosure" or "question"; see the module docstring for the layers."""

    def __init__(self, lexicon: Lexicon | None = None, scorer: Scorer | None = None):
        """``lexicon=None`` loads the bundled lexicon; ``scorer=None`` means rules only (the layers the
        tests reason about). ``load_router()`` builds the full router from the bundled files."""
        # Small data files; loading them eagerly keeps route() free of first-call latency.
        self.lexicon = lexicon if lexicon is not None else Lexicon.load()
        self.scorer = scorer

    def route(self, message: str, history: Sequence[str] = ()) -> RouteDecision:
        try:
            turn = self._turn(message)
            if turn.decision.is_disclosure or turn.signal <= 0 or not history:
                return turn.decision
            earlier = [self._turn(h).signal for h in list(history)[-CONVERSATION_TURNS:]]
            if turn.signal + sum(earlier) >= CONVERSATION_THRESHOLD:
                return RouteDecision(
                    "disclosure", "conversation:accumulated", "conversation",
                    turn.decision.families, turn.decision.score, False, turn.decision.audience,
                )
            return turn.decision
        except Exception:  # noqa: BLE001 - fail closed; the exception may quote the text, so it is dropped
            return RouteDecision("disclosure", "fallback:error", "fallback", (), 1.0)

    # -- one message -------------------------------------------------------------------------

    def _turn(self, message: str) -> _Turn:
        if not isinstance(message, str):
            message = "" if message is None else str(message)
        norm = self.lexicon.normalise(message)
        if not norm.strip(' |,"'):
            return _Turn(RouteDecision("question", "none", "none"), 0.0)
        a = self.lexicon.analyse(norm, "?" in message)
        audience = "child" if a.child_cues > 0 and a.adult_cues == 0 else "adult"
        families = a.families()
        strong = [h for h in a.hits if h.strong]

        routed = [h for h in strong if not _cleared(a, h)]
        if routed:
            fams = _unique(h.family for h in routed)
            layer = "lexicon" if any(not _framed(a, h) for h in routed) else "context"
            return _Turn(RouteDecision("disclosure", _reason(fams, _cue(a, routed)), layer,
                                       families, 1.0, False, audience), 1.0)

        weak = [h for h in a.hits if not h.strong and not _cleared(a, h)]
        points = sum(self.lexicon.weights[f] for f in _unique(h.family for h in weak))
        if points > 0 and a.specific:
            points += SPECIFIC_BONUS
        if points >= WEAK_THRESHOLD:
            fams = _unique(h.family for h in weak)
            return _Turn(RouteDecision("disclosure", _reason(fams, _cue(a, weak)), "lexicon",
                                       families, 1.0, False, audience), points)

        signpost = bool(strong) or (a.heavy and a.framed)
        p = self._score(norm, a)
        if p is not None:
            clean = (a.framed or a.figurative) and not a.specific
            threshold = self.scorer.framed_threshold if clean else self.scorer.threshold
            if p >= threshold:
                return _Turn(RouteDecision("disclosure", f"scorer:{p:.2f}", "scorer", families, p, False, audience),
                             max(points, p))
            signal = points + (p if p >= threshold / 2 else 0.0)
        else:
            signal = points
        if strong:  # every strong match was cleared by its frame
            frame = "fiction" if a.fiction and not a.procedural else "procedural" if a.framed else "hypothetical"
            reason = "+".join([f"context:{frame}"] + [f"lexicon:{f}" for f in _unique(h.family for h in strong)])
            return _Turn(RouteDecision("question", reason, "context", families, p or 0.0, signpost, audience), 0.0)
        if p is None:
            return _Turn(RouteDecision("question", "none", "none", families, 0.0, signpost, audience), signal)
        return _Turn(RouteDecision("question", f"scorer:{p:.2f}", "scorer", families, p, signpost, audience), signal)

    def _score(self, norm: str, analysis: Analysis) -> float | None:
        if self.scorer is None:
            return None
        tokens = norm.split()
        if len(tokens) <= WINDOW_TOKENS + WINDOW_STRIDE:
            return self.scorer.probability(norm, analysis)
        # Long message: score windows and keep the highest. Windows with a lexicon hit come first,
        # then the first and the last, so the work stays bounded without losing the end of a message.
        starts = list(range(0, len(tokens) - WINDOW_TOKENS + 1, WINDOW_STRIDE))
        if starts[-1] + WINDOW_TOKENS < len(tokens):
            starts.append(len(tokens) - WINDOW_TOKENS)
        if len(starts) > MAX_WINDOWS:
            offsets = _token_offsets(norm)
            hit_tokens = sorted({_token_at(offsets, h.start) for h in analysis.hits})
            chosen = [starts[0], starts[-1]]
            for t in hit_tokens:
                s = max(0, min(t - WINDOW_TOKENS // 2, len(tokens) - WINDOW_TOKENS))
                if s not in chosen:
                    chosen.append(s)
                if len(chosen) >= MAX_WINDOWS:
                    break
            starts = chosen
        best = 0.0
        for s in starts:
            window = " ".join(tokens[s:s + WINDOW_TOKENS])
            best = max(best, self.scorer.probability(window, self.lexicon.analyse(window)))
        return best


def _token_offsets(norm: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\S+", norm)]


def _token_at(offsets: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(offsets, pos) - 1)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _framed(a: Analysis, h: Hit) -> bool:
    """A frame applies to this match: the message is procedural/fiction/general, or the match sits in
    a hypothetical or permission scope of a question, or it is a secret in a benign setting."""
    return (
        a.framed
        or ((h.hypothetical or h.permission) and a.question)
        or (a.benign and h.family in _BENIGN_CLEARS)
    )


def _cleared(a: Analysis, h: Hit) -> bool:
    """A frame clears a match only when nothing specific overrides it (negation never clears)."""
    if not _framed(a, h):
        return a.joking and not h.strong  # "shes dead when i get home lol"
    if not h.strong:
        return True  # a weak signal inside a question about procedure, a story or a hypothetical
    if h.first_person and not h.permission:
        return False  # the writer is the one harmed: "what should i do, he hits me"
    if h.direct and not h.quoted:
        return a.fiction or (h.about_others and a.question)
    own_person = h.possessive and not (h.hypothetical or h.permission)
    if a.benign and h.family in _BENIGN_CLEARS:
        return True
    if a.fiction:
        return not own_person  # a story, a course or the news yields only to the writer's own people
    return not (a.report or a.event or own_person or (a.recurrence and (h.possessive or h.first_person)))


def _cue(a: Analysis, hits: Sequence[Hit]) -> str:
    if any(h.first_person for h in hits):
        return "first_person"
    if a.report:
        return "third_party"
    if any(h.possessive for h in hits):
        return "specific_person"
    if a.event:
        return "specific_event"
    if any(_framed(a, h) for h in hits):
        return "framed"
    return "unframed"


def _reason(families: Sequence[str], cue: str) -> str:
    reason = "+".join([f"lexicon:{f}" for f in families] + [f"context:{cue}"])
    return reason if _REASON_RE.match(reason) else "lexicon:unknown"


def load_router(lexicon_path: Path | str = LEXICON_PATH, scorer_path: Path | str | None = SCORER_PATH) -> Router:
    """A router built from the bundled data files. Without a trained scorer file, rules only."""
    scorer = None
    if scorer_path is not None and Path(scorer_path).is_file():
        scorer = Scorer.load(scorer_path)
    return Router(Lexicon.load(lexicon_path), scorer)
