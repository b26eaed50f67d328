"""One question to one answer, in this order: route, retrieve, compose (and optionally reword).

The router sees every message first, before retrieval or any model. A disclosure returns the
safeguarding notice straight away: its text goes no further, and it is never used as context for a
later turn. Once a conversation has routed, later answers carry the notice too.

What this module does not do: print, log or store anything (the CLI and app decide what to show,
and never record question text), or read the environment (settings come in).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from assistant.answer import Answer, compose, disclosure_answer
from assistant.notice import build_notice
from assistant.settings import Settings

# Retrieval reads a bounded prefix of a very long question; the router always reads all of it.
MAX_QUESTION_CHARS = 2000

_FOLLOW_UP = re.compile(
    r"^\s*(and|also|but|so|then|what about|how about|what if|and if|same for|does that|does this|is that|is this|"
    r"do they|do we|would that|can they|what do i do then|why|ok and|okay and)\b",
    re.IGNORECASE,
)
_REFERRING = re.compile(r"\b(that|this|it|they|them|those|these|too|either|as well)\b", re.IGNORECASE)


def resolve_follow_up(question: str, previous_questions: Sequence[str]) -> str:
    """A short follow-up ("and what about adults?") is read together with the question before it."""
    if not previous_questions:
        return question
    words = re.findall(r"[A-Za-z']+", question)
    if _FOLLOW_UP.search(question) or (len(words) <= 6 and _REFERRING.search(question)):
        return f"{previous_questions[-1]} {question}"
    return question


class Assistant:
    """Wires the stages; built once per process by ``build_assistant``. ``ask`` is thread-safe."""

    def __init__(self, settings: Settings, router, retriever, rewriter=None) -> None:
        self.settings = settings
        self.router = router
        self.retriever = retriever
        self.rewriter = rewriter

    def ask(self, question: str, role: str = "staff", history: Sequence[dict] = ()) -> Answer:
        """``history``: earlier turns as the ask contract gives them, {"role": "user"|"assistant", "content": str}."""
        user_turns = [str(t.get("content", "")) for t in history if t.get("role") == "user"]
        decision = self.router.route(question, user_turns)
        if decision.is_disclosure:
            notice = build_notice(self.settings.contacts, audience=decision.audience, role=role)
            return disclosure_answer(notice, decision.reason)

        notes: list[str] = []
        if not question.strip():
            return Answer("not_covered", "Please type a question about the policy.", (), None, "input:empty")
        if len(question) > MAX_QUESTION_CHARS:
            notes.append(f"Only the first {MAX_QUESTION_CHARS:,} characters of your question were used.")
        bounded = question[:MAX_QUESTION_CHARS]
        # Earlier turns that routed (on their own or with the weak signals before them) are never
        # context for retrieval; one of them keeps the notice on every later answer.
        context: list[str] = []
        routed_before = False
        for i, turn in enumerate(user_turns):
            if self.router.route(turn, user_turns[:i]).is_disclosure:
                routed_before = True
            else:
                context.append(turn[:MAX_QUESTION_CHARS])
        query = resolve_follow_up(bounded, context)
        answer = self._answer(query, role, decision.signpost)
        if answer.route == "not_covered" and query == bounded and context and len(bounded.split()) <= 12:
            # A short question the policy does not cover on its own may lean on the one before it
            # ("will anyone else be copied in?" after a question about emailing a child).
            leaning = self._answer(f"{context[-1]} {bounded}", role, decision.signpost)
            if leaning.route == "answer":
                answer = leaning
        if self.rewriter is not None and answer.route == "answer":
            answer = self.rewriter(question, role, answer)
        if notes:
            answer = replace(answer, answer="\n".join(notes + [answer.answer]), notes=tuple(notes))
        if routed_before:
            answer = replace(answer, notice=build_notice(self.settings.contacts, role=role))
        return answer


    def _answer(self, query: str, role: str, signpost: bool) -> Answer:
        hits = self.retriever.search(query, self.settings.top_k)
        return compose(hits, role, self.settings.contacts, max_citations=self.settings.max_citations,
                       signpost=signpost, question_hint=query, unknown_share=self.retriever.unknown_share(query))


def build_assistant(settings: Settings, client=None) -> Assistant:
    """Open the live index and load the router and query embedder. Raises IndexNotBuiltError before ingest."""
    from assistant.embedding import query_embedder
    from assistant.retrieve import Retriever
    from assistant.route import load_router
    from ingest.index import open_live_index

    collection, live = open_live_index(settings, client=client)
    retriever = Retriever(collection, live.clauses, query_embedder(settings), questions=live.questions)
    rewriter = None
    if settings.llm_provider:
        from assistant.llm import build_rewriter

        rewriter = build_rewriter(settings, live.clauses)
    return Assistant(settings, load_router(), retriever, rewriter)
