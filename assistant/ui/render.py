"""Pure renderers for the chat: an answer, its clause cards, the user's words and the safeguarding notice.

Every function takes plain values (``Answer``, ``Citation``, ``Notice``) and returns HTML or chat
messages; nothing here needs a server or imports gradio, so all of it is tested directly. All user and
policy text is escaped: it is shown as text, never as HTML.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Sequence

from assistant.answer import Answer, Citation
from assistant.notice import Notice
from assistant.sections import display_title
from ingest.clauses import Clause

POLICY_ROUTE = "policy"  # the plain HTML policy page, relative to the app's root


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


def clause_body_html(full_text: str) -> str:
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
        f'<span class="pa-card-section">{esc(display_title(citation.section))}</span>'
        f'<span class="pa-sr"> (opens the full policy at this clause, in a new tab)</span></a></p>'
        f'<p class="pa-card-source">{where}</p>'
        f'<blockquote class="pa-card-text">{clause_body_html(citation.text)}</blockquote>'
        f"</article>"
    )


def _split_answer_text(answer: Answer) -> tuple[str, str]:
    """The answer's own lines before and after its quotes; the cards show the quotes themselves.

    When the text does not contain the quotes as composed (an LLM reworded it), all of it is kept.
    """
    text = answer.answer
    spans = []
    for citation in answer.citations:
        start = text.find(citation.quoted())
        if start < 0:
            return text, ""
        spans.append((start, start + len(citation.quoted())))
    if not spans:
        return text, ""
    return text[: min(s for s, _ in spans)].strip(), text[max(e for _, e in spans):].strip()


# Feedback buttons on every answer, with text labels (no emoji font needed): (rating, label).
FEEDBACK_LABELS = (("up", "Helpful"), ("down", "Not helpful"), ("wrong_clause", "Wrong clause"))
FEEDBACK_DONE = {"up": "Thank you: marked helpful.", "down": "Thank you: marked not helpful.",
                 "wrong_clause": "Thank you: marked as quoting the wrong clause."}


def feedback_html(turn: int, done: str = "") -> str:
    """The feedback controls under one answer, or what became of them (``done``: a rating given, or a
    sentence). Gradio's chat keeps classes but not data- attributes, so the turn travels in a class;
    ``static/app.js`` sends a click to the app's feedback endpoint."""
    if done:
        return f'<p class="pa-fb-done" role="status">{esc(FEEDBACK_DONE.get(done, done))}</p>'
    buttons = "".join(f'<button type="button" class="pa-fb-btn pa-fb-{r}">{label}</button>'
                      for r, label in FEEDBACK_LABELS)
    return (
        f'<div class="pa-feedback pa-fb-turn-{int(turn)}" role="group" aria-label="Feedback on this answer">'
        f'<p class="pa-fb-ask">Was this answer right?</p><div class="pa-fb-buttons">{buttons}</div>'
        '<label class="pa-fb-include"><input type="checkbox" class="pa-fb-include-box"> Include my question '
        "with my feedback</label>"
        '<p class="pa-fb-note">Feedback keeps your rating and the clause numbers for the policy team, and your '
        "question only if you tick the box. Please do not use it to report a concern.</p></div>"
    )


def error_html(message: str) -> str:
    """A bubble for an answer that could not be given, saying what the person can do."""
    return (
        '<div class="pa-bubble pa-error" role="status">'
        f'<p class="pa-error-title">{esc(message)}</p>'
        "<p>Please try again in a few minutes. If this is about someone&rsquo;s safety, do not wait: use "
        "<strong>Get help now</strong> at the top of the page, or call 999 in an emergency.</p></div>"
    )


def answer_html(answer: Answer, anchors: dict[tuple[str, str], str] | None = None, footer: str = "") -> str:
    """The assistant's chat bubble for one Answer (an HTML block on one line); ``footer`` (the feedback
    controls) goes inside it, under the answer."""
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
            + reminder + footer + "</div>"
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
        + reminder + footer + "</div>"
    )


_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>&~|$])")
_MD_LINE_START = re.compile(r"^([ \t]*\d*)([#+=.)-])", re.MULTILINE)


def user_text(question: str) -> str:
    """The user's own words for the chat, shown literally: every character that Markdown or HTML would
    read as markup is backslash-escaped (a ``<script>`` in a question shows as ``<script>``). Plain
    Markdown text rather than HTML, so the chat's accessible label for the message stays readable."""
    escaped = _MD_ANYWHERE.sub(r"\\\1", question)
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def chat_messages(question: str, answer: Answer, anchors: dict[tuple[str, str], str] | None = None,
                  footer: str = "") -> list[dict]:
    """The two chat messages for one turn, in Gradio's messages format."""
    return [
        {"role": "user", "content": user_text(question)},
        {"role": "assistant", "content": answer_html(answer, anchors, footer)},
    ]


def _digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def phone_link(number: str) -> str:
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
            ways.append("phone " + phone_link(c.phone))
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
