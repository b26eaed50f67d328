"""The safeguarding router: every message, every turn, is checked here before anything else runs.

``Router.route(message, history)`` decides whether a message is a policy question (route
``"question"``), a disclosure or safeguarding concern (route ``"disclosure"``), which the caller
must answer with the DSL notice (``assistant.notice``) instead of retrieval or an LLM, or a message
not in English that discloses nothing it can read (route ``"language"``: the English-only notice,
with 999 and Childline). Layers, in order, each explainable:

1. the reader (``reader.py``): disguised text read back into words (digits and symbols for
   letters, look-alike, zero-width and right-to-left characters, spaced-out or run-together
   letters, platform code words); the lexicon reads the text both as written and as read;
2. normalisation: lower case, text-speak and common misspellings, repeated letters, punctuation;
3. lexicon families (data: ``data/router_lexicon.toml``): "strong" patterns route on their own,
   "weak" ones add up by weight, "direct" ones stay disclosures even when asked as a question
   ("can you help me find somewhere else to live"), and "conduct" ones (a rule of contact: "my
   coach follows me on insta") are strong unless asked as a permission question;
4. context rules (``rules.py``, ConText/NegEx-style): a hypothetical scope ("if a child tells me
   ...") or a procedural, definitional, fiction or general frame ("what should we do", "in the
   film") can clear a harm match, but only when no specific person or event is present ("a child
   told me today", "my stepdad", "hits me"); an ordinary matter (illness, absence, a late start, a
   broken link) and laughter clear weak signals only. Negation and question marks never clear
   anything, and a clause that discloses about a real person routes the whole message wherever it
   stands;
5. a logistic-regression scorer over hashed n-grams and the rule features
   (``data/router_scorer.json``, trained by ``assistant.train_router``) catches what the rules
   miss, with a stricter bar for framed or ordinary messages and for several turns read together;
   one weak family beside "my" or "i" routes only when the scorer leans the same way;
6. other languages (``data/router_lexicon_languages.toml``), then the language check (``language.py``);
7. the conversation: weak signals of earlier user turns add up with the new message's, and the
   last few turns are read together as one text.

The whole message is always scanned by the lexicon (a disclosure at the end of a 100,000-character
message still routes; such a message costs about a second, an ordinary one a few milliseconds);
the scorer reads at most ``MAX_WINDOWS`` windows of a long message, chosen around lexicon matches
plus the first and the last. ``audience`` is a guess ("child" only with child cues and no adult
ones); the caller should prefer what it knows about the user's role.

When unsure it routes (fails closed): any internal error routes to ``"disclosure"`` with layer
``"fallback"``. Every decision carries a content-free reason code (layer and family names, a
score), never message text.

What it deliberately does not do: it never logs, prints, stores or returns the message text (not
even in exceptions); it does not read the environment or touch the network; it uses no sentence
embeddings (similarity must never be what clears a message); it does not render the notice or
decide who the reader is beyond a child/adult guess for the plain-words notice; it does not keep
conversation state (the caller passes earlier user messages in ``history``).
"""

from __future__ import annotations

from assistant.route.lexicon import Lexicon, LexiconError
from assistant.route.conversation import Conversation, read_conversation
from assistant.route.router import DECISIONS, LAYERS, Decision, RouteDecision, Router, load_router

__all__ = ["DECISIONS", "LAYERS", "Conversation", "Decision", "Lexicon", "LexiconError", "RouteDecision", "Router",
           "load_router", "read_conversation"]
