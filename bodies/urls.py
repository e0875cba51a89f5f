from django.urls import path

from . import views

app_name = "bodies"

urlpatterns = [
    path("apply/", views.BodyApplyView.as_view(), name="apply"),
    path("profile/", views.BodyProfileView.as_view(), name="profile"),
    path("profile/edit/", views.BodyProfileEditView.as_view(), name="profile-edit"),
    path("profile/logo/", views.BodyLogoView.as_view(), name="profile-logo"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("accreditations/", views.AccreditationListView.as_view(), name="accreditation-list"),
    path("accreditations/new/", views.AccreditationCreateView.as_view(), name="accreditation-create"),
    path("accreditations/<uuid:pk>/", views.AccreditationDetailView.as_view(), name="accreditation-detail"),
    path(
        "accreditations/<uuid:pk>/certificate/",
        views.AccreditationCertificateView.as_view(),
        name="accreditation-certificate",
    ),
    path("accreditations/<uuid:pk>/edit/", views.AccreditationEditView.as_view(), name="accreditation-edit"),
    path(
        "accreditations/<uuid:pk>/decide/",
        views.AccreditationDecideView.as_view(),
        name="accreditation-decide",
    ),
    path("eligibility/", views.EligibilityView.as_view(), name="eligibility"),
    path("tokens/", views.ApiTokenListView.as_view(), name="tokens"),
    path("tokens/<uuid:token_uuid>/revoke/", views.ApiTokenRevokeView.as_view(), name="token-revoke"),
    path("directory/", views.DirectoryListView.as_view(), name="directory"),
    path("directory/<uuid:pk>/", views.DirectoryDetailView.as_view(), name="directory-detail"),
]
