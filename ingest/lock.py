"""One ingest writes an index at a time: a lock record in the store's registry, with a lease.

``writer_lock`` takes the lock with one ``add`` of a record under a fixed id: Chroma keeps the first
record added under an id and ignores later adds, so of two ingests racing, exactly one reads its own
token back (checked on the embedded store and on a server with four processes at once). The holder
renews its lease while it works; a second ingest waits, saying once who holds the lock, and gives up
with ``IngestLockedError`` after the time it was given. A lock whose holder is gone (its process ended
on this host, or it stopped renewing for ``LEASE_S`` by the store's clock) is taken over, so an
ingest killed part-way never blocks the next one.

Why a record in the store and not a lock file: a lock must hold per collection for every process
that writes it, and instances sharing a Chroma server do not share a data folder.

What this module does not do: decide what an ingest writes (``ingest.index``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

from ingest.store import IndexStoreError, IngestLockedError, Store, guarded, registry

LOCK_ID = "ingest-lock"
LEASE_S = 120.0  # a holder that has not renewed for this long (store clock) is presumed gone
RENEW_EVERY_S = 10.0


def _started(pid: int) -> str:
    """When a process started (Linux clock ticks), so a reused pid is not taken for the lock's holder."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _gone(holder: dict, now: float) -> bool:
    """Is the lock's holder gone: its process ended on this host, or it stopped renewing the lease?"""
    if now - float(holder.get("renewed", 0.0)) > LEASE_S:
        return True
    if holder.get("host") != socket.gethostname():
        return False
    pid = int(holder.get("pid", 0))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, but another user's
        return False
    return bool(holder.get("started")) and _started(pid) not in ("", holder["started"])


def _describe(holder: dict, now: float) -> str:
    return f"{holder.get('host', '?')}, process {holder.get('pid', '?')}, for {max(0.0, now - float(holder.get('since', now))):.0f} s"


class Lease:
    """The lock held by one ingest: renewed as it works, released when it ends."""

    def __init__(self, client, store: Store, token: str, record: dict) -> None:
        self._client, self._store, self.token, self._record = client, store, token, record
        self._renewed = time.monotonic()

    def _now(self) -> float:
        return self._client.heartbeat() / 1e9  # the store's clock: the same for every host sharing it

    def renew(self, force: bool = False) -> None:
        """Keep the lock (at most every RENEW_EVERY_S unless forced); IngestLockedError if it was taken over."""
        if not force and time.monotonic() - self._renewed < RENEW_EVERY_S:
            return
        with guarded(self._store):
            reg = registry(self._client, self._store)
            got = reg.get(ids=[LOCK_ID], include=["metadatas"])
            if not got["ids"] or got["metadatas"][0].get("token") != self.token:
                raise IngestLockedError(
                    f"this ingest of the policy index at {self._store.where} paused for more than {LEASE_S:.0f} s "
                    "and another ingest took over; nothing was switched: run `policy-assistant ingest` again")
            self._record = {**self._record, "renewed": self._now()}
            reg.update(ids=[LOCK_ID], metadatas=[self._record])
        self._renewed = time.monotonic()

    def release(self) -> None:
        with contextlib.suppress(IndexStoreError), guarded(self._store):
            registry(self._client, self._store).delete(ids=[LOCK_ID], where={"token": self.token})


@contextlib.contextmanager
def writer_lock(client, store: Store, wait: float, note: Callable[[str], None] | None = None,
                poll: float = 0.25) -> Iterator[Lease]:
    """Hold the store's ingest lock inside the block. A second ingest waits up to ``wait`` seconds
    (saying so once through ``note``), then raises ``IngestLockedError`` naming the holder."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    waiting = False
    while True:
        with guarded(store):
            reg = registry(client, store)
            now = client.heartbeat() / 1e9
            record = {"token": token, "host": socket.gethostname(), "pid": os.getpid(),
                      "started": _started(os.getpid()), "since": now, "renewed": now}
            reg.add(ids=[LOCK_ID], embeddings=[[1.0]], metadatas=[record])  # ignored if a lock is held
            got = reg.get(ids=[LOCK_ID], include=["metadatas"])
        holder = got["metadatas"][0] if got["ids"] else None
        if holder is not None and holder.get("token") == token:
            break
        if holder is not None and _gone(holder, now):
            with guarded(store):  # only that holder's record: another waiter may have taken over already
                reg.delete(ids=[LOCK_ID], where={"token": holder.get("token", "")})
            continue
        if holder is not None:
            message = (f"another ingest of the policy index at {store.where} is running "
                       f"({_describe(holder, now)})")
            if time.monotonic() >= deadline:
                raise IngestLockedError(f"{message}; run `policy-assistant ingest` again when it has finished")
            if not waiting and note is not None:
                note(f"Waiting: {message}.")
            waiting = True
        time.sleep(poll)
    lease = Lease(client, store, token, record)
    try:
        yield lease
    finally:
        lease.release()
