"""Where an index lives: a Chroma client (embedded or a server), the registry that points at the live
build, and the few collection operations the index needs.

A ``Store`` names the place: an embedded ``PersistentClient`` under ``index_dir`` unless a server URL
is given, and the collection name of one organisation. Each build is a collection of its own,
``<collection>-<fingerprint>``; a one-record registry collection, ``<collection>-registry``, points at
the live one. Telemetry is always off, and collections are created without an embedding function:
we always pass our own vectors (Chroma's default function would try to download a model).

What this module does not do: parse documents, embed, or decide what a build contains
(``ingest.index``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REGISTRY_SUFFIX = "-registry"
QUESTIONS_SUFFIX = "-questions"  # the example questions of a build live beside its clauses
GET_PAGE = 5000  # records per collection.get when reading a whole collection


class IndexStoreError(Exception):
    """Base for every problem with the index: not built yet, store unavailable, nothing to index."""


class IndexNotBuiltError(IndexStoreError):
    """There is no index yet: run ``policy-assistant ingest``."""


class StoreUnavailableError(IndexStoreError):
    """The Chroma store (a directory or a server) cannot be opened."""


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
        own = re.compile(re.escape(self.collection) + r"-[0-9a-f]{20}(" + QUESTIONS_SUFFIX + ")?")
        return own.fullmatch(name) is not None


def open_client(store: Store):
    """A Chroma client: embedded under the store's folder, or the configured server."""
    # Imported here: chromadb costs about a second to import; `--help` should not pay it.
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if store.chroma_url:
            from urllib.parse import urlparse

            url = urlparse(store.chroma_url)
            if not url.hostname:
                raise StoreUnavailableError(f"chroma_url {store.chroma_url!r} is not a URL like http://127.0.0.1:8000")
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        store.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(store.index_dir), settings=chroma_settings)
    except StoreUnavailableError:
        raise
    except Exception as exc:
        raise StoreUnavailableError(f"cannot open the Chroma store at {store.where}: {exc}") from None


def registry(client, store: Store):
    return client.get_or_create_collection(store.registry_name, embedding_function=None)


def read_pointer(client, store: Store) -> dict | None:
    """The live index's record in the registry, or None when nothing has been built yet."""
    got = registry(client, store).get(ids=["active"], include=["metadatas"])
    return got["metadatas"][0] if got["ids"] else None


def write_pointer(client, store: Store, record: dict) -> None:
    """The switch: one upsert of one record."""
    registry(client, store).upsert(ids=["active"], embeddings=[[1.0]], metadatas=[record])


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
    """Drop this organisation's builds other than ``keep`` (and its questions)."""
    for entry in client.list_collections():
        name = entry if isinstance(entry, str) else entry.name
        if store.owns(name) and name not in (keep, keep + QUESTIONS_SUFFIX):
            client.delete_collection(name)
