"""PDF to lines: pypdf's plain text, with where each line sits on its page, and the page furniture left out.

pypdf's plain extraction keeps words whole where its layout mode runs them together or splits them,
but loses the page's geometry. A visitor on the same extraction sees every piece of text with its
position, font and size (the pieces add up to exactly the plain text), so each plain line gets its
indent, the vertical gap above it, its font size and how bold it is.

A page written a word at a time (Google Docs' renderer), which pypdf gives one word per line, gets
its lines back from the words' positions (``_rejoin_words``). A list's numbers that a browser's print
draws after their items, left of them, go back in front as the items' markers (``_markers_drawn_after``).

A ruled table (its grid from ``ingest.pdf_tables``) becomes one line per row, each cell with its
column's header when it has a header row, as Word and Markdown tables do (``ingest.pdf_tables``).

Left out, and listed as the document's furniture: a line that repeats at the top or bottom of most
pages (running headers and footers, whatever pypdf's order puts them in), page numbers there, a
letterhead or footer block that reaches further in (the same lines at the same height on most pages,
from the page's edge inwards), and contents pages (entries with dot leaders or page numbers, and
their "Contents" title).

What this module does not do: decide what a line is (``ingest.lines``) or read scanned pages (a PDF
with no text layer is refused; OCR is out of scope).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.lines import BOLD_SHARE, HEADING_SIZE_RATIO, Line
from ingest.wording import CONTENTS_TITLE
from ingest.markers import lone_marker
from ingest.pdf_tables import table_grids, table_rows
from ingest.text import clean

BAND = 0.12  # the top and bottom of a page where running headers and footers sit (share of its height)
MIN_WORD_LINES = 20  # fewer lines than this on a page say nothing about how it was written
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-\u2013\u2014(]?\s*\d{1,4}\s*[-\u2013\u2014)]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$",
                          re.IGNORECASE)
_CONTENTS_ENTRY = re.compile(r"^(?P<title>.{2,}?)(?:\s*(?:\.\s?){3,}|\s*\u2026+|\s{2,}|\t)\s*(?P<page>\d{1,3})\s*$")


@dataclass
class _Raw:
    text: str
    x: float | None
    y: float | None
    size: float | None
    bold: float
    page: int
    # The line's runs of text as drawn: (text, x, y, bold) each, so a line that crosses a table's cells
    # can be cut between them (``ingest.pdf_tables.table_rows``).
    parts: tuple[tuple[str, float, float, bool], ...] = ()
    row: bool = False  # a table row, its cells already joined (``ingest.pdf_tables.table_rows``)


def _page_lines(page, index: int) -> list[_Raw]:
    """The page's plain-text lines, each with the position, size and boldness of its characters."""
    pieces: list[tuple[str, float, float, float, bool]] = []

    def visit(text, cm, tm, font, size):
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        name = ""
        if font is not None:
            try:
                name = str(font.get("/BaseFont", ""))
            except Exception:  # a damaged font dictionary names nothing
                name = ""
        pieces.append((text, x, y, float(size or 0) * scale, bool(_BOLD_FONT.search(name))))

    page.extract_text(visitor_text=visit)
    lines: list[_Raw] = []
    chars: list[tuple[str, int]] = []

    def close() -> None:
        text = "".join(c for c, _ in chars)
        seen = [(c, p) for c, p in chars if not c.isspace()]
        if not seen:
            lines.append(_Raw(text, None, None, None, 0.0, index))
        else:
            first = pieces[seen[0][1]]
            sizes = Counter(round(pieces[p][3], 1) for _, p in seen)
            bold = sum(1 for _, p in seen if pieces[p][4]) / len(seen)
            parts: list[tuple[str, float, float, bool]] = []  # consecutive characters of one piece
            last = None
            for c, p in chars:
                if p == last:
                    parts[-1] = (parts[-1][0] + c, *parts[-1][1:])
                else:
                    parts.append((c, pieces[p][1], pieces[p][2], pieces[p][4]))
                    last = p
            lines.append(_Raw(text, first[1], first[2], sizes.most_common(1)[0][0] or None, bold, index, tuple(parts)))
        chars.clear()

    for n, (text, *_rest) in enumerate(pieces):
        for ch in text:
            if ch == "\n":
                close()
            else:
                chars.append((ch, n))
    close()
    return _attach_markers(_markers_drawn_after(_rejoin_words(lines)))


