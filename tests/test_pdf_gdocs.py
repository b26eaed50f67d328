"""Google Docs' PDF layout, rebuilt as tiny documents: each line its own text object on a flipped page,
with the space that ends it written apart (pypdf reads a blank line after every line), list numbers
and letters written apart from their items, and a bold "Do Not" apart from the rest of its line."""

from __future__ import annotations

from pathlib import Path

from ingest.clauses import build_clauses
from ingest.load import load_document
from test_pdf_words import write_pdf


def gdocs_pdf(lines: list[tuple], path: Path) -> None:
    """One page of (x, y, text) or (x, y, text, size, bold) lines, each followed by its own space."""
    ops = []
    for x, y, text, *style in lines:
        size, bold = (list(style) + [11, False])[:2]
        ops.append(f"BT /F{2 if bold else 1} {size} Tf 1 0 0 -1 0 0 Tm {x} {y - 792} Td ({text}) Tj ET")
        ops.append(f"BT /F1 {size} Tf 1 0 0 -1 0 0 Tm {x + 5.5 * len(text)} {y - 792} Td ( ) Tj ET")
    stream = ("1 0 0 -1 0 792 cm\n" + "\n".join(ops)).encode("latin-1")
    write_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>"], path)


def clauses_of(tmp_path: Path, lines: list[tuple]):
    path = tmp_path / "policy.pdf"
    gdocs_pdf(lines, path)
    return build_clauses(load_document(path))


def test_a_space_written_after_every_line_does_not_cut_paragraphs_into_lines(tmp_path):
    # The spacing of the lines with words still tells a paragraph's next line from a new paragraph.
    lines = [(72, 700, "Introduction", 14, True),
             (72, 676, "The global club community is supported by the Coding Club Foundation. The Coding Club"),
             (72, 662, "Foundation consists of a small team of volunteers, founded by the leader of the very first"),
             (72, 648, "Coding Club, whose vision is a world where every child can learn to code in a safe place."),
             (72, 620, "Records", 14, True), (72, 596, "Records are kept locked away for as long as the law asks."),
             (72, 568, "Review", 14, True), (72, 544, "The trustees review this policy every year.")]
    texts = [c.text for c in clauses_of(tmp_path, lines)]
    assert ("The global club community is supported by the Coding Club Foundation. The Coding Club Foundation "
            "consists of a small team of volunteers, founded by the leader of the very first Coding Club, whose "
            "vision is a world where every child can learn to code in a safe place.") in texts
    assert "Records are kept locked away for as long as the law asks." in texts


def test_a_number_or_letter_written_apart_from_its_item_is_its_marker(tmp_path):
    lines = [(72, 700, "Volunteers", 14, True), (72, 676, "Every volunteer of the club:"),
             (90, 662, "a."), (108, 662, "Receives a copy of this policy"),
             (90, 648, "b."), (108, 648, "Attends safeguarding training every year"),
             (72, 620, "Each coach must also:"), (90, 606, "1."), (108, 606, "Hold a current coaching licence.")]
    clauses = {c.text: c for c in clauses_of(tmp_path, lines)}
    assert clauses["Attends safeguarding training every year"].context == "Every volunteer of the club:"
    assert clauses["Hold a current coaching licence."].context == "Each coach must also:"


def test_a_bold_do_not_and_the_rest_of_its_line_are_one_item(tmp_path):
    # A prohibition quoted without its "Do Not" reads as an instruction to do it.
    lines = [(72, 700, "Code of behaviour", 14, True), (72, 676, "Everyone who runs a session for the club, paid or"),
             (72, 662, "not, keeps to this code at every session, on every trip and"), (72, 648, "in every message they"),
             (72, 634, "send to a child or a parent."), (72, 602, "Do Not", 11, True),
             (112, 602, "spend time alone with children."), (72, 570, "Do Not", 11, True),
             (112, 570, "take children to your home."), (72, 538, "Do", 11, True),
             (94, 538, "treat every young person with respect.")]
    texts = [c.text for c in clauses_of(tmp_path, lines)]
    assert "Do Not spend time alone with children." in texts
    assert "Do Not take children to your home." in texts
    assert "spend time alone with children." not in texts
