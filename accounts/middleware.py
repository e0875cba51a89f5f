from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .error_codes import AccountsErrorCode


class UserLanguageMiddleware:
    """Activates the language the logged-in user picked (after LocaleMiddleware's guess)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        return response


class EmailConfirmationRequiredMiddleware:
    """An account whose email address is not confirmed yet (`User.email_confirmed`, set by signing up) can log
    in only to read "confirm your email", ask for a new link, confirm, change the language and log out: every
    other page sends it to "confirm your email", and the API answers 403 `email_unconfirmed`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def allowed(self, path: str) -> bool:
        open_paths = (
            reverse("accounts:confirm-email-sent"),
            reverse("accounts:logout"),
            reverse("core:set-language"),
            settings.STATIC_URL,
        )
        return path.startswith(open_paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not getattr(user, "email_confirmed", True)
            and not self.allowed(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": AccountsErrorCode.EMAIL_UNCONFIRMED.value,
                        "message": _("Confirm your email address first: open the link we sent you."),
                        "fieldErrors": {},
                    },
                    status=403,
                )
            return redirect("accounts:confirm-email-sent")
        return self.get_response(request)