def _rejoin_words(lines: list[_Raw]) -> list[_Raw]:
    """A page whose plain text has one word per line (Skia, Google Docs' PDF renderer, writes each word
    as its own text object on a flipped page, and pypdf starts a line for each, sometimes with a blank
    line between words): consecutive words at the same height, left to right, are one line again, and
    the blank lines between them go. Pages of ordinary lines are left as they are."""
    worded = [line for line in lines if line.text.strip()]
    if len(worded) < MIN_WORD_LINES or sum(len(line.text.split()) == 1 for line in worded) < 0.6 * len(worded):
        return lines
    out: list[_Raw] = []
    blanks: list[_Raw] = []  # blank lines seen since the last word: kept only where a line really ends
    for line in lines:
        if not line.text.strip():
            blanks.append(line)
            continue
        last = out[-1] if out else None  # a word: blank lines wait in ``blanks`` until a line ends
        if last is not None and _beside(last, line, 0.3 * (last.size or 10.0)):
            width = len(last.text.strip())
            bold = (last.bold * width + line.bold * len(line.text.strip())) / (width + len(line.text.strip()))
            out[-1] = _Raw(f"{last.text.rstrip()} {line.text.strip()}", last.x, last.y, last.size, bold, last.page,
                           last.parts + line.parts)
        else:
            out.extend(blanks)
            out.append(line)
        blanks = []
    out.extend(blanks)
    return out


def _beside(left: _Raw, right: _Raw, tolerance: float) -> bool:
    """Is ``right`` on the same line as ``left`` (heights within ``tolerance`` points), to its right?"""
    return (None not in (left.y, right.y, left.x, right.x)
            and abs(left.y - right.y) <= tolerance and right.x > left.x)


_DRAWN_NUMBER = re.compile(r"^\d{1,3}$")
LOOK_BACK = 8  # lines back to the first line of the item a number drawn after it belongs to


def _markers_drawn_after(lines: list[_Raw]) -> list[_Raw]:
    """A list's numbers drawn after their items (a browser printing an ordered list): the number sits
    left of the item's first line, on its baseline, but comes after the item's text in the page's
    drawing order. pypdf glued it to the end of a one-line item ("... who have DBS checks.19") and
    gave it a line of its own after a longer one, which became a clause of its own ("15"). It is put
    back in front of its item as the item's marker, where a reader sees it."""
    out: list[_Raw] = []
    for line in lines:
        mark = line.text.strip()
        if _DRAWN_NUMBER.match(mark) and line.x is not None:
            k = next((k for k in range(len(out) - 1, max(-1, len(out) - 1 - LOOK_BACK), -1)
                      if out[k].page == line.page and _beside(line, out[k], 0.5 * (out[k].size or 10.0))), None)
            if k is not None:
                out[k] = _numbered(mark, line.parts, out[k], line.x)
                continue
        out.append(_glued_number(line))
    return out


def _glued_number(line: _Raw) -> _Raw:
    """A one-line item with its number glued on at the end, drawn left of where the line starts."""
    visible = [i for i, part in enumerate(line.parts) if part[0].strip()]
    if len(visible) < 2 or line.x is None:
        return line
    j = visible[-1]
    text, x, y, _ = line.parts[j]
    if not (_DRAWN_NUMBER.match(text.strip()) and x < line.x - 1 and abs(y - line.y) <= 0.5 * (line.size or 10.0)):
        return line
    rest = _Raw("".join(part[0] for part in line.parts[:j] + line.parts[j + 1:]), line.x, line.y, line.size,
                line.bold, line.page, line.parts[:j] + line.parts[j + 1:])
    return _numbered(text.strip(), (line.parts[j],), rest, x)


def _numbered(mark: str, parts: tuple, item: _Raw, x: float) -> _Raw:
    # Written as the line reader knows a numbered item ("8. ..."); the dot is the marker's, never quoted.
    # The runs still add up to the line's text, the marker's run first (``ingest.pdf_tables`` reads them).
    marker = tuple((f"{mark}. ", *part[1:]) for part in parts if part[0].strip())[:1]
    return _Raw(f"{mark}. {item.text.strip()}", x, item.y, item.size, item.bold, item.page, marker + item.parts)


