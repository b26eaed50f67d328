"""Normalisation: raw text to the canonical form the lexicon patterns are written against.

Lower case, apostrophes and quotes unified, clause ends marked with " | ", text-speak and common
misspellings mapped (the map is data, in the lexicon file), runs of repeated letters shortened.

What this module does not do: decide anything, or keep the text anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

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
