"""Portal pages for people: log in by email, log out, reset or change the password, keep the profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.counters import window_hit
from core.errors import ValidationError
from core.net import client_ip
from core.portal import ServiceFormMixin
from core.views import set_language_cookie

from . import sessions
from .confirmation import email_confirm, email_confirmation_resend, safe_next, user_signup
from .forms import EmailAuthenticationForm, ProfileForm, SignupForm
from .login_limits import password_reset_allowed
from .models import User
from .services import user_sessions_end, user_set_language, user_update_profile

#: the address typed at sign-up, shown back on "check your email" (typed either way, so it tells nothing)
SIGNUP_EMAIL_SESSION_KEY = "accounts:signup-email"


def keep_language_chosen_before_login(request: HttpRequest, user: User) -> None:
    """The language a person picked with the switcher before logging in (the cookie) becomes their account's
    language, so logging in does not switch the portal back to the language stored earlier."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and chosen in dict(settings.LANGUAGES) and chosen != user.language:
        user_set_language(user=user, language=chosen)
        translation.activate(chosen)


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ended = request.session.pop(
            sessions.ENDED, None
        )  # left by the session policy when it ended a session
        if ended == "timeout":
            messages.info(request, _("Your session timed out. Log in again."))
        elif ended:
            messages.info(request, _("Your session has ended. Log in again."))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        keep_language_chosen_before_login(self.request, form.get_user())
        return response


class SignupView(ServiceFormMixin, FormView):
    """Signs up and says "check your email", the same page whether or not the address has an account (issue 11
    §1, `confirmation.user_signup`): nobody is logged in here. A new address confirms through the emailed link
    and then logs in, going on to `next` (the application form when the visitor came from "Apply as a body")."""

    form_class = SignupForm
    template_name = "accounts/signup.html"
    max_per_hour = 20

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form: SignupForm) -> None:
        if window_hit(f"accounts:signups:{client_ip(self.request)}", seconds=3600) > self.max_per_hour:
            raise ValidationError(_("Too many accounts were created from your address. Try again later."))
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        # what user_signup answers (the new account or None) is left unread: the answer must not depend on it
        user_signup(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
            language=chosen or translation.get_language() or "",
            next_url=self.next_url(),
        )
        self.request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"].strip().lower()

    def next_url(self) -> str:
        return safe_next(self.request.POST.get("next") or self.request.GET.get("next"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = self.next_url()
        return context

    def get_success_url(self, result: Any = None) -> str:
        next_url = self.next_url()
        return reverse("accounts:signup-done") + (f"?{urlencode({'next': next_url})}" if next_url else "")


class SignupDoneView(TemplateView):
    """ "Check your email" after signing up: the same words for a new address and for one with an account."""

    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
        context["next"] = safe_next(self.request.GET.get("next"))
        return context


class ConfirmEmailSentView(LoginRequiredMixin, View):
    """ "Confirm your email": all an unconfirmed account sees, with a button for a new link."""

    template_name = "registration/email_confirmation_sent.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.email_confirmed:  # type: ignore[union-attr]
            return redirect(settings.LOGIN_REDIRECT_URL)
        return render(request, self.template_name, {"next": safe_next(request.GET.get("next"))})

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            email_confirmation_resend(user=request.user, next_url=request.POST.get("next", ""))  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("accounts:confirm-email-sent")
        messages.success(request, _("A new link is on its way to %(email)s.") % {"email": request.user.email})  # type: ignore[union-attr]
        return redirect("accounts:confirm-email-sent")


class ConfirmEmailView(View):
    """The emailed link: GET shows a button (a mail scanner opening the link confirms nothing), POST confirms."""

    template_name = "registration/email_confirmation_confirm.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return render(request, self.template_name, {"token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            user, next_url = email_confirm(token=token)
        except ValidationError as exc:
            return render(request, self.template_name, {"token": token, "errors": exc.messages}, status=400)
        messages.success(request, _("Your email address is confirmed."))
        destination = next_url or reverse(settings.LOGIN_REDIRECT_URL)
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect(destination)
        return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': destination})}")


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

    def form_valid(self, form: Any) -> HttpResponse:
        """Past the limits (`accounts.login_limits.password_reset_allowed`) the same "sent" page shows and no
        email goes out, so the answer tells nothing either way."""
        if not password_reset_allowed(email=form.cleaned_data["email"], address=client_ip(self.request)):
            return redirect(self.get_success_url())
        return super().form_valid(form)


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
        context["session_idle_minutes"] = settings.SESSION_IDLE_TIMEOUT_MINUTES
        context["session_absolute_hours"] = settings.SESSION_ABSOLUTE_TIMEOUT_HOURS
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


class SessionsEndOthersView(LoginRequiredMixin, View):
    """ "Log out my other sessions" (profile): every other session of the person ends; this one goes on."""

    def post(self, request: HttpRequest) -> HttpResponse:
        epoch = user_sessions_end(user=request.user, actor=request.user, reason="requested")  # type: ignore[arg-type]
        sessions.session_mark_epoch(request, epoch)
        messages.success(request, _("Your other sessions are logged out."))
        return redirect("accounts:profile")
