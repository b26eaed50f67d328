"""The other ways a clause is embedded beside its own words: each of its sentences, and the clause read
with the words around it.

A question usually asks about one point, and a clause of several sentences states several: its single
vector is an average that can sit far from each of them. So every sentence of a clause of two or more
sentences is embedded too, and retrieval scores the clause by its closest sentence when that beats the
whole. And a list item ("Accept friend requests from children") or a clause under a heading means more
with its heading and lead-in, which its own vector does not see; so the clause is embedded once more
with its section title and lead-in in front, and retrieval averages that with the clause's own score.
Measured on other organisations' policies with no example questions (evals/README.md): ranking hit@1
0.667 -> 0.701 on the six development folders, 0.670 -> 0.710 on five folders never used to choose.

Facets are for finding a clause only: answers quote clauses, never a facet.

They cost about 2.5 times the clauses' own text to embed: on two cores the 1,000-page synthetic
corpus took 350 s to ingest with them against 102 s without. So a policy set whose facets would
need more than ``MAX_FACET_TEXTS`` embeddings (about 250 pages of ordinary policy) is indexed by
its clauses' own words only (``facets_within``); the setting ``max_facet_texts`` moves the bound.

What this module does not do: embed or store anything (``ingest.index``) or score (``assistant.retrieve``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal, Sequence

from ingest.clauses import SECTION_SEPARATOR, Clause

FacetKind = Literal["sentence", "context"]

# A sentence ends at . ! ? ; or : before a capital, an opening bracket or a bullet, or at a line break
# (a clause's options are one per line). Abbreviations such as "e.g. the" do not split (no capital).
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z(•\-])|\n")
# Shorter pieces ("Yes.", "(a)") say nothing a question could match on their own.
MIN_SENTENCE_CHARS = 16
# Distinct facet texts a policy set may have and still get facets (see the module docstring).
MAX_FACET_TEXTS = 10_000
# A heading above the sections of this share of a document's clauses is its title, not one section's.
TITLE_SHARE = 0.8


@dataclass(frozen=True)
class Facet:
    document: str
    clause_id: str
    kind: FacetKind
    text: str


def sentences(text: str) -> list[str]:
    """The clause's sentences of some length; the whole text when it has fewer than two."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and len(p.strip()) >= MIN_SENTENCE_CHARS]
    return parts if len(parts) > 1 else [text]


def context_text(clause: Clause, lead_in: str | None, title: str | None = None) -> str:
    """The clause as a reader meets it: section title, the lead-in of its list, then its words (also
    the text BM25 indexes for the clause, ``assistant.retrieve``). ``title``: the document's title
    (``document_titles``), left out: it heads every section alike and tells one clause from no other."""
    label = clause.section_label
    if title and label.startswith(title + SECTION_SEPARATOR):
        label = label[len(title) + len(SECTION_SEPARATOR):]
    return " ".join(filter(None, [label, lead_in, clause.full_text]))


def document_titles(clauses: Sequence[Clause]) -> dict[str, str]:
    """Per document, a heading above the sections of most of its clauses (``TITLE_SHARE``): its title."""
    by_document: dict[str, list[str]] = {}
    for clause in clauses:
        by_document.setdefault(clause.document, []).append(clause.section)
    titles = {}
    for document, sections in by_document.items():
        roots = Counter(s.split(SECTION_SEPARATOR, 1)[0] for s in sections if SECTION_SEPARATOR in s)
        if roots:
            root, count = roots.most_common(1)[0]
            if count >= TITLE_SHARE * len(sections):
                titles[document] = root
    return titles


def context_texts(clauses: Sequence[Clause]) -> list[str]:
    """Each clause's context facet text (``context_text``), in the clauses' order: its section without the
    document's title, its list's lead-in, its words."""
    by_key = {(c.document, c.clause_id): c for c in clauses}
    titles = document_titles(clauses)
    texts = []
    for clause in clauses:
        lead_in = by_key.get((clause.document, clause.lead_in_id)) if clause.lead_in_id else None
        texts.append(context_text(clause, lead_in.text if lead_in else None, titles.get(clause.document)))
    return texts


def facets_of(clauses: Sequence[Clause]) -> list[Facet]:
    """Every clause's context facet, and a facet per sentence for a clause of several sentences."""
    out: list[Facet] = []
    for clause, context in zip(clauses, context_texts(clauses)):
        out.append(Facet(clause.document, clause.clause_id, "context", context))
        pieces = sentences(clause.full_text)
        if len(pieces) > 1:
            out.extend(Facet(clause.document, clause.clause_id, "sentence", piece) for piece in pieces)
    return out


def facets_within(clauses: Sequence[Clause], max_texts: int = MAX_FACET_TEXTS) -> list[Facet]:
    """The clauses' facets, or none when they would need more than ``max_texts`` distinct embeddings
    (0: never). Ingest and the staleness check both decide through here, so they always agree."""
    if max_texts <= 0:
        return []
    facets = facets_of(clauses)
    return facets if len({f.text for f in facets}) <= max_texts else []
