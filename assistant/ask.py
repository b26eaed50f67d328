"""The ``ask`` contract that scripts, the evaluation suite and other tools rely on.

- ``policy-assistant ask [--role R] "question"`` prints a readable answer; ``--json`` prints one object.
- ``policy-assistant ask --json -`` reads JSON Lines from stdin, each
  ``{"question": str, "role": str (optional), "history": [{"role": "user"|"assistant", "content": str}]}``
  and writes one JSON object per line, in order, loading models once. A malformed line gets an
  error object (``{"error": "..."}``) on its line and the rest still run.
- The object: ``{"route", "answer", "citations": [{"clause_id", "document", "section", "page", "text", "context"}],
  "notice"}``.

Nothing here logs or stores a question. The ``ask`` command itself (building the assistant,
printing) is ``assistant.cli``; this module is the contract: parsing requests, rendering answers,
and answering a stream of JSON Lines.
"""

from __future__ import annotations

import json
from typing import IO

from assistant.settings import ROLES


class BadRequest(Exception):
    """One JSON Lines request that does not follow the contract."""


def parse_request(line: str) -> tuple[str, str, list[dict]]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise BadRequest("each line must be a JSON object")
    question = data.get("question")
    if not isinstance(question, str):
        raise BadRequest('"question" must be a string')
    role = data.get("role") or "staff"
    if role not in ROLES:
        raise BadRequest(f'"role" must be one of {", ".join(ROLES)}')
    history = data.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str) for t in history
    ):
        raise BadRequest('"history" must be a list of {"role": "user"|"assistant", "content": str}')
    return question, role, history


def render_text(answer) -> str:
    """The readable form for a terminal."""
    if answer.route == "disclosure":
        return answer.notice.to_text()
    parts = [answer.answer]
    if answer.notice is not None:
        parts.append("")
        parts.append(answer.notice.to_text())
    return "\n".join(parts)


def serve_lines(assistant, stdin: IO[str], stdout: IO[str]) -> int:
    """Answer JSON Lines from stdin, one object per line, in order."""
    failures = 0
    for line in stdin:
        if not line.strip():
            continue
        try:
            question, role, history = parse_request(line)
            result = assistant.ask(question, role=role, history=history).to_dict()
        except BadRequest as exc:
            failures += 1
            result = {"error": str(exc)}
        except Exception as exc:  # one bad line must not end the stream; the error never echoes the question
            failures += 1
            result = {"error": f"this line could not be answered ({type(exc).__name__})"}
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return 1 if failures else 0
