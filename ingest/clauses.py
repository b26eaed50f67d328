"""Turn a loaded document's blocks into citable clauses with stable, human-readable ids.

A clause is a paragraph, a list item or a table row of the policy, verbatim (whitespace normalised
only). A list item that introduces sub-items ("we will either:") is one citable unit whose
``full_text`` carries its options; each option is a clause of its own. A list item depends on the
words that introduce it: its ``context`` is that lead-in ("Staff must not:"), verbatim, and a
lead-in's ``items`` are the items it introduces, so neither is ever quoted without the other.

Sections follow the policy's headings; a sub-heading's section is "parent › heading".

Ids: where the policy numbers a clause, the id is the policy's own number, what a reader finds on
the page ("4.2", "2(a)", and "ZP(1)" for the first item of a numbered list under "Our Zoom Policy").
Otherwise a section abbreviation plus the clause's position: ``ZP-4`` is the fourth clause of "Our
Zoom Policy", ``UMP-4.b`` the second option under the fourth clause of "Using Mobile Phones", ``S3-2``
the second unnumbered clause of section 3. They derive from position, headings and numbers only, so
the same policy gives the same ids on every run and from its PDF, Word or text copy.

What this module does not do: read files (``ingest.load``) or embed and store (``ingest.index``).
Ids unique across the documents of a folder are ``ingest.ids``'s job.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, replace
from typing import Sequence

from ingest.wording import CONTENTS_TITLE, TERMINAL, asks, is_lead_in, lost_full_stop
from ingest.load import Block, Document
from ingest.markers import DECIMAL_NUMBER

# Bump when a change here or in ingest.load would change clause text or ids: the index rebuilds.
PARSER_VERSION = "37"

OPENING_ABBREVIATION = "OPEN"
OPENING_LABEL = "Introduction"
SECTION_SEPARATOR = " \u203a "
ABBREVIATION_SKIP = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "including", "into", "of", "on", "or",
                     "our", "the", "to", "we", "what", "with", "your", "their", "its"}
_DECIMAL = re.compile(r"\d{1,2}(?:\.\d{1,2})*")
TITLE_LINES = 3  # at most this many title lines open a document at one level


@dataclass(frozen=True)
class Clause:
    clause_id: str  # "ZP-4", "UMP-4.b", "4.2", "2(a)"
    document: str  # file name it came from
    section: str  # section heading as written ("" for an untitled opening); "parent › heading" below a sub-heading
    ordinal: int  # position within its section (options: position under their parent)
    position: int  # position within the whole document, in reading order
    page: str | None  # printed page label (PDF only)
    page_index: int | None  # 1-based physical page (PDF only)
    text: str  # the clause's own words, verbatim
    kind: str  # "paragraph" | "bullet" | "option" | "row"
    parent_id: str | None = None  # options: the clause that introduces them
    lead_in_id: str | None = None  # list items (and a list's closing words): the lead-in that introduces them
    options: tuple[str, ...] = ()  # a parent's options' texts, in order
    context: str = ""  # the words this clause depends on, verbatim: its lead-in, or an option's parent
    items: tuple[str, ...] = ()  # a lead-in's list items' texts, in order
    number: str = ""  # the policy's own number for it, "" when it has none

    @property
    def full_text(self) -> str:
        """The citable unit: the clause with its options, one per line."""
        return "\n".join((self.text,) + self.options)

    @property
    def section_label(self) -> str:
        return self.section or OPENING_LABEL

    @property
    def content_hash(self) -> str:
        body = f"{self.section}\n{self.full_text}\n{self.context}\n" + "\n".join(self.items)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def section_abbreviation(title: str) -> str:
    """Initials of a heading's significant words: "Our Zoom Policy" -> "ZP" (at most four letters)."""
    if not title:
        return OPENING_ABBREVIATION
    numbered = re.match(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+", title)
    if numbered:
        return "S" + numbered.group(1)
    words = re.findall(r"[A-Za-z0-9]+", title)
    significant = [w for w in words if w.lower() not in ABBREVIATION_SKIP] or words
    return "".join(w[0].upper() for w in significant)[:4] or "SEC"


def _option_letter(n: int) -> str:
    letters = string.ascii_lowercase
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


@dataclass
class _Section:
    title: str  # as cited: "parent › heading"
    own: str  # the heading itself
    number: str  # the heading's own number path ("2", "2(a)"), "" when unnumbered
    units: list[list[Block]]


def _depth(number: str) -> int:
    """How deep a heading's number puts it: "3" is 1, "2.3" is 2, a letter or roman numeral "(a)" is below
    the decimal it follows; an unnumbered heading is a top-level one (its level alone places it)."""
    if not number:
        return 1
    return number.count(".") + 1 if _DECIMAL.fullmatch(number) else 9


def _sub_number(number: str) -> tuple[str, int] | None:
    """A decimal heading number below the top level as (what it is under, its place): "1.8" is ("1", 8)."""
    head, dot, last = number.rpartition(".")
    return (head, int(last)) if dot and _DECIMAL.fullmatch(number) else None


def _closes(open_rank: tuple[int, int], open_number: str, rank: tuple[int, int], number: str) -> bool:
    """Does a new heading close the open one? Its rank (level, depth) says so; but where both are
    numbered and the new number carries the open one's sequence on ("5. Definitions", then "6. Code of
    conduct" set in another size), the numbers state the structure, whatever the styling says."""
    if _DECIMAL.fullmatch(open_number) and _DECIMAL.fullmatch(number):
        depth, open_depth = _depth(number), _depth(open_number)
        if depth < open_depth:
            return True
        if depth == open_depth and int(number.split(".")[-1]) > int(open_number.split(".")[-1]):
            return True
        if depth > open_depth and number.startswith(open_number + "."):
            return False  # "5.1" under "5", however it is styled
    return open_rank >= rank


def _label_under_number(block: Block, stack: list[tuple[tuple[int, int], str, str]]) -> bool:
    """A label heading ("Guidelines:", "For online workshops:") set like the numbered headings around it
    belongs under the numbered one that is open ("9.2 Physical contact"), as a lettered heading would;
    taken as a heading of its own rank it would close "9.2" and "9", and its clauses lose both."""
    return (not block.number and block.text.rstrip().endswith(":")
            and any(rank[0] == block.level and _DECIMAL.fullmatch(number) for rank, _, number in stack))


def _contents_entries(section: _Section) -> int:
    """How many of the section's first units are a contents list the page-number check could not see
    (entries with no page numbers, or pages written as "Page 2"): under a "Contents" heading, the short
    lines that end no sentence, up to the first that does (the policy's opening paragraph may follow the
    list with no heading of its own). Its entries would only echo the headings, and draw questions from
    the clauses."""
    if not any(CONTENTS_TITLE.match(part) for part in section.title.split(SECTION_SEPARATOR)):
        return 0
    # A heading can be a question ("Who can be a permit mentor?"), so only a full stop or "!" ends a sentence.
    n = 0
    while n < len(section.units) and all(len(block.text.split()) <= 15 and not block.text.rstrip().endswith((".", "!"))
                                         for block in section.units[n]):
        n += 1
    if n == len(section.units):
        return n
    # Only right under the "Contents" heading: a section below it ("Contents › What's in it") is the body's.
    return n if n >= 3 and CONTENTS_TITLE.match(section.own.strip()) else 0


def _sections(blocks: Sequence[Block]) -> list[_Section]:
    """Blocks grouped under their headings; each unit is a top-level block with its sub-items."""
    sections = [_Section("", "", "", [])]
    stack: list[tuple[tuple[int, int], str, str]] = []  # ((level, depth), heading text, number path) of open headings
    opened: dict[str, tuple[int, list]] = {}  # "1" -> (5, the stack "1.5" opened on): where "1.6" goes
    headings = [b for b in blocks if b.kind == "heading"]
    levels = [b.level for b in headings]
    # The document's title lines: its first headings, each the only one at its level and outranking
    # every heading after it (a title, then a subtitle such as "Mandatory for all staff"). They name
    # the document, so they are no section's parent.
    # Several title lines may share a level ("CHILD PROTECTION POLICY", the organisation's name, its
    # motto), as long as no heading after them is set as large.
    titles = set()
    n = 0
    while n < len(headings):
        end = n
        while end < len(headings) and levels[end] == levels[n] and headings[end].page == headings[n].page:
            end += 1
        if end - n > TITLE_LINES or levels[n] >= min(levels[end:], default=levels[n] + 1):
            break
        titles.update(id(h) for h in headings[n:end])
        n = end
    for block in blocks:
        if id(block) in titles:
            sections.append(_Section(block.text, block.text, "", []))
            continue
        if block.kind == "heading":
            rank = (block.level, _depth(block.number))
            if _label_under_number(block, stack):
                rank = (block.level, _depth("a"))
            while stack and _closes(stack[-1][0], stack[-1][2], rank, block.number):
                stack.pop()
            sibling = opened.get(place[0]) if (place := _sub_number(block.number)) else None
            if place and sibling and sibling[0] < place[1]:
                # "1.8" goes where "1.5" went: an unnumbered heading set between them ("AVOID LEADING QUESTIONS",
                # a boxed reminder) is no parent of numbered sections, whatever its size.
                stack = list(sibling[1])
            number = block.number
            if number and not _DECIMAL.fullmatch(number) and stack and stack[-1][2]:
                number = f"{stack[-1][2]}({number})"  # "(a) Governors" under "2 Roles ..." is 2(a)
            parent = stack[-1][1] if stack else ""
            if place:
                opened[place[0]] = (place[1], list(stack))
            stack.append((rank, block.text, number))
            title = f"{parent}{SECTION_SEPARATOR}{block.text}" if parent else block.text
            sections.append(_Section(title, block.text, number, []))
            continue
        units = sections[-1].units
        if block.kind == "bullet" and block.level >= 2 and units and units[-1][0].kind in ("bullet", "paragraph"):
            units[-1].append(block)
        else:
            units.append([block])
    # A "Contents" heading set above the body's headings would be every later section's parent: it names
    # only the contents list, which is left out, so the body's sections lose it from their titles.
    kept = []
    for section in sections:
        entries = _contents_entries(section)
        if entries == len(section.units):  # nothing but a contents list, or nothing at all
            continue
        if entries:  # the policy's opening text after the list: no contents, and under no heading
            section = replace(section, title="", own="", units=section.units[entries:])
        kept.append(_without_contents(section))
    return kept


def _without_contents(section: _Section) -> _Section:
    parts = section.title.split(SECTION_SEPARATOR)
    kept = [part for part in parts if not CONTENTS_TITLE.match(part.strip())]
    return section if len(kept) == len(parts) or not kept else replace(section, title=SECTION_SEPARATOR.join(kept))


def _document_numbered(sections: list[_Section]) -> bool:
    """Are the document's single numbers ("1.", "2.", ... "9.") one sequence through the whole
    document (numbered paragraphs), rather than lists that start again in each section?"""
    numbers = [int(u[0].number) for s in sections for u in s.units if u[0].number.isdigit()]
    return bool(numbers) and all(b > a for a, b in zip(numbers, numbers[1:]))


def build_clauses(document: Document) -> list[Clause]:
    """Clauses of one document, in reading order (each parent before its options)."""
    sections = _sections(document.blocks)
    absolute = _document_numbered(sections)
    taken: set[str] = set()
    clauses: list[Clause] = []
    position = 0

    abbreviations = {"S" + s.number for s in sections if s.number}
    for section in sections:
        if section.number:
            key, plain_prefix = section.number, "S" + section.number
        else:
            # Two sections with the same initials: "ESV", "ESV2". Checked against every abbreviation given
            # out, so a heading whose own initials are "ESV2" cannot reuse those ids.
            key = plain_prefix = first_free(section_abbreviation(section.own), abbreviations)
        lead_in: Clause | None = None  # the paragraph introducing the list being read
        list_open = False
        item_lead: Clause | None = None  # a list item introducing lines of its own ("... the deputies, as follows:")
        asked: Clause | None = None  # a question the clauses after it answer (an FAQ), until the next one
        answered = 0  # clauses quoted under it so far
        numbered_parent = ""  # the last decimal-numbered clause, which lettered items belong to
        numbered_lines: dict[str, Clause] = {}  # the section's decimal-numbered clauses (paragraphs and items), by number
        unnumbered = 0
        for ordinal, unit in enumerate(section.units, start=1):
            head, options = unit[0], unit[1:]
            number = head.number or _own_number(head)
            if number and _DECIMAL.fullmatch(number) and ("." in number or absolute):
                candidate = number
                numbered_parent = number
            elif number and _DECIMAL.fullmatch(number):
                candidate = f"{key}({number})"
                numbered_parent = candidate
            elif number:
                candidate = f"{numbered_parent or key}({number})"
            else:
                unnumbered += 1
                candidate = f"{plain_prefix}-{unnumbered}"
            clause_id = first_free(candidate, taken, "_")
            position += 1
            is_item = head.kind == "bullet"
            context, depends_on = "", None
            # "3.1.1.2.1 Sexual activity or contact ..." under "3.1.1.2 Prohibited Activities for Workers.":
            # numbered under a short line, it is that line's item, whatever the line's punctuation.
            parent = numbered_lines.get(_decimal_parent(number))
            if parent is not None and len(parent.text) <= NESTED_LEAD_IN_CHARS:
                context, depends_on = parent.text, parent.clause_id
            elif is_item and lead_in is not None:
                context, depends_on = lead_in.text, lead_in.clause_id
            elif head.kind == "paragraph" and item_lead is not None and len(head.text) <= SHORT_ITEM_CHARS and not is_lead_in(head.text):
                # Unmarked lines after an item that introduces them (the deputies' names and numbers under "Contact
                # ... or one of the deputies, as follows:") are that item's; the list goes on after them.
                context, depends_on = item_lead.text, item_lead.clause_id
            elif head.kind == "paragraph" and list_open and lead_in is not None and _closes_list(head.text):
                context, depends_on = lead_in.text, lead_in.clause_id
            elif (head.kind == "paragraph" and lead_in is not None and not list_open and is_lead_in(lead_in.text)
                  and len(head.text) <= SHORT_ITEM_CHARS and not is_lead_in(head.text)):
                # Short lines after "... is:" or "Staff must not:" with no list marker (a name under "The
                # nominated governor is:", bullets the export lost) are what the lead-in introduces.
                context, depends_on = lead_in.text, lead_in.clause_id
            answers = depends_on is None and asked is not None and not asks(head.text) and answered < QUESTION_ANSWERS
            if answers:
                answered += 1
                # "Q. Can they still do their permit?" then "A. Ideally, ...": the answer is quoted under its
                # question, and the question with its answer.
                context, depends_on = asked.text, asked.clause_id
            clause = Clause(
                clause_id=clause_id, document=document.name, section=section.title, ordinal=ordinal,
                position=position, page=head.page, page_index=head.page_index, text=head.text,
                kind={"bullet": "bullet", "row": "row"}.get(head.kind, "paragraph"), lead_in_id=depends_on,
                options=tuple(o.text for o in options), context=context, number=number,
            )
            clauses.append(clause)
            if number and _DECIMAL.fullmatch(number):
                numbered_lines[number] = clause
            nested: dict[str, str] = {}  # an option's decimal number -> its text, for the options numbered under it
            for n, option in enumerate(options):
                position += 1
                if option.number and "." in option.number and number and option.number.startswith(number + "."):
                    candidate = option.number  # "3.2.1.3.1" under "3.2.1": the number on the page
                else:
                    candidate = clause_id + (f"({option.number})" if option.number else f".{_option_letter(n)}")
                # "3.2.1.3.1" depends on "3.2.1.3 Prohibited Activities for ... Workers.", not on "3.2.1"
                parent = nested.get(_decimal_parent(option.number))
                clauses.append(Clause(
                    clause_id=first_free(candidate, taken, "_"), document=document.name, section=section.title,
                    ordinal=n + 1, position=position, page=option.page, page_index=option.page_index,
                    text=option.text, kind="option", parent_id=clause_id, context=parent or head.text, number=option.number,
                ))
                if option.number and _DECIMAL.fullmatch(option.number):
                    nested[option.number] = option.text
            # A paragraph that asks, or an item marked "Q."; not a list item that happens to end in "?" ("Do not
            # ask leading questions - Why? How? What?"), whose sibling items answer nothing.
            if depends_on is None and not options and asks(head.text) and (not is_item or head.number.upper() == "Q"):
                asked, answered = clause, 0
            if item_lead is not None and depends_on == item_lead.clause_id:
                continue
            item_lead = clause if is_item and not options and list_open and is_lead_in(head.text) else None
            if is_item and not answers:
                list_open = lead_in is not None
                continue
            if head.kind in ("paragraph", "bullet") and (depends_on is None or answers):
                # A paragraph introducing a list ("Staff must not:", or one that stops mid-sentence)
                # is the context of every item that follows it until the next paragraph.
                after = section.units[ordinal][0] if ordinal < len(section.units) else None
                lost_stop = after is not None and after.kind == "bullet" and lost_full_stop(head.text, after.text)  # "... at all levels" then "1. The club ..."
                introduces = not options and (is_lead_in(head.text) or not (head.text.endswith(TERMINAL + (";", ")", '"')) or lost_stop))
                lead_in = clause if introduces else None
                list_open = False
            elif depends_on is None:
                lead_in, list_open = None, False
    return _with_items(clauses)


# A paragraph that opens with the policy's own decimal number ("5.4 At events ...", "10.2 Unacceptable
# behaviour ..."): the number a reader finds on the page, so its id. Not a quantity ("1.5 hours").
_OWN_NUMBER = re.compile(r"((?=\d{1,2}\.\d)" + DECIMAL_NUMBER + r")\s+(?=[A-Z\u2018\u201c'\"(])")


def first_free(base: str, taken: set[str], sep: str = "") -> str:
    """``base``, or ``base`` with the first number from 2 that is not yet ``taken``; it is taken from then on."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{sep}{n}"
    taken.add(name)
    return name


def _decimal_parent(number: str) -> str:
    """The number a decimal number sits under ("3.2.1" for "3.2.1.3"); "" for a top-level or other label."""
    return number.rpartition(".")[0] if _DECIMAL.fullmatch(number) else ""


def _own_number(block: Block) -> str:
    m = _OWN_NUMBER.match(block.text) if block.kind == "paragraph" else None
    return m.group(1) if m else ""


def _closes_list(text: str) -> bool:
    """A list's closing words ("... this must be raised with the officer") finish the lead-in's sentence:
    they start in lower case."""
    return text[:1].islower()


# A numbered line this short ("3.1.1.2 Prohibited Activities for Workers.") is the lead-in of the lines
# numbered under it; a longer one is a clause of its own that happens to have sub-clauses.
NESTED_LEAD_IN_CHARS = 100
SHORT_ITEM_CHARS = 200  # longer, an unmarked paragraph after a lead-in is read as a paragraph of its own
# An FAQ answers in a few paragraphs; a question standing over a whole section ("What is abuse?") is prose,
# and its question would be quoted with every paragraph of the section.
QUESTION_ANSWERS = 4


def _with_items(clauses: list[Clause]) -> list[Clause]:
    """Each lead-in carries the texts of the items it introduces (a lead-in is never quoted alone)."""
    items: dict[str, list[str]] = {}
    for clause in clauses:
        # Its items, marked or not; a list's closing words are not one.
        if clause.lead_in_id and (clause.kind == "bullet" or (clause.kind == "paragraph" and not _closes_list(clause.text))):
            items.setdefault(clause.lead_in_id, []).append(clause.text)
    return [replace(c, items=tuple(items[c.clause_id])) if c.clause_id in items else c for c in clauses]
