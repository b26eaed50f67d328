"""Load policy documents (PDF, Word, Markdown, plain text) into a flat sequence of structural blocks.

A block is one heading, paragraph or bullet with its words joined back together: lines wrapped
mid-sentence, across blank lines or across page breaks are rejoined; bullets and sub-bullets keep
their level. Pages are kept for PDFs, both the printed page label and the 1-based physical page.

What this module does not do: decide clause ids or sections (``ingest.clauses``), correct the
policy's wording (typos stay), or read scanned images (a PDF with no text layer is refused with a
reason; OCR is out of scope).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".md", ".markdown", ".txt")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # far above any real policy; keeps a stray archive out


class LoadError(Exception):
    """A document that cannot be ingested. The message is one line naming the file and what to do."""


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph" | "bullet"
    text: str  # whitespace-normalised, otherwise verbatim
    level: int = 0  # bullets: 1 for a bullet, 2 for a sub-bullet; headings: 1 (or its numbering depth)
    page: str | None = None  # printed page label (PDF only)
    page_index: int | None = None  # 1-based physical page (PDF only)


@dataclass(frozen=True)
class Document:
    path: Path
    name: str  # file name, as cited
    kind: str  # "pdf" | "docx" | "markdown" | "text"
    blocks: tuple[Block, ...]


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (including no-break spaces) to one space. Nothing else changes."""
    return " ".join(text.replace("\u00a0", " ").split())


# --- recognising lines -------------------------------------------------------------------------

# Bullet glyphs seen in exported policies: Word's Symbol-font bullet (U+F0B7) as pypdf extracts it,
# real bullets, and the letters and dashes plain-text exports use.
_GLYPHS = "\uf0b7\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2219\u00b7\u2043\u2013"
_SUB_GLYPHS = {"o", "\u25e6", "\u25aa", "\u2043"}  # conventionally second-level
_BULLET = re.compile(
    r"^(?P<marker>[" + _GLYPHS + r"*\-]|o(?=\s)|\d{1,2}[.)]|[a-z][.)]|\((?:[a-z]|[ivx]{1,4}|\d{1,2})\))\s+(?P<rest>\S.*)$"
)
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<rest>.+?)\s*#*\s*$")
_NUMBERED_HEADING = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<rest>\S.*)$")
_MINOR_WORDS = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "including", "into", "of", "on", "or",
    "the", "to", "with", "vs", "via",
}
# A line ending in one of these cannot end a sentence: the next line continues it.
_CONTINUING_WORDS = _MINOR_WORDS | {"our", "we", "will", "be", "is", "are", "that", "which", "who", "any", "all"}
_TERMINAL = (".", "!", "?")


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", text)]
    if not words:
        return False
    significant = [w for w in words if w.lower() not in _MINOR_WORDS]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised / len(significant) >= 0.75 and words[0][0].isupper()


def _heading_candidate(text: str, previous: str | None) -> bool:
    """Is this stand-alone line a heading? Unnumbered headings are short, title-cased, unpunctuated."""
    if len(text) > 90 or len(text.split()) > 12 or text.endswith((".", ",", ";", ":", "!", "?")):
        return False
    if text.isupper() and any(c.isalpha() for c in text) and len(text.split()) <= 8:
        return True
    if not _is_title_case(text):
        return False
    # "...we will refer to the Designated" / "Safeguarding Lead (Sarah Rands)": a proper noun wrapped
    # onto its own line looks like a heading; a line closing a bracket after an unfinished line is not.
    if previous and not previous.endswith(_TERMINAL + (":",)) and text.endswith(")"):
        return False
    return True


@dataclass
class _Line:
    text: str  # stripped
    indent: int
    page: str | None
    page_index: int | None
    blank_before: bool  # a blank line or page break separates it from the previous text line


def _bullet_level(marker: str, indent: int, indents: list[int]) -> int:
    """Level from the marker's kind and its indent relative to bullets seen so far in this list."""
    if marker in _SUB_GLYPHS or re.fullmatch(r"[a-z][.)]|\((?:[a-z]|[ivx]{1,4})\)", marker):
        return 2
    if not indents:
        return 1
    base = indents[0]  # the smallest indent of the list so far
    return 2 if indent >= base + 2 else 1


def blocks_from_lines(lines: Iterable[_Line]) -> list[Block]:
    """The shared line-to-block reader for PDF (layout text) and plain text or Markdown."""
    blocks: list[dict] = []
    bullet_indents: list[int] = []
    previous_text: str | None = None

    def open_block() -> dict | None:
        return blocks[-1] if blocks else None

    for line in lines:
        text = line.text
        current = open_block()

        md = _MD_HEADING.match(text)
        if md:
            blocks.append(dict(kind="heading", text=md["rest"], level=len(md["hashes"]), line=line))
            bullet_indents.clear()
            previous_text = text
            continue

        bullet = _BULLET.match(text)
        if bullet:
            marker = bullet["marker"]
            numbered = _NUMBERED_HEADING.match(text)
            if (
                numbered
                and line.blank_before
                and re.fullmatch(r"\d{1,2}(\.\d{1,2})*\.?", marker.rstrip(")")) is not None
                and _heading_candidate(numbered["rest"], previous_text)
                and marker.endswith(".")
            ):
                # "3. Our Zoom Policy": a numbered section heading, not a numbered bullet.
                blocks.append(dict(kind="heading", text=text, level=1, line=line))
                bullet_indents.clear()
                previous_text = text
                continue
            level = _bullet_level(marker, line.indent, bullet_indents)
            if level == 1 and (not bullet_indents or line.indent < bullet_indents[0]):
                bullet_indents[:] = [line.indent]  # only the smallest matters: min() over every indent was quadratic
            blocks.append(dict(kind="bullet", text=bullet["rest"], level=level, line=line))
            previous_text = text
            continue

        starts_section = current is None or line.blank_before
        if starts_section and _heading_candidate(text, previous_text) and not (
            current is not None
            and current["kind"] != "heading"
            and not line.blank_before
        ):
            blocks.append(dict(kind="heading", text=text, level=1, line=line))
            bullet_indents.clear()
            previous_text = text
            continue

        if current is None or current["kind"] == "heading":
            blocks.append(dict(kind="paragraph", text=text, level=0, line=line))
            bullet_indents.clear()
            previous_text = text
            continue

        if _continues(current, previous_text or "", text, line.blank_before):
            # Kept as pieces and joined once at the end: re-joining the whole text per line was quadratic.
            pieces = current.setdefault("pieces", [current["text"]])
            pieces.append(text if _glues("".join(pieces[-2:])) else " " + text)
        else:
            blocks.append(dict(kind="paragraph", text=text, level=0, line=line))
            bullet_indents.clear()
        previous_text = text

    for b in blocks:
        if "pieces" in b:
            b["text"] = "".join(b["pieces"])
    return [
        Block(
            kind=b["kind"],
            text=normalise_space(b["text"]),
            level=b["level"],
            page=b["line"].page,
            page_index=b["line"].page_index,
        )
        for b in blocks
        if normalise_space(b["text"])
    ]


