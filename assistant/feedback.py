"""Feedback a user chose to give on one answer: helpful, not helpful or "wrong clause".

Each entry is one JSON line in ``<data_dir>/feedback.jsonl`` with the time, the rating, the route,
the role and the ids of the clauses cited. The question's text is kept only when the person ticked
the box to include it (the caller passes ``question`` only then; it is off by default): a question
can carry a name or a disclosure the router missed, so by default nothing the person typed is
written. Ticking that box
with a feedback button is the only way a question is ever written down: the app records nothing on
its own, so the administrator's list of questions the policy did not cover is built from
``not_covered`` feedback whose question was included.

Disclosures are refused here, not only hidden in the UI: an answer routed as a disclosure, or any
answer in a conversation that has routed (it carries the safeguarding notice), raises
``FeedbackRefused`` and nothing is written. Writes are atomic (the whole file is rewritten to a
temporary file beside it, then ``os.replace``), so a crash never leaves half a line; one process
lock keeps concurrent writers from losing each other's entries.

What this module does not do: log or print anything, send anything anywhere, or keep free-text
comments (a comment box invites personal details).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

FEEDBACK_FILE = "feedback.jsonl"
RATINGS = ("up", "down", "wrong_clause")
# Only these routes may be recorded; a disclosure never is.
RECORDABLE_ROUTES = ("answer", "not_covered")

_WRITE_LOCK = threading.Lock()


class FeedbackRefused(Exception):
    """This answer may not be recorded (a disclosure, a conversation that routed, or a bad rating)."""


@dataclass(frozen=True)
class FeedbackEntry:
    time: str  # UTC, ISO 8601, to the second
    rating: str  # one of RATINGS
    route: str  # "answer" | "not_covered"
    role: str
    question: str  # "" unless the person chose to include it
    cited: tuple[str, ...]  # clause ids, in the order the answer cited them

    def to_json(self) -> str:
        data = asdict(self)
        data["cited"] = list(self.cited)
        return json.dumps(data, ensure_ascii=False)


def feedback_path(data_dir: Path) -> Path:
    return Path(data_dir) / FEEDBACK_FILE


def check_recordable(answer, rating: str) -> None:
    """Raise FeedbackRefused unless this answer and rating may be written down."""
    if rating not in RATINGS:
        raise FeedbackRefused(f"unknown rating {rating!r} (expected one of {', '.join(RATINGS)})")
    route = getattr(answer, "route", None)
    if route == "disclosure" or getattr(answer, "notice", None) is not None:
        # Fail closed: once a conversation has routed, none of its messages is recorded.
        raise FeedbackRefused("feedback is never recorded for a safeguarding notice or its conversation")
    if route not in RECORDABLE_ROUTES:
        raise FeedbackRefused(f"feedback is recorded only for {' and '.join(RECORDABLE_ROUTES)} answers")


def record_feedback(data_dir: Path, *, answer, role: str, rating: str, question: str | None = None,
                    now: datetime | None = None) -> FeedbackEntry:
    """Append one entry atomically: the rating and the cited clause ids, and the question's text only
    when the caller passes it (the person ticked the box to include it; by default nothing they typed
    is kept). Raises FeedbackRefused for disclosures and unknown ratings."""
    check_recordable(answer, rating)
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    entry = FeedbackEntry(
        time=moment.replace(microsecond=0).isoformat(),
        rating=rating,
        route=answer.route,
        role=role,
        question=question or "",
        cited=tuple(c.clause_id for c in answer.citations),
    )
    path = feedback_path(data_dir)
    with _WRITE_LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.read_bytes() if path.exists() else b""
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        _atomic_write(path, existing + entry.to_json().encode("utf-8") + b"\n")
    return entry


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_feedback(data_dir: Path) -> list[FeedbackEntry]:
    """Every entry, oldest first; lines that are not valid entries are skipped."""
    path = feedback_path(data_dir)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            entries.append(FeedbackEntry(
                time=str(data["time"]), rating=str(data["rating"]), route=str(data["route"]),
                role=str(data.get("role", "")), question=str(data.get("question", "")),
                cited=tuple(str(c) for c in data.get("cited", ())),
            ))
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def not_covered_questions(entries: list[FeedbackEntry]) -> list[FeedbackEntry]:
    """The questions users flagged on a "the policy does not cover this" answer and chose to include,
    newest first."""
    return [e for e in reversed(entries) if e.route == "not_covered" and e.question]
