"""The policy library the app answers from: the live assistant, re-indexed or given a new policy version.

``Library.reindex`` re-ingests the policy folder through the composition root and swaps in the new
assistant; ``install_upload`` checks an uploaded file, saves it into the policy folder (the file it
replaces goes to ``<data_dir>/policy-archive``) and re-indexes, putting the folder back when that
fails. The clause changes of each new version are recorded (``assistant.changes``).

What this module does not do: render anything, or decide who may call it (the app's admin gate does).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from assistant.changes import ClauseDiff, diff_clauses, save_changes
from assistant.settings import Settings
from ingest.load import LoadError, check_file

ARCHIVE_DIR = "policy-archive"


class UploadRejected(Exception):
    """An uploaded policy file that cannot be used; the message says why, in one line."""


def validate_upload(path: Path, name: str | None = None) -> str:
    """Check an uploaded policy file (type, size, content); return the safe file name to save it as."""
    path = Path(path)
    name = Path(name or path.name).name
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "policy"
    suffix = Path(safe).suffix.lower()
    try:
        check_file(path, safe)  # the same type and size rules as every file in the policy folder
    except LoadError as exc:
        raise UploadRejected(str(exc)) from None
    head = path.open("rb").read(8)
    if suffix == ".pdf" and not head.startswith(b"%PDF-"):
        raise UploadRejected(f"{name}: this is not a PDF file")
    if suffix == ".docx" and not head.startswith(b"PK\x03\x04"):
        raise UploadRejected(f"{name}: this is not a Word (.docx) file")
    if suffix not in (".pdf", ".docx"):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRejected(f"{name}: text files must be UTF-8") from None
    return safe


class Library:
    """What the app answers from: the live assistant and its clauses, swapped together on re-index.

    ``opener(reingest=...)`` builds an assistant through the composition root
    (``assistant.pipeline.open_assistant`` with the app's collaborators).
    """

    def __init__(self, settings: Settings, assistant, opener: Callable[..., object]) -> None:
        self.settings = settings
        self.assistant = assistant
        self._opener = opener
        self._lock = threading.Lock()

    @property
    def clauses(self):
        return self.assistant.clauses

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(c.document for c in self.clauses))

    def reindex(self, renamed: dict[str, str] | None = None) -> tuple[str, ClauseDiff]:
        """Ingest the policy folder, rebuild the assistant, record and return what changed."""
        with self._lock:
            before = self.clauses
            assistant = self._opener(reingest=True)
            report = assistant.ingest_report
            diff = diff_clauses(before, assistant.clauses, renamed)
            self.assistant = assistant
            if report is not None and not report.up_to_date:  # an unchanged policy keeps the record of the last real change
                save_changes(self.settings.data_dir, diff)
            return (report.render() if report is not None else ""), diff

    def install_upload(self, upload: Path, replaces: str | None) -> tuple[str, ClauseDiff]:
        """Save an uploaded policy version into the policy folder and ingest it; on failure put the
        folder back as it was. The replaced file is kept under ``<data_dir>/policy-archive``."""
        name = validate_upload(upload)
        policy_dir = Path(self.settings.policy_dir)
        policy_dir.mkdir(parents=True, exist_ok=True)
        archive = Path(self.settings.data_dir) / ARCHIVE_DIR / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        moved: list[tuple[Path, Path]] = []
        for old_name in {n for n in (replaces, name) if n}:
            old = policy_dir / Path(old_name).name
            if old.is_file():
                archive.mkdir(parents=True, exist_ok=True)
                shutil.move(str(old), str(archive / old.name))
                moved.append((archive / old.name, old))
        target = policy_dir / name
        tmp = policy_dir / f".{name}.uploading"
        shutil.copyfile(upload, tmp)
        os.replace(tmp, target)
        try:
            report, diff = self.reindex(renamed={replaces: name} if replaces else None)
        except Exception as exc:  # whatever went wrong, the folder goes back to the version that worked
            target.unlink(missing_ok=True)
            for archived, original in moved:
                shutil.move(str(archived), str(original))
            raise UploadRejected(f"{name} could not be ingested, so the previous policy was kept: {exc}") from None
        return f"Saved {name} into {policy_dir}" + (f" (replacing {replaces})" if replaces else "") + ".\n" + report, diff
