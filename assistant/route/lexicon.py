"""The lexicon: harm families and context cues kept as data (``assistant/data/router_lexicon.toml``),
compiled once, and ``Lexicon.analyse``, which finds them in normalised text.

``analyse`` returns an ``Analysis``: every family ``Match`` with its flags (first person, a person of the
writer's, quoted, inside a hypothetical or permission scope) and the message-level context cues
(procedural, fiction, generic, report, event, ...). A match after a presupposition trigger in its
clause ("can the coach stop touching me") is never inside a permission scope: the question takes the
act as happening. Figures of speech are blanked before families are matched (``blank_idioms``): fixed
idioms, and words that are one only beside their cause ("kms this lag", a bruise told with the fall
that caused it), unless the message says they are meant. Positions and flags only, never the text.

What this module does not do: decide a route (``assistant.route.router``) or score (``assistant.route.scorer``).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from assistant.route.normalise import Normaliser

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "router_lexicon.toml"
LANGUAGES_PATH = Path(__file__).resolve().parents[1] / "data" / "router_lexicon_languages.toml"


class LexiconError(Exception):
    """The lexicon data file cannot be used (a bad pattern, an unknown macro, a missing section)."""


@dataclass(frozen=True)
class Family:
    name: str
    category: str
    weight: float
    strong: re.Pattern | None
    weak: re.Pattern | None
    direct: re.Pattern | None  # strong, and a disclosure even when asked as a question about procedure


@dataclass(frozen=True)
class Match:
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
    permission: bool  # inside a permission question ("can the tutor ...", "is it ok to ..."), not presupposed


@dataclass(frozen=True)
class Analysis:
    """What the rule layers found in one normalised message (positions and flags, never the text)."""

    hits: tuple[Match, ...]
    procedural: bool  # a question about procedure, policy, definitions or permission
    fiction: bool  # fiction, training material, news, research
    generic: bool  # talk about people in general ("children who ...", "often")
    benign: bool  # a benign secret (surprise party, secret santa): clears secrecy matches only
    confidence: bool  # a child, no one in particular, confiding in the writer: clears secrecy in a question
    question: bool  # reads as a question (a question mark, or opens with a question word)
    report: bool  # a specific report outside hypothetical scope ("a child told me", "she said")
    event: bool  # a specific time outside hypothetical scope ("today", "last night")
    recurrence: bool  # something that keeps happening ("keeps", "again", "every night"): weaker than a time
    habitual: bool  # the same, even inside a hypothetical scope ("is it bullying if they hit me every day?")
    possessive: bool  # a hit involves "my son", "my dad" ... outside hypothetical scope
    first_person: bool  # the writer speaks of themselves as the one harmed, in some hit
    figurative: bool  # an idiom was blanked ("kill the zoom call"): the scorer uses its stricter bar
    joking: bool  # laughter or "jk": clears weak signals only, never a strong match
    heavy: bool  # heavy harm vocabulary anywhere (for the DSL signpost on procedural questions)
    child_cues: int
    adult_cues: int
    owned: bool = False  # the writer says a question's harm is theirs ("... because i did", "because my nan does it")

    @property
    def framed(self) -> bool:
        return self.procedural or self.fiction or self.generic

    @property
    def asked(self) -> bool:
        """Every match sits inside a permission question: it asks whether something is allowed (a
        presupposed act, "can the coach stop touching me", is never inside one)."""
        return bool(self.hits) and all(h.permission for h in self.hits)

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
# A clause ends a scope, and a "but" unless its subject goes on ("but then said", "but made me promise", "but not").
_SCOPE_END = re.compile(r"[|,]| but (?!(?:then|not|also|only|still|instead|made|said|told|asked|took|gave|kept|got|says|tells|makes)\b)")


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


_LITERAL_WORD = re.compile(r"(?<![a-z\\])([a-z]{5,})(?![a-z?*+{(\\])")
_FIRST_PERSON_WORDS = frozenset({"me", "myself", "us"})
_FIRST_PERSON_BEFORE = re.compile(
    r"\b(?:i|we) (?:am|was|were|get|got|have been|had been|keep|kept|feel|felt|have|had|do not|did not|can not|"
    r"am being|was being|just|always|still|never|really|will|would|want|wanna|think i)\b|\b(?:i|me|myself)$")
_POSSESSIVE_WORDS = frozenset({"my", "our"})
_NEGATED = re.compile(r"\b(?:not|never|nothing to do with)\s*$")
_QUESTION_OPENERS = frozenset("what how who where when why which can could should would will do does did is are am was were "
                               "may must shall any anyone whats hows".split())
# A hypothetical about someone else: "if a child ...", "a young person who ...", not "if i ...".
_ABOUT_OTHERS = re.compile(
    r"(?:(?:what )?if|when|whenever|suppose|supposing|imagine|say|in case|should|were|unless)? ?"
    r"(?:a|an|any|every|the|one|someone|somebody|anyone|they|their|he|she|his|her|kids|children|young|people|parents?)\b"
    # what the writer would see or suspect of someone else ("if i am worried something is going on at home
    # for one of the kids"): the writer observes, is not the one harmed
    r"|(?:(?:what )?if|when|whenever) (?:i|we) (?:am |are |was |were |ever |do |did )?(?:suspect|notice|noticed|see|saw|spot|"
    r"spotted|hear|heard|find out|found out|am told|get told|was told|(?:worried|concerned) (?:that )?(?:something|someone|"
    r"somebody|a|an|any|one of))\b"
)
class Lexicon:
    """Compiled lexicon families and context cues, loaded from the data file."""

    vocabulary: frozenset[str] = frozenset()  # the words its patterns spell out (set when the data is read)

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
        self.presupposition = c("presupposition")
        self.permission_own = c("permission_own_staff")
        self.telling = c("permission_to_tell")
        self.own_staff_families = frozenset(ctx.get("permission_own_staff_families", []))
        self.writer_subject = frozenset(ctx.get("writer_subject_families", []))  # "i" there is the one at risk
        self.procedural = c("procedural")
        self.fiction = c("fiction")
        self.generic = c("generic")
        self.benign = c("benign")
        self.confidence = c("confidence")
        self.confidence_asked = c("confidence_asked")
        self.figurative = c("figurative")
        # Words that are figures of speech only beside their cause: (the words, a cause near them, a
        # sign anywhere in the message that they are meant); see ``_explained``.
        self.explained = tuple((c(said), c(cause), c(meant)) for said, cause, meant in _EXPLAINED
                               if c(said) is not None and c(cause) is not None)
        self.report = c("report")
        self.event = c("event")
        self.recurrence = c("recurrence")
        self.child_speaker = c("child_speaker")
        self.adult_speaker = c("adult_speaker")
        self.heavy, self.joking, self.errand = c("heavy"), c("joking"), c("errand")  # errand: absence or illness
        self.owned = c("owned")
        # A person of the writer's own ("my stepdad", "our coach"): a clause that names one is about someone real.
        self.own_person = _compile(["(?:my|our) (?:\\w+ ){0,1}(?:%FAMNOUN%|%KIDNOUN%|%STAFFNOUN%)"], macros, "own_person") \
            if {"FAMNOUN", "KIDNOUN", "STAFFNOUN"} <= set(macros) else None
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
        # The words the patterns spell out (five letters or more, no optional ending): the reader keeps them whole.
        compiled = [p for f in self.families for p in (f.strong, f.weak, f.direct)] + [
            getattr(self, key) for key in ("hypothetical", "permission", "procedural", "fiction", "generic", "figurative", "report", "event", "recurrence")]
        self.vocabulary = frozenset(w for p in compiled if p is not None for w in _LITERAL_WORD.findall(p.pattern))

    def names_own_person(self, norm: str) -> bool:
        """Does the text name a person of the writer's own ("my stepdad", "our coach")?"""
        return self.own_person is not None and self.own_person.search(norm) is not None

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
        norm = self.blank_idioms(norm)
        hypo = self._scopes(self.hypothetical, norm)
        others = [(a, b) for a, b in hypo if _ABOUT_OTHERS.match(norm, a)]
        perm = self._scopes(self.permission, norm)
        # "can i tell ...", "should we report ...": asking whether to tell of harm done to the writer
        # ("can i tell my mum that my coach hits me") takes that harm as fact; it is not what is asked.
        perm_others = [(a, b) for a, b in perm if not (self.telling and self.telling.match(norm, a))]
        perm_own = self._scopes(self.permission_own, norm)
        quotes = _quoted(norm)

        def outside(pattern: re.Pattern | None) -> bool:
            if pattern is None:
                return False
            return any(not _inside(m.start(), hypo) for m in pattern.finditer(cues))

        def found(pattern: re.Pattern | None, negatable: bool = False) -> bool:  # "not for a project" is no frame
            return pattern is not None and any(not (negatable and _NEGATED.search(plain, 0, m.start()))
                                               for m in pattern.finditer(plain))

        hits: list[Match] = []
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
                    first = not quoted and (bool(span_words & _FIRST_PERSON_WORDS) or (fam.name in self.writer_subject and "i" in span_words) or (
                        not asked and bool(_FIRST_PERSON_BEFORE.search(" ".join(before_words)))))
                    poss = not quoted and bool((span_words | set(before_words)) & _POSSESSIVE_WORDS)
                    # Harm to the writer by a person of the writer's own is asked about as contact only
                    # ("can my coach add me on snap?"); "is my stepdad allowed to hit me" takes the act as done.
                    own_harm = first and fam.name not in self.own_staff_families \
                        and self.names_own_person(norm[clause_start:m.start()])
                    asks = (_inside(m.start(), perm_others if first else perm)
                            or (fam.name in self.own_staff_families and _inside(m.start(), perm_own))) \
                        and not self._presupposed(norm, clause_start, m.start()) and not own_harm
                    hits.append(Match(fam.name, strong, kind == "direct", m.start(), m.end(), first, poss, quoted,
                                      _inside(m.start(), hypo), _inside(m.start(), others), asks))
                    if not strong:
                        break  # one weak match per family is enough
        report, event, recurrence = outside(self.report), outside(self.event), outside(self.recurrence)
        # A question about nobody in particular ("what tactics might an extremist group use to pull someone
        # in?"): no person of the writer's, no one named by a pronoun, no time, no report. It asks about
        # the subject as a procedural question does; a disclosure tells of someone.
        general = (question_mark and bool(hits) and _opens_question(norm) and not (report or event or recurrence)
                   and not any(h.first_person or h.possessive or h.direct for h in hits)
                   and _PERSONAL.search(norm) is None)
        return Analysis(
            hits=tuple(hits),
            procedural=found(self.procedural) or general,
            fiction=found(self.fiction, negatable=True),
            generic=found(self.generic),
            benign=found(self.benign),
            confidence=found(self.confidence) and found(self.confidence_asked),
            # a part opening with a question word counts as asked: a clause read alone has lost its "?"
            # ("if a parent makes an allegation about one of our teachers, who decides ...")
            question=question_mark or _opens_question(cues) or found(self.procedural),
            report=report,
            event=event,
            recurrence=recurrence,
            habitual=found(self.recurrence),
            possessive=any(h.possessive and not (h.hypothetical or h.permission) for h in hits),
            first_person=any(h.first_person and not h.permission for h in hits),
            heavy=found(self.heavy),
            joking=found(self.joking),
            figurative=self.figurative is not None and norm != cues,
            child_cues=len(self.child_speaker.findall(norm)) if self.child_speaker else 0,
            adult_cues=len(self.adult_speaker.findall(norm)) if self.adult_speaker else 0,
            owned=found(self.owned),
        )

    def blank_idioms(self, norm: str) -> str:
        """The text with figures of speech blanked (same length, so positions stay valid): idioms ("kill
        the zoom call"), then words explained by a cause beside them (``_explained``). Idempotent."""
        text = norm  # causes and signs are read in the words as written, before any idiom is blanked
        if self.figurative is not None:
            norm = self.figurative.sub(lambda m: "_" * len(m.group(0)), norm)
        if self.explained:
            clauses = [0] + [m.end() for m in re.finditer(r" \| ", text)]  # where each clause starts
            quotes = _quoted(text)
            for said, cause, meant in self.explained:
                norm = _explained(norm, text, clauses, quotes, said, cause, meant)
        return norm

    def _presupposed(self, norm: str, clause_start: int, start: int) -> bool:
        """A presupposition trigger in the match's clause, before it ("can the coach stop touching me")."""
        return self.presupposition is not None and self.presupposition.search(norm, clause_start, start) is not None

    @staticmethod
    def _scopes(pattern: re.Pattern | None, norm: str) -> list[tuple[int, int]]:
        """ConText-style scopes: from a trigger to the end of its clause or a "but" (``_SCOPE_END``)."""
        scopes = []
        for m in pattern.finditer(norm) if pattern is not None else ():
            end = _SCOPE_END.search(norm, m.start())
            scopes.append((m.start(), end.start() if end else len(norm)))
        return scopes


