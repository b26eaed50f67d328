"""Lines to structural blocks: the reader shared by PDF and plain text.

A ``Line`` is one visual line with what the page shows about it: its indent, whether a paragraph gap
or page break comes before it, and (PDF and Word only) its font size relative to the body text and
how much of it is bold. ``blocks_from_lines`` turns lines into headings, paragraphs and list items:

- Headings: larger or bold short lines where the document styles its headings; otherwise short,
  unpunctuated lines standing alone after a gap (in any case, not only title case), ALL CAPS lines,
  label lines ("Pupils:"), and numbered headings ("1. Purpose", "2.3 Scope", "1 Scope of the Policy").
- List items: bullet glyphs and numbered or lettered markers ("1.", "2)", "(a)", "iv."), with or
  without a space after the marker; the level from the marker's kind and its indent. A list run into
  one paragraph ("will not: \u2022 ...; \u2022 ...") is split at its bullets first (``run_in_items``); that
  and the markers themselves are in ``ingest.markers``.
- Wrapped lines, lines broken across a blank line or a page break, and a word split by a line-end
  hyphen are joined back (``ingest.words.join_line``; ``join_hyphenated`` decides between "autho-rised" -> "authorised" and
  "online-bullying", which keeps its hyphen).

What this module does not do: read files (``ingest.pdf``, ``ingest.load``), remove page furniture
(``ingest.pdf`` does, before lines get here), decide clause ids (``ingest.clauses``) or read what a line's
words alone say (a heading's number, a label, a lead-in: ``ingest.wording``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ingest.markers import DECIMAL_NUMBER, SUB_GLYPHS, heads_what_follows, marker_key, marker_of, next_label, run_in_items
from ingest.words import join_line
from ingest.wording import CONTINUING_WORDS, NUMBERED_HEADING, TERMINAL, follows, heading_number, heading_runs_on, is_caps_heading, is_how_to, is_label, is_lead_in

_ADDRESS = re.compile(r"\S@\S+\.[a-z]|https?://|\bwww\.", re.IGNORECASE)
# A telephone number (UK, international, North American): a line giving one is a contact, not a heading,
# however bold or alone it stands ("Emergency Team - out of hours 0116 2551606" under "Telephone:").
_PHONE = re.compile(r"(?<![\d.])(?:(?:0|\+\d{1,3}\s?)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}|\(\d{3}\)\s?\d{3}-\d{4}|\d{3}[-.]\d{3}[-.]\d{4})(?![\d.])")
HEADING_SIZE_RATIO = 1.12  # a line this much larger than the body text is a heading (when short)
BOLD_SHARE = 0.85  # a line this bold is styled as a heading (when short)


@dataclass
class Line:
    text: str  # stripped, control characters removed
    indent: float = 0.0  # x position in points (PDF) or leading spaces (text)
    gap_before: bool = False  # a paragraph gap (blank line, larger vertical space) separates it from the line above
    new_page: bool = False  # the first line of a page
    size: float = 1.0  # font size relative to the document's body text (1.0 when unknown)
    bold: float = 0.0  # share of its characters in a bold font (0 when unknown)
    page: str | None = None  # printed page label (PDF only)
    page_index: int | None = None  # 1-based physical page (PDF only)
    # Structure the format states outright (Word, Markdown), so the reader need not guess it:
    marker: tuple[str, str] | None = None  # a list item's ("glyph", glyph) or ("number", label)
    heading: int = 0  # a heading's level (0: not a heading)
    hard_break: bool = False  # a new paragraph for certain: nothing before it runs on into it
    row: bool = False  # a table row, already written as "header: cell | header: cell"


@dataclass
class RawBlock:
    """A block while it is being read: pieces are joined once at the end (re-joining per line was quadratic)."""

    kind: str  # "heading" | "paragraph" | "bullet"
    pieces: list[str]
    level: int
    line: Line
    number: str = ""  # the policy's own label ("3", "2.3", "a", "iv"), "" when unnumbered
    last: str = ""  # the last line's text, for continuation decisions
    indent: float = 0.0  # the marker's indent (bullets) or the first line's (paragraphs)
    text_indent: float | None = None  # where a bullet's wrapped lines start
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join("".join(self.pieces).split())


# A label run into its text on the same line ("PURPOSE: The club aims"), not a time ("10:30").
_RUN_IN_LABEL = re.compile(r"\S:\s+\S")


class Reader:
    """Reads a document's lines into blocks; ``styled`` says the document marks headings by size or weight."""

    def __init__(self, lines: Sequence[Line], styled: bool, indent_step: float = 2.0, plain_subheadings: bool = False) -> None:
        self.lines = list(lines)
        self.styled = styled
        self.plain_subheadings = plain_subheadings  # a styled Word or PDF document (not Markdown, whose # says it)
        self.indent_step = indent_step  # how much deeper a sub-item sits: points in a PDF, spaces in text
        self._list_marker: str | None = None  # the marker of the current list's first-level items
        # The last number, letter and roman numeral typed at a list's first level, kept across the paragraphs
        # and headings between: "ii." after "i." is the next of those items, whatever came between.
        self._top_labels: dict[str, str] = {}
        self._sub_marker: str | None = None  # the marker of the items an item ending in a colon leads in to
        self._last_heading: tuple[str, int] | None = None  # the last numbered heading's number and level
        self.known = Counter(w.lower() for line in self.lines for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*-?", line.text)
                             for w in ([w.rstrip("-")] if w.endswith("-") else [w]))
        widths = sorted(len(line.text) for line in self.lines)
        # A typical full line's length (at least 60 characters: a tiny document has no full lines).
        self.full_width = max(widths[int(len(widths) * 0.9)] if widths else 80, 60)

    # -- what a line is -------------------------------------------------------------------------------

    def heading_level(self, i: int, previous: RawBlock | None) -> tuple[int, str] | None:
        """(level, number) when line i is a heading, else None."""
        line = self.lines[i]
        text = line.text
        words = text.split()
        if len(text) > 120 or not words or text.endswith((",", ";")) or text[0].islower():
            return None
        marker = line.marker or marker_of(text)
        if (marker and marker[0] == "glyph") or _ADDRESS.search(text) or _PHONE.search(text):
            return None  # a bulleted line is a list item, and one giving an address or a number is content
        continuing = previous is not None and previous.kind != "heading" and not line.gap_before and not line.new_page
        if previous is not None and previous.kind == "heading" and heading_runs_on(previous.last, text) \
                and not marker_of(text) and self._continues_heading(previous, line):
            return None  # the rest of a heading that wrapped (see heading_runs_on), joined to it
        numbered = heading_number(text)
        after = self.lines[i + 1] if i + 1 < len(self.lines) else None
        after_text = after.text if after is not None else ""
        after_item = after is not None and bool(after.marker or marker_of(after_text))  # a list item follows
        if self.styled:
            if line.size >= HEADING_SIZE_RATIO and len(words) <= 20:
                return (1 if line.size >= 1.3 else 2), numbered[0] if numbered else ""
            following = NUMBERED_HEADING.match(text)
            if following and line.bold >= BOLD_SHARE and len(words) <= 24 and not is_lead_in(text) \
                    and self._last_heading is not None \
                    and "." in following["num"] and follows(self._last_heading[0], following["num"]):
                # "8.4 Procedure for reporting the taking of, and use of, inappropriate ... events" after a bold
                # "8.3 ...": the next number of the document's bold numbered headings, however long.
                return self._last_heading[1], following["num"]
            if line.bold >= BOLD_SHARE and len(words) <= 14 and (not text.endswith(TERMINAL) or numbered) \
                    and (not text.endswith(":") or is_label(text) or (numbered and is_label(numbered[1]))
                         or (is_how_to(text) and after is not None and not after_item)) \
                    and (not continuing or (numbered and previous.line.bold < BOLD_SHARE)
                         or (self._after_text(previous, line) and not after_text[:1].islower())):
                # A bold numbered line right after plain text ("7.2 Designated Safeguarding Officer" after
                # the last item of 7.1, no gap between them) starts a section, and so does a bold line that
                # plainly stands apart from the text before it (an export that leaves no gap the reader can
                # see); other bold lines there may be a bold phrase inside a paragraph.
                return 3, numbered[0] if numbered else ""
            if numbered and (line.gap_before or line.new_page) and not text.endswith(TERMINAL + (":",)) \
                    and not (previous is not None and previous.kind == "bullet" and follows(previous.number, numbered[0])) \
                    and self._last_heading is not None and follows(self._last_heading[0], numbered[0]):
                # "9. Risk Assessment" set plain after a bold "8. TRAINING": the next number of the
                # document's own numbered headings is one, however its author forgot to style it.
                return self._last_heading[1], numbered[0]
            if numbered and numbered[0] == "1" and self._last_heading is None and (line.gap_before or line.new_page) \
                    and len(numbered[1].split()) <= 8 and not text.endswith(TERMINAL + (":", ";", ",")) and after is not None \
                    and not (after.gap_before or after_item) and after_text[:1].isupper():
                # "1. Policy Statement" set plain, standing apart, over the sentence it heads: the first of the
                # document's numbered headings ("2. Scope of the Policy" then follows it as above).
                return 3, numbered[0]
            if self.plain_subheadings and line.gap_before and not line.marker and self._ends_block(previous) \
                    and after is not None and after.gap_before and not (after.heading or after.marker) \
                    and heads_what_follows(text, after.text):
                return 3, ""  # "Neglect" over "Neglect may occur ...": a sub-heading its author left plain
            if line.gap_before and not marker and line.bold < BOLD_SHARE \
                    and self._ends_block(previous) and len(words) <= 12 and text[:1].isupper() \
                    and not text.endswith(TERMINAL + (";", ",")) and not re.search(r"[\d:…_]|\.\.", text) \
                    and after is not None and after.gap_before and after.bold >= BOLD_SHARE and len(after.text.split()) <= 14:
                # "Good practice when working with young people" set plain over the bold "DO" and "DO NOT" it
                # holds: a short line standing alone over a bold heading is the title of what follows. (Over
                # any text, such lines are as often a form's "Yes No" or a signatory's name: measured.)
                return 2, ""
            return None
        if continuing and not (numbered or is_label(text)):
            # An ALL CAPS line after a finished sentence is a heading even with no gap before it: some
            # exports (Word's "Print to PDF") leave no paragraph spacing the reader can see.
            if is_caps_heading(text) and self._ends_block(previous) and not after_text[:1].islower():
                return 1, ""
            return None
        if numbered and self._runs_on(i) and _RUN_IN_LABEL.search(text):
            return None  # "1. PURPOSE: The club aims ..." and its sentence runs on: a numbered paragraph
        if numbered and (line.gap_before or line.new_page or previous is None or previous.kind == "heading"
                         or self._ends_block(previous)):
            return numbered[0].count(".") + 1, numbered[0]
        if is_label(text) and (line.gap_before or self._ends_block(previous)):
            return 3, ""
        if previous is not None and previous.kind == "bullet" and is_lead_in(previous.last) and not numbered:
            return None  # "... or a deputy, as follows:" then "Ali Khan (North) on 0121 ...": what the item introduces
        if text.endswith(TERMINAL + (":",)) or marker_of(text):
            return None
        if is_caps_heading(text):
            return 1, ""
        standalone = line.gap_before or line.new_page or previous is None or previous.kind == "heading"
        if not standalone or len(words) > 9 or len(text) > 0.7 * self.full_width:
            return None
        if previous is not None and not self._ends_block(previous) and text.endswith(")"):
            # "...we will refer to the Designated" / "Safeguarding Lead (A. Person)": a proper noun
            # wrapped onto its own line looks like a heading; a line closing a bracket after an
            # unfinished one is not.
            return None
        # A short line standing alone, then something that starts afresh: a heading, whatever its case.
        if after is None or after.gap_before or after.new_page or marker_of(after.text) or after.text[:1].isupper():
            if previous is not None and previous.kind == "paragraph" and not self._ends_block(previous) \
                    and not line.gap_before:
                return None
            return 2, ""
        return None

    @staticmethod
    def explicit_heading(line: Line) -> tuple[int, str]:
        """A heading the format marks (a Word heading style, Markdown's #): its level and number."""
        if line.marker and line.marker[0] == "number":
            return line.heading, line.marker[1]
        numbered = re.match(r"^(" + DECIMAL_NUMBER + r")\.?\s+\S", line.text) or re.match(r"^\(([a-z]|[ivx]{1,5})\)\s+\S", line.text)
        return line.heading, numbered.group(1) if numbered else ""

    def _runs_on(self, i: int) -> bool:
        """The next line carries on from line ``i``: no gap, no page break, no list marker."""
        after = self.lines[i + 1] if i + 1 < len(self.lines) else None
        return after is not None and not (after.gap_before or after.new_page or after.hard_break or after.heading
                                          or after.marker or marker_of(after.text))

    def _after_text(self, previous: RawBlock, line: Line) -> bool:
        """Does a bold line with no gap before it stand apart from the plain text before it: after a
        finished sentence, back at the margin after a list item, or set in capitals as well?"""
        if previous.line.bold >= BOLD_SHARE:
            return False
        return self._ends_block(previous) or is_caps_heading(line.text) \
            or (previous.kind == "bullet" and line.indent < previous.indent - 2)

    @staticmethod
    def _ends_block(block: RawBlock | None) -> bool:
        return block is None or block.kind == "heading" or block.last.endswith(TERMINAL + (":",))

    # -- reading --------------------------------------------------------------------------------------

    def blocks(self) -> list[RawBlock]:
        blocks: list[RawBlock] = []
        list_indents: list[float] = []  # marker indents of the current list, smallest first
        for i, line in enumerate(self.lines):
            current = blocks[-1] if blocks else None
            if line.row:
                blocks.append(RawBlock("row", [line.text], 0, line, last=line.text, indent=line.indent))
                list_indents.clear()
                continue
            if current is not None and current.kind == "heading" and self._continues_heading(current, line):
                self._append(current, line)
                continue
            heading = self.explicit_heading(line) if line.heading else self.heading_level(i, current)
            if heading is not None:
                blocks.append(RawBlock("heading", [line.text], heading[0], line, number=heading[1], last=line.text))
                if heading[1]:
                    self._last_heading = heading[1], heading[0]
                list_indents.clear()
                self._list_marker = self._sub_marker = None
                continue
            marker = (line.marker + (line.text,)) if line.marker else marker_of(line.text)
            if marker and (line.marker or self._starts_item(line, marker, current)):
                kind, label, rest = marker
                level = self._item_level(line, kind, label, list_indents, current)
                block = RawBlock("bullet", [rest], level, line, number=label if kind == "number" else "", last=line.text,
                                 indent=line.indent)
                block.extra["glyph"] = label if kind == "glyph" else ""
                block.extra["key"] = marker_key(kind, label)
                blocks.append(block)
                continue
            if current is not None and current.kind != "heading" and self._continues(current, line):
                self._append(current, line)
                continue
            blocks.append(RawBlock("paragraph", [line.text], 0, line, last=line.text, indent=line.indent))
            if line.gap_before or line.new_page or not list_indents or line.indent <= min(list_indents):
                list_indents.clear()
                self._list_marker = self._sub_marker = None
        return blocks

    def _starts_item(self, line: Line, marker: tuple[str, str, str], current: RawBlock | None) -> bool:
        kind, label, rest = marker
        if kind == "glyph":
            return True
        # A number or letter opens an item when it stands at a line's start after a break, or in a
        # list of its kind; inside a wrapped sentence ("... see section\n2.3 of ...") it does not.
        if current is None or current.kind == "heading" or line.gap_before or line.new_page:
            return True
        if current.kind == "bullet":
            return True
        return current.last.endswith(TERMINAL + (":", ";")) or is_lead_in(current.last)

    def _item_level(self, line: Line, kind: str, label: str, list_indents: list[float],
                    current: RawBlock | None = None) -> int:
        """1 for an item, 2 for a sub-item. The marker decides first: an item marked like the list's first
        items is at their level, one marked otherwise ("o" under "\u2022", "a." under "1.") is below them;
        with the same marker, a clearly deeper indent (``indent_step``) makes a sub-item. Two cues come
        before: the next of a sequence typed at the first level ("ii." after "i.") is at that level, and an
        item marked otherwise right after an item ending in a colon is one of the items it leads in to."""
        key = marker_key(kind, label)
        leads_in = current is not None and current.kind == "bullet" and current.last.rstrip().endswith(":") \
            and current.extra.get("key") not in (None, key)
        if key in self._top_labels and next_label(self._top_labels[key], label):
            level = 1
        elif leads_in or key == self._sub_marker:
            level = 2
            self._sub_marker = key
        elif self._list_marker is None:
            level = 1
        elif key != self._list_marker:
            level = 2 if key in SUB_GLYPHS or key in ("letter", "roman") or not list_indents or \
                line.indent > min(list_indents) + self.indent_step / 4 else 1
        else:
            level = 2 if list_indents and line.indent > min(list_indents) + self.indent_step else 1
        if level == 1:
            self._list_marker = key
            self._sub_marker = None
            if key in ("letter", "roman", "number"):
                self._top_labels[key] = label
        if not list_indents or line.indent < min(list_indents):
            list_indents[:] = [line.indent]
        elif line.indent not in list_indents:
            list_indents.append(line.indent)
        return level

    def _continues_heading(self, heading: RawBlock, line: Line) -> bool:
        """A heading wrapped onto a second line: same size and weight, no gap, the first line unfinished."""
        first = heading.line
        return (not line.gap_before and not line.new_page and not line.hard_break and not line.heading
                and not _ADDRESS.search(line.text)  # an email or web address is content, as for a heading
                and (first.size >= HEADING_SIZE_RATIO or heading_runs_on(heading.last, line.text))
                and abs(line.size - first.size) < 0.05
                and abs(line.bold - first.bold) < 0.2 and not heading.last.endswith(TERMINAL + (":",))
                and len(heading.pieces) < 3 and len(heading.text.split()) + len(line.text.split()) <= 24)

    def _continues(self, current: RawBlock, line: Line) -> bool:
        """Does this line continue the open block, or start a new paragraph?"""
        text = line.text
        previous = current.last
        if line.hard_break or line.heading or line.marker or current.kind == "row":
            return False
        if not line.gap_before and not line.new_page:
            if current.kind == "bullet" and line.indent < current.indent - 2:
                # Back left of the item's marker, at the list's margin: a new paragraph (a list's closing
                # words, the next lead-in), unless the item's sentence plainly runs on.
                return previous.endswith((",", "-")) or text[:1].islower()
            return True  # consecutive lines are a wrapped paragraph or item
        first = text[0]
        if first.islower() or first in ",;)]-\u2013":
            return True
        last_word = previous.rsplit(None, 1)[-1].lower() if previous.strip() else ""
        if previous.endswith(("-", ",")) or last_word in CONTINUING_WORDS:
            return True
        if current.kind == "bullet":
            # An item runs on across a page break, or a text export's stray blank line, until its
            # sentence ends. (In a PDF, a vertical gap on the same page does end it.) A capitalised line
            # ending in a colon opens the next list ("DO NOT:" at the top of a page after the last "DO:"
            # item): run on, it would put the prohibitions under the permissions.
            opens_list = first.isupper() and text.rstrip().endswith(":")
            return (not previous.endswith(TERMINAL + (":", ";")) and (line.new_page or line.page_index is None)
                    and not opens_list)
        return False

    def _append(self, block: RawBlock, line: Line) -> None:
        block.pieces[-1], piece = join_line(block.pieces[-1], line.text, self.known)
        block.pieces.append(piece)
        if block.kind == "bullet" and block.text_indent is None:
            block.text_indent = line.indent
        block.last = line.text


def blocks_from_lines(lines: Iterable[Line], styled: bool = False, indent_step: float = 2.0,
                      plain_subheadings: bool = False) -> list[RawBlock]:
    """The shared line-to-block reader. ``indent_step``: how much deeper a sub-item sits (about 15 in a
    PDF's points, where Word indents a sub-list by 18 or more; 2 in a text file's spaces).
    ``plain_subheadings``: in a styled document, a short plain line that names what the sentence under it
    speaks of is a heading (Word and PDF; Markdown marks its headings)."""
    # A block without a letter or digit ("!", a drawn icon; "***") holds no words to quote or to head a section.
    return [b for b in Reader(run_in_items(lines), styled, indent_step, plain_subheadings).blocks()
            if any(ch.isalnum() for ch in b.text)]
