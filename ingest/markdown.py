"""Markdown to lines whose structure the syntax states: headings, list items and their nesting, tables.

What a reader of the rendered page sees is what is kept: front matter, HTML comments and tags,
template tags (Liquid, Jinja: ``{% ... %}``, ``{{ ... }}``), horizontal rules and emphasis marks go;
a link keeps its words (an autolink its address); a table, pipe or HTML (pandoc writes a Word table
as HTML), becomes one row per line, each cell with its column's header ("Role: Safeguarding lead |
Phone: ..."). Paragraphs are lines up to a blank
line, except that a line ending a sentence followed by one starting a new sentence is taken as a new
paragraph (policies pasted from Word often lose their blank lines), and a line opening with a word in lower
case after a blank line carries on a paragraph that ended no sentence (pasted from a PDF, a sentence can
lose a line to a blank one).

What this module does not do: decide clause ids (``ingest.clauses``) or guess headings in plain
text (``ingest.lines``).
"""

from __future__ import annotations

import html
import re

from ingest.lines import Line
from ingest.wording import TERMINAL
from ingest.text import clean

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)\s*\n.*?\n(?:---|\+\+\+|\.\.\.)\s*(?:\n|\Z)", re.S)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
# "##Principles": a heading written without the space CommonMark wants, as some editors and older
# renderers accept; only before a capital and when short, so "#1 priority" or "#hashtag" stay text.
_ATX_TIGHT = re.compile(r"^ {0,3}(#{1,6})([A-Z][^#.!?]{0,150}?)\s*#*\s*$")
# A line opening with a word in lower case (not a list marker such as "i)" or "a."): its sentence began above.
_LOWER_WORD = re.compile(r"[a-z][a-z'’-]+\b(?![.)])")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*+])|(?P<num>\d{1,3})[.)])(?:\s+(?P<rest>.*)|$)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HARD_BREAK = re.compile(r"(?: {2,}|\\)$")
SHORT_LINE_WORDS = 8  # a line of a lead-in's list that lost its markers: a few words, no full stop
_NUMBERED = re.compile(r"^\(?(?:\d{1,2}(?:\.\d{1,2})+|\d{1,2}[.)]|[a-z][.)]|\([a-z]\)|[ivx]{1,4}[.)])\s+\S")
_HTML_TABLE = re.compile(r"^\s*<table\b", re.IGNORECASE)
_HTML_ROW = re.compile(r"<tr\b.*?</tr>", re.IGNORECASE | re.S)
_BOLD_CELL = re.compile(r"(?:<p>\s*)?<(strong|b)>(?:(?!</?\1>).)*</\1>(?:\s*</p>)?", re.IGNORECASE | re.S)
_HTML_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t\1>", re.IGNORECASE | re.S)
_SPACE_REFERENCE = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#x[aA]0);")
_BREAK_TAG = re.compile(r"[ \t]*<br\s*/?>[ \t]*", re.IGNORECASE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_INLINE = (
    (re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S), ""),  # template tags: what they stand for is not in the file
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # an image: its alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # a link: its words
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # a reference link
    (re.compile(r"<((?:https?|mailto):[^>\s]+|[^@\s<>]+@[^>\s]+)>"), r"\1"),  # an autolink: its address
    (re.compile(r"\{:[^}\n]*\}"), ""),  # a kramdown attribute list ("{: target=...}"): styling, never shown
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),  # a line break inside a table cell parts its words
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # HTML tags
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),  # escapes
    (re.compile(r"(?<!\\)\\\s*$"), ""),  # a backslash ending a line: a hard line break, not a character
)


def strip_inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    # Character references last, so "&lt;b&gt;" stays the text "<b>" a reader sees, not a tag to drop.
    return " ".join(html.unescape(text).split())


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [strip_inline(c) for c in re.split(r"(?<!\\)\|", row)]


