"""Plain text: cleaning raw text, and a text file's lines for the shared line reader.

What this module does not do: decide what a line is (``ingest.lines``) or read Markdown syntax
(``ingest.markdown``).
"""

from __future__ import annotations

import unicodedata

from ingest.lines import Line

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
# Typographic ligatures (U+FB00-FB06) are how a PDF draws two or three letters, not letters of their
# own: "Oﬃcer" is read "Officer", and left as one character it splits the word for search.
LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}


def clean(text: str) -> str:
    # Control characters, a byte-order mark and soft hyphens carry no words; they would only break
    # matching. NFC joins decomposed accents; ligatures become their letters; the words stay.
    text = text.translate(_CONTROL).translate(LIGATURES).replace("\ufeff", "").replace("\u00ad", "")
    return unicodedata.normalize("NFC", text)


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
