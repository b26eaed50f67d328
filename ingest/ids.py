"""Clause ids unique within a folder of several documents: where two documents share an id ("P-1" in
four files), each such clause is prefixed with a short code for its document.

What this module does not do: read documents or build clauses (``ingest.clauses``), which number each
document on its own.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ingest.clauses import ABBREVIATION_SKIP, Clause, first_free


def document_code(name: str, taken: set[str]) -> str:
    """A short code for a document ("safeguarding-policy.pdf" -> "SP"), unique among ``taken``."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", name)
    words = [w for w in re.findall(r"[A-Za-z0-9]+", stem) if w.lower() not in ABBREVIATION_SKIP] or [stem or "D"]
    return first_free("".join(w[0].upper() for w in words)[:4] or "D", taken)


def unique_across_documents(clauses: Sequence[Clause]) -> list[Clause]:
    """Ids unique within a folder: where two documents share an id ("P-1" in four files), each of
    those clauses is prefixed with its document's code ("SP/P-1"); ids found in one document only
    stay as they are, so adding a document changes as few ids as it can."""
    owners: dict[str, set[str]] = {}
    for clause in clauses:
        owners.setdefault(clause.clause_id, set()).add(clause.document)
    shared = {cid for cid, docs in owners.items() if len(docs) > 1}
    if not shared:
        return list(clauses)
    taken: set[str] = set()
    codes = {doc: document_code(doc, taken) for doc in dict.fromkeys(c.document for c in clauses)}

    def renamed(cid: str | None, document: str) -> str | None:
        return f"{codes[document]}/{cid}" if cid in shared else cid

    return [replace(c, clause_id=renamed(c.clause_id, c.document), parent_id=renamed(c.parent_id, c.document),
                    lead_in_id=renamed(c.lead_in_id, c.document)) for c in clauses]