# (words, their cause, a sign they are meant): context lists of the lexicon data. A death wish said of a trivial
# cause ("kms this lag"); a threat to kill a brother over a petty wrong ("i am going to kill my brother he ate my
# crisps"); an injury told with the accident that caused it ("fell off the trampoline and has a massive bruise");
# a want at the venue ("no hot water in the changing rooms again"); a telling-off for being late.
_EXPLAINED = (("hyperbole", "trivial_cause", "serious"), ("threat", "petty_wrong", "serious"),
              ("injury", "accident", "cover_story"), ("want", "venue", "at_home"), ("telling_off", "misconduct", "harm_beside"))


def _explained(norm: str, text: str, clauses: list[int], quotes: list[tuple[int, int]], said: re.Pattern,
               cause: re.Pattern, meant: re.Pattern | None) -> str:
    """``said`` blanked in ``norm`` where ``cause`` sits in its clause or a clause next to it (``clauses``:
    where each clause of ``text`` starts) and the words are the writer's own (not inside ``quotes``),
    unless ``meant`` is anywhere in the message ("fr", "not joking"; "he said i fell", "if anyone asks"):
    then the words are taken as said. Causes and signs are read in ``text``, the same message before
    idioms were blanked (an idiom may hold the cause: "destroyed me at dodgeball")."""
    if meant is not None and meant.search(text):
        return norm
    ends = clauses[1:] + [len(text)]
    for m in list(said.finditer(norm)):
        if _inside(m.start(), quotes):
            continue
        i = bisect.bisect_right(clauses, m.start()) - 1
        if cause.search(text, clauses[max(i - 1, 0)], ends[min(i + 1, len(ends) - 1)]):
            norm = norm[:m.start()] + "_" * (m.end() - m.start()) + norm[m.end():]
    return norm


