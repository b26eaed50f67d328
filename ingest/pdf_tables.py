"""Where a PDF's ruled tables are: the grid of each table's cells, page by page, from pdfplumber.

pypdf, which reads the text (``ingest.pdf``), does not see the lines a table is drawn with. Without
them a table's cells come out as separate paragraphs in the order the writer drew them: a glossary's
terms apart from their meanings, a contact table's roles apart from the names, a two-column schedule's
second column after the first ("Senior Leadership Team" alone, under nothing). pdfplumber finds the
ruling lines and the cells they make, which is the job it is known for; the text of each cell still
comes from pypdf, so a quoted row is the document's own words.

Only tables of two rows and two columns or more count, within the page, with no row taller than
half of it: a ruled box around a paragraph or a callout, and a frame drawn around the whole page
(some design tools draw every page as one), are not tables, and their text is read as any other.

Each table's lines then become one line per row (``table_rows``): each cell with its column's header
when the table has a header row, as Word and Markdown tables are read (``ingest.docx``,
``ingest.markdown``). The cells' text is still pypdf's: a line that crosses cells (pypdf joins runs
at the same height, a term and its meaning) is cut between its runs.

What this module does not do: read a PDF's text or its lines' positions (``ingest.pdf``).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from ingest.lines import BOLD_SHARE
from ingest.wording import TERMINAL
from ingest.markdown import holds_a_value, table_row_text
from ingest.words import join_line

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x0, y0 (bottom), x1, y1 (top), in the page's own user space


@dataclass(frozen=True)
class Row:
    """A table row as one line: its cells joined ("header: cell | header: cell")."""

    text: str
    page: int  # 0-based


@dataclass(frozen=True)
class Grid:
    """One ruled table: its rows, top to bottom, each a tuple of cell boxes left to right (None where a
    merged cell leaves no box of its own)."""

    rows: tuple[tuple[Box | None, ...], ...]
    # The row and the column of the table as its reader sees them, for each of pdfplumber's (``_merged``).
    row_of: tuple[int, ...]
    column_of: tuple[int, ...]

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the cell holding the point, None outside every cell. A point within a point
        of a rule belongs to the cell it is inside: text set just right of a column's rule is that
        column's, not the one whose box, widened by the tolerance, also reaches it."""
        for slack in (0.0, 1.0):
            for r, row in enumerate(self.rows):
                for c, box in enumerate(row):
                    if box is not None and box[0] - slack <= x <= box[2] + slack and box[1] - slack <= y <= box[3] + slack:
                        return self.row_of[r], self.column_of[c]
        return None


def table_grids(path: Path) -> dict[int, list[Grid]]:
    """Each page's tables (0-based page index), for pages that have any. A PDF pdfplumber cannot read
    has no tables as far as this module knows: its text is still read as lines."""
    try:
        import pdfplumber
    except ImportError:  # an installation without it reads tables as lines, as before
        return {}
    out: dict[int, list[Grid]] = {}
    try:
        with warnings.catch_warnings(), pdfplumber.open(str(path)) as pdf:
            warnings.simplefilter("ignore")
            for index, page in enumerate(pdf.pages):
                if page.rotation:  # a turned page's coordinates do not match pypdf's: read it as lines
                    continue
                grids = [grid for table in page.find_tables()
                         if (grid := _grid(table, float(page.width), float(page.height)))]
                if grids:
                    out[index] = grids
    except Exception as error:  # a damaged file pdfplumber cannot parse: pypdf may still read its text
        log.info("tables not read from %s: %s", path.name, type(error).__name__)
        return {}
    return out


def _grid(table, width: float, height: float) -> Grid | None:
    x0, top, x1, bottom = table.bbox
    if x0 < -5 or top < -5 or x1 > width + 5 or bottom > height + 5:
        return None  # drawn past the page: a frame of the design, not a table on it
    rows = []
    for row in table.rows:
        boxes = [cell for cell in row.cells if cell is not None]
        if boxes and max(cell[3] for cell in boxes) - min(cell[1] for cell in boxes) > 0.5 * height:
            return None
        # pdfplumber measures from the top of the page; pypdf's positions are from the bottom.
        rows.append(tuple(None if cell is None else (cell[0], height - cell[3], cell[2], height - cell[1])
                          for cell in row.cells))
    if len(rows) < 2 or max(sum(cell is not None for cell in row) for row in rows) < 2:
        return None
    return Grid(tuple(rows), *_merged(rows))


