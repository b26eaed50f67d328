"""What a new policy version changed: clauses added, removed and changed, and the record of the last change.

What this module does not do: ingest (``assistant.library`` does, then records the diff here) or
render the diff (``assistant.ui.pages``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from ingest.clauses import Clause

CHANGES_FILE = "policy-changes.json"


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str
    document: str
    section: str
    before: str  # "" when added
    after: str  # "" when removed


@dataclass(frozen=True)
class ClauseDiff:
    added: tuple[ClauseChange, ...] = ()
    removed: tuple[ClauseChange, ...] = ()
    changed: tuple[ClauseChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict:
        return {k: [c.__dict__ for c in getattr(self, k)] for k in ("added", "removed", "changed")}

    @classmethod
    def from_dict(cls, data: dict) -> "ClauseDiff":
        return cls(**{k: tuple(ClauseChange(**c) for c in data.get(k, ())) for k in ("added", "removed", "changed")})


def diff_clauses(before: Sequence[Clause], after: Sequence[Clause], renamed: dict[str, str] | None = None) -> ClauseDiff:
    """Added, removed and changed clauses between two versions, matched by (document, clause id);
    ``renamed`` maps an old document name to the file that replaced it."""
    renamed = renamed or {}
    old = {(renamed.get(c.document, c.document), c.clause_id): c for c in before}
    new = {(c.document, c.clause_id): c for c in after}
    added = tuple(ClauseChange(c.clause_id, c.document, c.section_label, "", c.full_text)
                  for k, c in new.items() if k not in old)
    removed = tuple(ClauseChange(c.clause_id, c.document, c.section_label, c.full_text, "")
                    for k, c in old.items() if k not in new)
    changed = tuple(ClauseChange(c.clause_id, c.document, c.section_label, old[k].full_text, c.full_text)
                    for k, c in new.items() if k in old and (old[k].full_text != c.full_text
                                                             or old[k].section_label != c.section_label))
    return ClauseDiff(added, removed, changed)


def save_changes(data_dir: Path, diff: ClauseDiff) -> None:
    path = Path(data_dir) / CHANGES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"time": datetime.now(timezone.utc).replace(microsecond=0).isoformat(), **diff.to_dict()}
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def load_changes(data_dir: Path) -> tuple[ClauseDiff | None, str]:
    path = Path(data_dir) / CHANGES_FILE
    if not path.exists():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ClauseDiff.from_dict(data), str(data.get("time", ""))
    except (ValueError, TypeError, KeyError):
        return None, ""
