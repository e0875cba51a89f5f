"""The audits capability's portal pages (namespace "audits"): engagements, their teams and life cycle; findings,
their evidence and the team's judgement; and the client view of a client's engagements and findings."""

from django.urls import path

from .views import calendar, client_view, engagements, findings, pdfs

app_name = "audits"

urlpatterns = [
    # engagements and teams
    path("", engagements.EngagementListView.as_view(), name="engagement-list"),
    path("calendar/", calendar.EngagementCalendarView.as_view(), name="engagement-calendar"),
    path("new/", engagements.EngagementCreateView.as_view(), name="engagement-create"),
    path("<uuid:pk>/", engagements.EngagementDetailView.as_view(), name="engagement-detail"),
    path("<uuid:pk>/edit/", engagements.EngagementEditView.as_view(), name="engagement-edit"),
    path("<uuid:pk>/team/", engagements.EngagementTeamView.as_view(), name="engagement-team"),
    path(
        "<uuid:pk>/team/<uuid:member>/remove/",
        engagements.TeamMemberRemoveView.as_view(),
        name="engagement-team-remove",
    ),
    path("<uuid:pk>/cancel/", engagements.EngagementCancelView.as_view(), name="engagement-cancel"),
    path(
        "<uuid:pk>/reopen-team/",
        engagements.EngagementReopenTeamView.as_view(),
        name="engagement-reopen-team",
    ),
    path(
        "<uuid:pk>/send-to-review/",
        engagements.EngagementSendToReviewView.as_view(),
        name="engagement-send-to-review",
    ),
    path(
        "<uuid:pk>/audit-time/",
        engagements.EngagementAuditTimeView.as_view(),
        name="engagement-audit-time",
    ),
    path(
        "<uuid:pk>/do/<slug:action>/",
        engagements.EngagementTransitionView.as_view(),
        name="engagement-transition",
    ),
    path("<uuid:pk>/pdf/<slug:document>/", pdfs.EngagementPdfView.as_view(), name="engagement-pdf"),
    # findings
    path("<uuid:pk>/findings/", findings.EngagementFindingsView.as_view(), name="engagement-findings"),
    path(
        "<uuid:pk>/findings/carry-forward/",
        findings.CarryForwardView.as_view(),
        name="findings-carry-forward",
    ),
    path("findings/<uuid:pk>/", findings.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<uuid:pk>/open/", findings.FindingOpenView.as_view(), name="finding-open"),
    path("findings/<uuid:pk>/edit/", findings.FindingEditView.as_view(), name="finding-edit"),
    path(
        "findings/<uuid:pk>/evidence/",
        findings.FindingEvidenceAddView.as_view(),
        name="finding-evidence-add",
    ),
    path(
        "findings/<uuid:pk>/files/<uuid:file_id>/",
        findings.FindingFileView.as_view(),
        name="finding-file",
    ),
    path("findings/<uuid:pk>/accept/", findings.FindingAcceptView.as_view(), name="finding-accept"),
    path("findings/<uuid:pk>/reject/", findings.FindingRejectView.as_view(), name="finding-reject"),
    path("findings/<uuid:pk>/verify/", findings.FindingVerifyView.as_view(), name="finding-verify"),
    path("findings/<uuid:pk>/close/", findings.FindingCloseView.as_view(), name="finding-close"),
    path(
        "findings/<uuid:pk>/record-response/",
        findings.FindingRecordResponseView.as_view(),
        name="finding-record-response",
    ),
    # the client view (client users of the engagement's client only)
    path(
        "client/<uuid:pk>/",
        client_view.ClientEngagementsView.as_view(),
        name="client-engagements",
    ),
    path(
        "client/engagements/<uuid:pk>/",
        client_view.ClientEngagementView.as_view(),
        name="client-engagement",
    ),
    path("client/engagements/<uuid:pk>/report/", pdfs.ClientReportView.as_view(), name="client-report"),
    path("client/findings/<uuid:pk>/", client_view.ClientFindingView.as_view(), name="client-finding"),
    path(
        "client/findings/<uuid:finding_id>/files/<uuid:pk>/",
        client_view.ClientFindingFileView.as_view(),
        name="client-finding-file",
    ),
]
