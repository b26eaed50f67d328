"""A ruled table in a PDF reads as rows, each cell with its column's header, as Word and Markdown tables
do: not as its cells one after another, a glossary's terms apart from their meanings."""

from __future__ import annotations

from pathlib import Path

from ingest.clauses import build_clauses
from ingest.load import load_document
from test_pdf_layout import positioned_pdf


def ruled(xs: list[float], ys: list[float]) -> str:
    """A grid's ruling lines: a vertical line at each x and a horizontal one at each y."""
    top, bottom, left, right = max(ys), min(ys), min(xs), max(xs)
    return "0.5 w " + " ".join([f"{x} {bottom} m {x} {top} l S" for x in xs] + [f"{left} {y} m {right} {y} l S" for y in ys])


def table_clauses(tmp_path: Path, lines: list[tuple], drawn: str):
    path = tmp_path / "policy.pdf"
    positioned_pdf([lines], path, [drawn])
    return [(c.kind, " ".join(c.text.split())) for c in build_clauses(load_document(path))]


def test_a_glossary_table_reads_as_each_term_with_its_meaning(tmp_path):
    lines = [(72, 720, "Glossary", 14, True),
             # pypdf joins a term and its meaning's first line (the same height) into one line of text
             (78, 680, "Neglect"), (200, 680, "The persistent failure to meet a basic"),
             (200, 666, "needs, likely to harm their health."),
             (78, 640, "Sexting"), (200, 640, "Sharing sexual images or messages of oneself."),
             (72, 590, "Staff must report any concern to the Designated Safeguarding Lead.")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 194, 540], [696, 654, 626]))
    assert clauses == [
        ("row", "Neglect | The persistent failure to meet a basic needs, likely to harm their health."),
        ("row", "Sexting | Sharing sexual images or messages of oneself."),
        ("paragraph", "Staff must report any concern to the Designated Safeguarding Lead."),
    ]


def test_a_table_with_a_header_row_quotes_each_cell_under_its_header(tmp_path):
    lines = [(72, 720, "Key contacts", 14, True),
             (78, 690, "Role"), (220, 690, "Name"), (380, 690, "Phone"),
             (78, 670, "Designated Safeguarding Lead"), (220, 670, "Sam Patel"), (380, 670, "01234 567890"),
             (78, 650, "Deputy Lead"), (220, 650, "Jo Reyes"), (380, 650, "01234 567891")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 214, 374, 540], [704, 684, 664, 644]))
    assert clauses == [
        ("row", "Role: Designated Safeguarding Lead | Name: Sam Patel | Phone: 01234 567890"),
        ("row", "Role: Deputy Lead | Name: Jo Reyes | Phone: 01234 567891"),
    ]


def test_a_header_row_over_a_single_row_still_heads_it(tmp_path):
    lines = [(72, 720, "Governing body contacts", 14, True),
             (78, 690, "Name"), (220, 690, "Address"), (380, 690, "Number"),
             (78, 670, "Lead Safeguarding Officer"), (220, 670, "1 Stuart Street, Manchester"), (380, 670, "Tel: 0161 2742000")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 214, 374, 540], [704, 684, 664]))
    assert clauses == [("row", "Name: Lead Safeguarding Officer | Address: 1 Stuart Street, Manchester | Number: Tel: 0161 2742000")]


def test_a_two_row_table_of_like_entries_keeps_both_as_rows(tmp_path):
    lines = [(72, 720, "Leaders", 14, True),
             (78, 690, "Sam Patel"), (220, 690, "Lead"), (380, 690, "Mondays"),
             (78, 670, "Jo Reyes"), (220, 670, "Deputy"), (380, 670, "Fridays")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 214, 374, 540], [704, 684, 664]))
    assert [text for _, text in clauses] == ["Sam Patel | Lead | Mondays", "Jo Reyes | Deputy | Fridays"]


def test_a_key_value_table_keeps_its_first_row_as_a_row(tmp_path):
    lines = [(72, 720, "Document control", 14, True),
             (78, 690, "Owner"), (220, 690, "Trustees"),
             (78, 670, "Approved"), (220, 670, "March 2024"),
             (78, 650, "Review"), (220, 650, "Every year")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 214, 540], [704, 684, 664, 644]))
    assert [text for _, text in clauses] == ["Owner | Trustees", "Approved | March 2024", "Review | Every year"]


def test_a_frame_drawn_around_the_page_is_not_a_table(tmp_path):
    # Some design tools draw each page as a frame: a band for the title over a box for the rest.
    lines = [(72, 720, "Photography", 14, True), (330, 720, "Riverside Youth Club", 14, True),
             (72, 660, "Photos of children are taken only with written consent from a parent."),
             (72, 400, "Images are stored on devices the club owns, never on personal phones.")]
    clauses = table_clauses(tmp_path, lines, ruled([36, 300, 576], [756, 700, 36]))
    assert [kind for kind, _ in clauses] == ["paragraph"]
    assert clauses[0][1].startswith("Photos of children are taken only with written consent from a parent.")