def _attach_markers(lines: list[_Raw]) -> list[_Raw]:
    """A list marker drawn as a line of its own (ReportLab draws each bullet apart, a little above its
    item, in a symbol font pypdf reads as U+007F; Google Docs writes "1." and "a." apart from their
    text) is the marker of the line beside it, to its right."""
    out: list[_Raw] = []
    blanks: list[_Raw] = []  # blank lines after a lone marker wait: they go if the marker finds its text
    for line in lines:
        if not line.text.strip() and out and lone_marker(out[-1].text.strip()):
            blanks.append(line)
            continue
        last = out[-1] if out else None
        mark = last.text.strip() if last is not None else ""
        if lone_marker(mark) and line.text.strip() and _beside(last, line, 0.5 * (line.size or 10.0)):
            out[-1] = _Raw(f"{mark} {line.text.strip()}", last.x, line.y, line.size, line.bold, line.page,
                           last.parts + line.parts)
        else:
            out.extend(blanks)
            out.append(line)
        blanks = []
    out.extend(blanks)
    return out


def _run_in(previous: _Raw | None, r: _Raw, lines: list[Line], leading: float | None) -> bool:
    """A short bold label and, beside it on the same line, plain text written apart: a run-in label."""
    return (previous is not None and lines and leading is not None and previous.page == r.page and not previous.row
            and lines[-1].bold >= BOLD_SHARE and r.bold < 0.5 and len(lines[-1].text.split()) <= 4
            and _beside(previous, r, 0.3 * leading))


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _visible(text: str) -> bool:
    """The line shows a character: not only spaces and zero-width characters."""
    return bool(text.strip().strip(_INVISIBLE).strip())


def _key(text: str) -> str:
    """A line as it repeats from page to page: numbers and spacing may change."""
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _furniture(pages: list[list[_Raw]], heights: list[float]) -> set[tuple[int, int]]:
    """(page, line) positions of running headers, footers and page numbers."""
    def in_band(raw: _Raw, height: float) -> bool:
        return raw.y is not None and (raw.y > height * (1 - BAND) or raw.y < height * BAND)

    def placed(raw: _Raw) -> tuple[str, int]:
        return _key(raw.text), round((raw.y or 0.0) / 2)

    counts: Counter[str] = Counter()
    spots: Counter[tuple[str, int]] = Counter()
    for page, height in zip(pages, heights):
        counts.update({_key(r.text) for r in page if r.text.strip() and in_band(r, height)})
        spots.update({placed(r) for r in page if r.text.strip() and r.y is not None})
    most = max(2, math.ceil(0.5 * len(pages)))
    repeated = {k for k, n in counts.items() if len(pages) >= 2 and n >= most}
    # A letterhead or a footer block can reach past the band: the same line at the same height on most
    # pages is furniture too, from the edge of the page inwards, up to the first line that is not.
    fixed = {k for k, n in spots.items() if len(pages) >= 2 and n >= most}
    out = set()
    for p, (page, height) in enumerate(zip(pages, heights)):
        for i, raw in enumerate(page):
            text = " ".join(raw.text.split())
            if text and in_band(raw, height) and (_key(text) in repeated or _PAGE_NUMBER.match(text)):
                out.add((p, i))
        placed_lines = sorted((raw.y, i) for i, raw in enumerate(page) if raw.text.strip() and raw.y is not None)
        for edge in (placed_lines, placed_lines[::-1]):
            for _, i in edge:
                if (p, i) not in out and placed(page[i]) not in fixed:
                    break
                out.add((p, i))
    return out


