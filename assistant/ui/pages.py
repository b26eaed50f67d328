"""Pure renderers for whole pages and panels: the policy page, the induction steps, the quiz and its
record, the clause changes, the app's header, and the admin area's lists.

What this module does not do: build the quiz (``assistant.quiz``), compute changes (``assistant.changes``)
or serve anything (``assistant.ui.app``).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence

from assistant.changes import ClauseDiff
from assistant.feedback import FeedbackEntry
from assistant.notice import dsl_with_role, setup_hint
from assistant.quiz import QuizQuestion, QuizResult
from assistant.sections import Section, display_title, document_title, policy_sections
from assistant.settings import Contacts, Settings
from assistant.ui.render import POLICY_ROUTE, clause_body_html, anchor_for, clause_anchors, esc, phone_link, text_html
from ingest.clauses import Clause

STATIC = Path(__file__).parent / "static"
POLICY_CSS = (STATIC / "policy.css").read_text(encoding="utf-8")


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
    named = " and ".join(document_title(d) for d in documents) or "Policy"
    title = f"{named}: every clause with its id" + (f" ({organisation})" if organisation else "")
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


def _clause_reference(c: Clause) -> str:
    page = f", page {c.page}" if c.page else ""
    return f"{c.clause_id}, {display_title(c.section_label)}, {c.document}{page}"


def quiz_feedback_html(result: QuizResult) -> str:
    """Each question marked, with what was chosen and the clause the right answer quotes, verbatim."""
    rows = []
    for n, item in enumerate(result.items, 1):
        question = item.question
        verdict = "Correct." if item.correct else ("Not answered." if item.chosen is None else "Not quite.")
        cls = "pa-quiz-right" if item.correct else "pa-quiz-wrong"
        chosen = ""
        if item.chosen is not None and not item.correct:
            chosen = f'<p class="pa-quiz-chosen">You chose: \u201c{esc(item.chosen_text or "")}\u201d. That is not what the policy says.</p>'
        rows.append(
            f'<li class="{cls}"><p class="pa-quiz-verdict"><strong>Question {n}: {verdict}</strong></p>'
            f'<p class="pa-quiz-prompt">{esc(question.prompt)}</p>{chosen}'
            f'<p class="pa-quiz-source">The policy says ({esc(_clause_reference(question.clause))}):</p>'
            f'<blockquote class="pa-card-text">{clause_body_html(question.clause.full_text)}</blockquote></li>'
        )
    return (
        f'<div class="pa-quiz-result" role="status"><p class="pa-score">You answered {result.score} of '
        f'{result.total} correctly.</p><ol class="pa-quiz-items">{"".join(rows)}</ol></div>'
    )


QUIZ_TITLE = "Volunteer induction: policy quiz"
RECORD_LINES = ("<p class=\"pa-sign\">Volunteer&rsquo;s name: <span class=\"blank\"></span></p>"
                "<p class=\"pa-sign\">Checked by (name and role): <span class=\"blank\"></span></p>"
                "<p class=\"pa-sign\">Date: <span class=\"blank\"></span></p>")


def _completed(documents: Iterable[str], when: datetime | None) -> str:
    when = when or datetime.now()
    return f'Policy: {esc(", ".join(documents))}. Completed {esc(when.strftime("%d %B %Y, %H:%M"))}.'


def quiz_print_html(result: QuizResult, documents: Iterable[str], when: datetime | None = None) -> str:
    """The marked quiz as the app shows it, with the lines of the induction record that only print."""
    return (
        f'<div class="pa-quiz-print"><h2 class="pa-print-only">{QUIZ_TITLE}</h2>'
        f'<p class="pa-print-only">{_completed(documents, when)}</p>{quiz_feedback_html(result)}'
        f'<div class="pa-print-only">{RECORD_LINES}</div></div>'
    )


def quiz_record_html(result: QuizResult, documents: Iterable[str], when: datetime | None = None) -> str:
    """A printable record for a volunteer's induction file. Nothing personal: the name is written by hand."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Induction quiz record</title>'
        f"<style>{POLICY_CSS} .blank {{ border-bottom: 1px solid currentColor; display: inline-block; min-width: 16rem; }}"
        " .pa-quiz-right strong { color: #166534; } .pa-quiz-wrong strong { color: #991b1b; }"
        " .pa-quiz-items > li { margin: 1rem 0; } .pa-quiz-items p { margin: .3rem 0; }</style></head><body><main>"
        f'<h1>{QUIZ_TITLE}</h1><p class="meta">{_completed(documents, when)}</p>'
        f"{quiz_feedback_html(result)}{RECORD_LINES}"
        "<p class=\"meta\">This record was generated by the policy assistant, which stores nothing about who took "
        "the quiz. Print it, or save it, for the induction record.</p></main></body></html>"
    )


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


