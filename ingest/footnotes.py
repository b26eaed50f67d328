"""Footnotes that interrupt a sentence at the foot of a PDF page, moved to where the sentence ends.

Word sets a page's footnotes below its last line of text. When a sentence runs on to the next page,
the footnotes sit inside it ("... sex, or sexual" / "1 Children and Young people are those aged under
18 years." / next page: "orientation have the right ..."), and the reader would glue the rest of the
sentence to the footnote. ``move_footnotes`` takes such a block (small type, the first line opening
with its number) out of the sentence and puts it, as paragraphs of its own, after the paragraph it
interrupted. The lines it moves are reported, so the verbatim check can read the page the same way.

What this module does not do: find footnotes that interrupt nothing (those stay where they are, as
their own paragraphs) or link a footnote to its mark in the text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.lines import Line
from ingest.wording import TERMINAL

# A footnote is set in type this much smaller than the body, or smaller.
FOOTNOTE_SIZE = 0.85
_NUMBERED = re.compile(r"^(?:\d{1,2}|[\u00b9\u00b2\u00b3\u2070-\u2079]+)\s*\S")


def move_footnotes(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """The lines with each footnote block that interrupts a sentence moved after that sentence's
    paragraph, and the texts of the lines moved."""
    out: list[Line] = []
    moved: list[str] = []
    waiting: list[Line] = []  # a footnote block, until the paragraph it interrupted ends
    i = 0
    while i < len(lines):
        line = lines[i]
        if waiting and line.gap_before and not line.new_page:
            out.extend(waiting)
            waiting = []
        block = _interrupting_block(lines, i)
        if block:
            moved.extend(footnote.text for footnote in lines[i:i + block])
            waiting = [replace(footnote, gap_before=True, new_page=False, hard_break=True) for footnote in lines[i:i + block]]
            i += block
            continue
        out.append(line)
        i += 1
    out.extend(waiting)
    return out, moved


def _interrupting_block(lines: list[Line], i: int) -> int:
    """How many lines from ``i`` are a footnote block inside an unfinished sentence (0: none)."""
    line, before = lines[i], lines[i - 1] if i > 0 else None
    if before is None or before.size <= FOOTNOTE_SIZE or before.page_index != line.page_index:
        return 0
    if line.size > FOOTNOTE_SIZE or not _NUMBERED.match(line.text) or before.text.rstrip().endswith(TERMINAL + (":",)):
        return 0
    end = i
    while end < len(lines) and lines[end].page_index == line.page_index and lines[end].size <= FOOTNOTE_SIZE:
        end += 1
    after = lines[end] if end < len(lines) else None
    # The block ends the page, and the next page goes on with the sentence in lower case.
    if after is None or not after.new_page or not after.text[:1].islower():
        return 0
    return end - i
