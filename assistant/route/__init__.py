"""The safeguarding router: every message, every turn, is checked here before anything else runs.

``Router.route(message, history)`` decides whether a message is a policy question (route
``"question"``) or a disclosure or safeguarding concern (route ``"disclosure"``), which the caller
must answer with the DSL notice (``assistant.notice``) instead of retrieval or an LLM. Layers, in
order, each explainable:

1. normalisation: lower case, text-speak and common misspellings, repeated letters, punctuation;
2. lexicon families (data: ``data/router_lexicon.toml``): "strong" patterns route on their own,
   "weak" ones add up by weight, and "direct" ones stay disclosures even when asked as a question
   ("can you help me find somewhere else to live");
3. context rules (ConText/NegEx-style): a hypothetical scope ("if a child tells me ...") or a
   procedural, definitional, fiction or general frame ("what should we do", "in the film") can
   clear a harm match, but only when no specific person or event is present ("a child told me
   today", "my stepdad", "hits me"). Negation and question marks never clear anything
   (``assistant.route.frames``);
4. a logistic-regression scorer over hashed n-grams and the rule features
   (``data/router_scorer.json``, trained by ``assistant.train_router``) catches what the rules
   miss; its threshold is set for recall;
5. a semantic layer (``assistant.route.semantic``): a logistic regression over multilingual-e5-small
   embeddings, asked only about messages the layers above leave doubtful (the scorer at half its bar
   or more, or not in English); it adds routes and never clears one;
6. the conversation: weak signals of earlier user turns add up with the new message's.

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
