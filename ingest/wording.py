"""What a line's words alone say, whatever the page shows: a heading's number and whether one numbered
heading follows another, a label ("Pupils:") or a lead-in ("Staff must not:"), an FAQ's question, an ALL
CAPS heading, a heading line that runs on, a contents page's title, and the stops that end a sentence.

What this module does not do: read a line's layout (indent, size, weight, gaps) or build blocks (``ingest.lines``).
"""

from __future__ import annotations

import re

from ingest.markers import DECIMAL_NUMBER, marker_of, next_label

NUMBERED_HEADING = re.compile(r"^(?P<num>" + DECIMAL_NUMBER + r")[.:]?\s+(?P<rest>[A-Z(\"'\u2018\u201c].*)$")
# A contents page's own title, as the PDF reader and the clause builder recognise it.
CONTENTS_TITLE = re.compile(r"^(?:table of )?contents?:?$|^index:?$|^contents page:?$", re.IGNORECASE)
MINOR_WORDS = frozenset(
    "a an and as at by for from in including into of on or the to with vs via".split()
)
# A line ending in one of these cannot end a sentence: the next line continues it.
CONTINUING_WORDS = MINOR_WORDS | {"our", "we", "will", "be", "is", "are", "that", "which", "who", "any", "all"}
_VERBISH = re.compile(
    r"\b(?:must|will|shall|should|may|can|could|would|are|is|was|were|be|been|have|has|had|need|needs|do|does|"
    r"include|includes|including|such as|follow|following|below|not|never|always|aim|aims|ensure|means?)\b",
    re.IGNORECASE,
)
TERMINAL = (".", "!", "?")


def is_caps_heading(text: str) -> bool:
    """An ALL CAPS line of at most ten words that does not end a sentence ("TRAINING REQUIREMENTS")."""
    return text.isupper() and any(c.isalpha() for c in text) and len(text.split()) <= 10 and not text.endswith(TERMINAL)


def is_label(text: str) -> bool:
    """A short label line ("Pupils:", "Parents and carers:") rather than a lead-in ("Staff must not:")."""
    if not text.endswith(":"):
        return False
    body = text[:-1].strip()
    words = body.split()
    return 0 < len(words) <= 4 and body[:1].isupper() and not _VERBISH.search(body)


def is_how_to(text: str) -> bool:
    """A heading's own form ending in a colon: "How to respond to a concern:", "What to do if you are worried:"."""
    return text.endswith(":") and len(text.split()) <= 8 and _HOW_TO.match(text) is not None


_HOW_TO = re.compile(r"(?:How|What|Who|When|Where) to [a-z]")


def is_lead_in(text: str) -> bool:
    """Does this text introduce the list that follows it ("...will include:", "they should.....")?"""
    stripped = text.rstrip()
    if _FOLLOWING.search(stripped):
        return True  # "... and determine the following;": a list follows, whatever stop the author typed
    return stripped.endswith((":", "\u2026", "...", ":-")) and not is_label(stripped)


_FOLLOWING = re.compile(r"\b(?:the following|as follows)\s*[;.]$")


def lost_full_stop(paragraph: str, item: str) -> bool:
    """A long paragraph that ends on a plain word ("... enjoyment at all levels") before an item that is a
    whole sentence of its own ("Norwich RFC confirms ... document."): its author left out the full stop; it
    stops no sentence the item completes, so it introduces nothing ("Staff must not", "... such as" do)."""
    words = paragraph.split()
    last = words[-1].strip(",;:-\u2013") if words else ""
    # a lower-case word that is neither a function word nor a verb: not "about", "should", nor a title's "CHILD"
    return (len(words) >= LOST_STOP_WORDS and last.isalpha() and last.islower() and last not in CONTINUING_WORDS
            and last not in _PREPOSITIONS and _VERBISH.fullmatch(last) is None
            and item[:1].isupper() and item.rstrip().endswith(TERMINAL))


LOST_STOP_WORDS = 15
_PREPOSITIONS = frozenset("about above across after against along among around at before behind below beneath beside "
                          "between beyond by during except for from in including inside into like near of off on onto "
                          "out outside over past per regarding since than through throughout to toward towards under "
                          "until unto upon via with within without".split())


def heading_number(text: str) -> tuple[str, str] | None:
    m = NUMBERED_HEADING.match(text)
    if m and len(m["rest"].split()) <= 12 and not m["rest"].rstrip().endswith((".", ",", ";")):
        return m["num"], m["rest"]
    m = re.match(r"^\((?P<num>[a-z]|[ivx]{1,5})\)\s+(?P<rest>[A-Z].*)$", text)
    if m and len(m["rest"].split()) <= 10 and not m["rest"].rstrip().endswith((".", ",", ";", ":")):
        return m["num"], m["rest"]
    return None


def unfinished_heading(text: str) -> bool:
    """A heading line that stops on a dash or a minor word runs on in the next line ("... at a Swimming WA
    event -" over "participants", "... images at" over "Swimming WA events")."""
    words = text.split()
    return bool(words) and (text.endswith((" -", " \u2013", " \u2014")) or words[-1].lower() in MINOR_WORDS)


def _wrapped_caps(first: str, line: str) -> bool:
    """A long ALL CAPS heading line over a few ALL CAPS words ("... MUST HAVE A SUITABILITY" over "CARD"): a
    heading that filled its line and wrapped, not two headings."""
    return (len(first) >= 60 and first.isupper() and line.isupper() and len(line.split()) <= 4
            and heading_number(line) is None and marker_of(line) is None)


def heading_runs_on(first: str, line: str) -> bool:
    """Does the heading line ``first`` run on into ``line`` (an unfinished line, or ALL CAPS that filled it)?"""
    return unfinished_heading(first) or _wrapped_caps(first, line)


def follows(previous: str, number: str) -> bool:
    """Is ``number`` the one after ``previous`` at its depth ("9" after "8", "2.4" after "2.3")?"""
    last, parts = previous.split("."), number.split(".")
    return len(last) == len(parts) and last[:-1] == parts[:-1] and next_label(last[-1], parts[-1])


def asks(text: str) -> bool:
    """A question standing alone as a clause: an FAQ's question, which the clauses after it answer."""
    return text.rstrip().endswith("?") and len(text) <= QUESTION_CHARS


QUESTION_CHARS = 400  # longer, a paragraph ending in "?" is prose that asks, not an FAQ's question
