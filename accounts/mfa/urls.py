"""Two-step login and re-authentication pages, in the `accounts` namespace (included by accounts/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("mfa/setup/", views.MfaSetupView.as_view(), name="mfa-setup"),
    path("mfa/verify/", views.MfaVerifyView.as_view(), name="mfa-verify"),
    path("mfa/recovery-codes/", views.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
    path(
        "mfa/recovery-codes/download/",
        views.RecoveryCodesDownloadView.as_view(),
        name="mfa-recovery-codes-download",
    ),
    path(
        "mfa/recovery-codes/regenerate/",
        views.RecoveryCodesRegenerateView.as_view(),
        name="mfa-recovery-codes-regenerate",
    ),
    path("mfa/disable/", views.MfaDisableView.as_view(), name="mfa-disable"),
    path("reauthenticate/", views.ReauthView.as_view(), name="reauth"),
]
