"""Portal forms for people: logging in by email (with a guard against password guessing) and the profile."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

#: failed logins allowed per email address and client address within the window, before refusing
LOGIN_MAX_FAILURES = getattr(settings, "LOGIN_MAX_FAILURES", 10)
LOGIN_FAILURE_WINDOW_SECONDS = getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)


def client_ip(request: HttpRequest | None) -> str:
    """The peer address. Behind the proxy this is the proxy's view of the client (never a spoofable header)."""
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def login_failure_key(email: str, ip: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()
    return f"accounts:login-failures:{digest}"


def login_failure_count(key: str) -> int:
    return int(cache.get(key) or 0)


def login_failure_record(key: str) -> int:
    """Counts one failure; the window starts at the first failure and the count lapses with it."""
    cache.add(key, 0, timeout=LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # the window lapsed between add and incr
        cache.set(key, 1, timeout=LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for the email address, refusing after too many failures."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address or the password is not right."),
        "too_many_attempts": _(
            "Too many failed attempts to log in with this email address. Wait %(minutes)s minutes, or reset "
            "your password."
        ),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email:
            return super().clean()
        key = login_failure_key(email, client_ip(self.request))
        if login_failure_count(key) >= LOGIN_MAX_FAILURES:
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(key)
            raise
        cache.delete(key)
        return cleaned


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    language = forms.ChoiceField(label=_("Language of the portal"), choices=settings.LANGUAGES)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you audit in"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries you work in"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf.locale import LANG_INFO
        from django_countries import countries

        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = sorted(
            ((code, info["name"]) for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info),
            key=lambda choice: choice[1],
        )
        self.fields["countries"].choices = list(countries)

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
