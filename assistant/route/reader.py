"""The reader: disguised text turned back into the words a person meant, before the lexicon looks.

People who do not want a filter to see what they write, and children who cannot spell, write
"h1ts", "k!ll mys3lf", "m y  d a d  h i t s  m e", "mystepdadhitsme", Cyrillic look-alike letters
("һits"), zero-width characters between letters, and platform code words ("unalive", "seggs",
"sewer slide"). ``Reader.read`` undoes each of these, in this order:

1. format characters (zero-width spaces and joiners, bidirectional overrides) are removed, so a word
   split by one is whole again; ``Reader.visual`` also gives the text in the order a screen shows it,
   since a right-to-left override makes "\u202estih\u202c" display as "hits";
2. look-alike letters from other scripts (Cyrillic, Greek, letter-like symbols) become the Latin letters
   they imitate, in words that are otherwise Latin, or made only of look-alikes in text that is mostly
   Latin (in a Cyrillic sentence "мама" is Ukrainian);
3. digits and symbols standing for letters *inside* a word ("h1ts", "gr@ped", "n00dz", "$uicide")
   become those letters; a number on its own, a time ("5pm") or an ordinal ("3rd") is left alone;
4. letters spaced or dotted out ("h i t s", "h.i.t.s") are joined; two spaces mark a word gap; three
   ("c u t") only when they spell a word;
5. long runs of letters that are no English word ("mystepdadhitsme") are split into the likeliest
   English words (Viterbi over word frequencies, ``data/router_words.txt``, and the words the lexicon's
   patterns spell out, ``Words.including``: "sextortion" stays whole);
6. platform code words (``data/router_codewords.toml``, each with its source) become plain words;
7. words spelt as they sound ("perpose", "sumthing") become the words they are, in mostly English text
   (``assistant.route.spelling``).

The result is plain text for the normaliser; the lexicon reads both the text as written and as read,
so reading can only add matches. Everything is linear in the length of the text.

What this module does not do: decide anything, or keep the text.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from assistant.route.spelling import Spelling

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
WORDS_PATH = DATA_DIR / "router_words.txt"
CODEWORDS_PATH = DATA_DIR / "router_codewords.toml"

# Look-alike letters (Unicode's confusables for Latin lower case, the common ones).
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ӏ": "l",
    "ԛ": "q", "ԝ": "w", "ɡ": "g", "ո": "n", "ս": "u", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i",
    "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ɑ": "a", "ı": "i",
    "ℓ": "l", "ǀ": "l",
})
_CONFUSABLE_CHARS = frozenset(k for k in (chr(c) for c in range(0x80, 0x2200)) if k.translate(_CONFUSABLES) != k)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i",
         "|": "l", "€": "e", "+": "t", "*": "", "9": "g"}
# A token that may hide letters: letters mixed with digits or symbols (at least one real letter).
_TOKEN = re.compile(r"[^\s,.;:?()\"'/\\<>\[\]{}~^=&#%]+")
_TIME_OR_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|s|am|pm|k|m|mins?|hrs?|yrs?|yo|ish|x|p|kg|cm|mm|ft|gb|mb)$", re.I)
_SPACED = re.compile(r"(?<![\w'])(?:[^\W\d_](?: {1,2}|[.\-_*] ?)){3,}[^\W\d_](?![\w'])")
# Three letters spaced out ("c u t") are joined only into a known word: three single letters in a row are
# also text-speak ("r u a ...") and initials, which four in a row rarely are.
_SPACED_THREE = re.compile(r"(?<![\w'])[^\W\d_](?: |[.\-_*] ?)[^\W\d_](?: |[.\-_*] ?)[^\W\d_](?![\w'])")
_SPACER = re.compile(r"[ .\-_*]")  # what spaces out a word's letters, removed when they are joined
_RUN = re.compile(r"[a-z]{10,}")
_MASKED = re.compile(r"(?<=[^\W\d_])\*(?=[^\W\d_])")  # one starred-out letter inside a word
_REPEATS = re.compile(r"([a-z])\1{2,}")
_TO = re.compile(r"\b(want|wants|wanted|going|gonna|have|has|had|got|need|needs|wanna|like|used|try|trying|tryna|able|ready|about) 2\b", re.I)
# "4" for "for" between words ("asking 4 me", "waiting 4 u"), not a number of things ("4 kids", "4 weeks").
_FOR = re.compile(r"(?<=[a-z] )4(?= (?:me|myself|u|you|ya|him|her|them|us|a|an|the|my|ur|your|his|their|our|real|sure|ever|free|ages|now|life|sum1|some|any)\b)", re.I)
_TWO_LETTER_WORDS = frozenset("my me he hi is it in on at to do go no so up us we be by of or an as am if ok oh ya yo im ur ma da".split())
_SUFFIXES = frozenset({"er", "ers", "ing", "ings", "ed", "ness", "ment", "ments", "ly", "ful"})
NEAR_CHARS = 30  # how far either side of a code word its "unless_near" words are looked for
MAX_SEGMENT = 200  # longer runs of letters are not words anyone typed; left as they are
MAX_WORD = 20


class ReaderError(Exception):
    """A reader data file cannot be used."""


@dataclass(frozen=True)
class Words:
    """English word costs (negative log frequency) for segmenting run-together letters."""

    cost: dict
    unknown: float  # cost per character of a stretch that is no known word
    named: frozenset = frozenset()  # the words the lexicon names (``including``)

    @classmethod
    def load(cls, path: Path | str = WORDS_PATH) -> "Words":
        counts = {}
        try:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    word, _, count = line.partition("\t")
                    counts[word] = int(count)
        except (OSError, ValueError) as exc:
            raise ReaderError(f"{path}: {exc}") from None
        total = float(sum(counts.values()))
        cost = {w: -math.log(c / total) for w, c in counts.items() if len(w) > 1 or w in ("a", "i")}
        return cls(cost, unknown=-math.log(1.0 / total) + 2.0)

    def __contains__(self, word: str) -> bool:
        return word in self.cost

    def including(self, words: Iterable[str]) -> "Words":
        """These words known too, as rare as the rarest known word: a word the lexicon names
        ("sextortion", "blackmailed") is never split into shorter words ("sex tor tion")."""
        rarest = max(self.cost.values(), default=self.unknown)
        named = frozenset(w for w in words if w.isalpha())
        return Words({**{w: rarest for w in named}, **self.cost}, self.unknown, self.named | named)

    def segment(self, letters: str) -> list[str]:
        """The likeliest split of ``letters`` into words (Viterbi); unknown stretches cost per letter."""
        n = len(letters)
        best = [0.0] + [math.inf] * n
        back = [0] * (n + 1)
        for end in range(1, n + 1):
            for start in range(max(0, end - MAX_WORD), end):
                piece = letters[start:end]
                c = self.cost.get(piece)
                if c is None:
                    c = self.unknown * len(piece)
                total = best[start] + c
                if total < best[end]:
                    best[end], back[end] = total, start
        out, end = [], n
        while end > 0:
            out.append(letters[back[end]:end])
            end = back[end]
        return out[::-1]


@dataclass(frozen=True)
class CodeWords:
    """Platform code words and what they stand for (data, each with a source). A word that is also an
    ordinary one ("pdf") may name the words beside which it keeps its ordinary sense ("the consent form pdf")."""

    pattern: re.Pattern | None
    meaning: dict
    unless: dict = field(default_factory=dict)  # form -> the words near it that keep it as written

    def replace(self, text: str) -> str:
        if self.pattern is None:
            return text

        def read(m: re.Match) -> str:
            word = m.group(0)
            near = self.unless.get(word)
            if near is not None and near.search(text[max(0, m.start() - NEAR_CHARS):m.start()] + " "
                                                + text[m.end():m.end() + NEAR_CHARS]):
                return word
            return self.meaning[word]

        return self.pattern.sub(read, text)

    @classmethod
    def load(cls, path: Path | str = CODEWORDS_PATH) -> "CodeWords":
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            entries = data["word"]
            meaning, unless = {}, {}
            for e in entries:
                if not e.get("source"):
                    raise ReaderError(f"{path}: code word {e.get('says')!r} has no source")
                near = re.compile(r"\b(?:" + e["unless_near"] + r")\b") if e.get("unless_near") else None
                for form in [e["says"], *e.get("forms", [])]:
                    meaning[form.lower()] = e["means"].lower()
                    if near is not None:
                        unless[form.lower()] = near
        except (OSError, KeyError, TypeError, re.error, tomllib.TOMLDecodeError) as exc:
            raise ReaderError(f"{path}: {exc}") from None
        keys = sorted(meaning, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w])") if keys else None
        return cls(pattern, meaning, unless)


class Reader:
    """Reads disguised text back into plain words (see the module docstring)."""

    def __init__(self, words: Words | None = None, codewords: CodeWords | None = None):
        self.words = words if words is not None else Words.load()
        self.codewords = codewords if codewords is not None else CodeWords.load()
        self._spelling: Spelling | None = None  # built at first use: a constructor stays cheap

    @property
    def spelling(self) -> Spelling:
        if self._spelling is None:
            self._spelling = Spelling(self.words.cost, self.words.named)
        return self._spelling

    def read(self, text: str) -> str:
        text = strip_format(text)
        text = unicodedata.normalize("NFKC", text)
        # Look-alike letters are a disguise in Latin text; in a Cyrillic or Greek sentence they are its letters.
        letters = [ch for ch in text if ch.isalpha()]
        latin = sum(ch.isascii() for ch in letters) >= len(letters) / 2
        text = _TOKEN.sub(lambda m: self._token(m, latin), text)
        text = _SPACED.sub(self._spaced, text)
        text = _SPACED_THREE.sub(self._spaced_three, text)
        text = text.lower()
        text = _TO.sub(r"\1 to", text)
        text = _FOR.sub("for", text)
        text = _RUN.sub(self._run, text)
        return self.spelling.correct(self.codewords.replace(text))  # a code word is no misspelling

    def visual(self, text: str) -> str | None:
        """The text as displayed, read like ``read``; None when display order is the typed order."""
        shown = visual_order(text)
        return None if shown == text else self.read(shown)

    def _token(self, m: re.Match, latin: bool = True) -> str:
        token = m.group(0)
        if any(ch in _CONFUSABLE_CHARS for ch in token) and (latin or any(ch.isascii() and ch.isalpha() for ch in token)):
            token = _deconfuse(token)
        if token.isalpha() or not any(ch.isalpha() for ch in token) or _TIME_OR_ORDINAL.match(token):
            return token
        return self._unmasked(token) or _deleet(token)

    def _unmasked(self, token: str) -> str | None:
        """A letter starred out between letters ("n*dez", "r*pe") read as the vowel that makes a word the
        reader knows; None when no vowel does (the star is then dropped, as a symbol). Of several, the
        rarest: a star hides the word a filter would catch, and the words the lexicon names count as the
        rarest known ("n*des" is "nudes", not "nodes")."""
        if _MASKED.search(token) is None:
            return None
        readings = [_deleet(_MASKED.sub(vowel, token, count=1)) for vowel in "aeiou"]
        known = [w for w in readings if w.lower() in self.codewords.meaning or w.lower() in self.words]
        if not known:
            return None
        return max(known, key=lambda w: (w.lower() in self.codewords.meaning, self.words.cost.get(w.lower(), 0.0)))

    def _spaced(self, m: re.Match) -> str:
        span = m.group(0)
        if "  " in span:
            words = [_SPACER.sub("", w) for w in span.split("  ")]
            return " ".join(w for w in words if w)
        return " " + _SPACER.sub("", span) + " "

    def _spaced_three(self, m: re.Match) -> str:
        word = _SPACER.sub("", m.group(0))
        return f" {word} " if word.lower() in self.words else m.group(0)

    def _run(self, m: re.Match) -> str:
        letters = _REPEATS.sub(r"\1\1", m.group(0))
        if letters in self.words or len(letters) > MAX_SEGMENT:
            return m.group(0)
        pieces = self.words.segment(letters)
        if pieces[-1] in _SUFFIXES:
            return m.group(0)  # a word the list lacks, read as pieces and an ending ("be friend er")
        # Two-letter pieces count only when they are words people write ("my", "me"): the frequency list also
        # holds web tokens ("ke", "np"), which read "chickenpox" as "chic ke np ox".
        known = sum(len(p) for p in pieces if p in self.words and (len(p) > 2 or p in _TWO_LETTER_WORDS))
        # Only when most of it reads as words: a name or a foreign word stays as written.
        return " ".join(pieces) if known >= 0.75 * len(letters) and len(pieces) > 1 else m.group(0)


# A right-to-left override displays what follows it, up to a pop or the end of the line, reversed.
_RLO_SPAN = re.compile("\u202e([^\u202c\n]*)\u202c?")


def visual_order(text: str) -> str:
    """The text in the order a screen shows it: every span under a right-to-left override reversed
    (the letters a person sees, for text written to look harmless to a filter reading it in order)."""
    return _RLO_SPAN.sub(lambda m: m.group(1)[::-1], text) if "\u202e" in text else text


def strip_format(text: str) -> str:
    """Drop format characters (zero-width, joiners, bidirectional controls), keep everything else."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf") if not text.isascii() else text


