"""Portal pages for people: log in by email, log out, reset or change the password, keep the profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.errors import ValidationError
from core.portal import ServiceFormMixin

from .forms import EmailAuthenticationForm, ProfileForm, SignupForm, client_ip
from .models import User
from .services import user_register, user_set_language, user_update_profile


def keep_language_chosen_before_login(request: HttpRequest, user: User) -> None:
    """The language a person picked with the switcher before logging in (the cookie) becomes their account's
    language, so logging in does not switch the portal back to the language stored earlier."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and chosen in dict(settings.LANGUAGES) and chosen != user.language:
        user_set_language(user=user, language=chosen)
        translation.activate(chosen)


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        keep_language_chosen_before_login(self.request, form.get_user())
        return response


class SignupView(ServiceFormMixin, FormView):
    """Creates an account and logs in; the next step is applying for a body or being added to one."""

    form_class = SignupForm
    template_name = "accounts/signup.html"
    max_per_hour = 20

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    success_message = gettext_lazy("Welcome! Your account is ready.")
    success_url = reverse_lazy("bodies:apply")

    def perform(self, form: SignupForm) -> User:
        key = f"accounts:signups:{client_ip(self.request)}"
        cache.add(key, 0, timeout=3600)
        if int(cache.incr(key)) > self.max_per_hour:
            raise ValidationError(_("Too many accounts were created from your address. Try again later."))
        user = user_register(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        keep_language_chosen_before_login(self.request, user)
        return user


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or an image cannot log anyone out."""

    next_page = settings.LOGOUT_REDIRECT_URL


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        # links in the email use the configured site address, never the request's Host header
        return {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    # not registration/password_change_form.html: the admin's own password change page uses that name
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_complete.html"


class ProfileView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """A person's own name and language, and the bodies they work for."""

    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_message = gettext_lazy("Your profile is saved.")
    success_url = reverse_lazy("accounts:profile")

    def get_initial(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "full_name": user.full_name,  # type: ignore[union-attr]
            "language": user.language,  # type: ignore[union-attr]
            "phone": user.phone,  # type: ignore[union-attr]
            "languages": user.languages,  # type: ignore[union-attr]
            "countries": user.countries,  # type: ignore[union-attr]
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.request.active.memberships  # type: ignore[attr-defined]
        return context

    def perform(self, form: ProfileForm) -> User:
        user = user_update_profile(
            user=self.request.user,  # type: ignore[arg-type]
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
            phone=form.cleaned_data["phone"],
            languages=form.cleaned_data["languages"],
            countries=form.cleaned_data["countries"],
        )
        translation.activate(form.cleaned_data["language"])  # the message below in the language just chosen
        return user

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        response = super().form_valid(form)
        if response.status_code == 302:  # saved: the cookie follows, so the next login keeps this choice
            set_language_cookie(response, form.cleaned_data["language"])
        return response
