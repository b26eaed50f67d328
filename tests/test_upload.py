"""An uploaded policy version is accepted only if it parses into clauses; until the index with it is
live, the policy folder is exactly as it was; whatever fails leaves the folder and the index as they
were, and the admin is told why in one line.

Through ``Library.install_upload`` (what the app's admin upload calls) over the real policy with the
keyword embedder and the fake router.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from assistant import library as L
from assistant.library import Library, opener_for
from ingest.folder import folder_stamp
from ingest.index import index_is_current
from ingest.store import IndexStoreError, open_client, read_pointer

from conftest import POLICY_PDF, POLICY_TXT, FakeRouter, KeywordEmbedder

RECORDING = "do you allow any recording of zoom sessions?"


class Recorder:
    """The app's opener, noting what the policy folder held whenever an index was built."""

    def __init__(self, settings, fail: Exception | None = None) -> None:
        self.settings = settings
        self.fail = fail
        self.inner = opener_for(settings, embedder=KeywordEmbedder(), router=FakeRouter())
        self.folder_when_ingesting: list[dict[str, bytes]] = []

    def __call__(self, reingest=False, policy_dir=None):
        if reingest:
            self.folder_when_ingesting.append(_folder(self.settings.policy_dir))
            if self.fail is not None:
                raise self.fail
        return self.inner(reingest=reingest, policy_dir=policy_dir)


def _folder(folder: Path) -> dict[str, bytes]:
    """Every file in the policy folder, hidden ones and sub-folders included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


LONE_WORKING = "# Lone Working Policy\n\n- Every home visit is booked on the shared calendar before it happens.\n"


def _library(settings, fail=None) -> tuple[Library, Recorder]:
    """A policy folder of two documents, as in the probe: ingest still has clauses when one of them fails."""
    (settings.policy_dir / "lone-working.md").write_text(LONE_WORKING, encoding="utf-8")
    opener = Recorder(settings, fail)
    return Library(settings, opener(), opener), opener


def _unchanged(settings, folder_before, pointer_before) -> None:
    assert _folder(settings.policy_dir) == folder_before  # no new file, no hidden leftover, same bytes
    assert sorted(p.name for p in settings.policy_dir.iterdir()) == sorted(
        n for n in folder_before if "/" not in n)
    assert not (settings.data_dir / L.ARCHIVE_DIR).exists()
    assert read_pointer(open_client(settings.store), settings.store) == pointer_before


def _corrupt_pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n" + random.Random(3).randbytes(30_000))


def _blank_pdf(path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(str(path))


BAD_UPLOADS = {  # how the file is made, words the reason must contain
    "corrupt": (_corrupt_pdf, "not a readable PDF"),
    "scanned": (_blank_pdf, "no text layer"),
    "no-clauses": (lambda p: p.write_text("Online Safety Policy\n", encoding="utf-8"), "no clauses"),
}


@pytest.mark.parametrize("kind", sorted(BAD_UPLOADS))
def test_an_upload_that_does_not_parse_into_clauses_changes_nothing(settings, tmp_path, kind):
    """The probe's case: a corrupt file under the policy's own name replaced it ("Saved ... Index up to
    date") and a fresh ingest then answered everything "not covered"."""
    library, opener = _library(settings)
    folder_before = _folder(settings.policy_dir)
    pointer_before = read_pointer(open_client(settings.store), settings.store)
    make, words = BAD_UPLOADS[kind]
    suffix = ".txt" if kind == "no-clauses" else ".pdf"
    upload = tmp_path / "upload" / (POLICY_PDF.stem + suffix)
    upload.parent.mkdir()
    make(upload)
    with pytest.raises(L.UploadRejected) as refused:
        library.install_upload(upload, POLICY_PDF.name)
    reason = str(refused.value)
    assert words in reason and "\n" not in reason and "nothing was changed" in reason, reason
    _unchanged(settings, folder_before, pointer_before)
    assert len(opener.folder_when_ingesting) == 0  # refused before any ingest
    assert library.ask(RECORDING).citations[0].clause_id == "ZP-6"
    assert index_is_current(settings.policy_dir, settings.store, "fake-keywords")


def test_a_copy_of_another_document_is_refused(settings, tmp_path):
    library, _ = _library(settings)
    folder_before = _folder(settings.policy_dir)
    pointer_before = read_pointer(open_client(settings.store), settings.store)
    shutil.copy(POLICY_PDF, tmp_path / "copy-of-policy.pdf")
    with pytest.raises(L.UploadRejected, match="same text as online-safety-policy.pdf"):
        library.install_upload(tmp_path / "copy-of-policy.pdf", None)
    _unchanged(settings, folder_before, pointer_before)


def test_a_replacement_keeps_the_old_file_in_the_folder_until_the_new_index_is_live(settings, tmp_path):
    library, opener = _library(settings)
    folder_before = _folder(settings.policy_dir)
    new_version = tmp_path / "online-safety-policy-v2.txt"
    new_version.write_text(POLICY_TXT.read_text(encoding="utf-8").replace(
        "We do not allow any recording of our Zoom sessions", "We never allow any recording of our Zoom sessions"),
        encoding="utf-8")
    report, diff = library.install_upload(new_version, POLICY_PDF.name)
    assert "Saved online-safety-policy-v2.txt" in report and "replacing online-safety-policy.pdf" in report
    # While the new index was being built, the policy folder still held the old file and only it.
    (during,) = opener.folder_when_ingesting
    assert {n: b for n, b in during.items() if not n.startswith(L.STAGING_PREFIX)} == folder_before
    # Now: the new file in the folder, the old one archived, and the index already matches the folder.
    assert sorted(p.name for p in settings.policy_dir.iterdir()) == ["lone-working.md", "online-safety-policy-v2.txt"]
    assert (settings.policy_dir / "online-safety-policy-v2.txt").read_bytes() == new_version.read_bytes()
    assert [p.read_bytes() for p in (settings.data_dir / L.ARCHIVE_DIR).rglob("*.pdf")] == [POLICY_PDF.read_bytes()]
    pointer = read_pointer(open_client(settings.store), settings.store)
    assert pointer["folder_stamp"] == folder_stamp(settings.policy_dir, "fake-keywords")  # nothing will re-ingest
    assert any(c.clause_id == "ZP-6" for c in diff.changed)
    answer = library.ask(RECORDING)
    assert answer.citations[0].text.startswith("We never allow any recording")
    assert library.assistant.settings.policy_dir == settings.policy_dir


def test_a_failed_ingest_leaves_the_folder_and_the_index_as_they_were(settings, tmp_path):
    library, _ = _library(settings)
    folder_before = _folder(settings.policy_dir)
    pointer_before = read_pointer(open_client(settings.store), settings.store)
    library._opener.fail = IndexStoreError("the disk is full")
    new_version = tmp_path / "online-safety-policy.txt"
    new_version.write_text(POLICY_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(L.UploadRejected, match="previous policy was kept: the disk is full"):
        library.install_upload(new_version, POLICY_PDF.name)
    _unchanged(settings, folder_before, pointer_before)


def test_validate_upload_parses_the_file(tmp_path):
    good = tmp_path / "policy v2.txt"
    good.write_text("Our Zoom Policy\nWe do not record.\n", encoding="utf-8")
    assert L.validate_upload(good) == "policy-v2.txt"
    heading_only = tmp_path / "heading.md"
    heading_only.write_text("# Our Zoom Policy\n", encoding="utf-8")
    with pytest.raises(L.UploadRejected, match="no clauses found"):
        L.validate_upload(heading_only)
