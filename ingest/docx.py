"""Word (.docx) to lines whose structure Word states: headings, list items with their numbers, table rows.

- Headings by style ("Heading 1", a style with an outline level) or, where the author only made the
  text larger or bold, by size and weight (the shared line reader decides, as for a PDF). A full
  sentence in a heading style (a converted document's slip) is read as the content it is.
- List items from Word's numbering (``w:numPr``): a bullet, or the number or letter Word would show
  ("1.", "a)", "2.3"), computed from the numbering definitions as Word counts them.
- A line break inside a paragraph (Shift+Enter) starts a new line: a contact block stays one line a
  contact, a sentence broken mid-way runs on.
- Tables: one row per line, each cell with its column's header; contents (TOC) paragraphs are left out.

What this module does not do: read headers, footers, footnotes or text boxes (they are not the
policy's clauses), or decide clause ids (``ingest.clauses``).
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.lines import Line
from ingest.wording import TERMINAL
from ingest.markdown import holds_a_value, table_row_text
from ingest.markers import marker_of
from ingest.text import clean, normalise_space

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|\u00fcberschrift|titre|t\u00edtulo|kop)\s*(\d)$", re.IGNORECASE)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(value)
    if fmt in ("upperLetter",):
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class Numbering:
    """Word's list numbering: which paragraphs are bullets, and the label each numbered one shows."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) -> (numFmt, lvlText, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part: no lists
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in node.iter(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0"))
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                levels[ilvl] = (fmt.get(_W + "val", "decimal") if fmt is not None else "decimal",
                                text.get(_W + "val", "") if text is not None else "",
                                int(start.get(_W + "val", "1")) if start is not None else 1)
            abstract[node.get(_W + "abstractNumId", "")] = levels
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            levels = dict(abstract.get(ref.get(_W + "val", "") if ref is not None else "", {}))
            for override in num.iter(_W + "lvlOverride"):
                start = override.find(_W + "startOverride")
                ilvl = int(override.get(_W + "ilvl", "0"))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(_W + "val", "1")))
            for ilvl, level in levels.items():
                self.levels[(num.get(_W + "numId", ""), ilvl)] = level

    def marker(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """("glyph", "•") for a bullet, ("number", "2.1") for a numbered item, None when not a list item."""
        level = self.levels.get((num_id, ilvl))
        if num_id in ("", "0") or level is None:
            return None
        fmt, text, start = level
        if fmt == "none":
            return None
        if fmt == "bullet":
            return "glyph", "\u2022"
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            lower = self.levels.get((num_id, len(counters)))
            counters.append((lower[2] if lower else 1) - 1)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):  # a deeper level restarts under a new item
            lower = self.levels.get((num_id, deeper))
            counters[deeper] = (lower[2] if lower else 1) - 1

        def fill(match: re.Match) -> str:
            n = int(match.group(1)) - 1
            lvl = self.levels.get((num_id, n))
            return _format(counters[n] if n < len(counters) else 1, lvl[0] if lvl else "decimal")

        label = re.sub(r"%(\d)", fill, text).strip()
        label = label.strip("().") or _format(counters[ilvl], fmt)
        return "number", label


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _size_and_bold(paragraph) -> tuple[float | None, float]:
    """The paragraph's font size in points (most of its characters) and its share of bold characters."""
    sizes: Counter[float] = Counter()
    bold_chars = total = 0
    style_size = style_bold = None
    for style in _style_chain(paragraph.style):
        if style_size is None and style.font.size is not None:
            style_size = style.font.size.pt
        if style_bold is None and style.font.bold is not None:
            style_bold = style.font.bold
    for run in paragraph.runs:
        n = len(run.text.strip())
        if not n:
            continue
        size = run.font.size.pt if run.font.size is not None else style_size
        if size is not None:
            sizes[size] += n
        bold = run.bold if run.bold is not None else (style_bold or False)
        bold_chars += n if bold else 0
        total += n
    return (sizes.most_common(1)[0][0] if sizes else style_size), (bold_chars / total if total else 0.0)


def _heading_level(paragraph) -> int:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower() in ("title", "subtitle"):
        return 1
    m = _HEADING_STYLE.match(name.strip())
    if m:
        return int(m.group(1))
    for style in _style_chain(paragraph.style):
        outline = style.element.find(f"{_W}pPr/{_W}outlineLvl")
        if outline is not None:
            return int(outline.get(_W + "val", "0")) + 1
    return 0


