"""The Gradio chat app: ask the policy, see the clauses behind each answer, and the safeguarding notice.

``create_app(assistant, settings)`` builds the ``gr.Blocks`` (nothing starts); ``start(app, ...)``
launches it with the page's styles and the ``/policy`` page; ``serve(settings, args)`` is the
``policy-assistant serve`` command: it ingests ``policy_docs/`` when the index is missing or stale,
warns when the notice lacks contact details, builds the assistant and starts the app (opening a
browser tab unless ``--no-browser``, ``CI`` is set or there is no display).

What the person sees:
- Ask: a role choice (staff, parent, volunteer, participant) with example questions for that role;
  each answer in the chat carries its cited clauses as cards (id, section, document, page, the
  clause verbatim); a card opens ``/policy#clause-<id>``, the whole policy with that clause
  highlighted. "Not covered" answers are a plain, differently styled statement with who to ask.
  A disclosure fills the notice panel above the chat (role="alert"), which then stays for the rest
  of the session. Thumbs up, thumbs down and "wrong clause" record feedback (``assistant.feedback``).
- Volunteer induction: the policy section by section, then a short quiz built deterministically
  from the clauses; every option is a clause quoted verbatim, and a result can be downloaded.
- Admin (only when ``admin_password`` is set; otherwise the tab does not exist): re-ingest, upload a
  new policy version, the clauses that changed, feedback and the not-covered questions users flagged.

Privacy: question text is never logged, printed or written. The only write that contains a question
is feedback the user chose to give, and ``assistant.feedback`` refuses disclosures. Gradio's run
history is off (it would keep inputs in the browser), there is no flagging, analytics are off
(``GRADIO_ANALYTICS_ENABLED=False`` via ``apply_offline_switches``), and the theme uses system fonts
so the page fetches nothing from outside.

Concurrency: the Gradio queue runs at most ``DEFAULT_CONCURRENCY_LIMIT`` (8) events at once. An
answer takes milliseconds of CPU (retrieval over a few hundred clauses), so eight at a time keeps a
2-core machine responsive while a burst of users waits in the queue rather than piling up threads.
Re-ingesting swaps the assistant and the clauses together under a lock.

What this module does not do: decide routes or compose answers (``assistant.pipeline``), or keep
anything about a conversation beyond the browser session's memory. All user text is escaped: it is
shown as text, never as HTML.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

# Imported at module top on purpose: only `serve` (and the app's tests) import this module, and
# almost everything here needs gradio (about 3.4 s to import), which `--help` and `ask` never pay.
import gradio as gr

from assistant.answer import Answer, Citation
from assistant.feedback import FeedbackRefused, not_covered_questions, read_feedback, record_feedback
from assistant.notice import Notice, build_notice, missing_contact_warning
from assistant.settings import ROLES, Settings, apply_offline_switches
from ingest.clauses import Clause

DEFAULT_CONCURRENCY_LIMIT = 8  # see the module docstring
POLICY_ROUTE = "policy"  # the plain HTML policy page, relative to the app's root
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_SUFFIXES = (".pdf", ".docx", ".md", ".txt")
QUIZ_MAX_QUESTIONS = 6
QUIZ_OPTIONS = 3
CHANGES_FILE = "policy-changes.json"
ARCHIVE_DIR = "policy-archive"

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


class UploadRejected(Exception):
    """An uploaded policy file that cannot be used; the message says why, in one line."""


# ---------------------------------------------------------------------------------------------
# Pure helpers: Answer, Notice and clauses to HTML and chat messages (tested without a server)
# ---------------------------------------------------------------------------------------------


def esc(text: object) -> str:
    """Text for HTML: every <, >, & and quote escaped."""
    return html.escape(str(text), quote=True)


def text_html(text: str) -> str:
    """Plain text as HTML on one line: escaped, line breaks as <br>.

    One line matters in the chat: Markdown ends an HTML block at a blank line, and whatever follows
    would be read as Markdown.
    """
    return "<br>".join(esc(line) for line in str(text).split("\n"))


def anchor_for(clause_id: str, document: str | None = None) -> str:
    """The element id of a clause on the policy page: ``clause-ZP-6``; prefixed by document only when
    two documents share the id."""
    cid = re.sub(r"\s+", "-", clause_id)
    if not document:
        return f"clause-{cid}"
    slug = re.sub(r"[^a-z0-9]+", "-", Path(document).stem.lower()).strip("-") or "doc"
    return f"clause-{slug}--{cid}"


def clause_anchors(clauses: Sequence[Clause]) -> dict[tuple[str, str], str]:
    """(document, clause id) -> element id, unique across the documents."""
    docs_per_id: dict[str, set[str]] = {}
    for c in clauses:
        docs_per_id.setdefault(c.clause_id, set()).add(c.document)
    return {
        (c.document, c.clause_id): anchor_for(c.clause_id, c.document if len(docs_per_id[c.clause_id]) > 1 else None)
        for c in clauses
    }


def citation_anchor(citation: Citation, anchors: dict[tuple[str, str], str] | None = None) -> str:
    return (anchors or {}).get((citation.document, citation.clause_id)) or anchor_for(citation.clause_id)


def _clause_body_html(full_text: str) -> str:
    """A clause verbatim: its words, then its options (one per line in ``full_text``) as a list."""
    first, *options = full_text.split("\n")
    body = f"<p>{esc(first)}</p>"
    if options:
        body += '<ul class="pa-options">' + "".join(f"<li>{esc(o)}</li>" for o in options) + "</ul>"
    return body


def card_html(citation: Citation, anchor: str | None = None, policy_href: str = POLICY_ROUTE) -> str:
    """One cited clause as a card; the whole card links to the clause on the policy page (new tab,
    so the conversation and any notice stay where they are)."""
    anchor = anchor or anchor_for(citation.clause_id)
    where = esc(citation.document) + (f", page {esc(citation.page)}" if citation.page else "")
    return (
        f'<article class="pa-card" data-clause-id="{esc(citation.clause_id)}">'
        f'<p class="pa-card-head"><a class="pa-card-link" href="{esc(policy_href)}#{esc(anchor)}" '
        f'target="_blank" rel="noopener">'
        f'<span class="pa-card-id">{esc(citation.clause_id)}</span> '
        f'<span class="pa-card-section">{esc(citation.section)}</span>'
        f'<span class="pa-sr"> (opens the full policy at this clause, in a new tab)</span></a></p>'
        f'<p class="pa-card-source">{where}</p>'
        f'<blockquote class="pa-card-text">{_clause_body_html(citation.text)}</blockquote>'
        f"</article>"
    )


def _quote_in_answer(citation: Citation) -> str:
    """How ``assistant.answer.compose`` quotes a citation inside the answer text."""
    quoted = citation.text.replace("\n", "\n  - ")
    return f"\u201c{quoted}\u201d ({citation.reference()})"


def _split_answer_text(answer: Answer) -> tuple[str, str]:
    """The answer's own lines before and after its quotes; the cards show the quotes themselves.

    When the text does not contain the quotes as composed (an LLM reworded it), all of it is kept.
    """
    text = answer.answer
    spans = []
    for citation in answer.citations:
        start = text.find(_quote_in_answer(citation))
        if start < 0:
            return text, ""
        spans.append((start, start + len(_quote_in_answer(citation))))
    if not spans:
        return text, ""
    return text[: min(s for s, _ in spans)].strip(), text[max(e for _, e in spans):].strip()


def answer_html(answer: Answer, anchors: dict[tuple[str, str], str] | None = None) -> str:
    """The assistant's chat bubble for one Answer (an HTML block on one line)."""
    if answer.route == "disclosure":
        notice = answer.notice
        title = notice.title if notice else "This may be a safeguarding concern"
        lead = notice.lead if notice else "If anyone is in immediate danger, call 999 now."
        return (
            '<div class="pa-bubble pa-disclosure-pointer">'
            f"<p><strong>{esc(title)}.</strong> {esc(lead)}</p>"
            "<p>The safeguarding notice at the top of this page says who to contact now.</p></div>"
        )
    reminder = (
        '<p class="pa-notice-reminder">The safeguarding notice stays at the top of this page.</p>'
        if answer.notice is not None else ""
    )
    if answer.route == "not_covered" or not answer.citations:
        first, *rest = [line for line in answer.answer.split("\n") if line.strip()] or ["The policy does not cover this."]
        return (
            '<div class="pa-bubble pa-not-covered">'
            f'<p class="pa-not-covered-title">{esc(first)}</p>'
            + "".join(f"<p>{esc(line)}</p>" for line in rest)
            + "<p class=\"pa-quiet\">No clause of the policy was quoted for this question.</p>"
            + reminder + "</div>"
        )
    before, after = _split_answer_text(answer)
    cards = "".join(
        f'<li class="pa-card-item">{card_html(c, citation_anchor(c, anchors))}</li>' for c in answer.citations
    )
    label = "Clause cited" if len(answer.citations) == 1 else f"{len(answer.citations)} clauses cited"
    return (
        '<div class="pa-bubble pa-answer">'
        + (f"<p>{text_html(before)}</p>" if before else "")
        + f'<ul class="pa-cards" aria-label="{label}">{cards}</ul>'
        + (f"<p>{text_html(after)}</p>" if after else "")
        + reminder + "</div>"
    )


