"""Impartiality: declarations of interest and their reviews, conflict overrides, the risk registers and the
impartiality committee (ISO/IEC 17021-1 5.2, ISO/IEC 17029 5.4, ISO 14065 5.4)."""

from .declarations import (
    ConflictOverride,
    CounterpartyKind,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    ImpartialityPolicy,
    Relationship,
    RelationshipKind,
    ReviewOutcome,
)
from .register import (
    CommitteeAction,
    CommitteeActionStatus,
    CommitteeMeeting,
    RegistryRisk,
    Risk,
    RiskSource,
    RiskStatus,
    RiskThreat,
)

__all__ = [
    "CommitteeAction",
    "CommitteeActionStatus",
    "CommitteeMeeting",
    "ConflictOverride",
    "CounterpartyKind",
    "Declaration",
    "DeclarationKind",
    "DeclarationStatus",
    "ImpartialityPolicy",
    "RegistryRisk",
    "Relationship",
    "RelationshipKind",
    "ReviewOutcome",
    "Risk",
    "RiskSource",
    "RiskStatus",
    "RiskThreat",
]
