"""The certification capability's portal pages (namespace "certification")."""

from django.urls import path

from .views import certificates as h7_certificates  # H7
from .views import certsearch as h8_certsearch  # H8
from .views import client_view as h8_client_view  # H8
from .views import decisions as h6_decisions  # H6
from .views import pdfs as h8_pdfs  # H8
from .views import programme as h7_programme  # H7
from .views import proposals as h7_proposals  # H7
from .views import reviews as h6_reviews  # H6
from .views import statements as h6_statements  # H6

app_name = "certification"

urlpatterns: list = [
    # --- reviews and decisions (H6) ---
    path("reviews/", h6_reviews.ReviewWaitingView.as_view(), name="review-waiting"),
    path("engagements/<uuid:pk>/review/", h6_reviews.ReviewDetailView.as_view(), name="review-detail"),
    path("engagements/<uuid:pk>/review/open/", h6_reviews.ReviewOpenView.as_view(), name="review-open"),
    path("engagements/<uuid:pk>/review/comment/", h6_reviews.ReviewCommentView.as_view(), name="review-comment"),
    path("engagements/<uuid:pk>/review/return/", h6_reviews.ReviewReturnView.as_view(), name="review-return"),
    path(
        "engagements/<uuid:pk>/review/resubmit/", h6_reviews.ReviewResubmitView.as_view(), name="review-resubmit"
    ),
    path(
        "engagements/<uuid:pk>/review/complete/", h6_reviews.ReviewCompleteView.as_view(), name="review-complete"
    ),
    path(
        "engagements/<uuid:pk>/review/comments/<uuid:comment>/answer/",
        h6_reviews.ReviewAnswerView.as_view(),
        name="review-answer",
    ),
    path(
        "engagements/<uuid:pk>/review/comments/<uuid:comment>/resolve/",
        h6_reviews.ReviewResolveView.as_view(),
        name="review-resolve",
    ),
    path("decisions/", h6_decisions.DecisionListView.as_view(), name="decision-list"),
    path("decisions/waiting/", h6_decisions.DecisionWaitingView.as_view(), name="decision-waiting"),
    path("decisions/new/", h6_decisions.DecisionCreateView.as_view(), name="decision-create"),
    path("decisions/<uuid:pk>/", h6_decisions.DecisionDetailView.as_view(), name="decision-detail"),
    path("statements/", h6_statements.StatementListView.as_view(), name="statement-list"),
    path("statements/<uuid:pk>/", h6_statements.StatementDetailView.as_view(), name="statement-detail"),
    path("numbering/", h6_statements.NumberingView.as_view(), name="numbering"),
    # --- certificates, statements, programme and proposals (H7) ---
    path("certificates/", h7_certificates.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/<uuid:pk>/", h7_certificates.CertificateDetailView.as_view(), name="certificate-detail"),
    path(
        "certificates/<uuid:pk>/versions/<int:version>/",
        h7_certificates.CertificateVersionView.as_view(),
        name="certificate-version",
    ),
    path(
        "certificates/<uuid:pk>/confidential/",
        h7_certificates.CertificateConfidentialView.as_view(),
        name="certificate-confidential",
    ),
    path("programme/", h7_programme.ProgrammeListView.as_view(), name="programme"),
    path(
        "programme/<uuid:pk>/engagement/",
        h7_programme.ProgrammeEngagementCreateView.as_view(),
        name="programme-engagement-create",
    ),
    path("proposals/", h7_proposals.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/<uuid:pk>/dismiss/", h7_proposals.ProposalDismissView.as_view(), name="proposal-dismiss"),
    # --- numbering, CertSearch (H8) ---
    path("pdf/<str:document>/<uuid:pk>/", h8_pdfs.CertificationPdfRequestView.as_view(), name="pdf-request"),
    path("certsearch/", h8_certsearch.CertSearchView.as_view(), name="certsearch"),
    path(
        "certsearch/export.<str:fmt>", h8_certsearch.CertSearchExportView.as_view(), name="certsearch-export"
    ),
    path("certsearch/upload/", h8_certsearch.CertSearchUploadView.as_view(), name="certsearch-upload"),
    path("client/<uuid:pk>/", h8_client_view.ClientCertificatesView.as_view(), name="client-certificates"),
    path(
        "client/certificates/<uuid:pk>/",
        h8_client_view.ClientCertificateView.as_view(),
        name="client-certificate",
    ),
    path(
        "client/certificates/<uuid:pk>/pdf/",
        h8_client_view.ClientCertificatePdfView.as_view(),
        name="client-certificate-pdf",
    ),
    path(
        "client/statements/<uuid:pk>/", h8_client_view.ClientStatementView.as_view(), name="client-statement"
    ),
    path(
        "client/statements/<uuid:pk>/pdf/",
        h8_client_view.ClientStatementPdfView.as_view(),
        name="client-statement-pdf",
    ),
]
