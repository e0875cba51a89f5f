"""`Authorization: Bearer <token>` for integrators, over djangorestframework-api-key's hashed keys.

The request's user is the token's creator (the named person recorded as the actor of what the token does);
`request.auth` is the token (a body's, or the registry's). A token stands on its creator's authority, read in
the same query as the token: a body's token is refused (401 `token_creator_lost_authority`) once it lapsed or
its creator no longer holds `manage_api_tokens` on its body. A client address that sent `BEARER_MAX_FAILURES` unknown
tokens within `LOGIN_FAILURE_WINDOW_SECONDS` is answered 429 until the window passes (`accounts.login_limits`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .error_codes import AccountsErrorCode
from .login_limits import bearer_failure_record, bearer_refused, window_seconds
from .models import ApiToken, User


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed bearer token header."))
        if bearer_refused(request):  # too many wrong tokens from this address: no more guesses for now
            raise exceptions.Throttled(wait=window_seconds())
        key = parts[1].decode("latin-1")
        try:
            token = ApiToken.objects.get_from_key(key)
        except ApiToken.DoesNotExist:
            token = None
        if token is None:
            bearer_failure_record(request)
        if token is None or token.has_expired:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if not token.created_by.is_active:
            raise exceptions.AuthenticationFailed(_("The token's owner is inactive."))
        if not token.usable_by_creator:  # a registry token outlives its creator's place on the registry staff
            raise exceptions.AuthenticationFailed(
                _("The person who created this registry token is no longer registry staff.")
            )
        if token.creator_authority_lost:  # a body's token stands on its creator's `manage_api_tokens`
            raise exceptions.AuthenticationFailed(
                _(
                    "The person who created this token no longer holds the authority to create it; "
                    "the body's administrators can issue a new one."
                ),
                code=AccountsErrorCode.TOKEN_CREATOR_LOST_AUTHORITY,
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.created_by, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
