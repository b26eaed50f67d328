"""The policy as sections a person reads in order: each document's clauses grouped under their headings.

Used by the policy page, the induction walk-through and the quiz. What this module does not do:
render anything (``assistant.ui``) or read the index (the clauses come in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ingest.clauses import Clause


@dataclass(frozen=True)
class Section:
    document: str
    title: str  # the heading as a person would write it (``display_title``); "Introduction" before the first
    clauses: tuple[Clause, ...]  # in reading order, options included


def display_title(label: str) -> str:
    """A section heading as a person would write it: the policy's own words without Markdown marks
    (``**Leeds Social Care**``), a closing colon, or a bracket left open or never opened by the way
    the document was read. The quote of a clause keeps its text as the policy has it; only titles
    are tidied."""
    title = re.sub(r"(\*\*|__|^#+\s*|`)", "", label)
    title = re.sub(r"\s+", " ", title).strip().rstrip(":").strip()
    keep = [True] * len(title)
    opened: list[int] = []
    for i, ch in enumerate(title):
        if ch in "([":
            opened.append(i)
        elif ch in ")]":
            if opened and title[opened[-1]] == {")": "(", "]": "["}[ch]:
                opened.pop()
            else:
                keep[i] = False
    for i in opened:
        keep[i] = False
    title = re.sub(r"\s+", " ", "".join(ch for ch, k in zip(title, keep) if k)).strip(" -,;")
    return title or label


def policy_sections(clauses: Sequence[Clause]) -> list[Section]:
    """Sections in reading order, per document."""
    ordered = sorted(clauses, key=lambda c: (c.document, c.position))
    sections: list[Section] = []
    labels: list[str] = []
    for clause in ordered:
        if sections and sections[-1].document == clause.document and labels[-1] == clause.section_label:
            sections[-1] = Section(clause.document, sections[-1].title, sections[-1].clauses + (clause,))
        else:
            sections.append(Section(clause.document, display_title(clause.section_label), (clause,)))
            labels.append(clause.section_label)
    return sections


def document_title(document: str) -> str:
    words = re.sub(r"[-_]+", " ", Path(document).stem).strip()
    return words[:1].upper() + words[1:] if words else document
