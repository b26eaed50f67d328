"""What an ingest did, as a person reads it: clauses per document and section, and what was skipped and why.

What this module does not do: ingest anything (``ingest.index`` builds the report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ingest.clauses import Clause


@dataclass(frozen=True)
class IngestReport:
    documents: tuple[str, ...]
    clauses_per_section: tuple[tuple[str, str, int], ...]  # (document, section label, clause count)
    skipped: tuple[tuple[str, str], ...]  # (file name, one-line reason)
    clauses: int
    embedded: int  # clauses whose vectors were computed this run
    reused: int  # clauses whose vectors were carried over from the previous index
    seconds: float
    up_to_date: bool  # nothing changed: no work done
    collection: str
    texts_embedded: int = 0  # distinct texts embedded: clauses with identical words share one embedding
    questions: int = 0  # example questions indexed (ingest.questions)
    question_warnings: tuple[str, ...] = ()  # example questions left out, one line each
    facets: int = 0  # sentences and clauses-in-context indexed to find clauses (ingest.facets)
    document_warnings: tuple[str, ...] = ()  # documents indexed with a caution (not in English), one line each

    def render(self) -> str:
        """The report as a person reads it: what was indexed, per document and section, and what was not."""
        lines = []
        if self.up_to_date:
            lines.append(f"Index up to date: {self.clauses} clauses, nothing to embed ({self.seconds:.1f} s).")
        else:
            lines.append(
                f"Indexed {self.clauses} clauses from {len(self.documents)} document(s) in {self.seconds:.1f} s "
                f"({self.embedded} embedded, {self.reused} reused"
                + (f"; {self.texts_embedded} distinct texts" if self.texts_embedded < self.embedded else "")
                + ")."
            )
        document = None
        for doc, section, count in self.clauses_per_section:
            if doc != document:
                lines.append(f"  {doc}")
                document = doc
            lines.append(f"    {count:3d}  {section}")
        if self.questions:
            lines.append(f"  {self.questions} example questions help find the clauses (policy folder, questions/).")
        if not self.up_to_date and self.clauses:
            lines.append(f"  {self.facets} sentences and headings help find the clauses." if self.facets else
                         "  Clauses are found by their own words only, not also by sentence and heading (setting max_facet_texts).")
        for _, reason in self.skipped:
            lines.append(f"Skipped: {reason}")
        for warning in self.question_warnings:
            lines.append(f"Example questions left out: {warning}")
        for warning in self.document_warnings:
            lines.append(f"Warning: {warning}")
        return "\n".join(lines)


def per_section(clauses: Sequence[Clause]) -> tuple[tuple[str, str, int], ...]:
    """Clauses per (document, section label), in reading order."""
    counts: dict[tuple[str, str], int] = {}
    for clause in clauses:
        key = (clause.document, clause.section_label)
        counts[key] = counts.get(key, 0) + 1
    return tuple((doc, section, n) for (doc, section), n in counts.items())
