"""The router: one decision per message, from the lexicon, its context rules, the scorer and the conversation.

See ``assistant.route`` for the layers. ``Router.route`` never raises: any internal error routes to
``"disclosure"`` with layer ``"fallback"``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Sequence, get_args

from assistant.route.lexicon import LEXICON_PATH, Analysis, Lexicon, Match
from assistant.route.scorer import SCORER_PATH, Scorer

# What the router decides; the caller answers "disclosure" with the notice, "question" from the policy.
Decision = Literal["disclosure", "question"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
LAYERS = ("lexicon", "context", "scorer", "conversation", "fallback", "none")

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

# Families whose matches a benign secret (a surprise party) can clear.
_BENIGN_CLEARS = frozenset({"grooming"})


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


def _framed(a: Analysis, h: Match) -> bool:
    """A frame applies to this match: the message is procedural/fiction/general, or the match sits in
    a hypothetical or permission scope of a question, or it is a secret in a benign setting."""
    return (
        a.framed
        or ((h.hypothetical or h.permission) and a.question)
        or (a.benign and h.family in _BENIGN_CLEARS)
    )


def _cleared(a: Analysis, h: Match) -> bool:
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


def _cue(a: Analysis, hits: Sequence[Match]) -> str:
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
