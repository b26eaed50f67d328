"""Bounds on the work one policy document can cost ingest, each with a one-line reason when a file is over it.

Where the time went before these bounds (measured on this machine kind, 2 cores):
- A Word document is parsed by python-docx, which looks up the style of every paragraph that has no
  style of its own by scanning all of the document's styles: about 1 ms a paragraph (96% of the
  load), so 16,000 plain paragraphs took 15 s, and a few KB of zip can hold that many.
- Every paragraph becomes a clause, and embedding a clause costs about 5 ms on two cores: 10,000
  clauses are close to a minute.
- Headings with the same initials ("Section 1", "Section 2", ...) are numbered by trying "S", "S2",
  "S3", ... in turn (``ingest.clauses``): quadratic, 3.8 s for 16,000 headings and growing fourfold
  with every doubling.
So a Word document is checked before it is parsed (its unpacked size and its paragraphs, counted in
the raw XML), a PDF before its pages are read, and every document's blocks and clauses after
parsing, before the costly steps. The limits are far above any real policy (the shipped one is 5
pages, 67 clauses; a 50-page document of the synthetic benchmark corpus has about 1,200 clauses).

What this module does not do: parse documents (``ingest.load``, ``ingest.clauses``); the policy
folder (``ingest.folder``) calls it for every file, and the app's upload check goes through there.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Sized

from ingest.load import Document, LoadError

MB = 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 100 * MB  # every part of a .docx as unpacked: python-docx holds them all in memory
MAX_DOCX_XML_BYTES = 10 * MB  # word/document.xml, the text itself
MAX_DOCX_PARAGRAPHS = 10_000  # <w:p> elements, empty ones included: python-docx spends about 1 ms on each
MAX_PDF_PAGES = 500  # layout extraction takes about 50 ms a page
MAX_BLOCKS = 10_000  # headings, paragraphs and bullets after parsing, any format
MAX_CLAUSES_PER_DOCUMENT = 5_000  # about 200 pages of policy; each clause is embedded and indexed

_PARAGRAPH = re.compile(rb"<w:p[\s>/]")


def _over(name: str, what: str, limit: str, advice: str = "split it into smaller documents") -> LoadError:
    return LoadError(f"{name}: {what}, more than the limit of {limit} for one document; {advice}")


def check_file(path: Path) -> None:
    """Before parsing: a Word document's unpacked size and paragraph count, a PDF's page count.
    Raises LoadError with one line; a file these checks cannot open is left to the loader's own message."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        _check_docx(path)
    elif suffix == ".pdf":
        _check_pdf(path)


def _check_docx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            # Sizes as the archive declares them: zipfile never reads past a declared size.
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > MAX_DOCX_UNPACKED_BYTES:
                raise _over(path.name, f"it unpacks to {unpacked / MB:,.1f} MB", f"{MAX_DOCX_UNPACKED_BYTES // MB} MB",
                            "save a copy without large images, or split it")
            body = next((p for p in parts if p.filename == "word/document.xml"), None)
            if body is None:
                return
            if body.file_size > MAX_DOCX_XML_BYTES:
                raise _over(path.name, f"its text unpacks to {body.file_size / MB:,.1f} MB of XML",
                            f"{MAX_DOCX_XML_BYTES // MB} MB")
            paragraphs = len(_PARAGRAPH.findall(archive.read(body)))
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return  # not a readable zip: load_docx says so in its own words
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise _over(path.name, f"{paragraphs:,} paragraphs", f"{MAX_DOCX_PARAGRAPHS:,}")


def _check_pdf(path: Path) -> None:
    import pypdf  # imported here, as in ingest.load

    try:
        pages = len(pypdf.PdfReader(str(path)).pages)
    except Exception:  # damaged or encrypted: load_pdf says so in its own words
        return
    if pages > MAX_PDF_PAGES:
        raise _over(path.name, f"{pages:,} pages", f"{MAX_PDF_PAGES:,} pages")


def check_document(document: Document) -> None:
    """After loading, before clauses are built: the number of blocks of any format."""
    if len(document.blocks) > MAX_BLOCKS:
        raise _over(document.name, f"{len(document.blocks):,} headings, paragraphs and bullets", f"{MAX_BLOCKS:,}")


def check_clauses(name: str, clauses: Sized) -> None:
    """Before embedding: the clauses one document makes."""
    if len(clauses) > MAX_CLAUSES_PER_DOCUMENT:
        raise _over(name, f"{len(clauses):,} clauses", f"{MAX_CLAUSES_PER_DOCUMENT:,}")
