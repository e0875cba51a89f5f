"""What the conflict service answers: one `Conflict` per rule caught, gathered in one person's
`ConflictReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bodies.models.tenants import Membership

from ...models import ConflictOverride, Declaration, Relationship
from .rules import ABSOLUTE, ConflictRule, ConflictSeverity


@dataclass(frozen=True)
class Conflict:
    """One conflict: `message` tells it with the relationship's details (for those who may read them,
    `impartiality.permissions.can_read_declaration`); `summary` without them ("a declared relationship")."""

    rule: str
    severity: str
    message: str
    summary: str
    relationship: Relationship | None = None
    declaration: Declaration | None = None
    override: ConflictOverride | None = None
    measures: str = ""

    @property
    def absolute(self) -> bool:
        return self.rule in ABSOLUTE

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def rule_label(self) -> str:
        return str(ConflictRule(self.rule).label)

    @property
    def severity_label(self) -> str:
        return str(ConflictSeverity(self.severity).label)

    @property
    def bars(self) -> bool:
        return self.severity == ConflictSeverity.BARS and not self.overridden

    @property
    def needs_mitigation(self) -> bool:
        return self.severity == ConflictSeverity.MITIGATE and not self.overridden


@dataclass(frozen=True)
class ConflictReport:
    """Every conflict of one person with one client or project on the planned dates. An overridden conflict is
    still listed (marked overridden) but no longer bars nor needs mitigation. `clear`: nothing bars and nothing
    needs mitigation; an assignment is allowed when `not report.bars`."""

    membership: Membership
    client: Any
    project: Any
    starts_on: date
    ends_on: date
    conflicts: tuple[Conflict, ...] = field(default_factory=tuple)

    @property
    def bars(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.bars)

    @property
    def needs_mitigation(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.needs_mitigation)

    @property
    def overridden(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.overridden)

    @property
    def clear(self) -> bool:
        return not self.bars and not self.needs_mitigation

    @property
    def counterparty(self) -> Any:
        return self.project if self.project is not None else self.client  # type: ignore[return-value]