def _reads_as_sentence(text: str) -> bool:
    """Too long for a heading: a full sentence (more than 12 words, ending in a full stop) or a paragraph."""
    words = len(text.split())
    return words > 30 or (words > 12 and text.rstrip().endswith(TERMINAL))


def _list_marker(paragraph, style: str, numbering: Numbering) -> tuple[tuple[str, str] | None, float]:
    """A list item's marker and indent, from the paragraph's numbering, its style's numbering, or a
    list style's name ("List Bullet 2", "List Number"); (None, 0) for any other paragraph. The level is
    the deeper of the numbering level and the style name's ("List Bullet 2" is a second level)."""
    named = re.match(r"^List (Bullet|Number|Continue|Paragraph)?\s*(\d)?$", style.strip())
    named_level = int(named.group(2)) - 1 if named and named.group(2) else 0
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    for chained in _style_chain(paragraph.style):
        if num_pr is not None:
            break
        style_ppr = chained.element.pPr
        num_pr = style_ppr.numPr if style_ppr is not None else None
    if num_pr is not None and num_pr.numId is not None:
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        marker = numbering.marker(str(num_pr.numId.val), ilvl)
        if marker is not None:
            return marker, max(ilvl, named_level) * 18.0
    if named and named.group(1) in ("Bullet", "Number"):
        return ("glyph", "\u2022") if named.group(1) == "Bullet" else ("number", ""), named_level * 18.0
    return None, 0.0


def docx_lines(document) -> tuple[list[Line], bool]:
    """The document's lines in reading order, and whether it styles its text (sizes, bold, heading styles)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = Numbering(document)
    items: list[tuple[str, object]] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            items.append(("p", Paragraph(child, document)))
        elif child.tag == _W + "tbl":
            items.append(("t", Table(child, document)))

    raw: list[tuple[Line, float | None]] = []
    for kind, item in items:
        if kind == "t":
            for line in _table_lines(item):
                raw.append((line, None))
            continue
        paragraph = item
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.upper().startswith("TOC"):
            continue  # a table of contents: Word's own, page numbers and all
        text = clean(paragraph.text)
        if not text.strip():
            continue
        size, bold = _size_and_bold(paragraph)
        heading = _heading_level(paragraph)
        if heading and _reads_as_sentence(text):
            heading = 0  # a sentence styled as a heading (a converted document's slip) is still content
        marker, indent = _list_marker(paragraph, style, numbering)
        pieces = [normalise_space(p) for p in text.split("\n")]
        pieces = [p for p in pieces if p]
        typed = marker_of(pieces[0]) if marker and marker[0] == "glyph" and pieces else None
        if typed is not None and typed[0] == "glyph":
            # Word's bullet and a bullet typed into the text as well (pasted from a PDF: Symbol's U+F0B7):
            # the item is the words after it, or the glyph would be quoted as part of the item.
            pieces[0] = typed[2]
        for n, piece in enumerate(pieces):
            first = n == 0
            # After a manual line break: a new line of its own when the one before ends a sentence or a
            # label, or this one starts afresh; otherwise the sentence runs on.
            runs_on = not first and not pieces[n - 1].endswith(TERMINAL + (":",)) and piece[:1].islower()
            raw.append((Line(piece, indent, not runs_on, False, 1.0, bold, marker=marker if first else None,
                             heading=heading if first else 0, hard_break=not runs_on), size))
    sizes: Counter[float] = Counter()
    for line, size in raw:
        if size is not None and not line.heading:
            sizes[size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else None
    lines = []
    for line, size in raw:
        if size is not None and body:
            line.size = round(size / body, 2)
        lines.append(line)
    styled = any(line.heading for line in lines) or sum(
        1 for line in lines if (line.size >= 1.12 or line.bold >= 0.85) and len(line.text.split()) <= 14) >= 3
    return lines, styled


def _table_lines(table) -> list[Line]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = normalise_space(clean(cell.text))
            if not cells or text != cells[-1]:  # a merged cell repeats: once is enough
                cells.append(text)
        if any(cells):
            rows.append(cells)
    if not rows:
        return []
    first = rows[0]
    headers = first if len(rows) > 1 and len(first) > 1 and all(len(c) <= 60 and not holds_a_value(c) for c in first) else []
    body = rows[1:] if headers else rows
    lines = []
    for cells in body:
        text = table_row_text(headers, cells) if headers else " | ".join(c for c in cells if c)
        if text:
            lines.append(Line(text, 0.0, True, False, hard_break=True, row=True))
    return lines
