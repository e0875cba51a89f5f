"""People and competence API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CompetenceEvidenceViewSet,
    CompetenceImportViewSet,
    CompetenceMatrixView,
    CompetenceRecordViewSet,
    PeopleRecordsPolicyView,
    PersonCompetenceCheckView,
    PersonEvaluationViewSet,
    PersonTrainingViewSet,
    PersonViewSet,
    PersonWitnessedAuditViewSet,
    TeamCompetenceCheckView,
)

router = SimpleRouter(trailing_slash=True)
router.register("people", PersonViewSet, basename="person")
router.register("competence-records", CompetenceRecordViewSet, basename="competence-record")
router.register("competence-imports", CompetenceImportViewSet, basename="competence-import")

collection = {"get": "list", "post": "create"}

evidence_download = CompetenceEvidenceViewSet.as_view({"get": "download"})

urlpatterns = [
    path(
        "people/<uuid:person_id>/training/",
        PersonTrainingViewSet.as_view(collection),
        name="person-training",
    ),
    path(
        "people/<uuid:person_id>/witnessed-audits/",
        PersonWitnessedAuditViewSet.as_view(collection),
        name="person-witnessed-audits",
    ),
    path(
        "people/<uuid:person_id>/evaluations/",
        PersonEvaluationViewSet.as_view(collection),
        name="person-evaluations",
    ),
    path(
        "competence-records/<uuid:record_id>/evidence/",
        CompetenceEvidenceViewSet.as_view(collection),
        name="competence-record-evidence",
    ),
    path(
        "competence-records/<uuid:record_id>/evidence/<uuid:id>/download/",
        evidence_download,
        name="competence-record-evidence-download",
    ),
    path(
        "bodies/<uuid:body_id>/people-records-policy/",
        PeopleRecordsPolicyView.as_view(),
        name="people-records-policy",
    ),
    path("competence-matrix/", CompetenceMatrixView.as_view(), name="competence-matrix"),
    path("competence-checks/person/", PersonCompetenceCheckView.as_view(), name="competence-check-person"),
    path("competence-checks/team/", TeamCompetenceCheckView.as_view(), name="competence-check-team"),
    *router.urls,
]
