"""What the app does when a person acts: plain methods over one explicit state object per browser session.

``Conversation`` is everything the app keeps about one browser session, in memory only: the chat as
shown, the raw turns the pipeline reads, the notice panel and the last answer (so feedback can be
given on it). ``Handlers`` turns an action (a question, a feedback button, a role change, a quiz
submission, an admin action) into new state and plain values to show; ``assistant.ui.app`` wires
them to gradio components. Nothing here imports gradio, so every handler is called directly in tests.

What this module does not do: log, print or write a question (the only write that contains one is
feedback the person chose to give, and ``assistant.feedback`` refuses disclosures), or decide
routes and answers (``assistant.pipeline``).
"""

from __future__ import annotations

import hmac
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from assistant.answer import Answer
from assistant.changes import load_changes
from assistant.feedback import FeedbackRefused, not_covered_questions, read_feedback, record_feedback
from assistant.library import Library, UploadRejected
from assistant.notice import build_notice
from assistant.quiz import QuizQuestion, build_quiz, grade_quiz
from assistant.sections import policy_sections
from assistant.settings import ROLES, Settings
from assistant.ui.pages import diff_html, induction_section_html, quiz_feedback_html, quiz_record_html
from assistant.ui.render import chat_messages, clause_anchors, notice_html

ROLE_LABELS = {
    "staff": "Staff",
    "parent": "Parent or carer",
    "volunteer": "Volunteer",
    "participant": "Young person or participant",
}
EXAMPLES = {
    "staff": (
        "Can I record a Zoom session?",
        "Can I email a child about their homework?",
        "A young person messaged my personal phone. What should I do?",
    ),
    "volunteer": (
        "Do I need a DBS check to help with online sessions?",
        "Can I follow a young person on social media?",
        "Can I use my phone during a session?",
    ),
    "parent": (
        "Will you ask before posting photos of my child?",
        "Who can book a session for my child?",
        "Will staff contact my child directly?",
    ),
    "participant": (
        "Do I have to turn my camera on?",
        "Can I share my screen in a session?",
        "Can I use my phone in a session?",
    ),
}
FEEDBACK_THANKS = {"up": "Thank you: marked helpful.", "down": "Thank you: marked not helpful.",
                   "wrong_clause": "Thank you: marked as quoting the wrong clause."}
WRONG_PASSWORD_DELAY_S = 0.5  # slows guessing a little


@dataclass(frozen=True)
class LastAnswer:
    """The last answer in this browser session, kept in memory only so feedback can be given on it."""

    question: str
    role: str
    answer: Answer


@dataclass
class Conversation:
    """One browser session's conversation, in memory only."""

    transcript: list[dict] = field(default_factory=list)  # the chat as shown (escaped HTML)
    turns: list[dict] = field(default_factory=list)  # raw turns the pipeline reads
    notice_html: str = ""  # the notice panel; once shown it stays for the session
    notice_audience: str = "adult"
    last: LastAnswer | None = None


@dataclass(frozen=True)
class InductionStep:
    html: str
    index: int
    can_go_back: bool
    can_go_on: bool


@dataclass(frozen=True)
class AdminView:
    documents_markdown: str
    changes_html: str
    feedback_rows: list[list[str]]
    uncovered_rows: list[list[str]]
    documents: tuple[str, ...]


