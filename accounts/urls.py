from django.urls import include, path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("signup/sent/", views.SignupDoneView.as_view(), name="signup-done"),
    path("confirm-email/", views.ConfirmEmailSentView.as_view(), name="confirm-email-sent"),
    path("confirm-email/<str:token>/", views.ConfirmEmailView.as_view(), name="confirm-email"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("password-change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password-change/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("sessions/end-others/", views.SessionsEndOthersView.as_view(), name="sessions-end-others"),
    path("", include("accounts.mfa.urls")),  # in this namespace: accounts:mfa-setup, accounts:reauth, ...
]