# Two of pdfplumber's rows (or columns) are one of the table's when cells spanning both cover this share
# of the table's width (or height). Some tables have a box drawn behind each line of text (a shading, a
# highlight): pdfplumber takes its edges for rules and cuts one cell into a cell per line, with slivers
# beside them, while the table's other cells span them all. A row header spanning a few rows of its
# own (a day over its times) covers far less of the width, and those rows stay apart.
SPANNED_SHARE = 0.4
GLYPH_INSET = 1.0  # points right of and above a run's start that its first glyph covers


def _merged(rows: list[tuple[Box | None, ...]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The table's own row of each of pdfplumber's rows, and its own column of each column."""
    boxes = [(r, c, box) for r, row in enumerate(rows) for c, box in enumerate(row) if box is not None]
    columns = max(len(row) for row in rows)
    tops = [max((box[3] for box in row if box is not None), default=None) for row in rows]
    lefts: list[float | None] = [None] * columns
    for _, c, box in boxes:
        lefts[c] = box[0] if lefts[c] is None else min(lefts[c], box[0])
    width = max(box[2] for _, _, box in boxes) - min(box[0] for _, _, box in boxes)
    height = max(box[3] for _, _, box in boxes) - min(box[1] for _, _, box in boxes)
    # A cell spans the next row when that row's top lies above its bottom, the next column when that
    # column's left edge lies before its right edge.
    row_link = [0.0] * len(rows)
    column_link = [0.0] * columns
    for r, c, box in boxes:
        for k in range(r + 1, len(rows)):
            if tops[k] is None or tops[k] <= box[1] + 1:
                break
            row_link[k] += box[2] - box[0]
        for k in range(c + 1, columns):
            if lefts[k] is None or lefts[k] >= box[2] - 1:
                break
            column_link[k] += box[3] - box[1]
    return (_numbered([link >= SPANNED_SHARE * width for link in row_link]),
            _numbered([link >= SPANNED_SHARE * height for link in column_link]))


def _numbered(joined: list[bool]) -> tuple[int, ...]:
    """0, 1, 1, 2, ...: each item's group, an item joined to the one before keeping its number."""
    out, n = [], -1
    for i, join in enumerate(joined):
        n += 0 if join and i else 1
        out.append(n)
    return tuple(out)


def table_rows(body: list, grids: dict[int, list[Grid]]) -> list:
    """The lines inside a ruled table (``table_grids``) become one line per row, each cell with its
    column's header when the table has a header row, in the place of the table's first line. A line
    that crosses cells (pypdf joins runs at the same height: a term and its meaning) is cut between
    its runs. Lines outside every table are left as they are. ``body``: ``ingest.pdf``'s lines (text,
    page, x, y, bold and runs); a row comes back as a ``Row``."""
    cells: dict[tuple[int, int], dict[tuple[int, int], list[_Run]]] = {}
    out: list = []
    for r in body:
        where = _runs_by_cell(r, grids.get(r.page, ()))
        if not where:
            out.append(r)
            continue
        for table, cell, run in where:
            key = (r.page, table)
            if key not in cells:
                cells[key] = {}
                out.append(key)  # the table's rows go where its first line was
            cells[key].setdefault(cell, []).append(run)
    rows = {key: _row_lines(key[0], found) for key, found in cells.items()}
    return [piece for item in out for piece in (rows[item] if isinstance(item, tuple) else [item])]


@dataclass
class _Run:
    text: str
    x: float
    y: float
    bold: bool


def _runs_by_cell(r, page_grids) -> list[tuple[int, tuple[int, int], _Run]]:
    """(table, (row, column), run) for each run of the line inside a table; [] for a line outside all."""
    if not page_grids or not r.text.strip() or r.x is None:
        return []
    out: list[tuple[int, tuple[int, int], _Run]] = []
    for text, x, y, bold in r.parts or ((r.text, r.x, r.y, r.bold >= BOLD_SHARE),):
        # Where the run's first glyph is, a point right of and above where it starts: a run starting on
        # a rule (a sliver of a column beside it) is in the cell its text is drawn in.
        found = next(((t, cell) for t, grid in enumerate(page_grids)
                      if (cell := grid.cell_of(x + GLYPH_INSET, y + GLYPH_INSET)) is not None), None)
        if found is None and not text.strip():
            continue  # a space pypdf put between two runs
        if found is None:
            if not out:
                return []  # a line that starts outside every table is not the table's
            found = out[-1][:2]  # a run placed outside the cells, right after one inside: the same cell
        if out and out[-1][:2] == found:
            out[-1][2].text += text
            out[-1][2].bold = out[-1][2].bold and bold
        else:
            out.append((*found, _Run(text, x, y, bold)))
    return out


def _row_lines(page: int, found: dict[tuple[int, int], list[_Run]]) -> list[Row]:
    width = 1 + max(column for _, column in found)
    grid_rows: dict[int, list[str]] = {}
    bold_rows: dict[int, bool] = {}
    for (row, column), runs in sorted(found.items()):
        # Some documents have a table's text drawn twice, one copy over the other (an edit left behind):
        # two pieces of a cell cannot start at the same place, so the first copy is read and the other not.
        seen, kept = set(), []
        for run in runs:
            key = (round(run.x), round(run.y))
            if key not in seen:
                seen.add(key)
                kept.append(run)
        cells = grid_rows.setdefault(row, [""] * width)
        cells[column] = _cell_text(run.text for run in kept)
        bold_rows[row] = bold_rows.get(row, True) and all(run.bold for run in kept if run.text.strip())
    ordered, bolds = _continued([grid_rows[row] for row in sorted(grid_rows)], [bold_rows[row] for row in sorted(grid_rows)])
    header = ordered[0] if _is_header(ordered, bolds) else []
    lines = []
    for cells in ordered[1:] if header else ordered:
        text = table_row_text(header, cells) if header else " | ".join(cell for cell in cells if cell)
        if text:
            lines.append(Row(text, page))
    return lines


HEADER_WORDS = 5  # a column header's words at most, on one of its lines


def _continued(rows: list[list[str]], bolds: list[bool]) -> tuple[list[list[str]], list[bool]]:
    """A header wrapped over several rows is one row. Where a table shades or rules each line of
    text, pdfplumber gives each line a row: "Enhanced DBS" above "check" came out as two rows. A row
    carries on the first when each of its cells that has text starts in lower case under a cell of
    the first whose text has not ended its sentence, and the first is short, as headers are. Only the
    first: a row further down that seems to carry on the one above may be a cell's second line set in
    the next column (a phone number's opening hours), and joining it there would quote the cells out
    of the document's order. Rows of spaces go."""
    out_rows: list[list[str]] = []
    out_bolds: list[bool] = []
    for cells, bold in zip(rows, bolds):
        above = out_rows[-1] if out_rows else None
        filled = [c for c, cell in enumerate(cells) if cell]
        if not filled:  # only spaces: no row of the reader's, and not a header over the rows below
            continue
        if len(out_rows) == 1 and all(len(cell.split()) <= HEADER_WORDS for cell in above) and all(
                cells[c][0].islower() and above[c] and not above[c].endswith(TERMINAL + (":", ";")) for c in filled):
            out_rows[-1] = [_cell_text((top, low)) for top, low in zip(above, cells)]
            out_bolds[-1] = out_bolds[-1] and bold
            continue
        out_rows.append(list(cells))
        out_bolds.append(bold)
    return out_rows, out_bolds


def _cell_text(pieces) -> str:
    """A cell's lines as one text, a word split at a line's end joined as the line reader joins it."""
    text = ""
    for piece in pieces:
        piece = " ".join(piece.split())
        if not piece:
            continue
        text = "".join(join_line(text, piece)) if text else piece
    return text


def _is_header(rows: list[list[str]], bolds: list[bool]) -> bool:
    """Is the table's first row its column headers? Set in bold above rows that are not; names over
    columns of marks ("x", "✓"); or, not styled apart, short names over two rows or more: over three
    columns or more, or over a second column whose entries are at least twice as long. (A key-value
    table's first row is a key and its value, no shorter than the rows below it: it stays a row.)"""
    first, body = rows[0], rows[1:]
    named = [cell for cell in first if cell]
    if len(named) < 2 or not body:
        return False
    if bolds[0] and not all(bolds[1:]):
        return True
    # A grid of marks ("x", "X", "(x)", "✓", "Y"): its first row names what each column of marks means,
    # however long those names are (a sanctions table's "Refer to Headteacher", set sideways).
    marks = [cell for row in body for cell in row[1:] if cell]
    if len(named) >= 3 and marks and all(len(cell) <= 3 for cell in marks) and any(len(cell) > 3 for cell in first[1:]):
        return True
    if any(len(cell.split()) > HEADER_WORDS or cell.endswith((".", ":", ";")) or holds_a_value(cell) for cell in named):
        return False
    if len(body) < 2:
        # One row under it: names of a word or two over three columns or more, each far shorter than the
        # entry below it ("Name | Address | Number" over a contact's name, address and number).
        return len(named) >= 3 and all(len(h.split()) <= 2 and 2 * len(h) < len(b) for h, b in zip(first, body[0]) if h)
    if len(named) >= 3:
        return True
    values = sorted(len(row[1]) for row in body if len(row) > 1 and row[1])
    return len(first) == 2 and bool(values) and 2 * len(first[1]) <= values[len(values) // 2]
