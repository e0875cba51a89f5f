"""People and competence API v1: people of a body, competence records and their evidence, training, witnessed
audits, periodic evaluations, the competence matrix (JSON, CSV, XLSX), competence checks, bulk import.

Each view parses its input, calls one service or selector and serializes the result; the rules (who may, in
which state) are the services'. Tenancy comes from `TenantViewSet`: another tenant's record answers 404, also
for a freelance auditor's records in a body other than the caller's. Token scope resources: `people` and
`competence`.

Views per resource, with their schema declarations beside them: `people` (a person and the collections under
them), `records` (competence records and evidence), `matrix`, `checks`, `imports`; the tags and shared
descriptions in `competence.api.schema`.
"""

from .checks import PersonCompetenceCheckView, QuestionWithScope, TeamCompetenceCheckView
from .confidentiality import PeopleRecordsPolicyView
from .imports import CompetenceImportViewSet, ImportRenderer
from .matrix import EXPORT_RENDERERS, CompetenceMatrixView, MatrixCsvRenderer, MatrixXlsxRenderer
from .people import (
    PersonEvaluationViewSet,
    PersonNestedMixin,
    PersonTrainingViewSet,
    PersonViewSet,
    PersonWitnessedAuditViewSet,
)
from .records import CompetenceEvidenceViewSet, CompetenceRecordViewSet

__all__ = [
    "EXPORT_RENDERERS",
    "CompetenceEvidenceViewSet",
    "CompetenceImportViewSet",
    "CompetenceMatrixView",
    "CompetenceRecordViewSet",
    "ImportRenderer",
    "MatrixCsvRenderer",
    "MatrixXlsxRenderer",
    "PeopleRecordsPolicyView",
    "PersonCompetenceCheckView",
    "PersonEvaluationViewSet",
    "PersonNestedMixin",
    "PersonTrainingViewSet",
    "PersonViewSet",
    "PersonWitnessedAuditViewSet",
    "QuestionWithScope",
    "TeamCompetenceCheckView",
]