def _deconfuse(token: str) -> str:
    """Look-alikes become Latin letters when the word is Latin apart from them (not in a Russian word)."""
    others = [ch for ch in token if ch.isalpha() and not ch.isascii() and ch not in _CONFUSABLE_CHARS]
    return token if others else token.translate(_CONFUSABLES)


def _deleet(token: str) -> str:
    chars = list(token)
    n = len(chars)
    disguised = False
    for i, ch in enumerate(chars):
        if ch in _LEET and not ch.isalpha():
            left = i > 0 and token[i - 1].isalpha() or (i > 0 and token[i - 1] in _LEET and i > 1 and token[i - 2].isalpha())
            right = i + 1 < n and (token[i + 1].isalpha() or token[i + 1] in _LEET)
            leading_symbol = i == 0 and ch in "$" and right
            # A last digit is a letter when it looks like one ("l0st", "h@t"), or when the word already hid a
            # letter inside it ("t4t4", "b4t3"); alone after letters it is often a word of its own ("b4", "gr8").
            trailing = i == n - 1 and left and (ch in "03@$" or disguised)
            if (left and right) or leading_symbol or trailing:
                chars[i] = _LEET[ch]
                disguised = True
    return "".join(chars)


@lru_cache(maxsize=1)
def default_reader() -> Reader:
    return Reader()
