"""The English-only notice: what a message that is not in English gets instead of a policy answer.

``language_notice(code)`` gives the English text, and the same words in the message's language when
``data/language_notice.toml`` has them. It always carries 999 and Childline, because the router
could not read the message in full (a disclosure it did recognise gets the safeguarding notice).

What this module does not do: identify the language (``assistant.route.language``) or decide the route.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

NOTICE_PATH = Path(__file__).resolve().parents[1] / "data" / "language_notice.toml"


def _texts() -> tuple[str, dict]:
    # A small file, read when a message needs it (rarely): no module-level state.
    data = tomllib.loads(NOTICE_PATH.read_text(encoding="utf-8"))
    return data["english"], dict(data.get("translations", {}))


def language_notice(code: str = "") -> str:
    """The notice in English, then in the language ``code`` (ISO 639-1) when there is a translation."""
    english, translations = _texts()
    other = translations.get(code)
    return english if not other else f"{english}\n\n{other}"
