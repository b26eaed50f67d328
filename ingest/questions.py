"""Example questions: the ways people ask for a clause, kept as data beside the policy.

An organisation may keep, for each policy document, a TOML file in ``<policy folder>/questions/``
named after the document (``online-safety-policy.toml`` serves ``online-safety-policy.pdf``, and the
Word or text copy of the same policy). Each table is a clause id, the first words of that clause (so
that a re-numbered or re-worded policy shows up as a warning instead of pointing questions at the
wrong clause), and the questions:

    ["ZP-6"]
    clause_starts = "We do not allow any recording"
    questions = ["can I record the zoom to watch later?", "is it ok to screen record a session?"]

(The id is quoted because an option's id has a dot, "UMP-4.b", which TOML would otherwise split.)

Ingest embeds the questions next to the clauses, and retrieval scores a clause by the better of its own
words and its example questions (the "hypothetical questions" form of multi-vector retrieval).
They never appear in an answer: answers quote clauses only.

What this module does not do: embed or store anything (``ingest.index``), or invent questions.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ingest.clauses import Clause

QUESTIONS_FOLDER = "questions"
MAX_EXAMPLE_CHARS = 300  # an example is a question someone would type, not a paragraph


@dataclass(frozen=True)
class ExampleQuestion:
    document: str  # the document file whose clause it asks for
    clause_id: str
    text: str


def _normalise(text: str) -> str:
    return " ".join(text.split())


def load_questions(policy_dir: Path, clauses: Sequence[Clause]) -> tuple[list[ExampleQuestion], list[str]]:
    """The example questions for the clauses being indexed, and one warning line per problem.

    A file, table or question that cannot be used is left out with a warning; it never stops ingest,
    because the clauses answer without it.
    """
    folder = Path(policy_dir) / QUESTIONS_FOLDER
    if not folder.is_dir():
        return [], []
    by_stem: dict[str, list[str]] = {}
    for document in dict.fromkeys(c.document for c in clauses):
        by_stem.setdefault(Path(document).stem, []).append(document)
    texts = {(c.document, c.clause_id): _normalise(c.text) for c in clauses}

    questions: list[ExampleQuestion] = []
    warnings: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            warnings.append(f"questions/{path.name}: cannot be read ({type(exc).__name__}: {exc}); its questions are not used")
            continue
        documents = by_stem.get(path.stem)
        if not documents:
            warnings.append(f"questions/{path.name}: no indexed document is named {path.stem}.*; its questions are not used")
            continue
        for clause_id, entry in data.items():
            problem = _check_entry(entry, clause_id, documents, texts)
            if problem:
                warnings.append(f"questions/{path.name} [{clause_id}]: {problem}; these questions are not used")
                continue
            for document in documents:
                for text in dict.fromkeys(_normalise(q) for q in entry["questions"]):
                    if text:
                        questions.append(ExampleQuestion(document, clause_id, text))
    return questions, warnings


def _check_entry(entry: object, clause_id: str, documents: list[str], texts: dict[tuple[str, str], str]) -> str:
    if not isinstance(entry, dict):
        return "expected a table with clause_starts and questions"
    starts, asked = entry.get("clause_starts"), entry.get("questions")
    if not isinstance(starts, str) or not starts.strip():
        return "clause_starts is missing (the first words of the clause)"
    if not isinstance(asked, list) or not all(isinstance(q, str) for q in asked):
        return "questions must be a list of strings"
    if any(len(q) > MAX_EXAMPLE_CHARS for q in asked):
        return f"a question is longer than {MAX_EXAMPLE_CHARS} characters"
    for document in documents:
        text = texts.get((document, clause_id))
        if text is None:
            return f"{document} has no clause {clause_id}"
        if not text.startswith(_normalise(starts)):
            return f"clause {clause_id} of {document} no longer starts with {starts.strip()!r}"
    return ""
