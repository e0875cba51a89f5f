"""The certification capability's API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
# --- reviews and decisions (H6) ---
from .decisions import DecisionViewSet  # noqa: E402
from .reviews import ReviewViewSet  # noqa: E402
from .statements import NumberingViewSet, StatementViewSet  # noqa: E402

router.register("reviews", ReviewViewSet, basename="review")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("statements", StatementViewSet, basename="statement")
router.register("numberings", NumberingViewSet, basename="numbering")
# --- certificates, statements, programme and proposals (H7) ---
from .certificates import CertificateViewSet, ProgrammeDueViewSet, ProposalViewSet  # noqa: E402

router.register("certificates", CertificateViewSet, basename="certificate")
router.register("programme-dates", ProgrammeDueViewSet, basename="programme-date")
router.register("proposals", ProposalViewSet, basename="proposal")
# --- public verification, CertSearch (H8) ---
from . import certsearch as certsearch_api  # noqa: E402
from . import public as public_api  # noqa: E402

h8_urlpatterns = [
    path("certsearch/export/", certsearch_api.CertSearchExportView.as_view(), name="certsearch-export"),
    path("public/verify/", public_api.PublicVerifyByNumberView.as_view(), name="public-verify"),
    path(
        "public/verify/<str:token>/", public_api.PublicVerifyByTokenView.as_view(), name="public-verify-token"
    ),
]

urlpatterns = [
    *router.urls,
    *h8_urlpatterns,
]
