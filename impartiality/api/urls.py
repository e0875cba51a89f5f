"""Impartiality API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .conflicts import ConflictCheckView, ConflictOverrideViewSet, ImpartialityPolicyView
from .declarations import DeclarationRelationshipViewSet, DeclarationViewSet
from .register import CommitteeActionViewSet, CommitteeMeetingViewSet, RiskViewSet

router = SimpleRouter(trailing_slash=True)
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("conflict-overrides", ConflictOverrideViewSet, basename="conflict-override")
router.register("impartiality-risks", RiskViewSet, basename="risk")
router.register("committee-meetings", CommitteeMeetingViewSet, basename="committee-meeting")
router.register("committee-actions", CommitteeActionViewSet, basename="committee-action")

urlpatterns = [
    # a declaration's relationships
    path(
        "declarations/<uuid:declaration_id>/relationships/",
        DeclarationRelationshipViewSet.as_view({"get": "list", "post": "create"}),
        name="declaration-relationships",
    ),
    path(
        "declarations/<uuid:declaration_id>/relationships/<uuid:id>/",
        DeclarationRelationshipViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="declaration-relationship-detail",
    ),
    # conflicts and the body's impartiality policy
    path("conflict-checks/", ConflictCheckView.as_view(), name="conflict-check"),
    path(
        "bodies/<uuid:body_id>/impartiality-policy/",
        ImpartialityPolicyView.as_view(),
        name="impartiality-policy",
    ),
    *router.urls,
]