_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>&~|$])")
_MD_LINE_START = re.compile(r"^([ \t]*\d*)([#+=.)-])", re.MULTILINE)


def user_text(question: str) -> str:
    """The user's own words for the chat, shown literally: every character that Markdown or HTML would
    read as markup is backslash-escaped (a ``<script>`` in a question shows as ``<script>``). Plain
    Markdown text rather than HTML, so the chat's accessible label for the message stays readable."""
    escaped = _MD_ANYWHERE.sub(r"\\\1", question)
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def chat_messages(question: str, answer: Answer, anchors: dict[tuple[str, str], str] | None = None) -> list[dict]:
    """The two chat messages for one turn, in Gradio's messages format."""
    return [
        {"role": "user", "content": user_text(question)},
        {"role": "assistant", "content": answer_html(answer, anchors)},
    ]


def _digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def _phone_link(number: str) -> str:
    return f'<a href="tel:{esc(_digits(number))}">{esc(number)}</a>' if _digits(number) else esc(number)


def _link_numbers(text: str) -> str:
    """Escape, then make phone numbers (999, 0808 800 5000, 116 123) tappable on a phone."""
    escaped = esc(text)
    return re.sub(r"(?<![\w/])(\+?\d[\d ]{1,14}\d)(?![\w])",
                  lambda m: f'<a href="tel:{_digits(m.group(1))}">{m.group(1)}</a>'
                  if len(_digits(m.group(1))) >= 3 else m.group(1), escaped)


def notice_html(notice: Notice) -> str:
    """The safeguarding notice as the prominent panel above the chat (role="alert")."""
    contacts = []
    for c in notice.contacts:
        who = f"<strong>{esc(c.name)}</strong> ({esc(c.role)})" if c.name else f"<strong>{esc(c.role)}</strong>"
        ways = []
        if c.phone:
            ways.append("phone " + _phone_link(c.phone))
        if c.email:
            ways.append(f'email <a href="mailto:{esc(c.email)}">{esc(c.email)}</a>')
        contacts.append(f"<li>{who}{': ' + ', '.join(ways) if ways else ''}</li>")
    steps = "".join(f"<li>{esc(s)}</li>" for s in notice.steps)
    helplines = "".join(
        f"<li><strong>{esc(h.name)}</strong>: {_link_numbers(h.contact)} ({esc(h.for_whom)})</li>" for h in notice.helplines
    )
    return (
        f'<section class="pa-notice pa-notice-{esc(notice.audience)}" role="alert" '
        f'aria-labelledby="pa-notice-title" '
        f'data-role="{esc(notice.role or "")}">'
        f'<h2 id="pa-notice-title"><span aria-hidden="true">&#9888; </span>{esc(notice.title)}</h2>'
        f'<p class="pa-notice-lead">{_link_numbers(notice.lead)}</p>'
        f'<h3>{esc(notice.contact_heading)}</h3><ul class="pa-notice-contacts">{"".join(contacts)}</ul>'
        + (f"<p>{_link_numbers(notice.contact_note)}</p>" if notice.contact_note else "")
        + (f"<h3>{esc(notice.steps_heading)}</h3><ol>{steps}</ol>" if notice.steps else "")
        + (f"<p>{esc(notice.about_staff)}</p>" if notice.about_staff else "")
        + (f"<h3>Other help</h3><ul>{helplines}</ul>" if helplines else "")
        + f'<p class="pa-notice-privacy">{esc(notice.privacy)}</p></section>'
    )


# ---------------------------------------------------------------------------------------------
# The policy, as a page and section by section
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    document: str
    title: str  # the section label ("Opening (untitled)" for text before the first heading)
    clauses: tuple[Clause, ...]  # in reading order, options included


def policy_sections(clauses: Sequence[Clause]) -> list[Section]:
    """Sections in reading order, per document."""
    ordered = sorted(clauses, key=lambda c: (c.document, c.position))
    sections: list[Section] = []
    for clause in ordered:
        if sections and sections[-1].document == clause.document and sections[-1].title == clause.section_label:
            sections[-1] = Section(clause.document, clause.section_label, sections[-1].clauses + (clause,))
        else:
            sections.append(Section(clause.document, clause.section_label, (clause,)))
    return sections


def document_title(document: str) -> str:
    words = re.sub(r"[-_]+", " ", Path(document).stem).strip()
    return words[:1].upper() + words[1:] if words else document


def _section_id(section: Section) -> str:
    return "section-" + re.sub(r"[^a-z0-9]+", "-", f"{Path(section.document).stem} {section.title}".lower()).strip("-")


