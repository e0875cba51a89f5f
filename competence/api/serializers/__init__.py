"""Input and output shapes of the people and competence API (snake_case here; the renderer camelCases JSON).

In this API a person is named by their membership id (the `id` of `/people/{id}/`): a person who works for
several bodies has one membership in each, and each body sees only its own. Inputs parse types and formats
only; the services hold the rules.

The shapes per resource: `refs`, `people` (and their history), `records` (and evidence), `matrix`, `checks`,
`imports`.
"""

from .checks import (
    CheckScopeInput,
    GapOutput,
    PersonCheckInput,
    PersonCheckOutput,
    TeamCheckInput,
    TeamCheckOutput,
    TeamMemberCheckOutput,
    TeamMemberInput,
)
from .confidentiality import PeopleRecordsPolicyInput, PeopleRecordsPolicyOutput
from .imports import ImportBatchOutput, ImportInput, ImportPreviewOutput, ImportRowOutput
from .matrix import (
    MatrixCellOutput,
    MatrixColumnOutput,
    MatrixOutput,
    MatrixPersonOutput,
    MatrixQuery,
    MatrixRecordOutput,
    MatrixRowOutput,
    NullableItemsListField,
    NullableItemsListFieldSchema,
)
from .people import (
    EvaluationInput,
    EvaluationOutput,
    PersonCreateInput,
    PersonOutput,
    PersonProfileOutput,
    PersonUpdateInput,
    TrainingInput,
    TrainingOutput,
    WitnessedAuditInput,
    WitnessedAuditOutput,
)
from .records import (
    CompetenceApproveInput,
    CompetenceRecordCreateInput,
    CompetenceRecordOutput,
    CompetenceRenewInput,
    CompetenceSuspendInput,
    EvidenceInput,
    EvidenceOutput,
)
from .refs import CompetenceSectorRef, CompetenceStandardRef, MembershipInBodyField, PersonRefOutput

__all__ = [
    "CheckScopeInput",
    "CompetenceApproveInput",
    "CompetenceRecordCreateInput",
    "CompetenceRecordOutput",
    "CompetenceRenewInput",
    "CompetenceSectorRef",
    "CompetenceStandardRef",
    "CompetenceSuspendInput",
    "EvaluationInput",
    "EvaluationOutput",
    "EvidenceInput",
    "EvidenceOutput",
    "GapOutput",
    "ImportBatchOutput",
    "ImportInput",
    "ImportPreviewOutput",
    "ImportRowOutput",
    "MatrixCellOutput",
    "MatrixColumnOutput",
    "MatrixOutput",
    "MatrixPersonOutput",
    "MatrixQuery",
    "MatrixRecordOutput",
    "MatrixRowOutput",
    "MembershipInBodyField",
    "NullableItemsListField",
    "NullableItemsListFieldSchema",
    "PeopleRecordsPolicyInput",
    "PeopleRecordsPolicyOutput",
    "PersonCheckInput",
    "PersonCheckOutput",
    "PersonCreateInput",
    "PersonOutput",
    "PersonProfileOutput",
    "PersonRefOutput",
    "PersonUpdateInput",
    "TeamCheckInput",
    "TeamCheckOutput",
    "TeamMemberCheckOutput",
    "TeamMemberInput",
    "TrainingInput",
    "TrainingOutput",
    "WitnessedAuditInput",
    "WitnessedAuditOutput",
]
