"""The certification capability's API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import certsearch, public
from .certificates import CertificateViewSet, ProgrammeDueViewSet, ProposalViewSet
from .decisions import DecisionViewSet
from .reviews import ReviewViewSet
from .statements import NumberingViewSet, StatementViewSet

router = SimpleRouter(trailing_slash=True)
# --- reviews and decisions ---
router.register("reviews", ReviewViewSet, basename="review")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("statements", StatementViewSet, basename="statement")
router.register("numberings", NumberingViewSet, basename="numbering")
# --- certificates, programme and proposals ---
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("programme-dates", ProgrammeDueViewSet, basename="programme-date")
router.register("proposals", ProposalViewSet, basename="proposal")

# --- public verification, CertSearch ---
public_urlpatterns = [
    path("certsearch/export/", certsearch.CertSearchExportView.as_view(), name="certsearch-export"),
    path("public/verify/", public.PublicVerifyByNumberView.as_view(), name="public-verify"),
    path("public/verify/<str:token>/", public.PublicVerifyByTokenView.as_view(), name="public-verify-token"),
]

urlpatterns = [
    *router.urls,
    *public_urlpatterns,
]
