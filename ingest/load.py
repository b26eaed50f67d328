"""Load policy documents (PDF, Word, Markdown, plain text) into a flat sequence of structural blocks.

A block is one heading, paragraph, list item or table row with its words joined back together: lines
wrapped mid-sentence, across blank lines or across page breaks are rejoined; list items keep their
level and, where the policy numbers them, their number. Each format has its reader (``ingest.pdf``,
``ingest.docx``, ``ingest.markdown``, ``ingest.text``); all of them end in the shared line reader
(``ingest.lines``). Pages are kept for PDFs, both the printed page label and the 1-based physical page.
Page furniture a PDF repeats on every page (running headers and footers, page numbers) and contents
pages are left out, and listed on the ``Document``; so are the footnote lines moved out of a sentence
they interrupt at a page's foot (``ingest.footnotes``).

What this module does not do: decide clause ids or sections (``ingest.clauses``), correct the
policy's wording (typos stay), or read scanned images (a PDF with no text layer is refused with a
reason; OCR is out of scope).
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ingest.lines import RawBlock, blocks_from_lines
from ingest.text import decode, normalise_space, text_lines

__all__ = ["Block", "Document", "LoadError", "check_file", "find_documents", "load_document", "normalise_space"]

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".md", ".markdown", ".txt")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # far above any real policy; keeps a stray archive out
# How much deeper a sub-item sits than its list: Word indents a sub-list by 18 points or more (a PDF
# keeps that), and ingest.docx gives each list level 18; a few points of wobble are the same level.
PDF_INDENT_STEP = 15.0
DOCX_INDENT_STEP = 15.0
# Markdown counts spaces: an item indented under its parent's text ("- " then "  - ") is a sub-item, as
# CommonMark nests it; a step of 2 read that common two-space nesting as the same level.
MARKDOWN_INDENT_STEP = 1.0


log = logging.getLogger(__name__)
# The PDF libraries warn of each damaged object they repair while reading ("Ignoring wrong pointing
# object 7 0", "Could not get FontBBox from font descriptor"): dozens of lines for one ordinary Word
# export, none of which a user can act on. Their warnings are counted, and one line says so. The
# loggers are the libraries' own, shared by every thread: one PDF is read at a time while they are
# swapped, so no reader restores another's counter in place of the handlers it found.
_PDF_LOGGERS = ("pypdf", "pdfminer", "pdfplumber")
_PDF_LOGGING = threading.Lock()


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def _pdf_warnings_counted(name: str) -> Iterator[None]:
    counter = _Count()
    loggers = [logging.getLogger(n) for n in _PDF_LOGGERS]
    saved = [(lg.propagate, lg.handlers[:]) for lg in loggers]
    for lg in loggers:
        lg.handlers, lg.propagate = [counter], False
    try:
        yield
    finally:
        for lg, (propagate, handlers) in zip(loggers, saved):
            lg.handlers, lg.propagate = handlers, propagate
        if counter.count:
            log.info("%s: the PDF reader repaired %d damaged parts of the file while reading it", name, counter.count)


class LoadError(Exception):
    """A document that cannot be ingested. The message is one line naming the file and what to do."""


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph" | "bullet" | "row"
    text: str  # whitespace-normalised, otherwise verbatim (a row: its cells with their headers)
    level: int = 0  # list items: 1 for an item, 2 for a sub-item; headings: their level
    page: str | None = None  # printed page label (PDF only)
    page_index: int | None = None  # 1-based physical page (PDF only)
    number: str = ""  # the policy's own number or letter ("3", "2.3", "a", "iv"), "" when it has none


@dataclass(frozen=True)
class Document:
    path: Path
    name: str  # file name, as cited
    kind: str  # "pdf" | "docx" | "markdown" | "text"
    blocks: tuple[Block, ...]
    furniture: tuple[str, ...] = ()  # lines left out as page furniture or contents (PDF), for checking
    moved: tuple[str, ...] = ()  # footnote lines moved out of a sentence they interrupted (PDF), for checking


def _blocks(raw: list[RawBlock]) -> tuple[Block, ...]:
    return tuple(
        Block(b.kind, normalise_space(b.text), b.level, b.line.page, b.line.page_index, b.number)
        for b in raw if normalise_space(b.text)
    )


def load_text(path: Path) -> Document:
    raw = decode(path.read_bytes())
    if path.suffix.lower() in (".md", ".markdown"):
        from ingest.markdown import markdown_lines

        lines = markdown_lines(raw)
        # Markdown states its headings; one with none ("Extra Rules" on a line of its own) is read like text.
        styled = any(line.heading or line.bold for line in lines)
        return Document(path, path.name, "markdown", _blocks(blocks_from_lines(lines, styled=styled,
                                                                             indent_step=MARKDOWN_INDENT_STEP)))
    return Document(path, path.name, "text", _blocks(blocks_from_lines(text_lines(raw))))


def load_pdf(path: Path) -> Document:
    with _PDF_LOGGING, _pdf_warnings_counted(path.name):
        return _read_pdf(path)


def _read_pdf(path: Path) -> Document:
    import pypdf  # imported here so that listing or loading other formats stays quick

    from ingest.footnotes import move_footnotes
    from ingest.pdf import pdf_lines

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                # Many "protected" policies only restrict editing and open with an empty password.
                if not reader.decrypt(""):
                    raise LoadError(f"{path.name}: the PDF is password-protected; save an unprotected copy and ingest again")
            except LoadError:
                raise
            except Exception:
                raise LoadError(f"{path.name}: the PDF is encrypted; save an unprotected copy and ingest again") from None
        try:
            labels = list(reader.page_labels)
        except Exception:
            labels = [str(i + 1) for i in range(len(reader.pages))]
        lines, furniture, styled = pdf_lines(path, reader, labels)
        lines, moved = move_footnotes(lines)
    except LoadError:
        raise
    except Exception as exc:  # a damaged PDF raises many kinds (LimitReachedError, NotImplementedError for an unknown filter, ...)
        raise LoadError(f"{path.name}: not a readable PDF ({type(exc).__name__}); re-export it from the original and ingest again") from None
    if not lines:
        raise LoadError(f"{path.name}: the PDF has no text layer (a scan?); export it from the original document or run it through OCR first")
    blocks = _blocks(blocks_from_lines(lines, styled, PDF_INDENT_STEP, plain_subheadings=True))
    return Document(path, path.name, "pdf", blocks, tuple(furniture), tuple(moved))


def load_docx(path: Path) -> Document:
    import docx  # python-docx; imported here for the same reason as pypdf

    from ingest.docx import docx_lines

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # a damaged .docx raises many kinds (zlib.error, OSError, NotImplementedError, ...)
        raise LoadError(f"{path.name}: not a readable Word document ({type(exc).__name__}); open and re-save it as .docx") from None
    lines, styled = docx_lines(document)
    blocks = _blocks(blocks_from_lines(lines, styled, DOCX_INDENT_STEP, plain_subheadings=True))
    if not blocks:
        raise LoadError(f"{path.name}: the Word document has no text; check it is the right file")
    return Document(path, path.name, "docx", blocks)


def check_file(path: Path, name: str | None = None) -> None:
    """The rules every policy file meets before it is parsed: a supported type, not empty, within the
    size limit. Raises LoadError naming the file (``name``, when it is saved under another name)."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"{name}: unsupported file type {suffix or '(none)'}; save it as PDF, DOCX, Markdown or TXT")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"{name}: cannot be read ({exc.strerror}); check the file's permissions") from None
    if size == 0:
        raise LoadError(f"{name}: the file is empty; replace it with the policy document")
    if size > MAX_DOCUMENT_BYTES:
        raise LoadError(f"{name}: {size / (1024 * 1024):.1f} MB is larger than the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit; split the document")


def load_document(path: Path) -> Document:
    """Load one file, or raise LoadError with a one-line reason naming the file."""
    path = Path(path)
    check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        document = load_pdf(path)
    elif suffix == ".docx":
        document = load_docx(path)
    else:
        document = load_text(path)
    if not document.blocks:
        raise LoadError(f"{path.name}: no text found; check it is the right file")
    return document


def find_documents(folder: Path) -> list[Path]:
    """Every file in the folder (not hidden), sorted so that ids and order never depend on the disk."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))
