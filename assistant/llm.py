"""Optional wording of an answer by a LangChain chat model, gated so that it cannot add a claim.

The model sees only the clauses retrieval already chose (prompts in ``prompts/``, rendered strictly:
a missing or unexpected variable raises ``PromptError``). Its reply is shown only if every sentence
cites one of those clause ids in square brackets and every quoted span appears verbatim in a clause
that sentence cites; otherwise the extractive answer stands. The cited clause cards are unchanged
either way, so the verbatim text is always on screen.

What this module does not do: see disclosures (the pipeline routes them before any model), choose
clauses, or talk to any network the user did not configure. Providers need their own LangChain
package (``langchain-openai`` for OpenAI-compatible servers, ``langchain-ollama``); none is a
dependency, because the product answers correctly without a model.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from assistant.answer import Answer
from ingest.load import normalise_space

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
NOT_COVERED_REPLY = "NOT COVERED"


class PromptError(Exception):
    """A prompt file and the variables given to it do not match."""


class LLMUnavailableError(Exception):
    """The configured chat-model provider cannot be used on this machine."""


def render_prompt(name: str, **variables: str) -> str:
    """Render prompts/<name>.md; every placeholder must be given, and nothing else."""
    template = string.Template((PROMPTS / f"{name}.md").read_text(encoding="utf-8"))
    wanted = {m.group("named") or m.group("braced") for m in template.pattern.finditer(template.template)} - {None}
    if wanted != set(variables):
        raise PromptError(f"prompt {name}: expects {sorted(wanted)}, given {sorted(variables)}")
    return template.substitute(variables)


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_CITE = re.compile(r"\[([A-Z0-9]+-\d+(?:\.[a-z]+)?)\]")
_QUOTE = re.compile(r"[\"\u201c]([^\"\u201d]+)[\"\u201d]")


def check_reply(reply: str, clauses: dict[str, str]) -> str | None:
    """None when the reply is faithful; otherwise a content-free reason for refusing it."""
    sentences = [s.strip() for s in _SENTENCE.findall(reply) if s.strip(" .!?\n[]")]
    # A citation written after the full stop belongs to the sentence before it.
    merged: list[str] = []
    for sentence in sentences:
        if merged and _CITE.fullmatch(sentence.strip(" .")):
            merged[-1] += " " + sentence
        else:
            merged.append(sentence)
    if not merged:
        return "empty"
    for sentence in merged:
        cited = _CITE.findall(sentence)
        if not cited:
            return "uncited_statement"
        if any(c not in clauses for c in cited):
            return "cites_unretrieved_clause"
        for quoted in _QUOTE.findall(sentence):
            if not any(normalise_space(quoted) in normalise_space(clauses[c]) for c in cited):
                return "quote_not_verbatim"
    return None


def reword(question: str, role: str, answer: Answer, chat_model) -> Answer:
    """Ask the model to word the answer; keep its reply only if ``check_reply`` passes."""
    if answer.route != "answer" or not answer.citations:
        return answer
    from langchain_core.messages import HumanMessage, SystemMessage

    clauses = {c.clause_id: c.text for c in answer.citations}
    listing = "\n".join(f"[{cid}] {text}" for cid, text in clauses.items())
    messages = [
        SystemMessage(render_prompt("answer", role=role, clauses=listing)),
        HumanMessage(render_prompt("question", question=question)),
    ]
    try:
        reply = str(chat_model.invoke(messages).content).strip()
    except Exception as exc:  # any provider failure: the extractive answer stands
        return replace(answer, reason=f"{answer.reason}+llm:error:{type(exc).__name__}")
    if reply == NOT_COVERED_REPLY:
        return replace(answer, reason=f"{answer.reason}+llm:declined")
    problem = check_reply(reply, clauses)
    if problem:
        return replace(answer, reason=f"{answer.reason}+llm:rejected:{problem}")
    return replace(answer, answer=reply, reason=f"{answer.reason}+llm:accepted")


def chat_model_for(provider: str, model: str, base_url: str):
    """The LangChain chat model a user configured. Imported lazily: none is installed by default."""
    try:
        if provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=model, base_url=base_url or None, temperature=0)
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=model, base_url=base_url or None, temperature=0)
        if provider == "llamacpp":
            from langchain_community.chat_models import ChatLlamaCpp

            return ChatLlamaCpp(model_path=model, temperature=0)
    except ImportError as exc:
        raise LLMUnavailableError(f"llm_provider {provider!r} needs a package that is not installed ({exc.name})") from None
    raise LLMUnavailableError(f"unknown llm_provider {provider!r}: use openai, ollama or llamacpp")


def build_rewriter(settings, clauses: Sequence = ()):
    """A callable (question, role, answer) -> answer for the pipeline, or raise LLMUnavailableError."""
    chat_model = chat_model_for(settings.llm_provider, settings.llm_model, settings.llm_base_url)

    def rewriter(question: str, role: str, answer: Answer) -> Answer:
        return reword(question, role, answer, chat_model)

    return rewriter
