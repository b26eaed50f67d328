"""What the app does when a person acts: plain methods over one explicit state object per browser session.

``Conversation`` is everything the app keeps about one browser session, in memory only: the chat as
shown, the raw turns the pipeline reads, the notice panel, and each answer (so feedback can be given
on any of them). ``Handlers`` turns an action (a question, a feedback button, "Get help now", a role
change, a new conversation, a quiz submission) into new state and plain values to show; the admin
area's actions are ``assistant.ui.admin``; ``assistant.ui.app`` wires both to gradio components.
Nothing here imports gradio, so every handler is called directly in tests.

The notice follows the person: once a notice in a conversation was the young person's (the router
read a child's words), every later notice in it is the young person's too, whatever role is chosen.
"Get help now" shows the notice whatever the router decided; "Quick exit" and "Start a new
conversation" leave nothing of the conversation behind, notice included.

What this module does not do: log, print or write a question (the only write that can contain one
is feedback the person chose to give with its question included, and ``assistant.feedback`` refuses
disclosures), or decide routes and answers (``assistant.pipeline``).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from assistant.answer import Answer
from assistant.feedback import RATINGS, FeedbackRefused, record_feedback
from assistant.library import Library
from assistant.notice import Notice, build_notice
from assistant.quiz import QuizQuestion, build_quiz, grade_quiz
from assistant.sections import policy_sections
from assistant.settings import ROLES, Settings
from assistant.ui.limits import QuestionBound
from assistant.ui.pages import induction_section_html, quiz_print_html, quiz_record_html
from assistant.ui.render import (answer_html, chat_messages, clause_anchors, error_html, feedback_html, notice_html,
                                 user_text)
from ingest.store import IndexStoreError

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
HELP_TITLE = "Get help now"
RECORD_MAX_AGE_S = 600  # a quiz record file is kept until Gradio has copied it for the download
_FEEDBACK_REQUEST = re.compile(r"^\s*(\w+)\s+(\d+)(?:\s+(question))?\s*$")


@dataclass(frozen=True)
class Turn:
    """One answer shown in this session, kept in memory only so feedback can be given on it."""

    question: str
    role: str
    answer: Answer
    feedback: str = ""  # "" until feedback is given: then the rating, or why none can be


@dataclass
class Conversation:
    """One browser session's conversation, in memory only."""

    transcript: list[dict] = field(default_factory=list)  # the chat as shown (escaped HTML)
    turns: list[dict] = field(default_factory=list)  # raw turns the pipeline reads
    answers: list[Turn | None] = field(default_factory=list)  # one per answer shown; None takes no feedback
    notice_html: str = ""  # the notice panel; once shown it stays until a new conversation
    young: bool = False  # a notice here was the young person's: every later one is too
    notice_open: bool = False  # the notice is shown (a disclosure, or "Get help now"): no feedback from then on
    notice_title: str = ""  # "Get help now" while the notice was opened by that button; "" for the notice's own


@dataclass(frozen=True)
class InductionStep:
    html: str
    index: int
    can_go_back: bool
    can_go_on: bool


