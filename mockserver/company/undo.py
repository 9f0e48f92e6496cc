"""What a company's reset returns to: its seeded state, and which activities were written since.

Activity records are immutable, so the seeded state is a shallow copy, and a reset only has to put back
the records written since (the undo set): it costs about the writes, not the company's size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .company import Company


@dataclass
class UndoLog:
    seeded: dict[str, Any] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)
    # The activities written since the state file's log last looked (changes.py); None: nobody looks.
    changed: set[int] | None = None

    def mark(self, company: Company) -> None:
        """Remember the company's current state as the one `undo` returns to."""
        self.seeded = {
            "activities": dict(company.activities),
            "next_id": company.next_id,
            "users": dict(company.users),
            "activity_types": dict(company.activity_types),
            "entities": {kind: dict(pool) for kind, pool in company.entities.items()},
            "filters": dict(company.filters),
            "deleted": list(company.deleted),
        }
        self.dirty.clear()

    def written(self, activity_id: int) -> None:
        self.dirty.add(activity_id)
        if self.changed is not None:
            self.changed.add(activity_id)

    def undo(self, company: Company) -> None:
        """Put back the seeded state (the caller holds the company's lock)."""
        seeded = self.seeded
        if self.changed is not None:
            self.changed |= self.dirty
        for activity_id in self.dirty:
            current = company.activities.pop(activity_id, None)
            if current is not None and not current.is_deleted:
                company.indexes.remove(current)
            original = seeded["activities"].get(activity_id)
            if original is not None:
                company.activities[activity_id] = original
                if not original.is_deleted:
                    company.indexes.add(original)
        self.dirty.clear()
        company.next_id = seeded["next_id"]
        company.users = dict(seeded["users"])
        company.activity_types = dict(seeded["activity_types"])
        company.entities = {kind: dict(pool) for kind, pool in seeded["entities"].items()}
        company.filters = dict(seeded["filters"])
        company.deleted = list(seeded["deleted"])
