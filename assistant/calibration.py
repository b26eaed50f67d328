"""The numbers that tune ranking and abstention, chosen once when the assistant is built.

An index with example questions (``ingest.questions``) behaves differently from one without: every
question, in scope or not, finds a closer match and a higher fused score, and the dense signal is the
stronger one. So there are two calibrations, and ``for_index`` picks one from what the live index
holds; an index without examples embedded with the larger model (``assistant.large_model``) has a
third, ``PLAIN_LARGE``, its similarities being on a scale of their own. ``WITH_EXAMPLES`` was
measured on the shipped policy's questions (evals/data/questions.jsonl); ``PLAIN``, what a new
organisation gets, on six other organisations' policies and the questions people wrote for them
(evals/cross_policy.py), never on the shipped policy. evals/README.md has the sweeps.

What this module does not do: rank (``assistant.retrieve``) or decide coverage (``assistant.answer``);
they take a ``Calibration``.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.settings import LARGE_MODEL


@dataclass(frozen=True)
class Coverage:
    """The bar a best clause must clear: this close in meaning with a fused score this high, or sharing
    this much vocabulary (BM25) when few of the question's words are foreign to the policy."""

    min_dense: float
    min_fused: float
    min_lexical_raw: float
    max_unknown_share: float = 0.3
    # A clause of at least this many words is judged by its closest sentence too (0: never).
    long_clause_words: int = 0


@dataclass(frozen=True)
class Calibration:
    name: str
    dense_weight: float  # weight of the dense score in the fused score; BM25 gets the rest
    coverage: Coverage
    # A further clause is cited only when it scores at least this share of the first: it completes
    # or qualifies it, rather than padding the answer.
    related_min_ratio: float = 0.93


# Re-swept after a number written in words began to count as an amount: the most abstention that keeps
# answerable questions wrongly "not covered" under 5% over all 45 folders measured (evals/README.md).
# A clause of 60 words or more (a numbered paragraph of a policy written as prose) is also judged by its closest
# sentence: its own vector averages several points and sits far from a question about one of them. Over 1,588
# questions of 46 documents: 6 more answerable questions answered (5 at rank 1), 5 more out-of-scope ones answered.
PLAIN = Calibration("clauses", dense_weight=0.85, related_min_ratio=0.8,
                    coverage=Coverage(min_dense=0.25, min_fused=0.30, min_lexical_raw=8.0, max_unknown_share=0.2,
                                      long_clause_words=60))
WITH_EXAMPLES = Calibration(
    "clauses+examples", dense_weight=0.8, coverage=Coverage(min_dense=0.56, min_fused=0.65, min_lexical_raw=8.0)
)


# The same for an index embedded with the larger model (assistant.large_model): its similarities sit on
# a scale of their own, so its bars were swept the same way, over the same 45 folders.
PLAIN_LARGE = Calibration("clauses, larger model", dense_weight=0.85, related_min_ratio=0.8,
                          coverage=Coverage(min_dense=0.28, min_fused=0.35, min_lexical_raw=8.0, max_unknown_share=0.2))


def for_index(has_examples: bool, model: str = "") -> Calibration:
    """``model``: the id the index was embedded with."""
    if has_examples:
        return WITH_EXAMPLES
    return PLAIN_LARGE if model.startswith(LARGE_MODEL) else PLAIN
