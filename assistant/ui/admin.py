"""The admin area's actions: unlock (behind ``PasswordGate``), the lists it shows, re-ingest and upload.

``AdminHandlers`` exists only when ``admin_password`` is set; ``assistant.ui.app`` builds no admin
tab (and no upload endpoint) otherwise. Every list is rendered as escaped HTML that fits a phone: a
document's file name is shown as text, never read as Markdown or HTML.

What this module does not do: hold the unlocked state (each browser session keeps its own flag in
the app), or decide what a new policy version changes (``assistant.library``, ``assistant.changes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.changes import load_changes
from assistant.embedding import larger_model_hint
from assistant.feedback import not_covered_questions, read_feedback
from assistant.library import Library, UploadRejected
from assistant.notice import missing_contact_warning
from assistant.settings import Settings
from assistant.ui.limits import PasswordGate
from assistant.ui.pages import diff_html, documents_html, feedback_list_html, uncovered_list_html
from assistant.ui.render import esc
from ingest.store import IndexStoreError


@dataclass(frozen=True)
class AdminView:
    documents_html: str
    changes_html: str
    feedback_html: str
    uncovered_html: str
    setup_html: str  # what the contacts still lack and how to set them; a hint on the embedding model ("" when none)
    documents: tuple[str, ...]


class AdminHandlers:
    """The admin area over the live library; one instance per app."""

    def __init__(self, library: Library, settings: Settings, gate: PasswordGate | None = None) -> None:
        self.library = library
        self.settings = settings
        self.gate = gate or PasswordGate(settings.admin_password)

    def unlock(self, password: str | None, client: str = "") -> tuple[bool, str]:
        """Whether the password opens the admin area for this session, and what to tell the person.
        Never waits: a refused guess is answered at once (see ``PasswordGate``)."""
        answer = self.gate.check(client, password)
        return answer.ok, answer.message or "Admin area unlocked."

    def view(self) -> AdminView:
        entries = read_feedback(self.settings.data_dir)
        diff, when = load_changes(self.settings.data_dir)
        docs = tuple(self.library.documents)
        warning = missing_contact_warning(self.settings.contacts)
        setup = f'<p class="pa-setup" role="note">{esc(warning)}</p>' if warning else ""
        index = self.library.assistant.index
        hint = larger_model_hint(self.settings, bool(index.questions)) if index is not None else ""
        setup += f'<p class="pa-setup" role="note">{esc(hint)}</p>' if hint else ""
        return AdminView(documents_html(docs, len(self.library.clauses)), diff_html(diff, when),
                         feedback_list_html(list(reversed(entries))), uncovered_list_html(not_covered_questions(entries)),
                         setup, docs)

    def reingest(self) -> str:
        try:
            report, _ = self.library.reindex()
        except IndexStoreError as exc:
            return f"Re-ingest failed; the previous index is still answering.\n{exc}"
        return report

    def upload(self, upload: str | None, replaces: str | None) -> str:
        if not upload:
            return "Choose a file to upload first."
        try:
            report, _ = self.library.install_upload(Path(upload), replaces or None)
        except UploadRejected as exc:
            return str(exc)
        return report