def section_body_html(section: Section, anchors: dict[tuple[str, str], str] | None = None, with_ids: bool = True) -> str:
    """A section's clauses in order: paragraphs, bulleted runs as lists, options as sub-lists.

    Every clause shows its id; with ``with_ids`` each is an element ``id="clause-<id>"`` that a
    link ``#clause-<id>`` scrolls to (and CSS ``:target`` highlights).
    """
    anchors = anchors if anchors is not None else clause_anchors(section.clauses)
    options: dict[str, list[Clause]] = {}
    for c in section.clauses:
        if c.kind == "option" and c.parent_id:
            options.setdefault(c.parent_id, []).append(c)

    def attrs(c: Clause) -> str:
        ident = f' id="{esc(anchors.get((c.document, c.clause_id), anchor_for(c.clause_id)))}"' if with_ids else ""
        return f'{ident} class="clause clause-{esc(c.kind)}" data-clause-id="{esc(c.clause_id)}"'

    def label(c: Clause) -> str:
        page = f' <span class="clause-page">page {esc(c.page)}</span>' if c.page else ""
        return f'<span class="cid">{esc(c.clause_id)}</span>{page} '

    def sub_list(c: Clause) -> str:
        children = options.get(c.clause_id)
        if children:
            return '<ul class="options">' + "".join(
                f"<li{attrs(o)}>{label(o)}<span class=\"clause-text\">{esc(o.text)}</span></li>" for o in children
            ) + "</ul>"
        if c.options:  # options known only as texts: show them, without ids of their own
            return '<ul class="options">' + "".join(f"<li>{esc(o)}</li>" for o in c.options) + "</ul>"
        return ""

    parts: list[str] = []
    in_list = False
    for c in section.clauses:
        if c.kind == "option" and c.parent_id in {x.clause_id for x in section.clauses}:
            continue  # shown under its parent
        if c.kind in ("bullet", "option"):
            if not in_list:
                parts.append('<ul class="clauses">')
                in_list = True
            parts.append(f"<li{attrs(c)}>{label(c)}<span class=\"clause-text\">{esc(c.text)}</span>{sub_list(c)}</li>")
        else:
            if in_list:
                parts.append("</ul>")
                in_list = False
            parts.append(f"<div{attrs(c)}>{label(c)}<p class=\"clause-text\">{esc(c.text)}</p>{sub_list(c)}</div>")
    if in_list:
        parts.append("</ul>")
    return "".join(parts)


POLICY_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.55; color: #0f172a;
  background: #ffffff; margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