def _continues(current: dict, previous: str, text: str, blank_before: bool) -> bool:
    """Does this line continue the open block, or start a new paragraph?"""
    if not blank_before:
        return True  # consecutive lines are a wrapped paragraph
    first = text[0]
    if first.islower() or first in ",;)]-–":
        return True
    last_word = previous.rsplit(None, 1)[-1].lower() if previous.strip() else ""
    if previous.endswith(("-", ",")) or last_word in _CONTINUING_WORDS:
        return True
    if current["kind"] == "bullet":
        # A bullet runs on across blank lines (page breaks, export spacing) until its sentence ends.
        return not previous.endswith(_TERMINAL)
    return False


def _glues(left: str) -> bool:
    # "password-" + "protected": a compound split at its hyphen joins without a space.
    return left.endswith("-") and len(left) > 1 and left[-2].isalpha()


# --- per format --------------------------------------------------------------------------------


def _text_lines(raw: str, page: str | None = None, page_index: int | None = None) -> list[_Line]:
    lines: list[_Line] = []
    blank = True
    for raw_line in raw.splitlines():
        expanded = raw_line.replace("\t", "    ")
        stripped = _clean(expanded).strip()
        if not stripped:
            blank = True
            continue
        indent = len(expanded) - len(expanded.lstrip())
        lines.append(_Line(stripped, indent, page, page_index, blank))
        blank = False
    return lines


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _clean(text: str) -> str:
    # Control characters and a byte-order mark carry no words; they would only break matching.
    return unicodedata.normalize("NFC", text.translate(_CONTROL).replace("\ufeff", ""))


def load_text(path: Path) -> Document:
    data = path.read_bytes()
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows exports are the usual non-UTF-8 policy; cp1252 decodes every byte, so words survive.
        raw = data.decode("cp1252", errors="replace")
    kind = "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"
    return Document(path, path.name, kind, tuple(blocks_from_lines(_text_lines(raw))))


def load_pdf(path: Path) -> Document:
    import pypdf  # imported here so that listing or loading other formats stays quick

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
        lines: list[_Line] = []
        for index, page in enumerate(reader.pages):
            # Layout mode keeps what plain mode loses: sub-bullet indents and blank lines between
            # paragraphs (from vertical gaps), which is how the structure survives export to PDF.
            text = page.extract_text(extraction_mode="layout")
            page_lines = _text_lines(text, labels[index] if index < len(labels) else str(index + 1), index + 1)
            if page_lines:
                margin = min(l.indent for l in page_lines)
                for l in page_lines:
                    l.indent -= margin
                page_lines[0].blank_before = True  # a page break is a break, like a blank line
            lines.extend(page_lines)
    except LoadError:
        raise
    except Exception as exc:  # a damaged PDF raises many kinds (LimitReachedError, NotImplementedError for an unknown filter, ...)
        raise LoadError(f"{path.name}: not a readable PDF ({type(exc).__name__}); re-export it from the original and ingest again") from None
    if not lines:
        raise LoadError(f"{path.name}: the PDF has no text layer (a scan?); export it from the original document or run it through OCR first")
    return Document(path, path.name, "pdf", tuple(blocks_from_lines(lines)))


def load_docx(path: Path) -> Document:
    import docx  # python-docx; imported here for the same reason as pypdf

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # a damaged .docx raises many kinds (zlib.error, OSError, NotImplementedError, ...)
        raise LoadError(f"{path.name}: not a readable Word document ({type(exc).__name__}); open and re-save it as .docx") from None
    blocks: list[Block] = []
    for paragraph in document.paragraphs:
        text = normalise_space(_clean(paragraph.text))
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        heading = re.fullmatch(r"Heading (\d)", style)
        if heading:
            blocks.append(Block("heading", text, int(heading.group(1))))
        elif style == "Title":
            continue  # the document's own title names the document, not a section
        elif style.startswith("List") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
            level = 1
            m = re.search(r"(\d)$", style)
            if m:
                level = int(m.group(1))
            elif paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
                ilvl = paragraph._p.pPr.numPr.ilvl
                level = (int(ilvl.val) + 1) if ilvl is not None else 1
            blocks.append(Block("bullet", text, min(level, 2)))
        else:
            blocks.append(Block("paragraph", text, 0))
    if not blocks:
        raise LoadError(f"{path.name}: the Word document has no text; check it is the right file")
    return Document(path, path.name, "docx", tuple(blocks))


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

