"""The certification capability's portal pages (namespace "certification")."""

from django.urls import path

from .views import (
    certificates,
    certsearch,
    client_view,
    decisions,
    pdfs,
    programme,
    proposals,
    reviews,
    statements,
)

app_name = "certification"

urlpatterns: list = [
    # --- reviews and decisions ---
    path("reviews/", reviews.ReviewWaitingView.as_view(), name="review-waiting"),
    path("engagements/<uuid:pk>/review/", reviews.ReviewDetailView.as_view(), name="review-detail"),
    path("engagements/<uuid:pk>/review/open/", reviews.ReviewOpenView.as_view(), name="review-open"),
    path("engagements/<uuid:pk>/review/comment/", reviews.ReviewCommentView.as_view(), name="review-comment"),
    path("engagements/<uuid:pk>/review/return/", reviews.ReviewReturnView.as_view(), name="review-return"),
    path(
        "engagements/<uuid:pk>/review/resubmit/",
        reviews.ReviewResubmitView.as_view(),
        name="review-resubmit",
    ),
    path(
        "engagements/<uuid:pk>/review/complete/",
        reviews.ReviewCompleteView.as_view(),
        name="review-complete",
    ),
    path(
        "engagements/<uuid:pk>/review/comments/<uuid:comment>/answer/",
        reviews.ReviewAnswerView.as_view(),
        name="review-answer",
    ),
    path(
        "engagements/<uuid:pk>/review/comments/<uuid:comment>/resolve/",
        reviews.ReviewResolveView.as_view(),
        name="review-resolve",
    ),
    path("decisions/", decisions.DecisionListView.as_view(), name="decision-list"),
    path("decisions/waiting/", decisions.DecisionWaitingView.as_view(), name="decision-waiting"),
    path("decisions/new/", decisions.DecisionCreateView.as_view(), name="decision-create"),
    path("decisions/<uuid:pk>/", decisions.DecisionDetailView.as_view(), name="decision-detail"),
    path("statements/", statements.StatementListView.as_view(), name="statement-list"),
    path("statements/<uuid:pk>/", statements.StatementDetailView.as_view(), name="statement-detail"),
    path("numbering/", statements.NumberingView.as_view(), name="numbering"),
    # --- certificates, programme and proposals ---
    path("certificates/", certificates.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/<uuid:pk>/", certificates.CertificateDetailView.as_view(), name="certificate-detail"),
    path(
        "certificates/<uuid:pk>/versions/<int:version>/",
        certificates.CertificateVersionView.as_view(),
        name="certificate-version",
    ),
    path(
        "certificates/<uuid:pk>/confidential/",
        certificates.CertificateConfidentialView.as_view(),
        name="certificate-confidential",
    ),
    path("programme/", programme.ProgrammeListView.as_view(), name="programme"),
    path(
        "programme/<uuid:pk>/engagement/",
        programme.ProgrammeEngagementCreateView.as_view(),
        name="programme-engagement-create",
    ),
    path("proposals/", proposals.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/<uuid:pk>/dismiss/", proposals.ProposalDismissView.as_view(), name="proposal-dismiss"),
    # --- documents, CertSearch and the client view ---
    path("pdf/<str:document>/<uuid:pk>/", pdfs.CertificationPdfRequestView.as_view(), name="pdf-request"),
    path("certsearch/", certsearch.CertSearchView.as_view(), name="certsearch"),
    path("certsearch/export.<str:fmt>", certsearch.CertSearchExportView.as_view(), name="certsearch-export"),
    path("certsearch/upload/", certsearch.CertSearchUploadView.as_view(), name="certsearch-upload"),
    path("client/<uuid:pk>/", client_view.ClientCertificatesView.as_view(), name="client-certificates"),
    path(
        "client/certificates/<uuid:pk>/",
        client_view.ClientCertificateView.as_view(),
        name="client-certificate",
    ),
    path(
        "client/certificates/<uuid:pk>/pdf/",
        client_view.ClientCertificatePdfView.as_view(),
        name="client-certificate-pdf",
    ),
    path("client/statements/<uuid:pk>/", client_view.ClientStatementView.as_view(), name="client-statement"),
    path(
        "client/statements/<uuid:pk>/pdf/",
        client_view.ClientStatementPdfView.as_view(),
        name="client-statement-pdf",
    ),
]
