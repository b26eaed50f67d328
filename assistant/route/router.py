"""The router: one decision per message, from the lexicon, its context rules, the scorer and the conversation.

See ``assistant.route`` for the layers. ``Router.route`` never raises: any internal error routes to
``"disclosure"`` with layer ``"fallback"``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Sequence, get_args

from assistant.route.frames import cleared, cue, framed, kept_confidence, one_question, owned_reading
from assistant.route.language import SENTENCE_END, LanguageIdentifier, default_identifier, fold
from assistant.route.lexicon import LEXICON_PATH, LANGUAGES_PATH, Analysis, Lexicon, Match
from assistant.route.reader import Reader, Words
from assistant.route.scorer import SCORER_PATH, Scorer
from assistant.route.semantic import SEMANTIC_PATH, SemanticLayer, load_layer

# What the router decides; the caller answers "disclosure" with the notice, "question" from the policy,
# and "language" (a message not in English that discloses nothing the router can read) with the
# English-only notice, which still gives 999 and Childline.
Decision = Literal["disclosure", "question", "language"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
LAYERS = ("lexicon", "context", "scorer", "semantic", "conversation", "fallback", "none", "language")

# The longest message read in full (about a second of work). A longer one cannot be shown to be
# safe in bounded time, so it routes (fails closed); the caller says it was too long.
MAX_CHARS = 100_000
# How many routing results of single messages are remembered (by a hash of the text, never the
# text), so that a conversation's earlier turns are not read again on every new message.
CACHE_SIZE = 4096

# A message routes when its weak signals reach this many points (one weak family is 0.5-0.7).
WEAK_THRESHOLD = 1.0
# A conversation routes when the weak signals of its last turns add up to this.
CONVERSATION_THRESHOLD = 1.0
CONVERSATION_TURNS = 20  # how many earlier user turns count towards the sum (bounded work)
# The earlier turns read together with the new message as one text (a story told over several turns).
CONVERSATION_WINDOW = 6
CONVERSATION_WINDOW_CHARS = 6000
# Bonus points a weak signal earns when the message names a specific person or event.
SPECIFIC_BONUS = 0.4
# Scorer windows: long messages are scored in windows and the highest window wins, so a
# disclosure at the end of a long message is not lost; at most this many windows are scored.
WINDOW_TOKENS = 64
WINDOW_STRIDE = 48
MAX_WINDOWS = 24
MAX_CLAUSES = 200  # clauses or sentences read one by one for a disclosure behind a frame (bounded work)
# A statement beside a question, read alone, routes the message on the scorer only this sure: read alone
# a short sentence is often scored high for nothing ("its just memes and my cat"); at the scorer's
# ordinary bars, sentences after a question routed 22 more ordinary messages (evals/README.md).
SENTENCE_SURE = 0.85
# A sentence after a question that gives it an example about someone else ("does online count? like if a
# coach sends ..."): it is still the question, read as one.
_EXAMPLE = re.compile(r"^\W*(?:like|eg|e\.g\.?|for example|for instance|say)?,? ?(?:what if|if|say|suppose) "
                      r"(?:a|an|any|some|someone|somebody|anyone|one of (?:the|our|your))\b", re.IGNORECASE)

_REASON_RE = re.compile(r"^[a-z_]+(:[a-z0-9_.]+)?(\+[a-z_]+(:[a-z0-9_.]+)?)*$")


@dataclass(frozen=True)
class RouteDecision:
    route: Decision
    reason: str  # content-free code, e.g. "lexicon:physical_abuse+context:first_person"; never message text
    layer: str  # "lexicon" | "context" | "scorer" | "conversation" | "fallback" | "none"
    families: tuple[str, ...] = ()  # lexicon families that matched
    score: float = 0.0  # 0..1 scorer probability (1.0 for rule hits)
    signpost: bool = False  # a procedural question with heavy harm vocabulary: answer it, add a DSL line
    audience: str = "adult"  # "child" when the message reads as written by a child or young person

    @property
    def is_disclosure(self) -> bool:
        return self.route == "disclosure"


@dataclass(frozen=True)
class _Turn:
    decision: RouteDecision
    signal: float  # weak points this message adds to the conversation


class Router:
    """Routes a message to "disclosure", "question" or "language"; see the package docstring for the layers."""

    def __init__(self, lexicon: Lexicon | None = None, scorer: Scorer | None = None, *,
                 languages: Lexicon | None = None, reader: Reader | None = None,
                 identifier: LanguageIdentifier | None = None, max_chars: int = MAX_CHARS,
                 cache_size: int = CACHE_SIZE, semantic: SemanticLayer | None = None):
        """``lexicon=None`` loads the bundled lexicon; ``scorer=None`` and ``semantic=None``: rules only
        (what the tests reason about). The other languages' lexicon, the disguised-text reader and the
        language identifier are loaded from the bundled data unless given; ``load_router()`` builds it
        all. ``cache_size=0`` remembers nothing (a benchmark of reading a message, not looking it up)."""
        # Small data files; loading them eagerly keeps route() free of first-call latency.
        self.lexicon = lexicon if lexicon is not None else Lexicon.load()
        self.scorer = scorer
        self.semantic = semantic
        self.languages = languages if languages is not None else Lexicon.load(LANGUAGES_PATH)
        self.reader = reader if reader is not None else Reader(Words.load().including(self.lexicon.vocabulary))
        self.identifier = identifier if identifier is not None else default_identifier(self.reader, LEXICON_PATH)
        self.max_chars = max_chars
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, _Turn] = OrderedDict()
        self._lock = threading.Lock()

    def route(self, message: str, history: Sequence[str] = ()) -> RouteDecision:
        """One decision for ``message``, read alone, then with the earlier user turns in ``history``:
        their weak signals add up, and the last few are read together with it as one text."""
        try:
            turn = self._cached_turn(message)
            if turn.decision.is_disclosure or not history:  # a message in another language is read with its history too
                return turn.decision
            earlier = [str(h) for h in list(history)[-CONVERSATION_TURNS:]]
            if turn.signal > 0 and turn.signal + sum(self._cached_turn(h).signal for h in earlier) >= CONVERSATION_THRESHOLD:
                return _conversation(turn.decision, "accumulated")
            window = _window(earlier, str(message))
            if len(window) > 1:
                together = self._cached_turn(" | ".join(window))  # the same window recurs on every later message
                if together.decision.is_disclosure:
                    return _conversation(turn.decision, "read_together")
            return turn.decision
        except Exception:  # noqa: BLE001 - fail closed; the exception may quote the text, so it is dropped
            return RouteDecision("disclosure", "fallback:error", "fallback", (), 1.0)

    # -- one message -------------------------------------------------------------------------

    def _cached_turn(self, message: str) -> _Turn:
        if not isinstance(message, str):
            message = "" if message is None else str(message)
        key = hashlib.blake2b(message.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        turn = self._turn(message)
        with self._lock:
            self._cache[key] = turn
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return turn

    def _turn(self, message: str) -> _Turn:
        """A question never hides a disclosure. In a message with a question, a statement the scorer is
        very sure of when it reads it alone (``SENTENCE_SURE``) routes the message, before the question
        or after it; a sentence after the question that routes alone on the lexicon's rules does too.
        Not at the scorer's ordinary bars, nor the rules before the question ("... messaged my phone.
        What should I do?"): both routed ordinary questions."""
        turn = self._whole(message)
        parts = [p for p in SENTENCE_END.split(message) if p.strip()] if turn.decision.route == "question" else []
        asked = [i for i, part in enumerate(parts[:MAX_CLAUSES]) if part.rstrip().endswith("?")]
        for i, part in enumerate(parts[:MAX_CLAUSES] if asked else ()):
            after, statement = i > asked[0], not part.rstrip().endswith("?")
            if not (after or statement):
                continue
            example = after and statement and _EXAMPLE.match(part) and not self._timed(part)
            alone = self._whole(f"{part} ?" if example else part)
            d = alone.decision
            if d.is_disclosure and ((after and d.layer in ("lexicon", "context"))
                                    or (statement and d.layer == "scorer" and d.score >= SENTENCE_SURE)):
                return alone
        return turn

    def _timed(self, text: str) -> bool:
        """A time or a recurrence anywhere in the text ("yesterday", "every day"): no mere example."""
        norm = self.lexicon.normalise(text)
        return any(p is not None and p.search(norm) for p in (self.lexicon.event, self.lexicon.recurrence))

    def _whole(self, message: str) -> _Turn:
        if len(message) > self.max_chars:
            return _Turn(RouteDecision("disclosure", "fallback:too_long", "fallback", (), 1.0), 1.0)
        norm = self.lexicon.normalise(message)
        read = self.reader.read(message)
        read_norm = self.lexicon.normalise(read)
        if not norm.strip(' |,"') and not read_norm.strip(' |,"'):
            return _Turn(RouteDecision("question", "none", "none"), 0.0)
        turn = self._read(norm, "?" in message)
        if not turn.decision.is_disclosure and read_norm != norm:
            as_read = self._read(read_norm, "?" in message)  # disguised spelling, read back into words
            if as_read.decision.is_disclosure or as_read.signal > turn.signal:
                turn = as_read
        shown = self.reader.visual(message) if not turn.decision.is_disclosure else None
        if shown is not None:  # right-to-left overrides: also the order the screen shows (adds routes only)
            as_shown = self._read(self.lexicon.normalise(shown), "?" in shown)
            if as_shown.decision.is_disclosure:
                return as_shown
        if turn.decision.is_disclosure:
            return turn
        owned = owned_reading(self.lexicon, read_norm)
        if owned is not None:  # a question about "you", and the writer says it is theirs
            as_own = self._read(owned, "?" in message)
            if as_own.decision.is_disclosure:
                return as_own
        clause = self._clauses(read_norm)
        if clause is not None:
            return clause
        # The other languages are read as written too: in Arabic typed in Latin letters a digit is a
        # letter ("3ayza", "wa7ed"), which the disguised-text reader would turn into another word.
        other = self._other_languages(fold(read), *([fold(message)] if read != message else []))
        if other.decision.is_disclosure:
            return other
        guess = self.identifier(read)
        guess = (self.identifier.foreign_sentence(message) or guess) if guess.english else guess
        semantic = self._semantic(message, turn, guess.english)
        if semantic is not None:
            return semantic
        signal = max(turn.signal, other.signal)  # weak signals in another language add up over a conversation
        if not guess.english:
            return _Turn(RouteDecision("language", f"language:{guess.code}", "language", turn.decision.families,
                                       turn.decision.score, False, turn.decision.audience), signal)
        return _Turn(turn.decision, signal)

    def _semantic(self, message: str, turn: _Turn, english: bool) -> _Turn | None:
        """The semantic layer, asked only about a message the rules left doubtful: adds a route, never clears one."""
        doubtful = not english or (self.scorer is not None and turn.decision.score >= self.scorer.threshold / 2)
        p = self.semantic.probability(message) if self.semantic is not None and doubtful else None
        if p is None or p < self.semantic.bar_for(english):
            return None
        d = turn.decision
        return _Turn(RouteDecision("disclosure", f"semantic:{p:.2f}", "semantic", d.families, p, False, d.audience), 1.0)

    def _clauses(self, norm: str) -> _Turn | None:
        """A question frame never hides a disclosure: a clause that names a real person or the writer
        and routes on its own rules routes the whole message, wherever it stands."""
        # Idioms are blanked over the whole message first: the trivial cause of a figure of speech may
        # sit in the clause before it ("laptop died and i had not saved | i want to die").
        clauses = [c for c in self.lexicon.blank_idioms(norm).split(" | ") if c.strip(' ,"_')]
        if len(clauses) < 2:
            return None
        for clause in clauses[:MAX_CLAUSES]:
            a = self.lexicon.analyse(clause, False)
            own = self.lexicon.names_own_person(clause)
            if not (a.first_person or a.report or a.event or own):
                continue
            turn = self._rules(clause, a, strong_only=True)
            if turn is not None and turn.decision.is_disclosure:
                d = turn.decision
                return _Turn(RouteDecision(d.route, d.reason, d.layer, d.families, d.score, False, d.audience), turn.signal)
        return None

    def _other_languages(self, *texts: str) -> _Turn:
        """Disclosures written in the other languages the router knows (strong patterns, or weak ones adding
        up), in the first of ``texts`` that has one; else a question carrying the most weak points, the
        signal a conversation adds up."""
        best = _Turn(RouteDecision("question", "none", "none"), 0.0)
        for folded in texts:
            norm = self.languages.normalise(folded)
            a = self.languages.analyse(norm, False)
            strong = _unique(h.family for h in a.hits if h.strong)
            if strong:
                return _Turn(RouteDecision("disclosure", _reason(strong, "other_language"), "lexicon", strong, 1.0), 1.0)
            weak = _unique(h.family for h in a.hits if not h.strong)
            points = sum(self.languages.weights[f] for f in weak)
            if points >= WEAK_THRESHOLD:
                return _Turn(RouteDecision("disclosure", _reason(weak, "other_language"), "lexicon", weak, 1.0), points)
            best = best if best.signal >= points else _Turn(best.decision, points)
        return best

    def _read(self, norm: str, question_mark: bool) -> _Turn:
        a = self.lexicon.analyse(norm, question_mark)
        ruled = self._rules(norm, a)
        if ruled is not None and ruled.decision.is_disclosure:
            return ruled
        return self._decide(norm, a)

    def _rules(self, norm: str, a: Analysis, strong_only: bool = False) -> _Turn | None:
        """The lexicon and its context rules alone: a disclosure, or None (``strong_only``: weak signals
        do not add up, as for one clause read on its own)."""
        audience = "child" if a.child_cues > 0 and a.adult_cues == 0 else "adult"
        families = a.families()
        routed = [h for h in a.hits if h.strong and not cleared(a, h)]
        if routed:
            fams = _unique(h.family for h in routed)
            layer = "lexicon" if any(not framed(a, h) for h in routed) else "context"
            return _Turn(RouteDecision("disclosure", _reason(fams, cue(a, routed)), layer,
                                       families, 1.0, False, audience), 1.0)
        if strong_only:
            return None
        weak = [h for h in a.hits if not h.strong and not cleared(a, h)]
        points = _weak_points(weak, self.lexicon.weights)
        if points > 0 and a.specific:
            points += SPECIFIC_BONUS
        if points >= WEAK_THRESHOLD:
            fams = _unique(h.family for h in weak)
            return _Turn(RouteDecision("disclosure", _reason(fams, cue(a, weak)), "lexicon",
                                       families, 1.0, False, audience), points)
        return None

    def _decide(self, norm: str, a: Analysis) -> _Turn:
        audience = "child" if a.child_cues > 0 and a.adult_cues == 0 else "adult"
        families = a.families()
        strong = [h for h in a.hits if h.strong]
        weak = [h for h in a.hits if not h.strong and not cleared(a, h)]
        points = _weak_points(weak, self.lexicon.weights)
        if points > 0 and a.specific:
            points += SPECIFIC_BONUS
        signpost = bool(strong) or (a.heavy and a.framed)
        p = None if kept_confidence(a) else self._score(norm, a)
        if p is not None:
            # Someone of the writer's own ("my daughter") takes the ordinary bar, unless only asking a rule. No word of harm
            # left (each a figure of speech or explained by its cause), or none in an absence or illness, or in one
            # question with nothing told beside it: the stricter one.
            specific = a.report or a.event or any((h.first_person or h.possessive) and not cleared(a, h) for h in a.hits)
            clean = ((a.framed or a.figurative or a.asked) and not specific and (a.asked or not self.lexicon.names_own_person(norm))) \
                or (not a.hits and (a.figurative or bool(self.lexicon.errand and self.lexicon.errand.search(norm))
                                    or (not (a.report or a.event) and a.question and one_question(norm))))
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
            offsets = [m.start() for m in re.finditer(r"\S+", norm)]  # where each token starts
            hit_tokens = sorted({max(0, bisect.bisect_right(offsets, h.start) - 1) for h in analysis.hits})
            chosen = [starts[0], starts[-1]]
            for t in hit_tokens:
                s = max(0, min(t - WINDOW_TOKENS // 2, len(tokens) - WINDOW_TOKENS))
                if s not in chosen:
                    chosen.append(s)
                if len(chosen) >= MAX_WINDOWS:
                    break
            starts = chosen
        windows = (" ".join(tokens[s:s + WINDOW_TOKENS]) for s in starts)
        return max(self.scorer.probability(window, self.lexicon.analyse(window)) for window in windows)


def _conversation(decision: RouteDecision, how: str) -> RouteDecision:
    return RouteDecision("disclosure", f"conversation:{how}", "conversation", decision.families, decision.score,
                         False, decision.audience)


def _window(earlier: Sequence[str], message: str) -> list[str]:
    """The last few earlier turns and the new message, within a character budget (bounded work)."""
    window = [message[:CONVERSATION_WINDOW_CHARS]]
    budget = CONVERSATION_WINDOW_CHARS - len(window[0])
    for turn in reversed(earlier[-CONVERSATION_WINDOW:]):
        if len(turn) > budget:
            break
        window.insert(0, turn)
        budget -= len(turn)
    return window


def _weak_points(weak: Sequence[Match], weights: dict[str, float]) -> float:
    """Each family's weight once; a family whose every match is words another family already counted adds
    nothing ("photos of me" is a word of two families, and one sign)."""
    spans: set[tuple[int, int]] = set()
    points = 0.0
    for family in sorted(_unique(h.family for h in weak), key=lambda f: -weights[f]):
        own = {(h.start, h.end) for h in weak if h.family == family}
        if own <= spans:
            continue
        points += weights[family]
        spans |= own
    return points


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _reason(families: Sequence[str], cue: str) -> str:
    reason = "+".join([f"lexicon:{f}" for f in families] + [f"context:{cue}"])
    return reason if _REASON_RE.match(reason) else "lexicon:unknown"


def load_router(lexicon_path: Path | str = LEXICON_PATH, scorer_path: Path | str | None = SCORER_PATH,
                max_chars: int = MAX_CHARS, semantic_path: Path | str | None = SEMANTIC_PATH) -> Router:
    """A router built from the bundled data files. Without a trained scorer file, rules only; without
    the semantic layer's weights (or ``semantic_path=None``), no semantic layer."""
    scorer = None
    if scorer_path is not None and Path(scorer_path).is_file():
        scorer = Scorer.load(scorer_path)
    return Router(Lexicon.load(lexicon_path), scorer, max_chars=max_chars, semantic=load_layer(semantic_path))
