"""Turn a loaded document's blocks into citable clauses with stable, human-readable ids.

A clause is a paragraph or a bullet of the policy, verbatim (whitespace normalised only). A bullet
that introduces sub-bullets ("we will either:") is one citable unit whose ``full_text`` carries its
options; each option is a clause of its own, addressable as ``<parent id>.<letter>``.

Ids are a section abbreviation plus the clause's ordinal in that section, for example ``ZP-4`` for
the fourth clause of "Our Zoom Policy" and ``UMP-4.b`` for the second option under the fourth clause
of "Using Mobile Phones". They derive from position and headings only, so the same policy gives the
same ids on every run and from its PDF, Word or text copy.

What this module does not do: read files (``ingest.load``) or embed and store (``ingest.index``).
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass

from ingest.load import Block, Document

# Bump when a change here or in ingest.load would change clause text or ids: the index rebuilds.
PARSER_VERSION = "1"

OPENING_ABBREVIATION = "OPEN"
OPENING_LABEL = "Introduction"
_ABBREVIATION_SKIP = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "including", "into", "of", "on", "or",
    "our", "the", "to", "we", "what", "with", "your", "their", "its",
}


@dataclass(frozen=True)
class Clause:
    clause_id: str  # "ZP-4", "UMP-4.b"
    document: str  # file name it came from
    section: str  # section heading as written ("" for an untitled opening)
    ordinal: int  # position within its section (options: position under their parent)
    position: int  # position within the whole document, in reading order
    page: str | None  # printed page label (PDF only)
    page_index: int | None  # 1-based physical page (PDF only)
    text: str  # the clause's own words, verbatim
    kind: str  # "paragraph" | "bullet" | "option"
    parent_id: str | None = None  # options: the clause that introduces them
    lead_in_id: str | None = None  # bullets: the paragraph ending in ":" that introduces the list
    options: tuple[str, ...] = ()  # a parent's options' texts, in order

    @property
    def full_text(self) -> str:
        """The citable unit: the clause with its options, one per line."""
        return "\n".join((self.text,) + self.options)

    @property
    def section_label(self) -> str:
        return self.section or OPENING_LABEL

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.section}\n{self.full_text}".encode("utf-8")).hexdigest()[:16]


def section_abbreviation(title: str) -> str:
    """Initials of a heading's significant words: "Our Zoom Policy" -> "ZP" (at most four letters)."""
    if not title:
        return OPENING_ABBREVIATION
    numbered = re.match(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+", title)
    if numbered:
        return "S" + numbered.group(1)
    words = re.findall(r"[A-Za-z0-9]+", title)
    significant = [w for w in words if w.lower() not in _ABBREVIATION_SKIP] or words
    return "".join(w[0].upper() for w in significant)[:4] or "SEC"


def _option_letter(n: int) -> str:
    letters = string.ascii_lowercase
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


def build_clauses(document: Document) -> list[Clause]:
    """Clauses of one document, in reading order (each parent before its options)."""
    # Group blocks into sections, then into units (a top-level block with its sub-bullets).
    sections: list[tuple[str, list[list[Block]]]] = [("", [])]
    for block in document.blocks:
        if block.kind == "heading":
            sections.append((block.text, []))
            continue
        units = sections[-1][1]
        if block.kind == "bullet" and block.level >= 2 and units and units[-1][0].kind in ("bullet", "paragraph"):
            units[-1].append(block)
        else:
            units.append([block])

    taken: set[str] = set()
    clauses: list[Clause] = []
    position = 0
    for title, units in sections:
        if not units:
            continue
        abbreviation = base = section_abbreviation(title)
        n = 1
        # Two sections with the same initials: "ESV", "ESV2". Checked against every abbreviation given
        # out, so a heading whose own initials are "ESV2" cannot reuse those ids (duplicate ids crash ingest).
        while abbreviation in taken:
            n += 1
            abbreviation = f"{base}{n}"
        taken.add(abbreviation)
        lead_in: str | None = None
        for ordinal, unit in enumerate(units, start=1):
            head, options = unit[0], unit[1:]
            clause_id = f"{abbreviation}-{ordinal}"
            position += 1
            if head.kind == "paragraph":
                this_lead_in = None
            else:
                this_lead_in = lead_in
            clauses.append(
                Clause(
                    clause_id=clause_id,
                    document=document.name,
                    section=title,
                    ordinal=ordinal,
                    position=position,
                    page=head.page,
                    page_index=head.page_index,
                    text=head.text,
                    kind="bullet" if head.kind == "bullet" else "paragraph",
                    lead_in_id=this_lead_in,
                    options=tuple(o.text for o in options),
                )
            )
            for n, option in enumerate(options):
                position += 1
                clauses.append(
                    Clause(
                        clause_id=f"{clause_id}.{_option_letter(n)}",
                        document=document.name,
                        section=title,
                        ordinal=n + 1,
                        position=position,
                        page=option.page,
                        page_index=option.page_index,
                        text=option.text,
                        kind="option",
                        parent_id=clause_id,
                    )
                )
            if head.kind == "paragraph":
                # A paragraph ending in ":" introduces the bullets that follow it.
                lead_in = clause_id if head.text.endswith(":") and not options else None
    return clauses
