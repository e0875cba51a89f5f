"""Bodies API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AccreditationViewSet,
    BodyDecisionViewSet,
    BodyEligibilityView,
    BodyMemberViewSet,
    BodyViewSet,
    DirectoryViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("bodies", BodyViewSet, basename="body")
router.register("accreditations", AccreditationViewSet, basename="accreditation")
router.register("directory", DirectoryViewSet, basename="directory")

urlpatterns = [
    path(
        "bodies/<uuid:body_id>/decisions/",
        BodyDecisionViewSet.as_view({"get": "list", "post": "create"}),
        name="body-decisions",
    ),
    path("bodies/<uuid:body_id>/members/", BodyMemberViewSet.as_view({"get": "list"}), name="body-members"),
    path("bodies/<uuid:id>/eligibility/", BodyEligibilityView.as_view(), name="body-eligibility"),
    *router.urls,
]
