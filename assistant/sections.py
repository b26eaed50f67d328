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
