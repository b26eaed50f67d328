"""Words spelt as they sound, read as the words they are ("perpose" is "purpose", "sumthing" "something").

Children who write phonetically (and many dyslexic writers) spell a word by its sounds, so a filter
that knows "purpose" or "knuckles" never sees "on perpose" or "nuckles". ``Spelling.correct`` reads
each word that is no English word as the English word that sounds the same (one phonetic key, a few
rules of English spelling: silent letters, "ph", soft and hard "c", vowels) and is spelt closest to it
(one edit, two in a word of eight letters or more, the same first sound; a commoner word, or one the
lexicon names, may win by a fraction of an edit). Only words of seven letters or more, and only in
text that is mostly English words already: in Somali or Polish a word the list lacks is a word of
that language.

Three homophones that are words themselves are read from the words around them: "no" after a
negated "do" ("i dont no why") is "know", "sed" after someone who speaks ("he sed") is "said", and
"close" worn ("no close on") is "clothes". Any other real word stays as written.

What this module does not do: decide anything, or keep the text.
"""

from __future__ import annotations

import re
from typing import Mapping

# Only long words: a short unknown word is as often a name, a word of another language or text-speak
# ("sumone" would be "simone", "isio" "isis", "nicked" "naked") as a misspelling.
MIN_LETTERS = 7
MAX_EDITS = 2  # for a word of LONG_WORD letters or more, one below ("stepdad" is never "stepped")
LONG_WORD = 8
# An edit is worth this many nats of word frequency: "sumone" is "someone" (two edits, common), not "simone"
# (one edit, a name); a word the lexicon names counts as common, so "bruse" is "bruise", not "bruce".
RARITY_PER_EDIT = 3.0
ENGLISH_SHARE = 0.7  # of a text's words, at least this many known before any word is read as another

_WORD = re.compile(r"(?<![\w'])[a-z]+(?![\w'])")
_START = (("kn", "n"), ("gn", "n"), ("wr", "r"), ("wh", "w"))  # silent first letters
_SOUNDS = (("sch", "sk"), ("tch", "ch"), ("ph", "f"), ("ck", "k"), ("dg", "j"), ("gh", ""), ("q", "k"), ("x", "ks"), ("z", "s"))
_SOFT_C = re.compile(r"c(?=[eiy])")
_INNER_H_OR_VOWEL = re.compile(r"(?<=.)[aeiouyh]")
_DOUBLE = re.compile(r"(.)\1+")
_VOWEL = re.compile(r"[aeiouy]")
_HOMOPHONES = (
    (re.compile(r"\b((?:do|does|did)(?: not|nt|n't)) no\b(?! (?:one|more|longer|way|idea|problem|worries)\b)"), r"\1 know"),
    (re.compile(r"\b(i|you|he|she|they|we|it|mum|mom|dad|coach|who|someone|everyone) sed\b"), r"\1 said"),
    (re.compile(r"\b(no|without|any|my|her|his|their|your|our|some) close (on|off)\b"), r"\1 clothes \2"),
)


def sound_key(word: str) -> str:
    """A word's consonant skeleton as it sounds: "purpose" and "perpose" are both "prps"."""
    word = _DOUBLE.sub(r"\1", word.lower())
    for start, sound in _START:
        if word.startswith(start):
            word = sound + word[len(start):]
    for letters, sound in _SOUNDS:
        word = word.replace(letters, sound)
    word = _SOFT_C.sub("s", word).replace("c", "k")
    return _DOUBLE.sub(r"\1", _INNER_H_OR_VOWEL.sub("", word))


def edits(a: str, b: str, most: int = MAX_EDITS) -> int:
    """Levenshtein distance, stopping early once it passes ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > most:
            return most + 1
        previous = current
    return previous[-1]


def _same_start(word: str, candidate: str) -> bool:
    """A misspelling keeps the first letter it sounds with ("nuckles" for "knuckles", not "pshe" for "she")."""
    return word[0] == candidate[0] or any(candidate.startswith(start) and word[0] == sound[0] for start, sound in _START)


class Spelling:
    """English words by their sound key (see the module docstring); built once from word costs."""

    def __init__(self, cost: Mapping[str, float], named: frozenset[str] = frozenset()):
        self.cost = cost
        self.named = named
        self.by_key: dict[str, list[str]] = {}
        for word in sorted(cost, key=cost.get):  # commonest first
            if len(word) >= MIN_LETTERS and word.isalpha():
                self.by_key.setdefault(sound_key(word), []).append(word)

    def word_for(self, word: str) -> str | None:
        """The known word ``word`` sounds like and is spelt closest to; None when there is none."""
        most = MAX_EDITS if len(word) >= LONG_WORD else 1
        near = [(edits(word, c, most), c) for c in self.by_key.get(sound_key(word), ()) if _same_start(word, c)]
        near = [(d, c) for d, c in near if d <= most]
        if not near:
            return None
        common = min(self.cost[c] for _, c in near)
        rarity = {c: 0.0 if c in self.named else self.cost[c] - common for _, c in near}
        return min(near, key=lambda dc: (dc[0] + rarity[dc[1]] / RARITY_PER_EDIT, self.cost[dc[1]]))[1]

    def correct(self, text: str) -> str:
        """``text`` (lower case) with each unknown word read as the word it sounds like."""
        words = _WORD.findall(text)
        known = sum(w in self.cost for w in words)
        if not words or known < ENGLISH_SHARE * len(words):
            return text

        def read(m: re.Match) -> str:
            word = m.group(0)
            if len(word) < MIN_LETTERS or word in self.cost or not _VOWEL.search(word):
                return word  # known, or text-speak with no vowel ("tbh", "ngl") that the lexicon's map reads
            return self.word_for(word) or word

        text = _WORD.sub(read, text)
        for pattern, meaning in _HOMOPHONES:
            text = pattern.sub(meaning, text)
        return text
