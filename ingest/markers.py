"""List-item markers: which glyphs, numbers, letters and roman numerals open an item, and how they go.

``marker_of`` reads a line's marker ("\u2022", "2.3", "(a)", "iv."), ``lone_marker`` says whether a text
is a marker alone (a PDF may draw it apart from its item), ``marker_key`` names its kind and
``next_label`` says whether one label follows another ("ii" after "i"); ``run_in_items`` splits a
list written as one paragraph at its bullets before lines are read; ``heads_what_follows`` says
whether a short unmarked line names what the sentence after it speaks of (a sub-heading left plain).
The line reader (``ingest.lines``) decides what an item is from these; the eval suite's metrics read
markers with ``marker_of`` too.

What this module does not do: decide an item's level, headings or blocks (``ingest.lines``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, TypeVar

Line = TypeVar("Line")  # ingest.lines.Line, which imports this module: named here, not imported

# Bullet glyphs seen in exported policies: Word's Symbol-font bullets as pypdf extracts them (U+F0B7,
# U+F0A7, U+F076, U+F0D8, U+F0FC), ReportLab's (U+007F), real bullets and arrows, and the letters and
# dashes text exports use.
GLYPHS = "\x7f\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2219\u00b7\u2043\u2013\u2014\u27a2\u25ba\u2192\u2713\u2714\u25c6\u25c7\u2756"
# Wingdings bullets in a PDF whose font has no map to Unicode come out as the Latin-1 letter of the same
# code: an arrow as "\u00d8", a tick as "\u00fc", a box as "\u00a8", a square as "\u00a7". Each opens an
# item only with a space and a word after it ("\u00a7 12" is a section of an Act; "\u00fcber" a word).
WINGDINGS_AS_LATIN = "\u00d8\u00fc\u00a8\u00a7"
SUB_GLYPHS = frozenset({"o", "\u25e6", "\u25aa", "\u2043", "\u25c7"})  # conventionally second-level
# A policy's decimal number, one to five levels ("3", "2.3", "3.2.1.3.4"): list markers, numbered
# headings and numbered paragraphs all read it with this.
DECIMAL_NUMBER = r"\d{1,2}(?:\.\d{1,2}){0,4}"
_MARKER = re.compile(
    r"^(?:(?P<glyph>[" + GLYPHS + r"])\s*|(?P<dash>[*\-+])\s+|(?P<o>o)\s+"
    r"|(?P<wing>[" + WINGDINGS_AS_LATIN + r"])\s+(?=[A-Za-z\u2018\u201c'\"(])"
    r"|(?P<num>(?:" + DECIMAL_NUMBER + r"|[a-zA-Z]|[ivxIVX]{1,5})[.)])\s*(?=\S)|(?P<paren>\((?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,5})\))\s*(?=\S))"
    r"(?P<rest>\S.*)$"
)


def marker_of(text: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) for a list-item line: kind is "glyph" or "number"; label the number or letter
    without brackets and dots ("2.3", "a", "iv"); None when the line has no marker."""
    m = _MARKER.match(text)
    if not m:
        return None
    glyph = m["glyph"] or m["dash"] or m["o"] or m["wing"]
    if glyph:
        return "glyph", glyph, m["rest"]
    label = (m["num"] or m["paren"]).strip("().")
    if m["num"] and not m["num"].startswith("(") and m["num"].endswith(".") and re.fullmatch(r"[A-Za-z]", label):
        # "A." or "e." opening a line is far more often an initial or abbreviation than a list letter,
        # unless the rest starts a sentence: after a space, or straight on with a capitalised word
        # ("i.Adhyayan works ...", "A.Building awareness"; "e.g." and "U.K." stay text).
        if not re.match(r"\s+[A-Z]|[A-Z][a-z]", text[len(m["num"]):]):
            return None
    if re.fullmatch(r"[ivxIVX]{2,5}", label) is None and re.fullmatch(r"[A-Za-z]", label) is None and not label[0].isdigit():
        return None
    rest = m["rest"]
    if label[0].isdigit() and rest[:1].isdigit():
        return None  # "1.5 hours", a decimal, not a list item
    return "number", label, rest


def lone_marker(text: str) -> bool:
    """A list marker with nothing after it ("•", "3.", "(b)"): a glyph, or a number or letter with its
    dot or brackets, read by ``marker_of``'s own rules as if an item followed."""
    if len(text) == 1:
        return text in GLYPHS
    found = marker_of(f"{text} X") if 2 <= len(text) <= 12 else None
    return found is not None and found[0] == "number" and found[2] == "X"


def marker_key(kind: str, label: str) -> str:
    """What kind of marker an item has: its glyph, or "letter", "roman" or "number"."""
    if kind == "glyph":
        return label
    if re.fullmatch(r"[A-Za-z]", label) and label not in "ivxIVX":
        return "letter"
    return "roman" if re.fullmatch(r"[ivxIVX]{1,5}", label) else "number"


_ROMAN = {numeral: n for n, numeral in enumerate(
    ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"), 1)}


def next_label(previous: str, label: str) -> bool:
    """Is ``label`` the one after ``previous`` ("ii" after "i", "c" after "b", "4" after "3")?"""
    if previous.isdigit() and label.isdigit():
        return int(label) == int(previous) + 1
    if previous.lower() in _ROMAN and label.lower() in _ROMAN:
        return _ROMAN[label.lower()] == _ROMAN[previous.lower()] + 1
    return len(previous) == len(label) == 1 and ord(label.lower()) == ord(previous.lower()) + 1


# Glyphs that mark nothing but a list item, wherever they stand (not dashes, dots or letters, which
# also occur inside sentences).
_RUN_IN = re.compile(r"\s+([\u2022\u25cf\u25aa\u25a0\uf0b7\uf0a7\u27a2])(?=\s|$)")


def run_in_items(lines: Iterable[Line]) -> list[Line]:
    """A list written as one paragraph ("... will not: \u2022 engage in ...; \u2022 invite ...") is a lead-in and
    items: each bullet inside a line starts a line of its own, and a bullet left at a line's end moves
    to the start of the next line, where its item's words are."""
    out: list[Line] = []
    carry = ""
    for line in lines:
        text = f"{carry} {line.text}" if carry else line.text
        carry = ""
        if line.heading or line.row or not _RUN_IN.search(text):
            out.append(replace(line, text=text) if text != line.text else line)
            continue
        cuts = [m.start(1) for m in _RUN_IN.finditer(text)]
        pieces = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)])]
        if pieces and len(pieces[-1]) == 1:  # "... a defense; \u2022" then the item on the next line
            carry = pieces.pop()
        for n, piece in enumerate(p for p in pieces if p):
            out.append(replace(line, text=piece) if n == 0 else
                       replace(line, text=piece, marker=None, gap_before=False, new_page=False, hard_break=False))
    return out  # a bullet left at the very end has no words to mark


def heads_what_follows(text: str, after: str) -> bool:
    """A line of at most five words with no digit or punctuation to end or break it, over a sentence of
    eight words or more that starts afresh and speaks of what it names ("Neglect" over "Neglect may occur
    because ..."). A line that starts a sentence the next line finishes shares no word with it as often."""
    if len(text.split()) > 5 or re.search(r"[\d:;,.!?)]", text) or marker_of(text) or marker_of(after):
        return False
    if not after[:1].isupper() or len(after.split()) < 8:
        return False
    named = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}
    return bool(named & {w.lower() for w in re.findall(r"[A-Za-z]{4,}", " ".join(after.split()[:30]))})
