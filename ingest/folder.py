"""The policy folder as ingest reads it: its documents' clauses, and a cheap stamp of whether it changed.

``read_document`` is the one way a file becomes clauses, within the bounds of ``ingest.limits``; a
file that cannot (unreadable, over a bound, no clauses, or a parser failure) raises ``LoadError``
with one line naming it. ``collect_clauses`` reads a whole folder, skipping such files with their
reason; the app's upload check reads an uploaded file the same way. ``language_warnings`` names a
document not written in English.

What this module does not do: embed or store anything (``ingest.index``), or parse a document itself
(``ingest.load``, ``ingest.clauses``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

from ingest import limits
from ingest.clauses import PARSER_VERSION, Clause, build_clauses
from ingest.facets import MAX_FACET_TEXTS
from ingest.ids import unique_across_documents
from ingest.load import LoadError, find_documents, load_document
from ingest.questions import QUESTIONS_FOLDER
from ingest.store import NothingToIndexError

# Bump when what gets embedded changes (see ingest.index.embedding_text): every index then rebuilds.
INDEX_VERSION = "4"


def folder_stamp(policy_dir: Path, model: str, max_facets: int = MAX_FACET_TEXTS) -> str:
    """Names, sizes and modification times of the policy folder's files and example questions, with
    the model, the facet bound and versions: equal stamps mean the index built from the folder is still
    current, known without parsing a document (parsing the shipped PDF takes about 0.4 s of a one-shot ask)."""
    folder = Path(policy_dir)
    digest = hashlib.sha256(f"parser={PARSER_VERSION}\nindex={INDEX_VERSION}\nmodel={model}\n".encode())
    if max_facets != MAX_FACET_TEXTS:  # the default leaves stamps as they were
        digest.update(f"facets<={max_facets}\n".encode())
    paths = find_documents(folder) if folder.is_dir() else []
    if (folder / QUESTIONS_FOLDER).is_dir():
        paths += sorted((folder / QUESTIONS_FOLDER).glob("*.toml"))
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def collect_clauses(policy_dir: Path) -> tuple[list[Clause], list[tuple[str, str]], list[str]]:
    """Load and parse every document in the folder. Returns clauses, skipped (name, reason), documents."""
    folder = Path(policy_dir)
    if not folder.is_dir():
        raise NothingToIndexError(f"policy folder {folder} does not exist; create it and put the policy documents in it")
    clauses: list[Clause] = []
    skipped: list[tuple[str, str]] = []
    documents: list[str] = []
    seen: dict[str, str] = {}
    for path in find_documents(folder):
        try:
            parsed = read_document(path)
        except LoadError as exc:
            skipped.append((path.name, str(exc)))
            continue
        content = hashlib.sha256("\n".join(c.full_text for c in parsed).encode()).hexdigest()
        if content in seen:
            skipped.append((path.name, f"{path.name}: same text as {seen[content]}; remove one copy from the folder"))
            continue
        seen[content] = path.name
        documents.append(path.name)
        clauses.extend(parsed)
    return unique_across_documents(clauses), skipped, documents


# A document is read in pieces of about this many characters, at most this many of them spread over
# it: enough to tell a language for certain in each, and few enough to take milliseconds.
LANGUAGE_PIECE = 1_000
LANGUAGE_PIECES = 40


def language_warnings(clauses: Sequence[Clause]) -> list[str]:
    """One line for each document written mostly (three fifths or more) or in good part (a fifth or
    more) in another language than English. Such a document is indexed all the same, but the assistant
    answers questions in English only and its model and search are tuned for English: its administrator
    should know before the first parent asks. py3langid's model is inside its wheel (the router's
    language check uses it too); on a piece of a document's text it is certain where on a short message
    it is not."""
    import py3langid

    texts: dict[str, list[str]] = {}
    for clause in clauses:
        texts.setdefault(clause.document, []).append(clause.full_text)
    warnings = []
    for document, parts in texts.items():
        text = " ".join(parts)
        starts = range(0, len(text), LANGUAGE_PIECE)
        step = max(1, len(starts) // LANGUAGE_PIECES)
        sizes: dict[str, int] = {}
        for start in starts[::step]:
            piece = text[start:start + LANGUAGE_PIECE]
            code = py3langid.classify(piece)[0]
            sizes[code] = sizes.get(code, 0) + len(piece)
        other, size = max(((c, n) for c, n in sizes.items() if c != "en"), key=lambda cn: cn[1], default=("", 0))
        share = size / sum(sizes.values())
        if share >= 0.6:
            warnings.append(f"{document} reads as written in another language ({other}), not English; it is "
                            "indexed, but questions are answered in English only and its answers will be poor")
        elif share >= 0.2:
            warnings.append(f"{document} is partly written in another language ({other}, about {share:.0%} of it); "
                            "questions are answered in English only, and those parts will answer poorly")
    return warnings


def read_document(path: Path) -> list[Clause]:
    """One file's clauses, within the bounds of ``ingest.limits``; LoadError with a one-line reason otherwise."""
    path = Path(path)
    try:
        limits.check_file(path)
        document = load_document(path)
        limits.check_document(document)
        clauses = build_clauses(document)
    except LoadError:
        raise
    except Exception as exc:  # a parser failure on one file must not end the whole ingest with a traceback
        raise LoadError(f"{path.name}: could not be parsed ({type(exc).__name__}); re-save it (or export it as PDF) "
                        "and ingest again") from None
    if not clauses:
        raise LoadError(f"{path.name}: no clauses found; check it is the right file")
    limits.check_clauses(path.name, clauses)
    return clauses
