"""The audits capability's API v1 routes (included under /api/v1/, namespace "api-v1"): engagements, their team and
the team's candidates, findings and a finding's responses."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .engagements import EngagementCandidatesView, EngagementTeamViewSet, EngagementViewSet
from .findings import FindingResponseViewSet, FindingViewSet
from .pdfs import EngagementPdfViewSet

router = SimpleRouter(trailing_slash=True)
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("findings", FindingViewSet, basename="finding")

urlpatterns = [
    # an engagement's team and its candidates
    path(
        "engagements/<uuid:engagement_id>/team/",
        EngagementTeamViewSet.as_view({"get": "list", "post": "create"}),
        name="engagement-team",
    ),
    path(
        "engagements/<uuid:engagement_id>/team/<uuid:id>/",
        EngagementTeamViewSet.as_view({"delete": "destroy"}),
        name="engagement-team-member",
    ),
    path(
        "engagements/<uuid:engagement_id>/candidates/",
        EngagementCandidatesView.as_view({"get": "list"}),
        name="engagement-candidates",
    ),
    # an engagement's audit plan and report as PDFs
    path(
        "engagements/<uuid:id>/plan-pdf/",
        EngagementPdfViewSet.as_view({"post": "plan_pdf"}),
        name="engagement-plan-pdf",
    ),
    path(
        "engagements/<uuid:id>/report-pdf/",
        EngagementPdfViewSet.as_view({"post": "report_pdf"}),
        name="engagement-report-pdf",
    ),
    # a finding's responses
    path(
        "findings/<uuid:finding_id>/responses/",
        FindingResponseViewSet.as_view({"get": "list"}),
        name="finding-responses",
    ),
    *router.urls,
]
