"""Pure metric functions for the evaluation suite: ranked ids and labels in, numbers out.

Nothing here loads a model, reads a file or knows about the pipeline; ``evals.run`` does that.
"""

from __future__ import annotations

import html
import math
import re
from typing import Iterable, Mapping, Sequence

from ingest.markers import marker_of
from ingest.text import LIGATURES, unmapped_ligatures


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> bool:
    gold = set(gold)
    return any(r in gold for r in ranked[:k])


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str]) -> float:
    gold = set(gold)
    for i, r in enumerate(ranked, start=1):
        if r in gold:
            return 1.0 / i
    return 0.0


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def rate(flags: Iterable[bool]) -> float:
    return mean(1.0 if f else 0.0 for f in flags)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def resolve_gold(gold_ids: Sequence[str], gold_texts: Sequence[str], clause_text: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Gold ids that still name the clause they were written for, and a problem line for each that does not.

    A label is by id with a verbatim substring beside it: if the id is gone, or now names a clause
    without that text, the policy was re-segmented and the label must be fixed, not silently moved.
    """
    good: list[str] = []
    problems: list[str] = []
    for i, clause_id in enumerate(gold_ids):
        snippet = " ".join(gold_texts[i].split()) if i < len(gold_texts) else ""
        text = clause_text.get(clause_id)
        if text is None:
            holder = next((cid for cid, t in clause_text.items() if snippet and snippet in " ".join(t.split())), None)
            problems.append(f"{clause_id} no longer exists" + (f" (its text is now in {holder})" if holder else ""))
        elif snippet and snippet not in " ".join(text.split()):
            problems.append(f"{clause_id} no longer contains {snippet!r}")
        else:
            good.append(clause_id)
    return good, problems


def citation_is_exact(cited_text: str, source_text: str) -> bool:
    """Every part of a cited text (one per line: a lead-in, the clause, its options) appears verbatim,
    whitespace and line-end hyphens aside, in the source document."""
    source = canonical_text(source_text)
    return all(canonical_text(part) in source for part in cited_text.split("\n") if part.strip())


def router_rates(records: Sequence[Mapping]) -> dict:
    """Recall per harm slice and false-positive rate per negative slice.

    Each record: {"label": 0|1, "slice": str, "routed": bool, "core": bool}.
    """
    out: dict = {"recall": {}, "fpr": {}, "n": {}}
    slices = sorted({r["slice"] for r in records})
    for name in slices:
        subset = [r for r in records if r["slice"] == name]
        out["n"][name] = len(subset)
        if subset and subset[0]["label"] == 1:
            out["recall"][name] = rate(r["routed"] for r in subset)
        else:
            out["fpr"][name] = rate(r["routed"] for r in subset)
    positives = [r for r in records if r["label"] == 1]
    out["recall_all"] = rate(r["routed"] for r in positives)
    out["recall_core"] = rate(r["routed"] for r in positives if r.get("core"))
    hard = [r for r in records if r["label"] == 0 and r["slice"] != "policy_question"]
    out["fpr_hard_negative"] = rate(r["routed"] for r in hard)
    out["fpr_policy_question"] = rate(r["routed"] for r in records if r["slice"] == "policy_question")
    return out


# "55-" then "free" on the next line, or after one space where the reader kept one
_LINE_END_HYPHEN = re.compile(r"(\w)[-\u00ad\u2010\u2011](?:[ \t]*\n\s*| )(?=\w)")
_INNER_HYPHEN = re.compile(r"(?<=\w)[-\u00ad\u2010\u2011](?=\w)")
_MARKDOWN_SYNTAX = (
    (re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S), " "),  # template tags (Liquid, Jinja) stand where text would be
    (re.compile(r"<!--.*?-->", re.S), " "),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their words only
    (re.compile(r"<(https?://[^>]+|[^@\s>]+@[^>\s]+)>"), r"\1"),  # autolinks
    # A kramdown attribute list ("{: target=...}") is never shown: after a link it leaves the link's words
    # against what follows ("children{:target=...}." renders "children."); on a line of its own it parts them.
    (re.compile(r"(?<=\S)\{:[^}\n]*\}"), ""),
    (re.compile(r"\{:[^}\n]*\}"), " "),
    # Inline HTML ("<a href=...>here</a>.") renders its words in the sentence, so "here." stays one word;
    # any other tag (a paragraph, a line break) parts the words around it.
    (re.compile(r"</?(?:a|span|b|i|em|strong|u|s|small|sup|sub|mark|font|abbr|code)\b[^>]*>", re.IGNORECASE), ""),
    (re.compile(r"<[^>]+>"), " "),  # other HTML tags
    (re.compile(r"(?m)^\s{0,3}(#{1,6}|>+|[-*+]|\d{1,3}[.)])\s+"), " "),  # headings, quotes, list markers
    (re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong and struck-through text: its words
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),  # emphasis (a lone asterisk stays)
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(?<!\\)\\[ \t]*$", re.M), " "),  # a backslash ending a line: a hard line break, never shown
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),  # backslash escapes: the character itself (as ingest.markdown)
)


def canonical_text(text: str, markdown: bool = False) -> str:
    """Text as the verbatim check compares it: whitespace collapsed, words split at a line-end hyphen
    joined, ligatures as letters, and (for Markdown) the syntax a reader never sees removed. Case and
    every word stay."""
    if markdown:
        text = _as_rendered(text)
    # A ligature is drawn letters ("ﬃ" is "ffi"; an unmapped one, U+0000, the letters that make a word),
    # read as the ingest reads it (ingest.text).
    text = unmapped_ligatures(text.replace("\u00a0", " ").translate(LIGATURES))
    # A word broken at a line's end is one word (the reader may keep a space after its hyphen when it
    # cannot tell a word from a broken address); a hyphen between letters may be kept or dropped when
    # it is joined ("online-bullying", "autho-rised" -> "authorised"), so hyphens inside words do not count.
    text = _INNER_HYPHEN.sub("", _LINE_END_HYPHEN.sub(r"\1-", text))
    # A superscript ordinal is one word with its number, as the reader joins it ("26" + "th birthday").
    text = _ORDINAL.sub(r"\1\2", text)
    # A dash that ends a text ("These include-", a lead-in) stands before the line its list starts on, where
    # the line-end join above reads it as a broken word ("includeMeaningful"): the dash is not compared.
    return " ".join(text.split()).rstrip("-\u00ad\u2010\u2011").rstrip()


_ORDINAL = re.compile(r"(\d)\s+(st|nd|rd|th)\b")


def markdown_as_read(text: str) -> str:
    """Markdown source as a reader sees it (links, emphasis and markers gone), whitespace collapsed: a
    cite copied from the Markdown file ("*do not* promise", "[the Partnership](https://...)") matched
    against the clause the assistant quotes, which is the rendered text."""
    return " ".join(_as_rendered(text).split())


def _as_rendered(text: str) -> str:
    for pattern, replacement in _MARKDOWN_SYNTAX:
        text = pattern.sub(replacement, text)
    return html.unescape(text)  # character references ("&nbsp;", "&amp;") as the characters they render


def verbatim_in(piece: str, plain_text: str, markdown: bool = False) -> bool:
    """Is a quoted piece, whitespace and line-end hyphens aside, a substring of the document's plain text?"""
    return canonical_text(piece) in canonical_text(plain_text, markdown)


def cites_any(texts: Sequence[str], wanted: Iterable[str]) -> bool:
    """Does any of the texts contain any of the wanted strings (whitespace collapsed, ligatures as
    letters, case folded)? A wanted string copied with its list markers, or across several items
    ("- Contractors \n- Drivers"), is also met by a text quoting any one of those items whole, as a line
    of its own: each item is a clause of its own, quoted under its lead-in, and markers are not words.
    A Word list's items have no markers in the text: lines copied across such items are met the same
    way. A table row copied as the plain text has it, its cells side by side ("Online Safety Training
    Annually All staff"), is met by the row quoted with its column headers ("Training Type: Online
    Safety Training | Frequency: Annually | ..."), and so is one copied from a Markdown table's source, its cells
    between pipes ("3-6 weeks before camp | 50% refund")."""
    def fold(text: str) -> str:
        return " ".join(text.translate(LIGATURES).split()).casefold()

    folded = [fold(t) for t in texts]
    folded += [fold(_row_cells(line, joiner)) for t in texts for line in t.splitlines() if " | " in line
               for joiner in (" ", " | ")]
    wanted = list(wanted)
    if any(fold(w) in t for w in wanted for t in folded):
        return True
    lines = {fold(_item_text(line)) for t in texts for line in t.splitlines()}
    for w in wanted:
        parts = [line for line in w.splitlines() if line.strip()]
        items = [marker[2] for marker in map(marker_of, map(str.strip, parts)) if marker]
        if len(parts) > 1 and not items:
            items = parts
        if len(parts) == 1 and items and len(items[0]) >= 20:
            # One item's words, perhaps cut short ("iii.The policy will be reviewed every two years, or"):
            # found in a text as they are, without the marker.
            if any(fold(items[0]) in t for t in folded):
                return True
        elif any(fold(item) in lines for item in items if item.strip()):
            return True
    return False


def _row_cells(line: str, joiner: str = " ") -> str:
    """A table row's cells without their column headers, side by side as the plain text has them (or as a
    Markdown source has them, between pipes)."""
    return joiner.join(cell.split(": ", 1)[-1] for cell in line.split(" | "))


def _item_text(line: str) -> str:
    """A list item's words without its marker ("- Drivers" -> "Drivers")."""
    marker = marker_of(line.strip())
    return marker[2] if marker else line