class Handlers:
    """The app's actions over the live library; one instance per app, shared by every session."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self.library = library
        self.settings = settings
        self.rate = QuestionBound(settings.max_questions_per_minute)
        self._anchors: tuple[object, dict[tuple[str, str], str]] = (None, {})
        # One folder for every quiz record this app writes, removed when the app goes (or the process ends).
        self.records = Path(tempfile.mkdtemp(prefix="policy-assistant-records-"))
        self._remove_records = weakref.finalize(self, shutil.rmtree, str(self.records), True)

    def anchors(self) -> dict[tuple[str, str], str]:
        """Each clause's element id on the policy page, for the clauses the library answers from now."""
        assistant = self.library.assistant
        if self._anchors[0] is not assistant:  # recomputed once after each re-index, not per answer
            self._anchors = (assistant, clause_anchors(self.library.clauses))
        return self._anchors[1]

    # -- ask ------------------------------------------------------------------------------------------

    def _render_notice(self, conversation: Conversation, role: str) -> Notice:
        """The notice panel for this conversation: the young person's once it has been, in the role's variant."""
        notice = build_notice(self.settings.contacts, audience="child" if conversation.young else "adult", role=role)
        if conversation.notice_title:
            notice = replace(notice, title=conversation.notice_title)
        html = notice_html(notice)
        if html != conversation.notice_html:  # an unchanged panel is not re-rendered, so it is not announced again
            conversation.notice_html = html
        conversation.notice_open = True
        return notice

    def respond(self, question: str, role: str, conversation: Conversation | None, client: str = "",
                session: str = "") -> Conversation:
        """The answer (or the notice) for one question. ``client`` is the address it came from and
        ``session`` the browser session: together they bound questions a minute."""
        question = question or ""
        role = role if role in ROLES else "staff"
        conversation = replace(conversation) if conversation is not None else Conversation()
        if not question.strip():
            return conversation
        assistant = self.library.assistant
        history = conversation.turns
        if not self.rate.allow(client, session):
            # Over the bound: no retrieval, but a disclosure is still recognised (the router is cheap).
            user_turns = [t["content"] for t in history if t.get("role") == "user"]
            if not assistant.router.route(question, user_turns).is_disclosure:
                return self._add(conversation, question, None, role, error=(
                    f"You have asked {self.rate.per_minute} questions in the last minute, which is as many as "
                    "this assistant answers; please wait a minute before asking again."))
        try:
            answer = self.library.ask(question, role=role, history=history)  # on the live build, across re-indexes
        except IndexStoreError as exc:
            return self._add(conversation, question, None, role, error=str(exc))
        if answer.notice is not None:
            conversation.young = conversation.young or answer.notice.audience == "child"
            if answer.route == "disclosure":
                conversation.notice_title = ""
            notice = self._render_notice(conversation, role)
            if answer.route == "disclosure":  # its bubble points to the notice shown, the young person's if so
                answer = replace(answer, notice=notice)
        return self._add(conversation, question, answer, role)

    def _add(self, conversation: Conversation, question: str, answer: Answer | None, role: str,
             error: str = "") -> Conversation:
        """One more turn in the chat; the pipeline's turns keep the user's words, never the notice."""
        turn = len(conversation.answers)
        recordable = (answer is not None and answer.route in ("answer", "not_covered") and answer.notice is None
                      and not conversation.notice_open)
        if answer is None:
            messages = [{"role": "user", "content": user_text(question)}, {"role": "assistant", "content": error_html(error)}]
        else:
            messages = chat_messages(question, answer, self.anchors(), feedback_html(turn) if recordable else "")
        conversation.transcript = conversation.transcript + messages
        conversation.turns = conversation.turns + [
            {"role": "user", "content": question},
            {"role": "assistant", "content": "" if answer is None or answer.route == "disclosure" else answer.answer},
        ]
        conversation.answers = conversation.answers + [Turn(question, role, answer) if recordable else None]
        return conversation

    def give_feedback(self, request: str, conversation: Conversation | None) -> tuple[str, Conversation]:
        """Record feedback on one answer. ``request`` is "<rating> <turn>", with " question" when the person
        ticked the box to include their question. Returns a status line and the new state."""
        conversation = replace(conversation) if conversation is not None else Conversation()
        match = _FEEDBACK_REQUEST.match(request or "")
        if not match or match.group(1) not in RATINGS:
            return "There is no answer to give that feedback on.", conversation
        rating, index, include = match.group(1), int(match.group(2)), bool(match.group(3))
        turn = conversation.answers[index] if index < len(conversation.answers) else None
        if turn is None or turn.feedback:
            return "There is no answer to give feedback on.", conversation
        if conversation.notice_open:
            self._close_feedback(conversation, index, "Feedback is not recorded in this conversation.")
            return "Feedback is not recorded for this conversation.", conversation
        try:
            record_feedback(self.settings.data_dir, answer=turn.answer, role=turn.role, rating=rating,
                            question=turn.question if include else None)
        except FeedbackRefused:
            self._close_feedback(conversation, index, "Feedback is not recorded in this conversation.")
            return "Feedback is not recorded for this conversation.", conversation
        except OSError:
            return "Sorry, your feedback could not be saved.", conversation
        self._close_feedback(conversation, index, rating)
        return "Thank you for your feedback.", conversation

    def _close_feedback(self, conversation: Conversation, index: int, done: str) -> None:
        """The answer shown again with what became of its feedback in place of the buttons."""
        turn = conversation.answers[index]
        answers = list(conversation.answers)
        answers[index] = replace(turn, feedback=done)
        transcript = list(conversation.transcript)
        transcript[2 * index + 1] = {  # every turn is a question and its answer
            "role": "assistant", "content": answer_html(turn.answer, self.anchors(), feedback_html(index, done))}
        conversation.answers, conversation.transcript = answers, transcript

    def get_help(self, role: str, conversation: Conversation | None) -> Conversation:
        """The notice, whatever the router decided: the young person's for a young person."""
        role = role if role in ROLES else "staff"
        conversation = replace(conversation) if conversation is not None else Conversation()
        conversation.young = conversation.young or role == "participant"
        if not conversation.notice_open:
            conversation.notice_title = HELP_TITLE
        self._render_notice(conversation, role)
        # Answers already shown take no more feedback: the person may be about to tell someone something.
        for index, turn in enumerate(conversation.answers):
            if turn is not None and not turn.feedback:
                self._close_feedback(conversation, index, "Feedback is not recorded in this conversation.")
        return conversation

    def change_role(self, role: str, conversation: Conversation | None) -> tuple[tuple[str, ...], Conversation]:
        """The new role's example questions, and the notice in the new role's variant if one is shown."""
        conversation = replace(conversation) if conversation is not None else Conversation()
        if conversation.notice_open:
            self._render_notice(conversation, role)
        return EXAMPLES.get(role, EXAMPLES["staff"]), conversation

    @staticmethod
    def new_conversation(conversation: Conversation | None = None) -> Conversation:
        """A new conversation starts clean: no chat, no notice, nothing kept of the last one."""
        return Conversation()

    # -- induction ------------------------------------------------------------------------------------

    def induction(self, index: int) -> InductionStep:
        sections = policy_sections(self.library.clauses)
        index = max(0, min(int(index or 0), max(len(sections) - 1, 0)))
        return InductionStep(induction_section_html(sections, index), index, index > 0, index < len(sections) - 1)

    def quiz(self) -> list[QuizQuestion]:
        return build_quiz(self.library.clauses)

    def quiz_submit(self, quiz: Sequence[QuizQuestion], chosen: Sequence[str | None]) -> tuple[str, str | None]:
        """The marked quiz (with its printable record lines), and the path of a record to download: None
        until every question is answered."""
        if not quiz:
            return "<p>There is no quiz to mark.</p>", None
        result = grade_quiz(quiz, list(chosen))
        if result.answered == 0:
            return '<p role="status">Choose an answer to each question, then check your answers.</p>', None
        shown = quiz_print_html(result, self.library.documents)
        if result.answered < result.total:
            missing = result.total - result.answered
            note = (f'<p role="status" class="pa-quiz-missing">{missing} question{"s are" if missing > 1 else " is"} '
                    "not answered yet. Answer every question to get a record for your induction file.</p>")
            return note + shown, None
        self._forget_old_records()
        path = self.records / f"induction-quiz-record-{time.time_ns()}.html"
        path.write_text(quiz_record_html(result, self.library.documents), encoding="utf-8")
        return shown, str(path)

    def _forget_old_records(self) -> None:
        cutoff = time.time() - RECORD_MAX_AGE_S
        for old in self.records.glob("*.html"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
