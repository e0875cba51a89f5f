"""Portal pages of a body's people and their competence: the people list and each person's record, competence
records and their evidence, the competence matrix and its export, the team check, and the bulk import.

Views parse input, call one service or selector, and render. Tenancy is the base classes' (core.portal): every
record is read through the active body, so another body's record answers 404 exactly like a missing one, and
it does so before any permission is checked (a 403 would tell that the record exists).
"""

from .confidentiality import PeopleRecordsPolicyView
from .imports import ImportApplyView, ImportPreviewView, ImportTemplateView, ImportView
from .matrix import MatrixExportView, MatrixView, TeamCheckRowView, TeamCheckView
from .people import (
    EvaluationAddView,
    PersonAddView,
    PersonDetailView,
    PersonEditView,
    PersonListView,
    PersonPdfView,
    RecordCreateView,
    TrainingAddView,
    WitnessedAuditAddView,
)
from .records import (
    EvidenceAddView,
    EvidenceDownloadView,
    RecordApproveView,
    RecordDetailView,
    RecordRenewView,
    RecordSuspendView,
)

__all__ = [
    "EvaluationAddView",
    "EvidenceAddView",
    "EvidenceDownloadView",
    "ImportApplyView",
    "ImportPreviewView",
    "ImportTemplateView",
    "ImportView",
    "MatrixExportView",
    "MatrixView",
    "PeopleRecordsPolicyView",
    "PersonAddView",
    "PersonDetailView",
    "PersonEditView",
    "PersonListView",
    "PersonPdfView",
    "RecordApproveView",
    "RecordCreateView",
    "RecordDetailView",
    "RecordRenewView",
    "RecordSuspendView",
    "TeamCheckRowView",
    "TeamCheckView",
    "TrainingAddView",
    "WitnessedAuditAddView",
]