def pdf_lines(path: Path, reader, labels: list[str]) -> tuple[list[Line], list[str], bool]:
    """The document's body lines, the furniture lines left out, and whether it styles its text
    (sizes or bold fonts: the line reader then trusts them for headings)."""
    pages = [_page_lines(page, index) for index, page in enumerate(reader.pages)]
    heights = []
    for page in reader.pages:
        try:
            heights.append(float(page.mediabox.height))
        except Exception:  # an odd media box: assume A4
            heights.append(842.0)
    dropped = _furniture(pages, heights)
    dropped |= _contents_positions(pages, dropped)
    furniture = [" ".join(pages[p][i].text.split()) for p, i in sorted(dropped)]

    body = [r for p, page in enumerate(pages) for i, r in enumerate(page) if (p, i) not in dropped]
    grids = table_grids(path)
    if grids:
        body = [r if isinstance(r, _Raw) else _Raw(r.text, None, None, None, 0.0, r.page, row=True)
                for r in table_rows(body, grids)]
    sized = Counter()
    for r in body:
        if r.size and r.text.strip():
            sized[r.size] += len(r.text.strip())
    body_size = sized.most_common(1)[0][0] if sized else None
    # Steps between lines with words, over the blank lines between them: Google Docs writes a line of
    # spaces after every line, and a line of its own for a zero-width space, sometimes off the page.
    shown = [r for r in body if _visible(r.text)]
    steps = [a.y - b.y for a, b in zip(shown, shown[1:])
             if a.y is not None and b.y is not None and a.page == b.page and a.size == b.size == body_size and a.y > b.y]
    leading = statistics.median(steps) if steps else None
    # One margin for the whole document: a page with no text at the margin (only indented bullets)
    # must not make its bullets look less indented than the same bullets elsewhere.
    margin = min((r.x for r in shown if r.x is not None), default=0.0)

    lines: list[Line] = []
    previous: _Raw | None = None
    blank = True
    for r in body:
        text = clean(r.text).strip()
        if not text:
            blank = True
            continue
        new_page = previous is None or r.page != previous.page
        label = labels[r.page] if r.page < len(labels) else str(r.page + 1)
        if r.row:
            lines.append(Line(text, 0.0, True, new_page, page=label, page_index=r.page + 1, hard_break=True, row=True))
            previous, blank = r, False
            continue
        if new_page or previous.row:  # nothing after a table runs on from its last row
            gap = True
        elif leading and r.y is not None and previous.y is not None:
            # Lines set larger than the body (a title wrapped onto two lines) are further apart by as much.
            scale = r.size / body_size if r.size and body_size and previous.size == r.size and r.size > body_size else 1.0
            step = (previous.y - r.y) / scale
            # A paragraph gap is well over one line's leading; a line above the previous one (a table's
            # next column, a text box) starts afresh too, but not more of the same line, to its right
            # (a bold "Do Not" and the rest of its sentence written apart).
            gap = (step > 1.35 * leading or step < 0.3 * leading) and not _beside(previous, r, 0.3 * leading)
        else:
            gap = blank
        size = (r.size / body_size) if (r.size and body_size) else 1.0
        indent = (r.x - margin) if r.x is not None else 0.0
        if _run_in(previous, r, lines, leading):  # "Do Not" in bold, then the rest of its line: one line
            last = lines[-1]
            width = len(last.text) + len(text)
            lines[-1] = replace(last, text=f"{last.text} {text}", bold=round((last.bold * len(last.text) + r.bold * len(text)) / width, 2))
        else:
            lines.append(Line(text, round(indent, 1), gap, new_page, round(size, 2), round(r.bold, 2), label, r.page + 1))
        previous, blank = r, False
    styled = sum(1 for line in lines if (line.size >= HEADING_SIZE_RATIO or line.bold >= BOLD_SHARE) and len(line.text.split()) <= 14) >= 3
    return lines, furniture, styled


def _contents_positions(pages: list[list[_Raw]], dropped: set[tuple[int, int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for p, page in enumerate(pages):
        body = [(i, " ".join(r.text.split())) for i, r in enumerate(page) if r.text.strip() and (p, i) not in dropped]
        # An entry too long for its dots, or wrapped onto a second line ("8.3 Procedure for exemption ... -",
        # "participants ..... 5"), sits between entries: up to CONTENTS_GAP such lines belong to the list.
        run: list[int] = []
        gap: list[int] = []
        entries = 0  # the run's lines that are entries, not lines between them
        for n in range(len(body) + 1):
            if n < len(body) and _CONTENTS_ENTRY.match(body[n][1]):
                run.extend(gap)
                run.append(n)
                gap, entries = [], entries + 1
                continue
            if n < len(body) and run and len(gap) < CONTENTS_GAP:
                gap.append(n)
                continue
            if entries >= 3:
                out.update((p, body[k][0]) for k in run)
                if run[0] > 0 and CONTENTS_TITLE.match(body[run[0] - 1][1]):
                    out.add((p, body[run[0] - 1][0]))
            run, gap, entries = [], [], 0
    return out


CONTENTS_GAP = 2