def html_table_rows(html: str) -> list[str]:
    """An HTML table's rows as lines a reader can quote: each cell with its column's header (the header
    row is the one of ``<th>`` cells, or the ``<thead>``'s); a table without one gives its rows' cells."""
    headers: list[str] = []
    rows = []
    head = re.search(r"<thead\b.*?</thead>", html, re.IGNORECASE | re.S)
    thead = head.group(0) if head else ""
    for row in _HTML_ROW.findall(html):
        found = _HTML_CELL.findall(row)
        cells = [(kind.lower(), strip_inline(body)) for kind, body in found]
        if not cells:
            continue
        # A first row of cells each wholly bold is the header row too (Word's tables as HTML, with no <th>).
        bold = any(text for _, text in cells) and all(_BOLD_CELL.fullmatch(body.strip()) for _, body in found if body.strip()) \
            and not any(holds_a_value(text) for _, text in cells)
        if not headers and not rows and (all(kind == "h" for kind, _ in cells) or row in thead or bold):
            headers = [text for _, text in cells]
            continue
        text = table_row_text(headers, [text for _, text in cells])
        if text:
            rows.append(text)
    return rows


_LABELLED_VALUE = re.compile(r"\S:\s+\S")


def holds_a_value(cell: str) -> bool:
    """A cell with a label and its value ("Date: 15/08/2023", "Signed: Chairperson") is a row of a
    form, never a column's name: a table whose first row has one has no header row."""
    return _LABELLED_VALUE.search(cell) is not None


def table_row_text(headers: list[str], cells: list[str]) -> str:
    """One table row as a line a reader can quote: each cell with its column's header."""
    parts = []
    for i, cell in enumerate(cells):
        if not cell:
            continue
        header = headers[i] if i < len(headers) else ""
        # A header that ends in its own colon ("Incidents:") takes no second one.
        parts.append(f"{header.rstrip(':')}: {cell}" if header and header != cell else cell)
    return " | ".join(parts)


