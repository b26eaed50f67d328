"""A PDF written a word at a time (Google Docs' renderer, Skia) reads as lines, headings and clauses,
not one word per line. pypdf's plain text of such a page has every word on a line of its own."""

from __future__ import annotations

from pathlib import Path

import pypdf

from ingest.clauses import build_clauses
from ingest.load import load_document

LINES = [
    "Online safety",
    "Staff must not accept friend requests from children on social media, or",
    "message them from a personal account.",
    "",
    "Reporting",
    "Staff must report any concern to the Designated Safeguarding Lead on the",
    "same day, in writing, and keep a copy of what they wrote and when.",
]


def word_at_a_time_pdf(lines: list[str], path: Path, spaces: bool = False) -> None:
    """One page; each word its own text object on a flipped page, moved into place by Td, as Skia writes it
    (``spaces``: each space too, which pypdf gives as a blank line between the words)."""
    ops, y = [], 100
    for line in lines:
        x = 72
        for word in line.split():
            ops.append(f"BT /F1 11 Tf 1 0 0 -1 {x} {y} Tm 0 -13 Td ({word}) Tj ET")
            if spaces:
                ops.append(f"BT /F1 11 Tf 1 0 0 -1 {x + 6 * len(word)} {y + 3} Tm 0 -13 Td ( ) Tj ET")
            x += 6 * len(word) + 4
        y += 16 if line else 24
    stream = ("1 0 0 -1 0 792 cm\n" + "\n".join(ops)).encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    write_pdf(objects, path)


def write_pdf(objects: list[bytes], path: Path) -> None:
    """A PDF file of these objects (numbered from 1; the first is the catalogue), with its cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_a_word_at_a_time_pdf_reads_as_headings_and_whole_clauses(tmp_path):
    path = tmp_path / "policy.pdf"
    word_at_a_time_pdf(LINES, path)
    plain = pypdf.PdfReader(str(path)).pages[0].extract_text()
    assert plain.splitlines()[:3] == ["Online", "safety", "Staff"]  # what the parser is given
    clauses = build_clauses(load_document(path))
    assert [(c.section, " ".join(c.text.split())) for c in clauses] == [
        ("Online safety", " ".join(" ".join(LINES[1:3]).split())),
        ("Reporting", " ".join(" ".join(LINES[5:7]).split())),
    ]
