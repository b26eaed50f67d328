"""Bad documents never crash ingest: each is skipped with a one-line reason, the rest are indexed, and
when nothing loads the previous index keeps answering. Through ``ingest.index.ingest`` with the keyword
embedder, and the ``ingest`` command's exit status through ``cmd_ingest``.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import pytest

from assistant.retrieve import Retriever
from ingest.clauses import build_clauses
from ingest.index import ingest, open_live_index
from ingest.load import load_document
from ingest.store import NothingToIndexError, open_client, read_pointer

from conftest import POLICY_PDF, POLICY_TXT, KeywordEmbedder


# --- documents -----------------------------------------------------------------------------------


def _encrypted_pdf(path: Path, user_password: str) -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(POLICY_PDF))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    writer.write(str(path))


def _scanned_pdf(path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)  # a page with no text layer, as a scan without OCR has
    writer.write(str(path))


CP1252_TEXT = ("Use of Photos\n\nStaff must not share a child\u2019s photo \u2013 not even on the caf\u00e9 noticeboard "
               "\u2013 without the parents\u2019 written consent; a \u00a35 print is no exception.\n")

BAD_FILES = {
    "empty.txt": lambda p: p.write_bytes(b""),
    "binary.pdf": lambda p: p.write_bytes(random.Random(7).randbytes(20_000)),
    "encrypted.pdf": lambda p: _encrypted_pdf(p, "secret"),
    "scanned.pdf": _scanned_pdf,
    "policy-copy.pdf": lambda p: shutil.copy(POLICY_PDF, p),  # duplicate of online-safety-policy.pdf
    "notes.exe": lambda p: p.write_bytes(b"MZ\x90\x00"),
    "broken.docx": lambda p: p.write_bytes(b"PK\x03\x04 this is not really a zip"),
    "blank.md": lambda p: p.write_text("\n\n   \n\t\n", encoding="utf-8"),
}


def _bad_folder(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    shutil.copy(POLICY_PDF, folder / POLICY_PDF.name)
    for name, make in BAD_FILES.items():
        make(folder / name)
    (folder / "cp1252-photos.txt").write_bytes(CP1252_TEXT.encode("cp1252"))


def _check_reasons(skipped) -> None:
    assert {name for name, _ in skipped} == set(BAD_FILES)
    for name, reason in skipped:
        assert "\n" not in reason and reason.startswith(name) and len(reason) < 300, reason
    reasons = dict(skipped)
    assert "password" in reasons["encrypted.pdf"]
    assert "no text layer" in reasons["scanned.pdf"]
    assert "online-safety-policy.pdf" in reasons["policy-copy.pdf"]
    assert "empty" in reasons["empty.txt"]


def _check_skipped_lines(out: str) -> None:
    """One "Skipped" line per bad file, naming it."""
    skipped = [line for line in out.splitlines() if line.startswith("Skipped")]
    assert len(skipped) == len(BAD_FILES), skipped
    for name in BAD_FILES:
        assert sum(name in line for line in skipped) >= 1, (name, skipped)


def test_bad_documents_are_skipped_with_a_one_line_reason_each_and_the_rest_indexed(settings, fake_embedder):
    _bad_folder(settings.policy_dir)
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    _check_reasons(report.skipped)
    assert set(report.documents) == {"online-safety-policy.pdf", "cp1252-photos.txt"}
    _, live = open_live_index(settings.store)
    texts = [c.text for c in live.clauses if c.document == "cp1252-photos.txt"]
    assert texts == [CP1252_TEXT.split("\n\n")[1].strip()]  # cp1252 decoded: curly quotes, dash, e-acute, pound


def test_a_pdf_protected_only_against_editing_opens_like_the_original(tmp_path):
    path = tmp_path / "owner-only.pdf"
    _encrypted_pdf(path, "")
    original = build_clauses(load_document(POLICY_PDF))
    protected = build_clauses(load_document(path))
    assert [(c.clause_id, c.full_text) for c in protected] == [(c.clause_id, c.full_text) for c in original]


def _ranked(settings, embedder, questions=("will the zoom sessions be recorded?", "can I email a child?", "photos")):
    collection, live = open_live_index(settings.store)
    retriever = Retriever(collection, live.clauses, embedder)
    return [[h.clause.clause_id for h in retriever.search(q).hits] for q in questions]


@pytest.mark.parametrize("leave", ["only-bad-files", "empty-folder"])
def test_when_nothing_loads_the_previous_index_is_kept(settings, fake_embedder, leave):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    pointer, before = read_pointer(open_client(settings.store), settings.store), _ranked(settings, fake_embedder)
    (settings.policy_dir / POLICY_PDF.name).unlink()
    if leave == "only-bad-files":
        for name, make in BAD_FILES.items():
            if name != "policy-copy.pdf":
                make(settings.policy_dir / name)
    with pytest.raises(NothingToIndexError) as raised:
        ingest(settings.policy_dir, settings.store, fake_embedder)
    assert "previous index is unchanged" in str(raised.value) and "\n" not in str(raised.value)
    assert read_pointer(open_client(settings.store), settings.store) == pointer
    assert _ranked(settings, fake_embedder) == before


@pytest.fixture
def keyword_document_embedder(monkeypatch):
    import assistant.embedding

    monkeypatch.setattr(assistant.embedding, "document_embedder", lambda settings, **kw: KeywordEmbedder())


def test_ingest_command_exits_non_zero_and_names_each_skipped_file(settings, keyword_document_embedder, capsys):
    from assistant.cli import cmd_ingest

    assert cmd_ingest(settings, argparse.Namespace()) == 0
    _bad_folder(settings.policy_dir)
    assert cmd_ingest(settings, argparse.Namespace()) == 1
    out, err = capsys.readouterr()
    _check_skipped_lines(out)
    assert "Traceback" not in err
    before = _ranked(settings, KeywordEmbedder())

    for path in settings.policy_dir.iterdir():
        if path.name not in BAD_FILES or path.name == "policy-copy.pdf":
            path.unlink()
    assert cmd_ingest(settings, argparse.Namespace()) == 1  # nothing loadable: error, previous index kept
    out, err = capsys.readouterr()
    assert "error:" in err and "previous index is unchanged" in err and "Traceback" not in err
    assert _ranked(settings, KeywordEmbedder()) == before


def test_a_5mb_document_ingests(settings, fake_embedder):
    words = POLICY_TXT.read_text(encoding="utf-8").split()
    paragraphs, size, n = [], 0, 0
    while size < 5 * 1024 * 1024:  # long paragraphs of about 400 words, wrapped at 12 words a line
        chunk = [words[(n * 400 + i) % len(words)] for i in range(400)]
        text = "\n".join(" ".join(chunk[i:i + 12]) for i in range(0, 400, 12)) + f" (part {n}).\n\n"
        paragraphs.append(text)
        size += len(text.encode())
        n += 1
    (settings.policy_dir / "huge.txt").write_text("".join(paragraphs), encoding="utf-8")
    # How long this takes is the benchmark's business (parsing 3.6 MB takes under a second there).
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert "huge.txt" in report.documents or any(name == "huge.txt" for name, _ in report.skipped)
    if "huge.txt" in report.documents:
        _, live = open_live_index(settings.store)
        assert sum(c.document == "huge.txt" for c in live.clauses) >= 1000


def test_the_index_is_read_back_in_pages(settings, fake_embedder, monkeypatch):
    """A 5 MB policy-shaped document gave 34,000 clauses, and Chroma's SQLite refuses a get of more than
    about 32,000 records in one call ("too many SQL variables"), so the index is read in pages. Adding
    34,000 records takes about a minute, so this reads the real policy in pages of 10 instead."""
    import ingest.store as store_module

    monkeypatch.setattr(store_module, "GET_PAGE", 10)
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    _, live = open_live_index(settings.store)
    assert len(live.clauses) == report.clauses == 67
    assert len({c.clause_id for c in live.clauses}) == 67
    (settings.policy_dir / "extra.md").write_text("Extra Rules\n\n- one more rule.\n", encoding="utf-8")
    report = ingest(settings.policy_dir, settings.store, fake_embedder)  # reads every old vector back, in pages, for reuse
    assert report.embedded == 1 and report.reused == 67