.top { font-size: .95rem; }
a { color: #1d4ed8; }
h1 { font-size: 1.8rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 2px solid #e2e8f0; }
.meta { color: #475569; margin: 0 0 1rem; }
nav ul { padding-left: 1.2rem; }
.clause { scroll-margin-top: 1.5rem; border-radius: 6px; padding: .2rem .4rem; }
div.clause { margin: .6rem 0; }
div.clause p { display: inline; margin: 0; }
ul.clauses > li, ul.options > li { margin: .35rem 0; }
.cid { display: inline-block; font: 600 .8rem ui-monospace, SFMono-Regular, Menlo, monospace; color: #1e3a8a;
  background: #e0e7ff; border-radius: 4px; padding: 0 .35rem; margin-right: .25rem; }
.clause-page { color: #475569; font-size: .8rem; margin-right: .25rem; }
.clause:target { background: #fef3c7; outline: 3px solid #b45309; outline-offset: 2px; }
.clause:target > .cid { background: #b45309; color: #ffffff; }
.clause:target::before { content: "Cited clause"; display: block; font-weight: 700; font-size: .8rem; color: #78350f; }
@media print { nav, .top { display: none; } .clause:target { outline: none; background: none; } h2 { break-after: avoid; } }
"""


def policy_page_html(clauses: Sequence[Clause], organisation: str = "") -> str:
    """The whole policy as a standalone page: readable on its own, every clause with its id."""
    anchors = clause_anchors(clauses)
    sections = policy_sections(clauses)
    body: list[str] = []
    documents = list(dict.fromkeys(s.document for s in sections))
    for document in documents:
        doc_sections = [s for s in sections if s.document == document]
        count = sum(len(s.clauses) for s in doc_sections)
        body.append(f"<h1>{esc(document_title(document))}</h1>")
        body.append(f'<p class="meta">{esc(document)}, {count} clauses. The assistant cites each clause by the id '
                    f"shown beside it.</p>")
        body.append('<nav aria-label="Sections of ' + esc(document_title(document)) + '"><ul>' + "".join(
            f'<li><a href="#{_section_id(s)}">{esc(s.title)}</a></li>' for s in doc_sections) + "</ul></nav>")
        for s in doc_sections:
            body.append(f'<section aria-labelledby="{_section_id(s)}"><h2 id="{_section_id(s)}">{esc(s.title)}</h2>'
                        f"{section_body_html(s, anchors)}</section>")
    if not documents:
        body.append("<h1>No policy loaded</h1><p>The policy folder has not been ingested yet.</p>")
    title = "Policy" + (f": {organisation}" if organisation and organisation != "our organisation" else "")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{POLICY_CSS}</style></head><body><main>"
        '<p class="top"><a href="./">Open the policy assistant</a></p>'
        + "".join(body) + "</main></body></html>"
    )


def induction_section_html(sections: Sequence[Section], index: int) -> str:
    """One step of the volunteer walk-through: a section of the policy, verbatim, with its ids."""
    if not sections:
        return '<div class="pa-induction"><p>No policy has been loaded yet.</p></div>'
    index = max(0, min(index, len(sections) - 1))
    section = sections[index]
    anchors = clause_anchors([c for s in sections for c in s.clauses])
    end = ('<p class="pa-quiet">That is every section. When you are ready, take the short quiz below.</p>'
           if index == len(sections) - 1 else "")
    return (
        '<div class="pa-induction">'
        f'<p class="pa-step">Part {index + 1} of {len(sections)} &middot; {esc(document_title(section.document))}</p>'
        f'<h3 class="pa-induction-title">{esc(section.title)}</h3>'
        f'<div class="pa-induction-body">{section_body_html(section, anchors, with_ids=False)}</div>'
        f'<p class="pa-quiet"><a href="{POLICY_ROUTE}#{_section_id(section)}" target="_blank" rel="noopener">'
        "Read this section in the full policy (new tab)</a></p>"
        f"{end}</div>"
    )


# ---------------------------------------------------------------------------------------------
# The induction quiz: built deterministically from the clauses; every option is a clause verbatim
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizQuestion:
    prompt: str
    options: tuple[Clause, ...]  # in the order shown
    answer: Clause  # the clause that is the answer key

    def choices(self) -> list[tuple[str, str]]:
        return [(c.full_text, c.clause_id) for c in self.options]


@dataclass(frozen=True)
class QuizItem:
    question: QuizQuestion
    chosen: str | None  # clause id picked, or None
    correct: bool


@dataclass(frozen=True)
class QuizResult:
    items: tuple[QuizItem, ...]

    @property
    def score(self) -> int:
        return sum(1 for i in self.items if i.correct)

    @property
    def total(self) -> int:
        return len(self.items)


def _rank(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _quizzable(c: Clause) -> bool:
    """A clause that makes a good option: a rule on its own (not a lead-in, not an option), readable length."""
    text = c.text.strip()
    return c.kind in ("paragraph", "bullet") and not c.options and not text.endswith(":") and 40 <= len(text) <= 260


def build_quiz(clauses: Sequence[Clause], max_questions: int = QUIZ_MAX_QUESTIONS) -> list[QuizQuestion]:
    """One question per section (in reading order, at most ``max_questions``): which of these clauses is
    in that section? The key and the distractors (clauses from other sections) are chosen by a hash
    of their ids and text, so the same policy always gives the same quiz."""
    sections = [s for s in policy_sections(clauses) if any(_quizzable(c) for c in s.clauses)]
    if len(sections) < 2:
        return []
    questions = []
    for section in sections[:max_questions]:
        key = min((c for c in section.clauses if _quizzable(c)), key=lambda c: _rank("key", c.clause_id, c.text))
        others = sorted(
            (c for s in sections if s is not section for c in s.clauses if _quizzable(c)),
            key=lambda c: _rank("distractor", key.clause_id, c.clause_id, c.text),
        )
        distractors: list[Clause] = []
        used_sections: set[str] = set()
        for c in others:  # prefer distractors from different sections
            if c.section_label not in used_sections:
                distractors.append(c)
                used_sections.add(c.section_label)
            if len(distractors) == QUIZ_OPTIONS - 1:
                break
        options = sorted([key, *distractors], key=lambda c: _rank("order", key.clause_id, c.clause_id))
        if section.title == section.clauses[0].section_label and not section.clauses[0].section:
            prompt = "Which of these does the policy say in its opening, before the first heading?"
        else:
            prompt = f"Which of these does the policy say under \u201c{section.title}\u201d?"
        questions.append(QuizQuestion(prompt, tuple(options), key))
    return questions


def grade_quiz(quiz: Sequence[QuizQuestion], chosen: Sequence[str | None]) -> QuizResult:
    items = []
    for i, question in enumerate(quiz):
        pick = chosen[i] if i < len(chosen) else None
        items.append(QuizItem(question, pick, pick == question.answer.clause_id))
    return QuizResult(tuple(items))


def _clause_reference(c: Clause) -> str:
    page = f", page {c.page}" if c.page else ""
    return f"{c.clause_id}, {c.section_label}, {c.document}{page}"


def quiz_feedback_html(result: QuizResult) -> str:
    """Each question's result, quoting the answer's clause verbatim."""
    rows = []
    for n, item in enumerate(result.items, 1):
        verdict = "Correct." if item.correct else ("Not answered." if item.chosen is None else "Not quite.")
        cls = "pa-quiz-right" if item.correct else "pa-quiz-wrong"
        rows.append(
            f'<li class="{cls}"><p><strong>Question {n}: {verdict}</strong> {esc(item.question.prompt)}</p>'
            f'<p>The answer is {esc(_clause_reference(item.question.answer))}:</p>'
            f'<blockquote class="pa-card-text">{_clause_body_html(item.question.answer.full_text)}</blockquote></li>'
        )
    return (
        f'<div class="pa-quiz-result" role="status"><p class="pa-score">You answered {result.score} of '
        f'{result.total} correctly.</p><ol>{"".join(rows)}</ol></div>'
    )


def quiz_record_html(result: QuizResult, documents: Iterable[str], when: datetime | None = None) -> str:
    """A printable record for a volunteer's induction file. Nothing personal: the name is written by hand."""
    when = when or datetime.now()
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Induction quiz record</title>'
        f"<style>{POLICY_CSS} .blank {{ border-bottom: 1px solid #0f172a; display: inline-block; min-width: 16rem; }}"
        " .pa-quiz-right strong { color: #166534; } .pa-quiz-wrong strong { color: #991b1b; }</style></head><body><main>"
        "<h1>Volunteer induction: online-safety policy quiz</h1>"
        f'<p class="meta">Policy: {esc(", ".join(documents))}. Completed {esc(when.strftime("%d %B %Y, %H:%M"))}.</p>'
        f"{quiz_feedback_html(result)}"
        "<p>Volunteer&rsquo;s name: <span class=\"blank\"></span></p>"
        "<p>Checked by (name and role): <span class=\"blank\"></span></p>"
        "<p>Date: <span class=\"blank\"></span></p>"
        "<p class=\"meta\">This record was generated by the policy assistant, which stores nothing about who took "
        "the quiz. Print it, or save it, for the induction record.</p></main></body></html>"
    )


# ---------------------------------------------------------------------------------------------
# Policy versions: clause changes, uploads
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str
    document: str
    section: str
    before: str  # "" when added
    after: str  # "" when removed


@dataclass(frozen=True)
class ClauseDiff:
    added: tuple[ClauseChange, ...] = ()
    removed: tuple[ClauseChange, ...] = ()
    changed: tuple[ClauseChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict:
        return {k: [c.__dict__ for c in getattr(self, k)] for k in ("added", "removed", "changed")}

    @classmethod
    def from_dict(cls, data: dict) -> "ClauseDiff":
        return cls(**{k: tuple(ClauseChange(**c) for c in data.get(k, ())) for k in ("added", "removed", "changed")})


def diff_clauses(before: Sequence[Clause], after: Sequence[Clause], renamed: dict[str, str] | None = None) -> ClauseDiff:
    """Added, removed and changed clauses between two versions, matched by (document, clause id);
    ``renamed`` maps an old document name to the file that replaced it."""
    renamed = renamed or {}
    old = {(renamed.get(c.document, c.document), c.clause_id): c for c in before}
    new = {(c.document, c.clause_id): c for c in after}
    added = tuple(ClauseChange(c.clause_id, c.document, c.section_label, "", c.full_text)
                  for k, c in new.items() if k not in old)
    removed = tuple(ClauseChange(c.clause_id, c.document, c.section_label, c.full_text, "")
                    for k, c in old.items() if k not in new)
    changed = tuple(ClauseChange(c.clause_id, c.document, c.section_label, old[k].full_text, c.full_text)
                    for k, c in new.items() if k in old and (old[k].full_text != c.full_text
                                                             or old[k].section_label != c.section_label))
    return ClauseDiff(added, removed, changed)


def diff_html(diff: ClauseDiff | None, when: str = "") -> str:
    if diff is None:
        return "<p>No policy change has been recorded yet.</p>"
    stamp = f" ({esc(when)})" if when else ""
    if diff.empty:
        return f"<p>The last new version{stamp} changed no clause.</p>"
    parts = [f"<p>Changes made by the last new version of the policy{stamp}: {len(diff.added)} added, {len(diff.removed)} removed, "
             f"{len(diff.changed)} changed.</p>"]
    for title, changes, kind in (("Added", diff.added, "added"), ("Removed", diff.removed, "removed"),
                                 ("Changed", diff.changed, "changed")):
        if not changes:
            continue
        items = []
        for c in changes:
            if kind == "changed":
                body = (f'<p class="pa-diff-before"><strong>Before:</strong> {text_html(c.before)}</p>'
                        f'<p class="pa-diff-after"><strong>After:</strong> {text_html(c.after)}</p>')
            else:
                body = f"<p>{text_html(c.after or c.before)}</p>"
            items.append(f'<li><span class="pa-card-id">{esc(c.clause_id)}</span> {esc(c.section)} '
                         f'<span class="pa-quiet">({esc(c.document)})</span>{body}</li>')
        parts.append(f'<h4>{title}</h4><ul class="pa-diff pa-diff-{kind}">{"".join(items)}</ul>')
    return "".join(parts)


def validate_upload(path: Path, name: str | None = None) -> str:
    """Check an uploaded policy file (type, size, content); return the safe file name to save it as."""
    path = Path(path)
    name = Path(name or path.name).name
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "policy"
    suffix = Path(safe).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRejected(f"{name}: only {', '.join(UPLOAD_SUFFIXES)} files can be used")
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected(f"{name}: the file is empty")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"{name}: {size / 1024 / 1024:.1f} MB is over the {MAX_UPLOAD_BYTES // 1024 // 1024} MB limit")
    head = path.open("rb").read(8)
    if suffix == ".pdf" and not head.startswith(b"%PDF-"):
        raise UploadRejected(f"{name}: this is not a PDF file")
    if suffix == ".docx" and not head.startswith(b"PK\x03\x04"):
        raise UploadRejected(f"{name}: this is not a Word (.docx) file")
    if suffix in (".md", ".txt"):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRejected(f"{name}: text files must be UTF-8") from None
    return safe


# ---------------------------------------------------------------------------------------------
# The live library: the assistant and its clauses, swapped together on re-ingest
# ---------------------------------------------------------------------------------------------


class Library:
    """What the app answers from. ``reindex`` re-ingests the policy folder and swaps in a new assistant."""

    def __init__(self, settings: Settings, assistant, clauses: Sequence[Clause],
                 embedder_factory: Callable[[], object] | None = None,
                 assistant_factory: Callable[[], object] | None = None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.clauses: tuple[Clause, ...] = tuple(clauses)
        self.anchors = clause_anchors(self.clauses)
        self._embedder_factory = embedder_factory
        self._assistant_factory = assistant_factory
        self._lock = threading.Lock()

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(c.document for c in self.clauses))

    def reindex(self, renamed: dict[str, str] | None = None) -> tuple[str, ClauseDiff]:
        """Ingest the policy folder, rebuild the assistant, record and return what changed."""
        from assistant.cli import render_ingest_report
        from ingest.index import ingest, open_live_index

        with self._lock:
            if self._embedder_factory is None:
                from assistant.embedding import document_embedder

                embedder = document_embedder(self.settings)
            else:
                embedder = self._embedder_factory()
            report = ingest(self.settings, embedder)
            _, live = open_live_index(self.settings)
            if self._assistant_factory is None:
                from assistant.pipeline import build_assistant

                assistant = build_assistant(self.settings)
            else:
                assistant = self._assistant_factory()
            diff = diff_clauses(self.clauses, live.clauses, renamed)
            self.assistant, self.clauses = assistant, tuple(live.clauses)
            self.anchors = clause_anchors(self.clauses)
            if not report.up_to_date:  # an unchanged policy keeps the record of the last real change
                save_changes(self.settings.data_dir, diff)
            return render_ingest_report(report), diff

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


def save_changes(data_dir: Path, diff: ClauseDiff) -> None:
    path = Path(data_dir) / CHANGES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"time": datetime.now(timezone.utc).replace(microsecond=0).isoformat(), **diff.to_dict()}
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def load_changes(data_dir: Path) -> tuple[ClauseDiff | None, str]:
    path = Path(data_dir) / CHANGES_FILE
    if not path.exists():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ClauseDiff.from_dict(data), str(data.get("time", ""))
    except (ValueError, TypeError, KeyError):
        return None, ""


# ---------------------------------------------------------------------------------------------
# The Gradio app
# ---------------------------------------------------------------------------------------------

APP_CSS = """
.gradio-container { max-width: 980px !important; margin: 0 auto !important; }
.pa-header h1 { font-size: 1.6rem; margin: .25rem 0; color: #0f172a; }
.pa-header p { margin: .2rem 0; color: #1e293b; }
.pa-header a, .pa-answer a, .pa-induction a { color: #1d4ed8; }
.pa-header a, .pa-notice a, .pa-bubble a, .pa-induction a { padding: 0 !important; margin: 0 !important; }
.pa-urgent { font-size: .95rem; }
.pa-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.pa-quiet { color: #475569 !important; font-size: .9rem; }
/* The notice: unmissable, above the chat, never a bubble. */
#pa-notice-panel:empty { display: none; }
.pa-notice { background: #fef2f2; color: #450a0a; border: 3px solid #b91c1c; border-left-width: 10px;
  border-radius: 10px; padding: .9rem 1.2rem; margin: .25rem 0 .75rem; scroll-margin-top: .5rem; }
.pa-notice h2 { color: #991b1b; font-size: 1.35rem; margin: 0 0 .35rem; }
.pa-notice h3 { color: #7f1d1d; font-size: 1.05rem; margin: .8rem 0 .25rem; }
.pa-notice p, .pa-notice li { color: #450a0a; }
.pa-notice a { color: #991b1b; font-weight: 700; }
.pa-notice-lead { font-size: 1.2rem; font-weight: 700; margin: .2rem 0 .4rem; }
.pa-notice ul, .pa-notice ol { margin: .2rem 0 .2rem 1.2rem; padding: 0; }
.pa-notice-privacy { font-size: .9rem; border-top: 1px solid #fca5a5; padding-top: .5rem; margin-top: .8rem; }
/* Answers and their clause cards. */
.pa-bubble p { margin: .25rem 0; }
.pa-cards { list-style: none; margin: .4rem 0; padding: 0; }
.pa-card-item { margin: .5rem 0; padding: 0; list-style: none; }
.pa-card { position: relative; background: #ffffff; color: #0f172a; border: 1px solid #94a3b8;
  border-left: 6px solid #1d4ed8; border-radius: 8px; padding: .6rem .8rem; }
.pa-card:hover { box-shadow: 0 2px 8px rgba(15, 23, 42, .18); border-color: #1d4ed8; }
.pa-card:focus-within { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.pa-card-head { margin: 0 0 .1rem !important; font-weight: 700; }
.pa-card-link { color: #0f172a !important; text-decoration: none !important; }
.pa-card-link:focus { outline: none; }
.pa-card-link::after { content: ""; position: absolute; inset: 0; border-radius: 8px; }
.pa-card-link:hover .pa-card-section { text-decoration: underline; }
.pa-card-id { display: inline-block; font: 700 .85rem ui-monospace, SFMono-Regular, Menlo, monospace;
  background: #1d4ed8; color: #ffffff; border-radius: 4px; padding: .05rem .4rem; margin-right: .3rem; }
.pa-card-source { color: #475569 !important; font-size: .85rem; margin: 0 0 .35rem !important; }
.pa-card-text { margin: 0 !important; padding: 0 0 0 .6rem !important; border-left: 3px solid #cbd5e1 !important;
  color: #0f172a !important; font-style: normal !important; background: transparent !important; }
.pa-card-text p { margin: 0 !important; }
.pa-card-text p, .pa-card-text li, .pa-card-section { color: #0f172a !important; }
.pa-card-text ul { margin: .25rem 0 0 1.1rem; }
.pa-not-covered { background: #f1f5f9; color: #0f172a; border: 2px dashed #64748b; border-radius: 8px; padding: .5rem .8rem; }
.pa-not-covered-title { font-weight: 700; }
.pa-disclosure-pointer { border-left: 6px solid #b91c1c; padding-left: .6rem; color: #450a0a; }
.pa-notice-reminder { color: #991b1b !important; font-weight: 600; font-size: .9rem; }
.pa-examples button { white-space: normal !important; text-align: left !important; }
.pa-feedback-note { font-size: .85rem; color: #475569; }
/* Induction. */
.pa-step { color: #475569; font-size: .9rem; margin: 0; }
.pa-induction-title { font-size: 1.25rem; margin: .2rem 0 .5rem; }
.pa-induction .cid, .pa-diff .pa-card-id { font: 700 .8rem ui-monospace, monospace; background: #e0e7ff; color: #1e3a8a;
  border-radius: 4px; padding: 0 .35rem; margin-right: .25rem; }
.pa-induction .clause-page { color: #475569; font-size: .8rem; margin-right: .25rem; }
.pa-induction div.clause p { display: inline; }
.pa-induction div.clause { margin: .5rem 0; }
.pa-score { font-size: 1.15rem; font-weight: 700; }
.pa-quiz-right strong { color: #166534; }
.pa-quiz-wrong strong { color: #991b1b; }
.pa-quiz-result li { margin: .6rem 0; }
@media (max-width: 640px) {
  .gradio-container { padding: 0 .4rem !important; }
  .pa-header h1 { font-size: 1.3rem; }
  .pa-notice { padding: .7rem .8rem; border-left-width: 6px; }
  .pa-notice h2 { font-size: 1.15rem; }
  .pa-notice-lead { font-size: 1.05rem; }
}
"""

# After a disclosure, scroll the notice into view (role="alert" announces it; focus stays in the input).
SCROLL_TO_NOTICE_JS = """
() => {
  const replies = document.querySelectorAll('#pa-chat .pa-bubble');
  const latest = replies[replies.length - 1];
  const notice = document.querySelector('#pa-notice-panel .pa-notice');
  if (notice && latest && latest.classList.contains('pa-disclosure-pointer')) {
    notice.scrollIntoView({behavior: 'smooth', block: 'start'});
  }
}
"""


def _theme():
    # System fonts only: the default theme's web font would be fetched from the internet.
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def _header_html(settings: Settings) -> str:
    org = settings.contacts.organisation
    org_text = "the organisation's" if org in ("", "our organisation") else f"{esc(org)}\u2019s"
    dsl = settings.contacts.dsl_name or "the Designated Safeguarding Lead"
    return (
        '<header class="pa-header"><h1>Safeguarding policy assistant</h1>'
        f"<p>Answers from {org_text} online-safety policy, quoting the exact clause. "
        f'<a href="{POLICY_ROUTE}" target="_blank" rel="noopener">Read the full policy (new tab)</a></p>'
        f'<p class="pa-urgent"><strong>Worried about someone\u2019s safety?</strong> If anyone is in immediate danger, '
        f'call <a href="tel:999">999</a>. Then tell {esc(dsl)}, the Designated Safeguarding Lead.</p></header>'
    )


@dataclass
class _Last:
    """The last answer in this browser session, kept in memory only so feedback can be given on it."""

    question: str
    role: str
    answer: Answer


def _quiz_intro(quiz: Sequence[QuizQuestion]) -> str:
    if not quiz:
        return "The quiz needs a policy with at least two sections."
    return (f"{len(quiz)} questions. Every option is a clause of the policy, word for word: pick the one that "
            "belongs to the section named. Your answers are not stored.")


def _example_updates(role: str):
    examples = EXAMPLES.get(role, EXAMPLES["staff"])
    return [gr.update(value=q) for q in examples]


def create_app(assistant, settings: Settings, *, clauses: Sequence[Clause] | None = None,
               embedder_factory: Callable[[], object] | None = None,
               assistant_factory: Callable[[], object] | None = None) -> gr.Blocks:
    """Build the app (nothing starts). ``clauses`` default to the live index's; the factories (used by
    the admin's re-ingest) default to the real document embedder and ``build_assistant``."""
    if clauses is None:
        from ingest.index import IndexNotBuiltError, open_live_index

        try:
            _, live = open_live_index(settings)
            clauses = live.clauses
        except IndexNotBuiltError:
            clauses = ()
    library = Library(settings, assistant, clauses, embedder_factory, assistant_factory)
    contacts = settings.contacts

    # -- handlers (closures over the library; nothing here logs or writes a question) -----------------

    def respond(question, role, transcript, turns, notice_state, last):
        question = question or ""
        role = role if role in ROLES else "staff"
        transcript = list(transcript or [])
        turns = list(turns or [])
        if not question.strip():
            return transcript, turns, notice_state.get("html", "") if notice_state else "", notice_state, last, transcript, question
        answer = library.assistant.ask(question, role=role, history=turns)
        transcript = transcript + chat_messages(question, answer, library.anchors)
        # The pipeline reads earlier user turns (to resolve follow-ups and to keep a routed conversation
        # routed); the assistant's side is never used, so no notice text is kept for it.
        turns = turns + [{"role": "user", "content": question},
                         {"role": "assistant", "content": "" if answer.route == "disclosure" else answer.answer}]
        notice_state = dict(notice_state or {})
        if answer.notice is not None:
            # An unchanged panel is not re-rendered, so role="alert" is not announced again every turn.
            notice_state = {"html": notice_html(answer.notice), "audience": answer.notice.audience}
        recordable = answer.route in ("answer", "not_covered") and answer.notice is None
        last = _Last(question, role, answer) if recordable else None
        return transcript, turns, notice_state.get("html", ""), notice_state, last, transcript, ""

    def feedback_controls(last):
        shown = last is not None
        return gr.update(visible=shown), gr.update(value="")

    def give_feedback(rating, last):
        if last is None:
            return gr.update(visible=False), '<p role="status">There is no answer to give feedback on.</p>', None
        try:
            record_feedback(settings.data_dir, question=last.question, answer=last.answer, role=last.role, rating=rating)
        except FeedbackRefused:
            return gr.update(visible=False), '<p role="status">Feedback is not recorded for this conversation.</p>', None
        except OSError:
            return gr.update(visible=True), '<p role="status">Sorry, your feedback could not be saved.</p>', last
        thanks = {"up": "Thank you: marked helpful.", "down": "Thank you: marked not helpful.",
                  "wrong_clause": "Thank you: marked as quoting the wrong clause."}[rating]
        return gr.update(visible=False), f'<p role="status" class="pa-feedback-note">{thanks}</p>', None

    def change_role(role, notice_state):
        updates = _example_updates(role)
        notice_state = dict(notice_state or {})
        if notice_state.get("html"):
            notice = build_notice(contacts, audience=notice_state.get("audience", "adult"), role=role)
            notice_state["html"] = notice_html(notice)
        return (*updates, notice_state.get("html", ""), notice_state)

    def new_conversation(notice_state):
        # The notice panel stays for the rest of the session; only the chat is cleared.
        return [], [], None, [], (notice_state or {}).get("html", ""), gr.update(visible=False), ""

    # -- induction ------------------------------------------------------------------------------------

    def induction_show(index):
        sections = policy_sections(library.clauses)
        index = max(0, min(int(index or 0), max(len(sections) - 1, 0)))
        return (induction_section_html(sections, index), index,
                gr.update(interactive=index > 0), gr.update(interactive=index < len(sections) - 1))

    def induction_step(index, step):
        return induction_show(int(index or 0) + step)

    def quiz_load():
        quiz = build_quiz(library.clauses)
        updates = []
        for i in range(QUIZ_MAX_QUESTIONS):
            if i < len(quiz):
                updates.append(gr.update(label=f"Question {i + 1}: {quiz[i].prompt}", choices=quiz[i].choices(),
                                         value=None, visible=True))
            else:
                updates.append(gr.update(visible=False, value=None, choices=[]))
        return (quiz, _quiz_intro(quiz), *updates, "", gr.update(visible=False, value=None))

    def quiz_submit(quiz, *chosen):
        if not quiz:
            return "<p>There is no quiz to mark.</p>", gr.update(visible=False)
        result = grade_quiz(quiz, list(chosen))
        folder = Path(tempfile.mkdtemp(prefix="policy-induction-"))
        path = folder / "induction-quiz-record.html"
        path.write_text(quiz_record_html(result, library.documents), encoding="utf-8")
        return quiz_feedback_html(result), gr.update(value=str(path), visible=True)

    # -- admin ----------------------------------------------------------------------------------------

    def admin_views():
        entries = read_feedback(settings.data_dir)
        rows = [[e.time, e.rating, e.route, e.role, e.question, ", ".join(e.cited)] for e in reversed(entries)]
        uncovered = [[e.time, e.role, e.question] for e in not_covered_questions(entries)]
        diff, when = load_changes(settings.data_dir)
        docs = library.documents
        doc_list = "\n".join(f"- {d}" for d in docs) or "- (none)"
        return (
            f"**Policy documents in use** ({len(library.clauses)} clauses):\n{doc_list}",
            diff_html(diff, when),
            rows,
            uncovered,
            gr.update(choices=[("(a new, additional document)", "")] + [(d, d) for d in docs],
                      value=docs[0] if len(docs) == 1 else ""),
        )

    def admin_unlock(password):
        if not settings.admin_password or not hmac.compare_digest(
            (password or "").encode("utf-8"), settings.admin_password.encode("utf-8")
        ):
            time.sleep(0.5)  # slows guessing a little
            return (False, gr.update(visible=False), '<p role="alert">That password is not right.</p>', "",
                    "", "", [], [], gr.update())
        return (True, gr.update(visible=True), '<p role="status">Admin area unlocked.</p>', "", *admin_views())

    def admin_lock():
        return False, gr.update(visible=False), '<p role="status">Admin area locked.</p>', "", "", [], []

    def require(unlocked):
        if not unlocked:
            raise gr.Error("The admin area is locked.")

    def admin_reingest(unlocked):
        require(unlocked)
        from ingest.index import IndexStoreError

        try:
            report, _ = library.reindex()
        except IndexStoreError as exc:
            return f"Re-ingest failed; the previous index is still answering.\n{exc}", *admin_views()
        return report, *admin_views()

    def admin_upload(unlocked, upload, replaces):
        require(unlocked)
        if not upload:
            return "Choose a file to upload first.", *admin_views()
        try:
            report, _ = library.install_upload(Path(upload), replaces or None)
        except UploadRejected as exc:
            return str(exc), *admin_views()
        return report, *admin_views()

    def admin_refresh(unlocked):
        require(unlocked)
        return admin_views()

    # -- layout ---------------------------------------------------------------------------------------

    with gr.Blocks(title="Safeguarding policy assistant", analytics_enabled=False) as demo:
        transcript = gr.State([])  # the chat as shown (escaped HTML), per browser session, in memory only
        turns = gr.State([])  # raw turns the pipeline reads, in memory only
        notice_state = gr.State({})
        last = gr.State(None)

        gr.HTML(_header_html(settings), elem_id="pa-header", padding=False)
        notice_panel = gr.HTML("", elem_id="pa-notice-panel", padding=False)

        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                role = gr.Radio(
                    choices=[(ROLE_LABELS[r], r) for r in ROLES], value="staff", label="I am a\u2026",
                    info="This changes who the answers point you to, and the safeguarding notice.",
                    elem_id="pa-role",
                )
                with gr.Row(elem_classes=["pa-examples"]):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", elem_classes=["pa-example"])
                                       for q in EXAMPLES["staff"]]
                chatbot = gr.Chatbot(
                    label="Conversation", elem_id="pa-chat", height=None, min_height=320, max_height="75vh",
                    latex_delimiters=[], layout="panel",
                    buttons=["copy"], feedback_options=None, group_consecutive_messages=False,
                    placeholder="Ask a question about the policy, or pick an example above.",
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label="Your question", placeholder="e.g. Can I record a Zoom session?", lines=1,
                        max_lines=6, scale=5, elem_id="pa-question", autofocus=False,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="pa-ask")
                with gr.Column(visible=False, elem_id="pa-feedback") as feedback_row:
                    gr.Markdown("Was this answer right? Your choice saves the question and the clause ids for the "
                                "policy team. Please do not use it to report a concern.",
                                elem_classes=["pa-feedback-note"])
                    with gr.Row():
                        up = gr.Button("\U0001F44D Helpful", size="sm", elem_id="pa-fb-up")
                        down = gr.Button("\U0001F44E Not helpful", size="sm", elem_id="pa-fb-down")
                        wrong = gr.Button("Wrong clause", size="sm", elem_id="pa-fb-wrong")
                feedback_status = gr.HTML("", elem_id="pa-feedback-status", padding=False)
                clear = gr.Button("Start a new conversation", size="sm", variant="secondary")

            with gr.Tab("Volunteer induction", id="induction"):
                gr.Markdown("### Your induction: the online-safety policy\nRead the policy a section at a time, "
                            "then check what you remember with a short quiz. Nothing about you is stored.")
                section_index = gr.State(0)
                section_view = gr.HTML(elem_id="pa-induction-section", padding=False)
                with gr.Row():
                    prev_btn = gr.Button("\u2190 Previous section", size="sm", interactive=False)
                    next_btn = gr.Button("Next section \u2192", size="sm")
                gr.Markdown("### Quiz")
                # Built now so the quiz works without a page load (API clients); refreshed on each page
                # load so a re-ingested policy gives new sessions its own quiz.
                quiz = build_quiz(library.clauses)
                quiz_state = gr.State(quiz)
                quiz_intro = gr.Markdown(_quiz_intro(quiz))
                quiz_radios = [
                    gr.Radio(choices=quiz[i].choices() if i < len(quiz) else [],
                             label=f"Question {i + 1}: {quiz[i].prompt}" if i < len(quiz) else f"Question {i + 1}",
                             visible=i < len(quiz), elem_classes=["pa-quiz-q"])
                    for i in range(QUIZ_MAX_QUESTIONS)
                ]
                quiz_submit_btn = gr.Button("Check my answers", variant="primary")
                quiz_result = gr.HTML(elem_id="pa-quiz-result", padding=False)
                quiz_download = gr.DownloadButton("Download the result for your induction record", visible=False)

            if settings.admin_password:
                with gr.Tab("Admin", id="admin"):
                    unlocked = gr.State(False)
                    with gr.Row(equal_height=True):
                        password = gr.Textbox(label="Admin password", type="password", scale=4)
                        unlock = gr.Button("Unlock", scale=1)
                    admin_status = gr.HTML(padding=False)
                    with gr.Column(visible=False) as admin_area:
                        docs_md = gr.Markdown()
                        reingest_btn = gr.Button("Re-ingest the policy folder")
                        gr.Markdown("#### Upload a new policy version\nPDF, Word (.docx), Markdown or text, up to "
                                    "20 MB. It is saved into the policy folder and ingested; the file it replaces is "
                                    "archived.")
                        upload = gr.File(label="Policy file", file_types=list(UPLOAD_SUFFIXES), type="filepath")
                        replaces = gr.Dropdown(label="This is a new version of", choices=[("(a new, additional document)", "")],
                                               value="")
                        upload_btn = gr.Button("Upload and ingest", variant="primary")
                        admin_report = gr.Textbox(label="Result", lines=6, interactive=False)
                        gr.Markdown("#### Clauses changed since the previous version")
                        changes_view = gr.HTML(padding=False)
                        gr.Markdown("#### Feedback\nOnly what users chose to send. Disclosures are never recorded.")
                        feedback_table = gr.Dataframe(
                            headers=["time (UTC)", "rating", "route", "role", "question", "clauses cited"],
                            datatype=["str"] * 6, interactive=False, wrap=True,
                        )
                        gr.Markdown("#### Questions the policy did not cover (flagged through feedback)")
                        uncovered_table = gr.Dataframe(headers=["time (UTC)", "role", "question"], datatype=["str"] * 3,
                                                       interactive=False, wrap=True)
                        with gr.Row():
                            refresh_btn = gr.Button("Refresh", size="sm")
                            lock_btn = gr.Button("Lock", size="sm")

                    views = [docs_md, changes_view, feedback_table, uncovered_table, replaces]
                    unlock_outputs = [unlocked, admin_area, admin_status, password, *views]
                    unlock.click(admin_unlock, [password], unlock_outputs, api_name="admin_unlock")
                    password.submit(admin_unlock, [password], unlock_outputs, api_visibility="private")
                    lock_btn.click(admin_lock, None, [unlocked, admin_area, admin_status, password, docs_md,
                                                      feedback_table, uncovered_table], api_visibility="private")
                    reingest_btn.click(admin_reingest, [unlocked], [admin_report, *views], api_name="admin_reingest")
                    upload_btn.click(admin_upload, [unlocked, upload, replaces], [admin_report, *views],
                                     api_name="admin_upload")
                    refresh_btn.click(admin_refresh, [unlocked], views, api_visibility="private")

        # -- events ---------------------------------------------------------------------------------------
        ask_outputs = [chatbot, turns, notice_panel, notice_state, last, transcript, question]
        ask_inputs = [question, role, transcript, turns, notice_state, last]
        question.submit(respond, ask_inputs, ask_outputs, api_name="ask").then(
            feedback_controls, [last], [feedback_row, feedback_status], api_visibility="private").then(
            None, js=SCROLL_TO_NOTICE_JS, api_visibility="private")
        ask.click(respond, ask_inputs, ask_outputs, api_visibility="private").then(
            feedback_controls, [last], [feedback_row, feedback_status], api_visibility="private").then(
            None, js=SCROLL_TO_NOTICE_JS, api_visibility="private")
        for button in example_buttons:
            (button.click(respond, [button, role, transcript, turns, notice_state, last], ask_outputs,
                          api_visibility="private")
             .then(feedback_controls, [last], [feedback_row, feedback_status], api_visibility="private")
             .then(None, js=SCROLL_TO_NOTICE_JS, api_visibility="private"))
        for button, rating in ((up, "up"), (down, "down"), (wrong, "wrong_clause")):
            button.click(lambda l, _r=rating: give_feedback(_r, l), [last], [feedback_row, feedback_status, last],
                         api_name=f"feedback_{rating}")
        role.change(change_role, [role, notice_state], [*example_buttons, notice_panel, notice_state],
                    api_visibility="private")
        clear_outputs = [chatbot, transcript, last, turns, notice_panel, feedback_row, feedback_status]
        clear.click(new_conversation, [notice_state], clear_outputs, api_visibility="private")
        chatbot.clear(new_conversation, [notice_state], clear_outputs, api_visibility="private")

        prev_btn.click(lambda i: induction_step(i, -1), [section_index], [section_view, section_index, prev_btn, next_btn],
                       api_visibility="private")
        next_btn.click(lambda i: induction_step(i, 1), [section_index], [section_view, section_index, prev_btn, next_btn],
                       api_visibility="private")
        quiz_submit_btn.click(quiz_submit, [quiz_state, *quiz_radios], [quiz_result, quiz_download], api_name="quiz_submit")
        demo.load(induction_show, [section_index], [section_view, section_index, prev_btn, next_btn],
                  api_visibility="private")
        demo.load(quiz_load, None, [quiz_state, quiz_intro, *quiz_radios, quiz_result, quiz_download],
                  api_visibility="private")

    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY_LIMIT)
    demo.policy_library = library  # read by `start` to serve /policy from the live clauses
    return demo


def policy_routes(library: Library) -> list:
    """The plain HTML policy page, served beside the app at /policy."""
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def policy_page(request):
        return HTMLResponse(policy_page_html(library.clauses, library.settings.contacts.organisation),
                            headers={"Cache-Control": "no-store"})

    return [Route(f"/{POLICY_ROUTE}", policy_page, methods=["GET"]),
            Route(f"/{POLICY_ROUTE}/", policy_page, methods=["GET"])]


def start(app: gr.Blocks, settings: Settings, *, host: str | None = None, port: int | None = None,
          inbrowser: bool = False, block: bool = True, quiet: bool = False) -> str:
    """Launch the app with its styles and the /policy page. Returns the local URL (when not blocking)."""
    library: Library = app.policy_library
    app.launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        inbrowser=inbrowser,
        prevent_thread_lock=not block,
        quiet=quiet,
        show_error=False,
        footer_links=[],  # no API/settings links for the public; the API stays available to clients
        run_history=False,  # Gradio would otherwise keep every question in the browser's storage
        enable_monitoring=False,
        ssr_mode=False,
        mcp_server=False,
        max_file_size=MAX_UPLOAD_BYTES,
        theme=_theme(),
        css=APP_CSS,
        app_kwargs={"routes": policy_routes(library)},
    )
    return app.local_url


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def prepare_index(settings: Settings) -> None:
    """Ingest the policy folder when the index is missing or out of date (prints progress to stderr)."""
    from assistant.cli import cmd_ingest
    from ingest.index import index_is_current

    if index_is_current(settings, settings.model_name):
        return
    print(f"The policy index is missing or out of date: ingesting {settings.policy_dir} first.", file=sys.stderr)
    cmd_ingest(settings, argparse.Namespace())


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """``policy-assistant serve``: ingest if needed, then run the app until interrupted."""
    apply_offline_switches()
    from ingest.index import IndexStoreError
    from assistant.embedding import EmbeddingModelError
    from assistant.pipeline import build_assistant

    warning = missing_contact_warning(settings.contacts)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        prepare_index(settings)
        assistant = build_assistant(settings)
    except (IndexStoreError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    app = create_app(assistant, settings)
    host = getattr(args, "host", None) or settings.host
    port = getattr(args, "port", None) or settings.port
    inbrowser = not getattr(args, "no_browser", False) and not os.environ.get("CI") and _has_display()
    print(f"Policy assistant on http://{host}:{port} (Ctrl+C to stop).", file=sys.stderr)
    start(app, settings, host=host, port=port, inbrowser=inbrowser, block=True)
    return 0
