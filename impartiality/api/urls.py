"""Impartiality API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
from .declarations import DeclarationRelationshipViewSet, DeclarationViewSet  # noqa: E402

router.register("declarations", DeclarationViewSet, basename="declaration")
# conflicts (H2b)
from .conflicts import ConflictCheckView, ConflictOverrideViewSet, ImpartialityPolicyView  # noqa: E402

router.register("conflict-overrides", ConflictOverrideViewSet, basename="conflict-override")

# --- risk registers and committee (H3) ---
from .register import CommitteeActionViewSet, CommitteeMeetingViewSet, RiskViewSet  # noqa: E402

router.register("impartiality-risks", RiskViewSet, basename="risk")
router.register("committee-meetings", CommitteeMeetingViewSet, basename="committee-meeting")
router.register("committee-actions", CommitteeActionViewSet, basename="committee-action")

urlpatterns = [
    # --- declarations, reviews and conflicts (H2) ---
    # declarations (H2a)
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
    # conflicts (H2b)
    path("conflict-checks/", ConflictCheckView.as_view(), name="conflict-check"),
    path(
        "bodies/<uuid:body_id>/impartiality-policy/",
        ImpartialityPolicyView.as_view(),
        name="impartiality-policy",
    ),
    # --- risk registers and committee (H3) ---
    *router.urls,
]