_PERSONAL = re.compile(r"\b(?:i|me|my|myself|we|us|our|he|him|his|she|her|hers|they|them|their)\b")


def _opens_question(norm: str) -> bool:
    """A clause or comma-separated part opens with a question word ("as a coach, what signs ..."), or an
    "if" clause runs on into a question ("if a coach shouted at a kid would he get sacked")."""
    return any(first_word_is_question(part) or any(_ASKED_WITHOUT_MARK.match(clause) for clause in part.split(" | "))
               for part in norm.split(" , "))


# A clause that asks without a "?": an "if" clause run on into its question ("if a coach shouted at a kid would
# he get sacked"), or a question asked for someone ("my mum wants to know if the photos ... can be taken off").
_ASKED_WITHOUT_MARK = re.compile(
    r"(?:what if|if|say|suppose) (?:\w+ ){1,16}(?:would|will|could|can|does|do|did|is|are|should|might|must) "
    r"(?:he|she|they|i|you|we|it|that|this|there|the \w+|a \w+|an \w+)\b|(?:\w+ ){0,4}(?:wants? to know|wanted to know|"
    r"would like to know|like to know|was wondering|wondering|wonder) (?:if|whether|how|what|when|who|where|why)\b")


def first_word_is_question(norm: str) -> bool:
    """Any clause opening with a question word (the "?" itself is gone after normalisation)."""
    return any(clause.split(" ", 1)[0] in _QUESTION_OPENERS for clause in norm.split(" | ") if clause)


def _quoted(norm: str) -> list[tuple[int, int]]:
    marks = [m.start() for m in re.finditer(r'"', norm)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


def _inside(pos: int, scopes: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in scopes)
