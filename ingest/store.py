"""Where an index lives: a Chroma client (embedded or a server), the registry that points at the live
build, the collections a build is made of, and errors a person can act on.

A ``Store`` names the place: an embedded ``PersistentClient`` under ``index_dir`` unless a server URL
is given, and the collection name of one organisation. Each build is a collection of its own,
``<collection>-<fingerprint>``; a one-record registry collection, ``<collection>-registry``, points at
the live one. Telemetry is always off, and collections are created without an embedding function:
we always pass our own vectors (Chroma's default function would try to download a model).

Versions across processes: a writer switches the pointer, then drops the builds it replaced at once.
A reader (``LiveCollection``) that loses its build mid-question gets ``IndexMovedError`` and re-reads
the pointer (``assistant.library`` does, and asks again); every other failure becomes a
``StoreUnavailableError`` whose message says what to do, never a Chroma traceback.

One writer at a time: ``ingest.lock`` (its lock record lives in the registry).

What this module does not do: parse documents, embed, or decide what a build contains
(``ingest.index``).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

REGISTRY_SUFFIX = "-registry"
QUESTIONS_SUFFIX = "-questions"  # the example questions of a build live beside its clauses
FACETS_SUFFIX = "-facets"  # and its clauses' sentences and context (ingest.facets)
GET_PAGE = 5000  # records per collection.get when reading a whole collection
POINTER_ID = "active"
HTTP_TIMEOUT_S = 60.0  # a Chroma server that accepts connections but never answers must not hang a question
CONNECT_TIMEOUT_S = 5.0


class IndexStoreError(Exception):
    """Base for every problem with the index: not built yet, store unavailable, nothing to index."""


class IndexNotBuiltError(IndexStoreError):
    """There is no index yet: run ``policy-assistant ingest``."""


class StoreUnavailableError(IndexStoreError):
    """The Chroma store (a directory or a server) cannot be opened or does not answer."""


class IndexDamagedError(StoreUnavailableError):
    """The embedded index cannot be read; the message says which folder to delete and how to rebuild."""


class IndexMovedError(IndexStoreError):
    """The build a reader held was replaced by a re-index and dropped: re-read the pointer and ask again."""


class IngestLockedError(IndexStoreError):
    """Another ingest of the same index is running (or took over while this one paused)."""


class NothingToIndexError(IndexStoreError):
    """No document in the policy folder could be ingested; the previous index is kept."""


@dataclass(frozen=True)
class Store:
    """Where one organisation's index lives."""

    index_dir: Path  # the embedded store's folder (unused when chroma_url is set)
    chroma_url: str = ""  # e.g. "http://127.0.0.1:8000"; "" means embedded
    collection: str = "policy"  # the organisation's collection name; builds and registry derive from it

    @property
    def where(self) -> str:
        return self.chroma_url or str(self.index_dir)

    @property
    def registry_name(self) -> str:
        return self.collection + REGISTRY_SUFFIX

    def build_name(self, fingerprint: str) -> str:
        return f"{self.collection}-{fingerprint}"

    def owns(self, name: str) -> bool:
        """Is this collection one of this organisation's builds? Only "<collection>-<fingerprint>": a
        bare prefix test would also claim another organisation's "org-a" builds for "org"."""
        own = re.compile(re.escape(self.collection) + r"-[0-9a-f]{20}(" + QUESTIONS_SUFFIX + "|" + FACETS_SUFFIX + ")?")
        return own.fullmatch(name) is not None


# --- errors a person can act on ------------------------------------------------------------------

_NOT_ANSWERING = ("could not connect", "connection refused", "connecterror", "timed out", "timeout",
                  "name or service not known", "remoteprotocolerror", "server disconnected")


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "...") if len(text) > 200 else (text or type(exc).__name__)


def _not_answering(exc: BaseException) -> bool:
    """Did a request to the Chroma server fail to get any answer (refused, reset, timed out)?"""
    described = f"{type(exc).__module__}.{type(exc).__name__} {exc}".lower()
    return (isinstance(exc, (ConnectionError, TimeoutError)) or type(exc).__module__.startswith(("httpx", "httpcore"))
            or any(s in described for s in _NOT_ANSWERING))


def explain(store: Store, exc: BaseException, *, answering: bool = False) -> IndexStoreError:
    """The ``IndexStoreError`` a person can act on for a failure of the store. ``answering``: a question
    was being answered, so the router had already run and disclosures are still recognised."""
    if isinstance(exc, IndexStoreError):
        return exc
    after = "; disclosures are still recognised" if answering else ""
    if type(exc).__name__ == "NotFoundError":  # a collection that a re-index dropped meanwhile
        return IndexMovedError(f"the policy index was rebuilt while it was being read ({_detail(exc)})")
    if store.chroma_url:
        if _not_answering(exc):
            hint = "" if answering else "; check that it is running and that chroma_url is right"
            return StoreUnavailableError(
                f"The policy index is unavailable (Chroma server at {store.chroma_url} not answering){after}{hint}")
        return StoreUnavailableError(
            f"The policy index is unavailable (the Chroma server at {store.chroma_url} failed: {_detail(exc)}){after}")
    if any(word in _detail(exc).lower() for word in ("database is locked", "busy")):  # another process writing
        return StoreUnavailableError(f"The policy index at {store.index_dir} is busy ({_detail(exc)}); try again in a "
                                     f"moment{after}")
    return IndexDamagedError(
        f"The policy index at {store.index_dir} cannot be read ({_detail(exc)}); if it is damaged, rebuild it: stop "
        f"the app, delete the folder {store.index_dir}, then run `policy-assistant ingest`{after}")


