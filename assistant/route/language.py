"""Which language a message is in: English (the router's own lexicon and the policy answer apply) or not.

``LanguageIdentifier`` asks py3langid (langid.py's model, inside its wheel: nothing downloads) and
checks how many of the message's words are English words or English text-speak. A message is read as
English when the identifier says so, when most of its words are English (text-speak such as "cn i txt
a kid on my own fone" fools identifiers trained on edited text), or when it is too short to tell. It
is never the identifier alone that refuses an English user. A message read as English that has a
sentence of several words in another language ("idk why im writing this here but ..." and then a
sentence in Lithuanian) is not: part of it cannot be read, so it is not treated as safe.

Accents are folded (``fold``) for the other languages' lexicon, so "zbił" and "zbil" read the same.

What this module does not do: decide a route. A message that is not English is still read for
disclosures in every language the router knows (``data/router_lexicon_languages.toml``) before the
caller answers it with the English-only notice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

# Letters that do not decompose into a base letter and an accent.
_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                             "œ": "oe", "ı": "i", "ŵ": "w", "ŷ": "y"})
_WORD = re.compile(r"[^\W\d_]+")
# Read as English when at least this share of its words are English words or text-speak.
ENGLISH_SHARE = 0.6
# Fewer words than this cannot be told apart reliably ("ok", "hi", "yo"): read as English.
MIN_WORDS = 3
# A sentence of at least this many words, the identifier saying another language and fewer than this share
# of its words (or of its letters) English, makes the whole message not English. Over the labelled messages and
# the 1,836 policy questions, no ordinary message or question written in English alone is caught by it; four
# English disclosures are, which route before it is asked (evals/README.md).
SENTENCE_WORDS = 4
SENTENCE_ENGLISH_SHARE = 0.34
# Where a message's sentences part (the router reads a message sentence by sentence with the same split).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_DISGUISED = re.compile(r"[^\W\d_][\d@$]|[\d@$][^\W\d_]")


def fold(text: str) -> str:
    """Accents and special letters folded to plain Latin letters ("zbił" -> "zbil", "não" -> "nao")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1 code the identifier gave ("en", "pl", ...), or "und" for no letters
    english: bool  # read as English
    english_share: float  # share of the words that are English words or text-speak


class LanguageIdentifier:
    """English or not, from py3langid and the share of English words (see the module docstring)."""

    def __init__(self, english_words: Iterable[str]):
        # py3langid loads its model (a few MB, inside the wheel) once, here, not on the first message.
        from py3langid.langid import MODEL_FILE, LanguageIdentifier as _Langid

        self._langid = _Langid.from_model_file(MODEL_FILE)
        self.english_words = frozenset(w.lower() for w in english_words)

    def __call__(self, text: str) -> LanguageGuess:
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return LanguageGuess("und", True, 1.0)
        latin = [w for w in words if w.isascii()]
        share = sum(w in self.english_words for w in latin) / len(words)
        code = str(self._langid.classify(text[:2000])[0])
        english = code == "en" or share >= ENGLISH_SHARE or (len(words) < MIN_WORDS and len(latin) == len(words))
        return LanguageGuess(code, english, round(share, 3))

    def _letter_share(self, text: str) -> float:
        """The share of the letters that are in English words: in another language the words that happen to be
        English are short ("di", "em", "ho", "ko" in Vietnamese) and count for fewer letters than words."""
        words = [w.lower() for w in _WORD.findall(text)]
        letters = sum(len(w) for w in words)
        return sum(len(w) for w in words if w.isascii() and w in self.english_words) / letters if letters else 1.0

    def foreign_sentence(self, text: str) -> LanguageGuess | None:
        """A sentence of ``text`` in another language (see ``SENTENCE_WORDS``), or None. Read on the message as
        written: the disguised-text reader splits a foreign word into English pieces ("re pet ici jas").
        A sentence with letters and digits in one word is disguised English, not another language."""
        text = text[:2000]  # bounded work: the first sentences are enough to find one we cannot read
        for sentence in SENTENCE_END.split(text)[:20] if SENTENCE_END.search(text) else ():
            if len(_WORD.findall(sentence)) >= SENTENCE_WORDS and not _DISGUISED.search(sentence):
                part = self(sentence)
                if not part.english and min(part.english_share, self._letter_share(sentence)) < SENTENCE_ENGLISH_SHARE:
                    return part
        return None


ENGLISH_WORDS = 10_000


def default_identifier(reader, lexicon_path: Path) -> LanguageIdentifier:
    """English words for the language check: the reader's 10,000 commonest, and every text-speak form
    the lexicon's normaliser knows ("cn", "txt", "fone")."""
    import tomllib

    speak = tomllib.loads(Path(lexicon_path).read_text(encoding="utf-8")).get("normalise", {}).get("map", {})
    common = sorted(reader.words.cost, key=reader.words.cost.get)[:ENGLISH_WORDS]
    words = set(common) | {k for k in speak if k.isalpha()} | {w for v in speak.values() for w in v.split()}
    return LanguageIdentifier(words)