class Handlers:
    """The app's actions over the live library; one instance per app, shared by every session."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self.library = library
        self.settings = settings
        self._anchors: tuple[object, dict[tuple[str, str], str]] = (None, {})

    def anchors(self) -> dict[tuple[str, str], str]:
        """Each clause's element id on the policy page, for the clauses the library answers from now."""
        assistant = self.library.assistant
        if self._anchors[0] is not assistant:  # recomputed once after each re-index, not per answer
            self._anchors = (assistant, clause_anchors(self.library.clauses))
        return self._anchors[1]

    # -- ask ------------------------------------------------------------------------------------------

    def respond(self, question: str, role: str, conversation: Conversation | None) -> Conversation:
        question = question or ""
        role = role if role in ROLES else "staff"
        conversation = replace(conversation) if conversation is not None else Conversation()
        if not question.strip():
            return conversation
        library = self.library
        answer = library.ask(question, role=role, history=conversation.turns)  # on the live build, across re-indexes
        conversation.transcript = conversation.transcript + chat_messages(question, answer, self.anchors())
        # The pipeline reads earlier user turns (to resolve follow-ups and to keep a routed conversation
        # routed); the assistant's side is never used, so no notice text is kept for it.
        conversation.turns = conversation.turns + [
            {"role": "user", "content": question},
            {"role": "assistant", "content": "" if answer.route == "disclosure" else answer.answer},
        ]
        if answer.notice is not None:
            # An unchanged panel is not re-rendered, so role="alert" is not announced again every turn.
            conversation.notice_html = notice_html(answer.notice)
            conversation.notice_audience = answer.notice.audience
        recordable = answer.route in ("answer", "not_covered") and answer.notice is None
        conversation.last = LastAnswer(question, role, answer) if recordable else None
        return conversation

    def give_feedback(self, rating: str, conversation: Conversation | None) -> tuple[bool, str, Conversation]:
        """Record feedback on the last answer. Returns whether the feedback controls stay, a status line
        and the new state."""
        conversation = replace(conversation) if conversation is not None else Conversation()
        last = conversation.last
        if last is None:
            return False, '<p role="status">There is no answer to give feedback on.</p>', conversation
        try:
            record_feedback(self.settings.data_dir, question=last.question, answer=last.answer, role=last.role,
                            rating=rating)
        except FeedbackRefused:
            conversation.last = None
            return False, '<p role="status">Feedback is not recorded for this conversation.</p>', conversation
        except OSError:
            return True, '<p role="status">Sorry, your feedback could not be saved.</p>', conversation
        conversation.last = None
        return False, f'<p role="status" class="pa-feedback-note">{FEEDBACK_THANKS[rating]}</p>', conversation

    def change_role(self, role: str, conversation: Conversation | None) -> tuple[tuple[str, ...], Conversation]:
        """The new role's example questions, and the notice in the new role's variant if one is shown."""
        conversation = replace(conversation) if conversation is not None else Conversation()
        if conversation.notice_html:
            notice = build_notice(self.settings.contacts, audience=conversation.notice_audience, role=role)
            conversation.notice_html = notice_html(notice)
        return EXAMPLES.get(role, EXAMPLES["staff"]), conversation

    @staticmethod
    def new_conversation(conversation: Conversation | None) -> Conversation:
        # The notice panel stays for the rest of the session; only the chat is cleared.
        kept = conversation or Conversation()
        return Conversation(notice_html=kept.notice_html, notice_audience=kept.notice_audience)

    # -- induction ------------------------------------------------------------------------------------

    def induction(self, index: int) -> InductionStep:
        sections = policy_sections(self.library.clauses)
        index = max(0, min(int(index or 0), max(len(sections) - 1, 0)))
        return InductionStep(induction_section_html(sections, index), index, index > 0, index < len(sections) - 1)

    def quiz(self) -> list[QuizQuestion]:
        return build_quiz(self.library.clauses)

    def quiz_submit(self, quiz: Sequence[QuizQuestion], chosen: Sequence[str | None]) -> tuple[str, str | None]:
        """The marked quiz, and the path of a printable record to download (None when there is no quiz)."""
        if not quiz:
            return "<p>There is no quiz to mark.</p>", None
        result = grade_quiz(quiz, list(chosen))
        folder = Path(tempfile.mkdtemp(prefix="policy-induction-"))
        path = folder / "induction-quiz-record.html"
        path.write_text(quiz_record_html(result, self.library.documents), encoding="utf-8")
        return quiz_feedback_html(result), str(path)

    # -- admin ----------------------------------------------------------------------------------------

    def password_ok(self, password: str | None) -> bool:
        ok = bool(self.settings.admin_password) and hmac.compare_digest(
            (password or "").encode("utf-8"), self.settings.admin_password.encode("utf-8"))
        if not ok:
            time.sleep(WRONG_PASSWORD_DELAY_S)
        return ok

    def admin_view(self) -> AdminView:
        entries = read_feedback(self.settings.data_dir)
        rows = [[e.time, e.rating, e.route, e.role, e.question, ", ".join(e.cited)] for e in reversed(entries)]
        uncovered = [[e.time, e.role, e.question] for e in not_covered_questions(entries)]
        diff, when = load_changes(self.settings.data_dir)
        docs = self.library.documents
        doc_list = "\n".join(f"- {d}" for d in docs) or "- (none)"
        return AdminView(f"**Policy documents in use** ({len(self.library.clauses)} clauses):\n{doc_list}",
                         diff_html(diff, when), rows, uncovered, tuple(docs))

    def reingest(self) -> str:
        from ingest.store import IndexStoreError

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