def _fatal(exc: BaseException) -> bool:
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


@contextlib.contextmanager
def guarded(store: Store, *, answering: bool = False) -> Iterator[None]:
    """Every failure inside becomes an ``IndexStoreError`` (``explain``). Chroma's Rust core can raise
    ``PanicException``, which is not an ``Exception``; interrupts still pass."""
    try:
        yield
    except BaseException as exc:
        if _fatal(exc) or isinstance(exc, IndexStoreError):
            raise
        raise explain(store, exc, answering=answering) from None


# --- client, registry, collections ---------------------------------------------------------------


def open_client(store: Store):
    """A Chroma client: embedded under the store's folder, or the configured server."""
    # Imported here: chromadb costs about a second to import; `--help` should not pay it.
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if store.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(store.chroma_url)
        if not url.hostname:
            raise StoreUnavailableError(f"chroma_url {store.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        with guarded(store):
            # Chroma's client waits forever by default (no public setting in 1.5), its constructor
            # included: a server that accepts connections but never answers is caught here first.
            import urllib.request

            base = f"{url.scheme}://{url.netloc}"
            urllib.request.urlopen(f"{base}/api/v2/heartbeat", timeout=CONNECT_TIMEOUT_S).close()
            client = chromadb.HttpClient(host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                                         ssl=url.scheme == "https", settings=chroma_settings)
        session = getattr(getattr(client, "_server", None), "_session", None)
        if session is not None:
            import httpx

            session.timeout = httpx.Timeout(HTTP_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        return client
    try:
        store.index_dir.mkdir(parents=True, exist_ok=True)
        with guarded(store):
            return chromadb.PersistentClient(path=str(store.index_dir), settings=chroma_settings)
    except IndexStoreError:
        # Chroma caches the half-started system per folder, and the next open would fail with a stray
        # "'RustBindingsAPI' object has no attribute 'bindings'" instead of the real reason.
        from chromadb.api.shared_system_client import SharedSystemClient

        getattr(SharedSystemClient, "_identifier_to_system", {}).pop(str(store.index_dir), None)
        raise
    except OSError as exc:
        raise StoreUnavailableError(f"The policy index folder {store.index_dir} cannot be created ({_detail(exc)})") from None


def registry(client, store: Store):
    return client.get_or_create_collection(store.registry_name, embedding_function=None)


def read_pointer(client, store: Store) -> dict | None:
    """The live index's record in the registry, or None when nothing has been built yet (read only)."""
    with guarded(store):
        try:
            collection = client.get_collection(store.registry_name, embedding_function=None)
        except Exception as exc:
            if type(exc).__name__ in ("NotFoundError", "ValueError") and "does not exist" in str(exc):
                return None
            raise
        got = collection.get(ids=[POINTER_ID], include=["metadatas"])
    return got["metadatas"][0] if got["ids"] else None


def write_pointer(client, store: Store, record: dict) -> None:
    """The switch: one upsert of one record."""
    with guarded(store):
        registry(client, store).upsert(ids=[POINTER_ID], embeddings=[[1.0]], metadatas=[record])


def exists(client, name: str) -> bool:
    return name in {c if isinstance(c, str) else c.name for c in client.list_collections()}


def get_all(collection, include: list[str]) -> dict:
    """Every record of a collection, read in pages: one unbounded get of more than about 32,000
    records fails inside Chroma's SQLite ("too many SQL variables")."""
    got: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    while True:
        page = collection.get(include=include, limit=GET_PAGE, offset=len(got["ids"]))
        got["ids"].extend(page["ids"])
        for key in include:
            got[key].extend(page[key])
        if len(page["ids"]) < GET_PAGE:
            return got


def max_batch(client, fallback: int) -> int:
    try:
        return int(client.get_max_batch_size())
    except Exception:  # older servers do not say; the embedding batch size is always accepted
        return fallback


def drop_stale(client, store: Store, keep: str) -> None:
    """Drop this organisation's builds other than ``keep`` (and its questions and facets). Called right after the
    switch: a reader still holding one gets ``IndexMovedError`` on its next query and moves over."""
    for entry in client.list_collections():
        name = entry if isinstance(entry, str) else entry.name
        if store.owns(name) and name not in (keep, keep + QUESTIONS_SUFFIX, keep + FACETS_SUFFIX):
            client.delete_collection(name)


class LiveCollection:
    """A live build as readers query it. A failure becomes ``IndexMovedError`` when a re-index replaced
    the build (the pointer names another one now), otherwise the store's error a person can act on."""

    def __init__(self, collection, store: Store, client, is_live: Callable[[dict | None], bool]) -> None:
        self._collection = collection
        self._store = store
        self._client = client
        self._is_live = is_live  # does a pointer still name this build (ingest.index.LiveIndex.is_live)?
        self.name = collection.name

    def query(self, **kwargs):
        return self._call(self._collection.query, **kwargs)

    def get(self, **kwargs):
        return self._call(self._collection.get, **kwargs)

    def __getattr__(self, attribute):
        return getattr(self._collection, attribute)

    def _call(self, method, **kwargs):
        try:
            return method(**kwargs)
        except BaseException as exc:
            if _fatal(exc):
                raise
            error = explain(self._store, exc, answering=True)
            silent = self._store.chroma_url and _not_answering(exc)
        if not isinstance(error, IndexMovedError) and not silent:
            # A build dropped while it was being read fails in more ways than "does not exist": the pointer tells.
            try:
                moved = not self._is_live(read_pointer(self._client, self._store))
            except IndexStoreError:
                moved = False
            if moved:
                error = IndexMovedError(f"the policy index was rebuilt while it was being read ({error})")
        raise error from None