def test_a_cell_cut_into_lines_by_a_box_behind_each_line_reads_whole(tmp_path):
    # A template's sanctions table draws a shaded box behind each line of its first column: pdfplumber
    # takes the boxes' edges for rules, a cell per line, while the other columns' cells span them all.
    # The row was quoted as "Careless data in an insecure manner", words lost from its first line.
    lines = [(72, 720, "Staff actions", 14, True),
             (78, 690, "Incident"), (306, 690, "Warning"), (406, 690, "Suspension"),
             (78, 671, "Careless use of personal data eg holding or transferring"), (306, 671, "x"),
             (78, 658, "data in an insecure manner"),
             (78, 630, "Breaching copyright or licensing regulations"), (406, 630, "x")]
    boxes = "0.5 w 72 667 228 13 re S 72 654 228 13 re S"
    clauses = table_clauses(tmp_path, lines, ruled([72, 300, 400, 540], [704, 684, 650, 616]) + " " + boxes)
    assert clauses == [
        ("row", "Incident: Careless use of personal data eg holding or transferring data in an insecure manner"
                " | Warning: x"),
        ("row", "Incident: Breaching copyright or licensing regulations | Suspension: x"),
    ]


def test_a_row_header_spanning_rows_keeps_the_rows_apart(tmp_path):
    lines = [(72, 720, "Session times", 14, True),
             (78, 690, "Day"), (206, 690, "Time"), (346, 690, "Session"),
             (78, 671, "Monday"), (206, 671, "9am"), (346, 671, "Junior swim"),
             (206, 651, "10am"), (346, 651, "Senior swim")]
    # The day's cell spans both time rows: the rule between them starts at its right edge.
    drawn = ("0.5 w 72 644 m 72 704 l S 200 644 m 200 704 l S 340 644 m 340 704 l S 540 644 m 540 704 l S "
             "72 704 m 540 704 l S 72 684 m 540 684 l S 200 664 m 540 664 l S 72 644 m 540 644 l S")
    clauses = table_clauses(tmp_path, lines, drawn)
    assert clauses == [
        ("row", "Day: Monday | Time: 9am | Session: Junior swim"),
        ("row", "Time: 10am | Session: Senior swim"),
    ]


def test_a_grid_of_marks_quotes_each_mark_under_what_its_column_means(tmp_path):
    # A sanctions table: long column names over columns of "x". Its rows were quoted "... | x | X", marks
    # with nothing to say what they mean, because such a first row looked like no header.
    lines = [(72, 720, "Sanctions", 14, True),
             (78, 690, "Incidents:"), (256, 690, "Refer to the Headteacher"), (356, 690, "Refer to Police"),
             (456, 690, "Warning"),
             (78, 670, "Sharing passwords"), (256, 670, "x"), (456, 670, "X"),
             (78, 650, "Accessing illegal material"), (356, 650, "X")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 250, 350, 450, 540], [704, 684, 664, 644]))
    assert clauses == [
        ("row", "Incidents: Sharing passwords | Refer to the Headteacher: x | Warning: X"),
        ("row", "Incidents: Accessing illegal material | Refer to Police: X"),
    ]


def test_a_header_wrapped_over_two_ruled_lines_is_one_header_set_just_right_of_its_rules(tmp_path):
    # A table that rules each line of text: its header "Enhanced DBS / check" came out as two rows, and
    # text set a point right of a column's rule went into the column before ("Enhanced DBS Regulated
    # activity"), so the quoted header was in no order the document has.
    lines = [(72, 720, "Checks", 14, True),
             (72.5, 692, "Enhanced DBS"), (180.6, 692, "Regulated activity"), (300.6, 692, "Regulated activity"),
             (72.5, 676, "check"), (180.6, 676, "with children"), (300.6, 676, "with adults at risk"),
             (78, 650, "Coach"), (186, 650, "Yes"), (306, 650, "No"),
             (78, 630, "Driver"), (186, 630, "No"), (306, 630, "Yes")]
    clauses = table_clauses(tmp_path, lines, ruled([72, 180, 300, 420], [704, 688, 672, 640, 620]))
    assert clauses == [
        ("row", "Enhanced DBS check: Coach | Regulated activity with children: Yes | Regulated activity with adults at risk: No"),
        ("row", "Enhanced DBS check: Driver | Regulated activity with children: No | Regulated activity with adults at risk: Yes"),
    ]


def test_a_cell_whose_text_starts_on_a_rule_keeps_its_words_in_order(tmp_path):
    # A risk table drawn with a narrow strip before each column: its text starts exactly on the strip's
    # rule, and the first words of each line went into the strip's cell, the rest into the column's,
    # quoting "No guidance for away trips | travelling and", words the document does not have in that order.
    lines = [(72, 720, "Risks", 14, True),
             (72, 690, "No guidance for "), (140, 690, "travelling and"), (210, 690, "High"),
             (72, 676, "away trips"),
             (72, 650, "No named officer"), (210, 650, "Medium")]
    clauses = table_clauses(tmp_path, lines, ruled([66, 72, 204, 210, 400], [704, 664, 640]))
    assert clauses == [("row", "No guidance for travelling and away trips | High"),
                       ("row", "No named officer | Medium")]
