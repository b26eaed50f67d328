"""Bounds on what one client can make the app do: questions a minute, and guesses at the admin password.

``RateLimit`` counts each client's questions over the last minute (a sliding window) and says when
one more is too many. ``QuestionBound`` applies one to each browser session and a wider one
(``ADDRESS_FACTOR`` times) to each address: a script that opens a new session for every question
is still bounded, while many people behind one proxy or one school's network still get answers. ``PasswordGate`` checks the admin password with a delay that doubles after
each wrong guess from a client and a lockout after too many, for that client and, after many more
from anyone, for everyone. Neither sleeps: a refused request is answered at once, so a guessing
loop holds no worker and never slows anyone else's answers. Both take a clock, so tests need no
waiting.

What this module does not do: know who a client is (the app passes the address it saw), remember
anything across restarts, or decide what a refused person is told beyond one plain sentence.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable

MAX_CLIENTS = 10_000  # clients remembered at once; the longest-idle are forgotten first
ADDRESS_FACTOR = 10  # one address may ask this many times a session's bound (many sessions share an address)

# Admin password: the first wrong guess costs 1 s before the next is checked, then 2, 4, 8 ... up to
# a minute; ten wrong in a row lock that client out for 15 minutes, and fifty from anyone within 15
# minutes lock the admin area for everyone for 15 minutes (the CLI still works).
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0
LOCK_AFTER = 10
LOCK_S = 15 * 60
LOCK_EVERYONE_AFTER = 50


class _Clients(OrderedDict):
    """Per-client records, forgetting the longest-idle client when full."""

    def __init__(self, make: Callable[[], object]) -> None:
        super().__init__()
        self._make = make

    def get_for(self, client: str):
        record = self.pop(client, None)
        if record is None:
            record = self._make()
            while len(self) >= MAX_CLIENTS:
                self.popitem(last=False)
        self[client] = record
        return record


class RateLimit:
    """At most ``per_minute`` requests from one client in any 60 seconds (0: no bound)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = max(0, int(per_minute))
        self._clock = clock
        self._seen = _Clients(deque)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count this request and say whether it is within the bound (a refused one is not counted)."""
        if not self.per_minute:
            return True
        now = self._clock()
        with self._lock:
            stamps = self._seen.get_for(client)
            while stamps and now - stamps[0] >= 60.0:
                stamps.popleft()
            if len(stamps) >= self.per_minute:
                return False
            stamps.append(now)
            return True


class QuestionBound:
    """``per_minute`` questions a minute from one session, and ``ADDRESS_FACTOR`` times that from one address."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = max(0, int(per_minute))
        self._sessions = RateLimit(self.per_minute, clock)
        self._addresses = RateLimit(self.per_minute * ADDRESS_FACTOR, clock)

    def allow(self, address: str, session: str) -> bool:
        return self._sessions.allow(f"{address}/{session}") and self._addresses.allow(address)


@dataclass
class _Guesses:
    wrong: int = 0  # wrong guesses in a row
    not_before: float = 0.0  # no guess is checked before this time
    locked_until: float = 0.0


@dataclass(frozen=True)
class GateAnswer:
    ok: bool
    message: str  # what to tell the person ("" when ok)


class PasswordGate:
    """The admin password, checked in constant time, with a growing delay and a lockout window."""

    def __init__(self, password: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._password = password.encode("utf-8")
        self._clock = clock
        self._clients = _Clients(_Guesses)
        self._recent_wrong: deque[float] = deque()  # every wrong guess in the last LOCK_S, from anyone
        self._everyone_locked_until = 0.0
        self._lock = threading.Lock()

    def check(self, client: str, password: str | None) -> GateAnswer:
        now = self._clock()
        with self._lock:
            if now < self._everyone_locked_until:
                return GateAnswer(False, _locked(self._everyone_locked_until - now, everyone=True))
            guesses = self._clients.get_for(client)
            if now < guesses.locked_until:
                return GateAnswer(False, _locked(guesses.locked_until - now))
            if now < guesses.not_before:
                wait = math.ceil(guesses.not_before - now)
                return GateAnswer(False, f"Please wait {wait} second{'s' if wait != 1 else ''} before trying again.")
            if self._password and hmac.compare_digest((password or "").encode("utf-8"), self._password):
                guesses.wrong, guesses.not_before = 0, 0.0
                return GateAnswer(True, "")
            guesses.wrong += 1
            guesses.not_before = now + min(FIRST_DELAY_S * 2 ** (guesses.wrong - 1), MAX_DELAY_S)
            while self._recent_wrong and now - self._recent_wrong[0] >= LOCK_S:
                self._recent_wrong.popleft()
            self._recent_wrong.append(now)
            if len(self._recent_wrong) >= LOCK_EVERYONE_AFTER:
                self._everyone_locked_until = now + LOCK_S
                self._recent_wrong.clear()
            if guesses.wrong >= LOCK_AFTER:
                guesses.locked_until, guesses.wrong = now + LOCK_S, 0
                return GateAnswer(False, _locked(LOCK_S))
            return GateAnswer(False, "That password is not right.")


def _locked(seconds: float, everyone: bool = False) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    who = "for everyone " if everyone else ""
    return (f"Too many wrong passwords: the admin area is locked {who}for {minutes} more minute"
            f"{'s' if minutes != 1 else ''}.")
