"""Property tests: any text in, no exception out, and what comes out is the input's own words.

The clause parser (ingest.load + ingest.clauses) and the safeguarding router (assistant.route) both
read text nobody has checked. Hypothesis generates it: arbitrary Unicode (control characters, other
scripts, emoji, combining marks, odd line breaks) and text shaped like a policy (bullets, numbering,
Markdown headings, hyphenated line ends, blank lines) so the parser's branches are all exercised.
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest

from ingest.markers import marker_of
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ingest.clauses import build_clauses
from ingest.load import LoadError, load_document, load_text
from ingest.text import LIGATURES

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ----------------------------------------------------------------------------------

any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=600)

_MARKERS = ["", "", "", "- ", "* ", "o ", "\uf0b7 ", "\u2022 ", "\u2013 ", "1. ", "12) ", "a. ", "b) ", "(iv) ",
            "(3) ", "# ", "## ", "3. ", "1.2 ", "  ", "\t", "        "]
_WORDS = ["Our", "Zoom", "Policy", "we", "will", "the", "password-", "protected", "and", "either:", "end.",
          "Staff", "staff", "of", "to", "ESV", "E", "S", "V", "2", "Opening", "Pages", "Every", "Night", "Sarah",
          "Rands)", "(Sarah", "-", "--", "a-", "x", "\u00fcn\u00efcode", "e\u0301", "\x00", "\ufeff", "\u00a0", "\U0001F600",
          "\u0645\u0631\u062d\u0628\u0627", "\u4f60\u597d", "\u0928\u092e\u0938\u094d\u0924\u0947", ",", ";", ")", "o",
          "#", "1.", "ALL", "CAPS", "\u200b", "\x7f", "\x1f", "It's", "don\u2019t", "Online", "Presence"]
_BREAKS = ["\n", "\n", "\n", "\r\n", "\r", "\n\n", "\n \n", "\x0c", "\u2028", "\x85", "\x0b"]


@st.composite
def policy_like(draw) -> str:
    lines = draw(st.lists(st.tuples(st.sampled_from(_MARKERS), st.lists(st.sampled_from(_WORDS), max_size=12),
                                    st.sampled_from(_BREAKS)), max_size=30))
    return "".join(marker + " ".join(words) + brk for marker, words, brk in lines)


# --- the invariant -------------------------------------------------------------------------------

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def as_loaded(line: str) -> str:
    """A source line as the loader documents reading it: control characters, byte-order marks and soft
    hyphens dropped (they "carry no words"), typographic ligatures read as their letters ("\ufb01" is
    "fi"), NFC."""
    return unicodedata.normalize("NFC", line.translate(_CONTROL).translate(LIGATURES).replace("\ufeff", "")
                                 .replace("\u00ad", ""))


def source_lines(raw: str) -> list[list[str]]:
    """The source as the loader reads it (``as_loaded``), split into whitespace-separated words."""
    return [as_loaded(line).split() for line in raw.splitlines()]


def _joins_next(word: str) -> bool:
    # "password-" + "protected" across a line break becomes "password-protected", and "autho-" + "rised"
    # becomes "authorised" (ingest.words.join_hyphenated): either way the next word joins on.
    return word.endswith("-") and len(word) > 1 and word[-2].isalpha()


def _matches_at(source: list[str], start: int, words: list[str]) -> bool:
    i = start
    def bare(text: str) -> str:
        return text.replace("-", "") if text.strip("-") else text

    for n, word in enumerate(words):
        built = ""
        while len(bare(built)) < len(bare(word)):
            if i >= len(source) or (built and not _joins_next(built)):
                return False
            piece = source[i]
            glued = marker_of(piece) if n == 0 and not built else None
            if glued and glued[2] and piece != glued[2]:
                piece = glued[2]  # a list item's glyph or number with no space after it is its marker
            built += piece
            i += 1
        if built != word and not (bare(built) == bare(word) and "-" in built):
            return False
    return True


def appears_verbatim(text: str, source: list[str]) -> bool:
    """Are the clause's words a contiguous run of the source's words (allowing re-joined hyphenations)?

    A bullet marker is its own word in the source and the clause starts after it, so no marker needs
    removing: the clause's run starts at the word after the marker.
    """
    words = text.split()
    if not words:
        return False
    return any(_matches_at(source, start, words) for start in range(len(source)))


def check_clauses(raw: str, clauses, markdown: bool = False) -> None:
    """Every clause is a run of the source's words; for Markdown, of the words a reader of the rendered
    page sees (markup, list markers and empty list items are not words of the policy)."""
    if markdown:
        from ingest.markdown import strip_inline

        # Markers count only at a line's start (up to three spaces in: more is a paragraph's continuation).
        marker = re.compile(r"^ {0,3}(?:>\s?)*(?:(?:[-*+]|\d{1,3}[.)])(?:\s+|$))*(?:#{1,6}(?:\s+|$))?")
        lines = [as_loaded(line).replace("\t", "    ") for line in raw.splitlines()]
        source = [w for line in lines for w in strip_inline(marker.sub(" ", line)).split()]
    else:
        source = [w for line in source_lines(raw) for w in line]
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids)), f"duplicate clause ids: {ids}"
    for clause in clauses:
        assert clause.text and clause.text == " ".join(clause.text.split()), clause
        assert appears_verbatim(clause.text, source), (clause.clause_id, clause.text)
        for option in clause.options:
            assert appears_verbatim(option, source), (clause.clause_id, option)
    assert [c.position for c in clauses] == sorted(c.position for c in clauses)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def _parse(path: Path, raw: str):
    path.write_bytes(raw.encode("utf-8"))  # bytes: keep every line break exactly as generated
    return build_clauses(load_text(path))


# --- clause parser -------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(raw=any_text, suffix=st.sampled_from([".txt", ".md"]))
@example(raw="", suffix=".txt")
@example(raw="\ufeff\x00\x01", suffix=".md")
@example(raw="- password-\nprotected and\n\nsafe", suffix=".txt")
@example(raw="\ufb00 the \ufb01rst", suffix=".txt")  # ligatures are read as their letters
@example(raw="\ufb00", suffix=".md")
def test_any_text_parses_into_clauses_made_of_its_own_words(scratch, raw, suffix):
    clauses = _parse(scratch / f"any{suffix}", raw)
    check_clauses(raw, clauses, markdown=suffix == ".md")
    assert [(c.clause_id, c.text, c.options) for c in _parse(scratch / f"again{suffix}", raw)] == [
        (c.clause_id, c.text, c.options) for c in clauses
    ]


@PROPERTY_SETTINGS
@given(raw=policy_like(), suffix=st.sampled_from([".txt", ".md"]))
@example(raw="Eat Sweets\n\nfirst\n\nEat Sweets\n\nsecond\n\nE S 2\n\nthird\n", suffix=".txt")
@example(raw="first\n\nOpening Pages Every Night\n\nsecond\n", suffix=".txt")
def test_policy_shaped_text_parses_stably_with_unique_ids(scratch, raw, suffix):
    clauses = _parse(scratch / f"shaped{suffix}", raw)
    check_clauses(raw, clauses, markdown=suffix == ".md")
    again = _parse(scratch / f"shaped-again{suffix}", raw)
    assert [(c.clause_id, c.section, c.text, c.options, c.position) for c in again] == [
        (c.clause_id, c.section, c.text, c.options, c.position) for c in clauses
    ]


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".md", ".pdf", ".docx"]))
def test_any_bytes_load_or_are_refused_with_a_one_line_reason(scratch, data, suffix):
    path = scratch / f"bytes{suffix}"
    path.write_bytes(data)
    try:
        document = load_document(path)
    except LoadError as exc:
        message = str(exc)
        assert message.startswith(path.name) and "\n" not in message
        return
    build_clauses(document)


# Damaged copies of the real PDF and Word policy: truncated, bytes overwritten, a run cut out, junk
# inserted, one name replaced. Each must load or be refused with a LoadError, never crash ingest.
_REAL = {".pdf": Path(__file__).resolve().parents[1] / "policy_docs" / "online-safety-policy.pdf",
         ".docx": Path(__file__).resolve().parent / "fixtures" / "online-safety-policy.docx"}


def _mutate(data: bytes, kind: str, at: float, length: int, junk: bytes) -> bytes:
    i = round(at * len(data))
    if kind == "truncate":
        return data[:i]
    if kind == "overwrite":
        return data[:i] + junk + data[i + len(junk):]
    if kind == "cut":
        return data[:i] + data[i + length:]
    if kind == "insert":
        return data[:i] + junk + data[i:]
    old, new = junk.split(b"|", 1)
    return data.replace(old, new, 1)


mutation = st.tuples(
    st.sampled_from(["truncate", "overwrite", "cut", "insert"]),
    st.floats(0, 1, exclude_max=True),
    st.integers(1, 2000),
    st.binary(min_size=1, max_size=40),
)


@settings(max_examples=40, deadline=None)
@given(suffix=st.sampled_from([".pdf", ".docx"]), change=mutation)
@example(suffix=".pdf", change=("replace", 0.0, 0, b"/FlateDecode|/FxateDecode"))  # NotImplementedError
@example(suffix=".docx", change=("overwrite", 97 / 40195, 0, b"\x00"))  # zlib.error
@example(suffix=".docx", change=("cut", 0.0, 700, b"x"))  # OSError
@example(suffix=".docx", change=("overwrite", 39770 / 40195, 0, b"\xff"))  # NotImplementedError
def test_damaged_pdf_and_word_files_load_or_are_refused_with_a_reason(scratch, suffix, change):
    path = scratch / f"damaged{suffix}"
    path.write_bytes(_mutate(_REAL[suffix].read_bytes(), *change))
    try:
        document = load_document(path)
    except LoadError as exc:
        assert str(exc).startswith(path.name) and "\n" not in str(exc)
        return
    build_clauses(document)


# --- router --------------------------------------------------------------------------------------

_REASON = re.compile(r"^[a-z0-9_.:+\-]*$")


@pytest.fixture(scope="module")
def lexicon_words() -> frozenset[str]:
    lexicon = Path(__file__).resolve().parents[1] / "assistant" / "data" / "router_lexicon.toml"
    return frozenset(re.findall(r"[a-z]+", lexicon.read_text(encoding="utf-8").lower()))


def check_decision(decision, message: str, lexicon_words) -> None:
    # "language": a message not in English that discloses nothing the router can read (the English-only notice).
    assert decision.route in ("disclosure", "question", "language")
    assert decision.is_disclosure == (decision.route == "disclosure")
    reason = decision.reason
    assert isinstance(reason, str) and len(reason) < 200 and _REASON.match(reason), reason
    # The reason names lexicon families and codes, never the message's own words.
    reason_words = set(re.findall(r"[a-z]+", reason))
    message_words = {w for w in re.findall(r"[a-z]{5,}", message.lower()) if w not in lexicon_words}
    assert not (reason_words & message_words), (reason, reason_words & message_words)


all_unicode = st.text(st.characters(blacklist_categories=("Cs",)), max_size=500)
message_like = st.lists(
    st.sampled_from(["my", "stepdad", "hits", "me", "every", "night", "<b>", "</b>", "<script>", "ignore", "your",
                     "rules", "\x00", "\U0001F622", "\u0645\u0631\u062d\u0628\u0627", "zoom", "recorded", "?", "!",
                     "he", "touched", "what", "if", "a", "child", "says", "qwertyuiop", "zyxwvutsr", "\n", "\u200b"]),
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(message=st.one_of(all_unicode, message_like),
       history=st.lists(st.one_of(all_unicode, message_like), max_size=3))
def test_router_takes_any_text_and_returns_a_closed_content_free_decision(router, lexicon_words, message, history):
    check_decision(router.route(message, history), message + " " + " ".join(history), lexicon_words)


@pytest.mark.parametrize("message", [
    "a" * 100_000,
    ("\U0001F600 \u4f60\u597d \u0645\u0631\u062d\u0628\u0627 " * 10_000)[:100_000],
    ("word " * 20_000)[:100_000],
    ("my stepdad hits me every night. " * 3200)[:100_000],
    "".join(chr(c) for c in range(32)) * 3000,
    ("x " * 49_999) + "my stepdad hits me",
], ids=["one-letter", "emoji-scripts", "words", "disclosure-repeated", "controls", "disclosure-at-the-end"])
def test_router_reads_100k_characters_quickly(router, lexicon_words, message):
    started = time.perf_counter()
    decision = router.route(message, [])
    assert time.perf_counter() - started < 10
    check_decision(decision, message, lexicon_words)
    if "stepdad hits me" in message:
        assert decision.is_disclosure