def header_html(settings: Settings) -> str:
    contacts = settings.contacts
    org = contacts.organisation.strip()
    org_text = f"{esc(org)}\u2019s" if org else "your organisation\u2019s"
    reach = f", {phone_link(contacts.dsl_phone)}" if contacts.dsl_phone else ""
    return (
        '<header class="pa-header"><h1>Safeguarding policy assistant</h1>'
        f'<p><span class="pa-intro">Answers from {org_text} safeguarding and online-safety policies, quoting the '
        f'exact clause. </span><a href="{POLICY_ROUTE}" target="_blank" rel="noopener">Read the full policy (new tab)</a></p>'
        f'<p class="pa-urgent"><strong>Worried about someone\u2019s safety?</strong> If anyone is in immediate danger, '
        f'call <a href="tel:999">999</a>. Then tell {esc(dsl_with_role(contacts))}{reach}.</p></header>'
    )


def setup_html(contacts: Contacts) -> str:
    """The note for the app's administrator while the notice cannot name or reach the DSL ("" once it can)."""
    hint = setup_hint(contacts)
    if not hint:
        return ""
    return ('<details class="pa-setup" role="note"><summary>Set-up not finished: the safeguarding contacts are '
            f"incomplete (for this app&rsquo;s administrator)</summary><p>{esc(hint)}</p></details>")


def quiz_intro(quiz: Sequence[QuizQuestion]) -> str:
    if not quiz:
        return ("The quiz needs a policy that states rules (such as \u201cStaff must not \u2026\u201d); this one has "
                "none it can ask about yet.")
    return (f"{len(quiz)} questions about what to do. In each, one answer is the policy\u2019s own words and the "
            "others are not what it says. Your answers are not stored.")


def documents_html(documents: Sequence[str], clause_count: int) -> str:
    """The policy documents in use, their names as plain text (a name is never read as markup)."""
    items = "".join(f"<li>{esc(d)}</li>" for d in documents) or "<li>(none)</li>"
    return (f'<div class="pa-admin-docs"><p><strong>Policy documents in use</strong> ({clause_count} clauses):</p>'
            f"<ul>{items}</ul></div>")


def feedback_list_html(entries: Sequence[FeedbackEntry]) -> str:
    """Feedback, newest first, as a list that fits a phone."""
    if not entries:
        return "<p>No feedback yet.</p>"
    items = []
    for e in entries:
        question = (f'<p class="pa-fb-question">\u201c{esc(e.question)}\u201d</p>' if e.question
                    else '<p class="pa-quiet">(question not included)</p>')
        cited = esc(", ".join(e.cited)) or "none"
        items.append(f'<li class="pa-admin-item"><p><strong>{esc(e.rating.replace("_", " "))}</strong> on a '
                     f'{esc(e.route.replace("_", " "))} answer &middot; {esc(e.role)} &middot; {esc(e.time)} UTC</p>'
                     f"{question}<p>Clauses cited: {cited}</p></li>")
    return f'<ul class="pa-admin-list">{"".join(items)}</ul>'


def uncovered_list_html(entries: Sequence[FeedbackEntry]) -> str:
    """Questions people flagged on a "not covered" answer (``assistant.feedback.not_covered_questions``)."""
    if not entries:
        return "<p>None yet.</p>"
    items = "".join(f'<li class="pa-admin-item"><p class="pa-fb-question">\u201c{esc(e.question)}\u201d</p>'
                    f"<p>{esc(e.role)} &middot; {esc(e.time)} UTC</p></li>" for e in entries)
    return f'<ul class="pa-admin-list">{items}</ul>'
