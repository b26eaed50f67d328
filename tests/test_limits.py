"""Every document has a bound on the work it costs ingest, and a file over one is skipped with a
one-line reason (the rest of the folder still ingests), quickly: before the costly step, not after.

The files are built here, small on disk: a Word document whose XML holds 12,000 paragraphs, one
whose text unpacks to 11 MB, a 501-page PDF and a text file of 6,000 bullets. Before the bounds,
ingest (with the keyword embedder, so parsing and Chroma only) indexed every one of them: 32 s for
the Word file, 14 s for the 11 MB one, 49 s for the PDF, 9 s for the text file.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pytest

from assistant import library as L
from ingest import limits
from ingest.folder import collect_clauses
from ingest.index import ingest

from conftest import POLICY_DOCX, POLICY_PDF


def _docx_with_body(path: Path, body: bytes) -> None:
    """The shipped Word copy of the policy with its document.xml body replaced."""
    with zipfile.ZipFile(POLICY_DOCX) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "word/document.xml":
                head, _, rest = data.partition(b"<w:body>")
                tail = rest[rest.index(b"<w:sectPr"):]
                data = head + b"<w:body>" + body + tail
            target.writestr(part.filename, data)


def _paragraphs(n: int) -> bytes:
    return b"".join(b"<w:p><w:r><w:t>Staff must not do thing %d.</w:t></w:r></w:p>" % i for i in range(n))


def many_paragraphs(path: Path) -> None:
    _docx_with_body(path, _paragraphs(limits.MAX_DOCX_PARAGRAPHS + 2000))


def huge_xml(path: Path) -> None:
    """Fewer paragraphs than the bound, but 11 MB of text (lxml itself refuses one text node over 10 MB)."""
    paragraph = b"<w:p><w:r><w:t>" + b"Staff must always follow the rules. " * 80 + b"</w:t></w:r></w:p>"
    _docx_with_body(path, paragraph * (limits.MAX_DOCX_XML_BYTES // len(paragraph) + 300))


def many_pages(path: Path) -> None:
    """The policy's five pages over and over: 501 pages of real text."""
    import pypdf

    reader = pypdf.PdfReader(str(POLICY_PDF))
    writer = pypdf.PdfWriter()
    while len(writer.pages) <= limits.MAX_PDF_PAGES:
        writer.add_page(reader.pages[len(writer.pages) % len(reader.pages)])
    writer.write(str(path))


def many_clauses(path: Path) -> None:
    lines = ["# Rules", ""] + [f"- Rule number {i} applies to every session." for i in range(limits.MAX_CLAUSES_PER_DOCUMENT + 1000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


OVER = {  # file -> (how it is made, words its reason must contain)
    "many-paragraphs.docx": (many_paragraphs, "paragraphs"),
    "huge-text.docx": (huge_xml, "MB of XML"),
    "many-pages.pdf": (many_pages, "pages"),
    "many-clauses.md": (many_clauses, "clauses"),
}


def _check_reason(name: str, reason: str, words: str) -> None:
    assert reason.startswith(name) and "\n" not in reason and len(reason) < 300, reason
    assert words in reason and "limit" in reason and "split" in reason, reason


@pytest.mark.parametrize("name", sorted(OVER))
def test_a_document_over_a_bound_is_skipped_quickly_with_a_one_line_reason(settings, fake_embedder, name):
    make, words = OVER[name]
    make(settings.policy_dir / name)
    assert (settings.policy_dir / name).stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    seconds = time.perf_counter() - started
    reasons = dict(report.skipped)
    assert set(reasons) == {name}
    _check_reason(name, reasons[name], words)
    assert report.documents == (POLICY_PDF.name,) and report.clauses == 67  # the rest still ingests
    assert seconds < 15, seconds  # each took 9-49 s before the bounds (see the module docstring)


def test_the_word_checks_run_before_python_docx_parses_anything(tmp_path, monkeypatch):
    import docx

    def never(*args, **kwargs):
        raise AssertionError("python-docx was asked to parse a document over a bound")

    monkeypatch.setattr(docx, "Document", never)
    for name in ("many-paragraphs.docx", "huge-text.docx"):
        OVER[name][0](tmp_path / name)
    _, skipped, _ = collect_clauses(tmp_path)
    assert {n for n, _ in skipped} == {"many-paragraphs.docx", "huge-text.docx"}


def test_a_word_document_that_unpacks_too_far_is_refused_from_its_declared_sizes(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCX_UNPACKED_BYTES", 100_000)  # the shipped copy unpacks to about 850 KB
    shutil.copy(POLICY_DOCX, tmp_path / "policy.docx")
    _, skipped, _ = collect_clauses(tmp_path)
    (name, reason), = skipped
    assert name == "policy.docx" and "unpacks to 0.8 MB" in reason and "limit" in reason


def test_documents_within_the_bounds_are_untouched(tmp_path):
    shutil.copy(POLICY_PDF, tmp_path / POLICY_PDF.name)
    (tmp_path / "rules.md").write_text("# Rules\n\n" + "".join(f"- Rule {i}.\n" for i in range(3000)), encoding="utf-8")
    clauses, skipped, documents = collect_clauses(tmp_path)
    assert skipped == [] and len(clauses) == 67 + 3000


@pytest.mark.parametrize("name", ["many-paragraphs.docx", "many-clauses.md"])
def test_an_upload_over_a_bound_is_refused_with_its_reason(tmp_path, name):
    make, words = OVER[name]
    make(tmp_path / name)
    with pytest.raises(L.UploadRejected) as refused:
        L.validate_upload(tmp_path / name)
    _check_reason(name, str(refused.value), words)


def test_a_parser_failure_skips_that_file_with_a_reason_and_never_ends_the_ingest(settings, fake_embedder):
    """More than 702 options under one clause overflowed the option letters (zz) with an IndexError."""
    lines = ["# Rules", "", "- We will either:"] + [f"    - option {i}" for i in range(800)]
    (settings.policy_dir / "options.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    reasons = dict(report.skipped)
    if "options.md" in reasons:  # until the parser numbers options past zz
        assert reasons["options.md"].startswith("options.md: could not be parsed") and "\n" not in reasons["options.md"]
    assert POLICY_PDF.name in report.documents


def test_the_bounds_are_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for value in (limits.MAX_DOCX_PARAGRAPHS, limits.MAX_PDF_PAGES, limits.MAX_CLAUSES_PER_DOCUMENT, limits.MAX_BLOCKS):
        assert f"{value:,}" in readme
    assert f"{limits.MAX_DOCX_XML_BYTES // limits.MB} MB" in readme
