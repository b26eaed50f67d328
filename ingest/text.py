"""Plain text: cleaning raw text, and a text file's lines for the shared line reader.

What this module does not do: decide what a line is (``ingest.lines``) or read Markdown syntax
(``ingest.markdown``).
"""

from __future__ import annotations

import re
import unicodedata

from ingest.lines import Line
from ingest.words import english_words

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
# Typographic ligatures (U+FB00-FB06) are how a PDF draws two or three letters, not letters of their
# own: "Oﬃcer" is read "Officer", and left as one character it splits the word for search.
LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}


# A ligature glyph the PDF maps to no character reaches the text as U+0000: Calibri's "tt" in Word's
# exports gives "h\x00ps://" for "https://". Inside a word it is read as the ligature that makes a word.
UNMAPPED_LIGATURES = ("tt", "ff", "fi", "fl", "ffi", "ffl", "ft", "st")
_UNMAPPED = re.compile(r"([A-Za-z]*)\x00([A-Za-z]*)")


def clean(text: str) -> str:
    # Control characters, a byte-order mark and soft hyphens carry no words; they would only break
    # matching. NFC joins decomposed accents; ligatures become their letters; the words stay.
    text = unmapped_ligatures(text).translate(_CONTROL).translate(LIGATURES).replace("\ufeff", "").replace("\u00ad", "")
    return unicodedata.normalize("NFC", text)


def unmapped_ligatures(text: str, words: frozenset[str] | None = None) -> str:
    """Each U+0000 between letters read as the ligature that makes an English word ("h\x00ps" is
    "https", "se\x00ing" "setting"); where none does, it is dropped, as other control characters are."""
    if "\x00" not in text:  # nearly every text: no scan, no word list
        return text
    words = english_words() if words is None else words

    def letters(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        for ligature in UNMAPPED_LIGATURES if left and right else ():
            if f"{left}{ligature}{right}".lower() in words:
                return f"{left}{ligature}{right}"
        return left + right

    return _UNMAPPED.sub(letters, text)


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (including no-break spaces) to one space. Nothing else changes."""
    return " ".join(text.replace("\u00a0", " ").split())


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows exports are the usual non-UTF-8 policy; cp1252 decodes every byte, so words survive.
        return data.decode("cp1252", errors="replace")


def text_lines(raw: str) -> list[Line]:
    """A text file's non-blank lines: indent from leading spaces, a gap where blank lines were."""
    lines: list[Line] = []
    blank = True
    for raw_line in raw.splitlines():
        expanded = raw_line.replace("\t", "    ")
        stripped = clean(expanded).strip()
        if not stripped:
            blank = True
            continue
        indent = len(expanded) - len(expanded.lstrip())
        lines.append(Line(stripped, float(indent), blank, False))
        blank = False
    return lines
