"""The conflict service: the single place the conflict-of-interest rules live (issue 8 §3, DOMAIN "Impartiality
and conflicts of interest"), and the written overrides of its conflicts.

`conflict_check(membership=, client= | project=, starts_on=, ends_on=)` answers "can this person work for this
client or project on these dates, and if not why": a `ConflictReport` listing EVERY conflict (never only the
first), each with its rule, its severity (it bars, or it needs mitigation), words for people, the relationship or
declaration behind it and the override that covers it. The engagements capability calls it at team
confirmation; nothing else re-implements a rule. To add a rule (all in `rules`): a `ConflictRule` member (code
and label), its severity in `SEVERITY`, `ABSOLUTE` if it can never be overridden, and a few lines in
`relationship_conflicts` or `declaration_conflicts` (both read only what `check._load` fetched, so the query
count stays constant).

The counterparty of an engagement is a client, or a project with its proponent and its consultant (a client
of the body or a name). A declared relationship matches it when it names the client, the project (or another
project of the same proponent), the proponent or consultant client, or by name (case-insensitive) one of those
clients' legal names or the project's consultant name. Relationships considered: those of the person's live
declarations in the body (submitted or reviewed; drafts and superseded versions never count), annual and per
engagement alike.

By concern: `rules` (the rules, their severities and words), `report` (`Conflict`, `ConflictReport`), `check`
(`conflict_check`, `conflict_check_many`), `overrides` (`conflict_override`), `policy` (who may override).
"""

from .check import conflict_check, conflict_check_many
from .overrides import conflict_override
from .policy import impartiality_policy_get, impartiality_policy_set
from .report import Conflict, ConflictReport
from .rules import ABSOLUTE, SEVERITY, ConflictRule, ConflictSeverity

__all__ = [
    "ABSOLUTE",
    "SEVERITY",
    "Conflict",
    "ConflictReport",
    "ConflictRule",
    "ConflictSeverity",
    "conflict_check",
    "conflict_check_many",
    "conflict_override",
    "impartiality_policy_get",
    "impartiality_policy_set",
]
