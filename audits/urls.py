from django.urls import path

from .views import client_view as findings_client_view
from .views import engagements as engagement_views
from .views import findings as findings_views

app_name = "audits"

urlpatterns = [
    # --- engagements, teams and gates (H9) ---
    path("", engagement_views.EngagementListView.as_view(), name="engagement-list"),
    path("new/", engagement_views.EngagementCreateView.as_view(), name="engagement-create"),
    path("<uuid:pk>/", engagement_views.EngagementDetailView.as_view(), name="engagement-detail"),
    path("<uuid:pk>/edit/", engagement_views.EngagementEditView.as_view(), name="engagement-edit"),
    path("<uuid:pk>/team/", engagement_views.EngagementTeamView.as_view(), name="engagement-team"),
    path(
        "<uuid:pk>/team/<uuid:member>/remove/",
        engagement_views.TeamMemberRemoveView.as_view(),
        name="engagement-team-remove",
    ),
    path("<uuid:pk>/cancel/", engagement_views.EngagementCancelView.as_view(), name="engagement-cancel"),
    path(
        "<uuid:pk>/reopen-team/",
        engagement_views.EngagementReopenTeamView.as_view(),
        name="engagement-reopen-team",
    ),
    path(
        "<uuid:pk>/send-to-review/",
        engagement_views.EngagementSendToReviewView.as_view(),
        name="engagement-send-to-review",
    ),
    path(
        "<uuid:pk>/audit-time/",
        engagement_views.EngagementAuditTimeView.as_view(),
        name="engagement-audit-time",
    ),
    path(
        "<uuid:pk>/do/<slug:action>/",
        engagement_views.EngagementTransitionView.as_view(),
        name="engagement-transition",
    ),
    # --- findings and corrective actions (H10) ---
    path("<uuid:pk>/findings/", findings_views.EngagementFindingsView.as_view(), name="engagement-findings"),
    path(
        "<uuid:pk>/findings/carry-forward/",
        findings_views.CarryForwardView.as_view(),
        name="findings-carry-forward",
    ),
    path("findings/<uuid:pk>/", findings_views.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<uuid:pk>/open/", findings_views.FindingOpenView.as_view(), name="finding-open"),
    path("findings/<uuid:pk>/edit/", findings_views.FindingEditView.as_view(), name="finding-edit"),
    path(
        "findings/<uuid:pk>/evidence/",
        findings_views.FindingEvidenceAddView.as_view(),
        name="finding-evidence-add",
    ),
    path(
        "findings/<uuid:pk>/files/<uuid:file_id>/",
        findings_views.FindingFileView.as_view(),
        name="finding-file",
    ),
    path("findings/<uuid:pk>/accept/", findings_views.FindingAcceptView.as_view(), name="finding-accept"),
    path("findings/<uuid:pk>/reject/", findings_views.FindingRejectView.as_view(), name="finding-reject"),
    path("findings/<uuid:pk>/verify/", findings_views.FindingVerifyView.as_view(), name="finding-verify"),
    path("findings/<uuid:pk>/close/", findings_views.FindingCloseView.as_view(), name="finding-close"),
    path(
        "findings/<uuid:pk>/record-response/",
        findings_views.FindingRecordResponseView.as_view(),
        name="finding-record-response",
    ),
    # the client view (client users of the engagement's client only)
    path(
        "client/<uuid:pk>/",
        findings_client_view.ClientEngagementsView.as_view(),
        name="client-engagements",
    ),
    path(
        "client/engagements/<uuid:pk>/",
        findings_client_view.ClientEngagementView.as_view(),
        name="client-engagement",
    ),
    path(
        "client/findings/<uuid:pk>/", findings_client_view.ClientFindingView.as_view(), name="client-finding"
    ),
    path(
        "client/findings/<uuid:finding_id>/files/<uuid:pk>/",
        findings_client_view.ClientFindingFileView.as_view(),
        name="client-finding-file",
    ),
]