def markdown_lines(raw: str) -> list[Line]:
    # Split first, then clean each line: a vertical tab or form feed ends a line, as for a text file.
    raw = "\n".join(clean(line) for line in raw.splitlines())
    raw = _FRONT_MATTER.sub("", raw, count=1)
    raw = re.sub(r"<!--.*?-->", "", raw, flags=re.S)
    # A space written as a character reference is a space to the structure too ("**Sunday:**&nbsp;" is a
    # bold line); a <br> outside a table is a line break, written as Markdown's own hard break.
    raw = _SPACE_REFERENCE.sub(" ", raw)
    raw = "\n".join(line if "|" in line else _BREAK_TAG.sub("  \n", line) for line in raw.split("\n"))
    source = raw.split("\n")
    lines: list[Line] = []
    blank = True
    fenced = False
    listing = False  # lines after a lead-in that ends in a hard line break, each one of its items
    # An ordered list is numbered as it renders: from its first item's number up, whatever the later items
    # say ("1." on every line is 1, 2, 3 on the page, the numbers a reader cites). Open lists by indent.
    ordered: dict[int, int] = {}
    i = 0
    while i < len(source):
        text = source[i].replace("\t", "    ")
        i += 1
        if _FENCE.match(text):
            fenced = not fenced
            continue
        if fenced:
            continue
        # An HTML table (pandoc writes one for a Word table its pipe tables cannot hold): one row per
        # line, each cell with its column's header, as for a pipe table.
        if _HTML_TABLE.match(text):
            end = next((j for j in range(i - 1, len(source)) if "</table>" in source[j].lower()), None)
            if end is not None:
                lines += [Line(row, 0.0, True, False, hard_break=True, row=True)
                          for row in html_table_rows("\n".join(source[i - 1:end + 1]))]
                i = end + 1
                blank = True
                continue
        if not strip_inline(text):
            blank = True
            continue
        if _RULE.match(text):
            blank = True
            continue
        # A table: a header row, its rule, then rows.
        if "|" in text and i < len(source) and _TABLE_RULE.match(source[i]):
            headers = _cells(text)
            i += 1
            while i < len(source) and "|" in source[i] and source[i].strip():
                row = table_row_text(headers, _cells(source[i]))
                if row:
                    lines.append(Line(row, 0.0, True, False, hard_break=True, row=True))
                i += 1
            blank = True
            continue
        atx = _ATX.match(text) or _ATX_TIGHT.match(text)
        if atx:
            ordered.clear()
            title = strip_inline(atx.group(2) or "")
            if title:
                lines.append(Line(title, 0.0, True, False, heading=len(atx.group(1)), hard_break=True))
            blank = True
            continue
        if i < len(source) and _SETEXT.match(source[i]) and not _ITEM.match(text) and "|" not in text:
            title = strip_inline(text)
            lines.append(Line(title, 0.0, True, False, heading=1 if source[i].strip()[0] == "=" else 2, hard_break=True))
            i += 1
            blank = True
            continue
        body = re.sub(r"^\s*(>\s?)+", "", text)
        item = _ITEM.match(body)
        in_list = bool(lines) and (lines[-1].marker is not None or not lines[-1].hard_break)
        if item and len(item["indent"]) > 3 and not in_list:
            item = None  # four spaces in, outside a list, a marker is only text (as in CommonMark)
        if item:
            indent = float(len(item["indent"]))
            rest = item["rest"] or ""
            while _ITEM.match(rest):  # "- - text": an item whose first content is an item of its own
                rest = _ITEM.match(rest)["rest"] or ""
            inner = _ATX.match(rest)  # "- # Title": an item holding a heading; its words are the title's
            words = strip_inline((inner.group(2) or "") if inner else rest)
            depth = len(item["indent"])
            # A shallower item closes deeper lists; a bullet ends a numbered one at its own depth.
            ordered = {k: n for k, n in ordered.items() if k < depth or (k == depth and not item["bullet"])}
            if item["bullet"]:
                marker = ("glyph", item["bullet"])
            else:
                ordered[depth] = ordered[depth] + 1 if depth in ordered else int(item["num"])
                marker = ("number", str(ordered[depth]))
            if words:
                lines.append(Line(words, indent, True, False, marker=marker, hard_break=True))
            blank = False
            continue
        words = strip_inline(body)
        if not words:
            continue
        indent = float(len(body) - len(body.lstrip()))
        previous = lines[-1] if lines else None
        if re.fullmatch(r"\s*(\*\*|__)[^*_]+\1:?\s*", body) and len(words.split()) <= 12:
            # A line that is all bold ("**Staff**") is how many Markdown policies mark a heading.
            lines.append(Line(words, indent, True, False, bold=1.0, hard_break=True))
            blank = False
            continue
        # A hard line break (two spaces or a backslash at the line's end) before a numbered line: the
        # policy's own numbered paragraphs ("5.1 Those open to adults ...,  " then "5.2 Those for ...").
        after_break = i >= 2 and _HARD_BREAK.search(source[i - 2]) is not None
        numbered_after_break = after_break and _NUMBERED.match(words)
        # Lines after a lead-in ("... including:\" then "Physical signs", "Behavioural concerns") that end
        # in a hard line break, or are each a few capitalised words with no full stop (a Word list that
        # lost its markers): each is an item of the lead-in, not a wrapped sentence.
        few_words = len(words.split()) <= SHORT_LINE_WORDS and words[:1].isupper() and not words.endswith(TERMINAL)
        listing = (few_words or (after_break and not words.endswith(TERMINAL))) and not numbered_after_break \
            and not blank and previous is not None and (previous.text.endswith(":") or listing)
        if listing:
            # ... which is what the lead-in lists: an item of it, as if the list had its markers
            lines.append(Line(words, indent, True, False, marker=("glyph", "\u2022"), hard_break=True))
            blank = False
            continue
        broken = blank and previous is not None and previous.marker is None and _LOWER_WORD.match(words) is not None \
            and not previous.text.endswith(TERMINAL + (":",))  # a sentence a blank line cuts ("... or any" / "investigations, by ...")
        if previous is not None and (not blank or broken) and not previous.heading and not previous.row and not numbered_after_break \
                and not (previous.text.endswith(TERMINAL) and words[:1].isupper()):
            # A wrapped line: it runs on from the line above (a paragraph's, or a list item's lazily).
            lines.append(Line(words, indent, False, False))
        else:
            # After a blank line, or after a finished sentence when a new one starts: a paragraph of its own,
            # which ends the lists it is not indented under.
            ordered = {k: n for k, n in ordered.items() if k < indent}
            lines.append(Line(words, indent, True, False, hard_break=True))
        blank = False
    return lines
