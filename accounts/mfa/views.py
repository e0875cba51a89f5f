"""Portal pages of two-step login: set up the authenticator app, the recovery codes (shown once, downloadable),
new codes, turning it off, the second step after the password, and re-authentication before sensitive actions.

Changes to two-step login need a recent authentication (`accounts.reauth`); the pages a person must reach while
the middleware holds them (the second step, the set-up for a role that requires it) are opened by
`accounts.mfa.middleware`."""

from __future__ import annotations

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views import View

from core.errors import PermissionDenied
from core.portal import form_add_service_errors

from ..confirmation import safe_next
from ..reauth import RecentAuthRequiredMixin, mark_authenticated
from .forms import CodeForm, ReauthPasswordForm
from .middleware import forget_device_state
from .services import (
    Enrolment,
    enrolment_start,
    mfa_disable,
    mfa_enabled,
    mfa_verify,
    otpauth_url,
    recovery_codes_regenerate,
    secret_text,
    totp_device_confirm,
    totp_device_of,
)

#: the secret of the app being set up (hex), kept until a code confirms it
ENROLMENT_SESSION_KEY = "accounts:mfa-enrolment"
#: the recovery codes just made, shown (and downloadable) until the person says they kept them
NEW_CODES_SESSION_KEY = "accounts:mfa-new-codes"


def qr_svg(text: str) -> SafeString:
    """The text as a QR code: inline SVG with a viewBox (segno; no script, fine under the CSP)."""
    svg = segno.make(text, error="m").svg_inline(scale=4, dark="#1d252c", omitsize=True)
    return mark_safe(svg)  # segno's own markup of an otpauth URL the platform made


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _next(request: HttpRequest) -> str:
    return safe_next(request.POST.get("next") or request.GET.get("next"))


def _with_next(path: str, next_url: str) -> str:
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


class MfaSetupView(LoginRequiredMixin, RecentAuthRequiredMixin, View):
    """Set up an authenticator app: the QR code and the secret as text, confirmed by a current code."""

    template_name = "accounts/mfa/setup.html"

    def enrolment(self) -> Enrolment:
        key = self.request.session.get(ENROLMENT_SESSION_KEY)
        if not key:
            key = enrolment_start().key
            self.request.session[ENROLMENT_SESSION_KEY] = key
        return Enrolment(key=key)

    def render_page(self, form: CodeForm, status: int = 200) -> HttpResponse:
        enrolment = self.enrolment()
        context = {
            "form": form,
            "qr": qr_svg(otpauth_url(user=self.request.user, enrolment=enrolment)),
            "secret": secret_text(enrolment),
            "next": _next(self.request),
        }
        return _no_store(render(self.request, self.template_name, context, status=status))

    def get(self, request: HttpRequest) -> HttpResponse:
        if mfa_enabled(request.user):
            messages.info(request, _("Two-step login is already set up for your account."))
            return redirect("accounts:profile")
        return self.render_page(CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                codes = totp_device_confirm(
                    user=request.user,  # type: ignore[arg-type]
                    enrolment=self.enrolment(),
                    code=form.cleaned_data["code"],
                )
            except DjangoValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                django_otp.login(request, totp_device_of(request.user))  # this session passed the second step
                forget_device_state(request)
                mark_authenticated(request)
                request.session[NEW_CODES_SESSION_KEY] = codes
                messages.success(request, _("Two-step login is on. Keep your recovery codes somewhere safe."))
                return redirect(_with_next(reverse("accounts:mfa-recovery-codes"), _next(request)))
        return self.render_page(form, status=400)


class RecoveryCodesView(LoginRequiredMixin, View):
    """The recovery codes just made, shown once: until the person says they kept them (or logs out)."""

    template_name = "accounts/mfa/recovery_codes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(NEW_CODES_SESSION_KEY)
        if not codes:
            return redirect("accounts:profile")
        context = {"codes": codes, "next": _next(request)}
        return _no_store(render(request, self.template_name, context))

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        return redirect(_next(request) or "accounts:profile")


class RecoveryCodesDownloadView(LoginRequiredMixin, View):
    """The codes just made as a text file."""

    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(NEW_CODES_SESSION_KEY)
        if not codes:
            return redirect("accounts:profile")
        lines = [
            _("ICR Conformity: recovery codes for %(email)s") % {"email": request.user.email},  # type: ignore[union-attr]
            _("Each code works once, in place of a code from your authenticator app."),
            "",
            *codes,
            "",
        ]
        response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="icr-recovery-codes.txt"'
        return _no_store(response)


class RecoveryCodesRegenerateView(LoginRequiredMixin, RecentAuthRequiredMixin, View):
    """POST: new recovery codes (the old ones stop working)."""

    reauth_next = "accounts:profile"

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            codes = recovery_codes_regenerate(user=request.user)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("accounts:profile")
        request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(request, _("New recovery codes are made; the earlier ones no longer work."))
        return redirect("accounts:mfa-recovery-codes")


class MfaDisableView(LoginRequiredMixin, RecentAuthRequiredMixin, View):
    """POST: turn two-step login off (refused while a role of the person requires it)."""

    reauth_next = "accounts:profile"

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            mfa_disable(user=request.user)  # type: ignore[arg-type]
        except (DjangoValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", None) or [str(exc)]:
                messages.error(request, message)
            return redirect("accounts:profile")
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        forget_device_state(request)
        messages.success(request, _("Two-step login is off."))
        return redirect("accounts:profile")


class MfaVerifyView(LoginRequiredMixin, View):
    """The second step after the password: a code from the app or a recovery code."""

    template_name = "accounts/mfa/verify.html"

    def done(self, request: HttpRequest) -> HttpResponse:
        return redirect(_next(request) or settings.LOGIN_REDIRECT_URL)

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_verified():  # type: ignore[union-attr]
            return self.done(request)
        if not mfa_enabled(request.user):  # turned off meanwhile (another session): read it again
            forget_device_state(request)
            return self.done(request)
        return render(request, self.template_name, {"form": CodeForm(), "next": _next(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device = mfa_verify(user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
            except DjangoValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                request.session.cycle_key()
                django_otp.login(request, device)
                mark_authenticated(request)
                return self.done(request)
        return render(request, self.template_name, {"form": form, "next": _next(request)}, status=400)


class ReauthView(LoginRequiredMixin, View):
    """Confirm who you are before a sensitive action: the password, or a code when two-step login is on."""

    template_name = "accounts/mfa/reauth.html"

    def form(self, data: Any = None) -> CodeForm | ReauthPasswordForm:
        return CodeForm(data) if mfa_enabled(self.request.user) else ReauthPasswordForm(data)

    def page(self, form: Any, status: int = 200) -> HttpResponse:
        context = {"form": form, "next": _next(self.request), "with_code": isinstance(form, CodeForm)}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            if isinstance(form, CodeForm):
                try:
                    mfa_verify(user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
                except DjangoValidationError as exc:
                    form_add_service_errors(form, exc)
            else:
                person = authenticate(
                    request,
                    username=request.user.email,  # type: ignore[union-attr]
                    password=form.cleaned_data["password"],
                )
                if person is None or person.pk != request.user.pk:
                    form.add_error("password", _("The password is not right."))
            if not form.errors:
                mark_authenticated(request)
                return redirect(_next(request) or "accounts:profile")
        return self.page(form, status=400)
