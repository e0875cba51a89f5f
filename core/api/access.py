"""API access helpers beyond the tenant filter: session-only actions (declared on the view as
`session_only_actions`, see `core.api.views.ApiViewMixin`) and per-permission body scoping."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import ApiToken
from core.permissions import body_ids_with_perm

#: `session_only_actions = ALL_ACTIONS`: no action of the view can be called with a bearer token
ALL_ACTIONS = frozenset({"*"})


def view_action(view: Any) -> str | None:
    """The view's action (`list`, `create`, `approve`...) or, for a plain `APIView`, the HTTP method (`post`)."""
    name = getattr(view, "action", None)
    if name:
        return str(name)
    request = getattr(view, "request", None)
    method = getattr(request, "method", None)
    return method.lower() if method else None


def is_session_only(view: Any, action_name: str | None = None) -> bool:
    """Whether a bearer token is refused for this action of the view (`session_only_actions`)."""
    declared: frozenset[str] = frozenset(getattr(view, "session_only_actions", ()))
    if "*" in declared:
        return True
    name = action_name if action_name is not None else view_action(view)
    return name is not None and name in declared


def is_registry_token_action(view: Any, action_name: str | None = None) -> bool:
    """Whether a registry token may call this session-only action (`registry_token_actions`: the registry's
    decisions), given the `write` scope of the view's resource. A body's token never may."""
    declared: frozenset[str] = frozenset(getattr(view, "registry_token_actions", ()))
    name = action_name if action_name is not None else view_action(view)
    return name is not None and name in declared


class SessionOnly(BasePermission):
    """Refuses bearer tokens: the action must be taken by a signed-in person (minting tokens, applying,
    registry decisions). A registry token passes for the registry's decisions the view lists in
    `registry_token_actions` (its scope is checked next). Anonymous callers are refused by the other
    permission classes."""

    message = _("This action needs a signed-in person; an API token cannot do it.")

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        return bool(token.for_registry) and is_registry_token_action(view)


def restrict_to_body_perm(
    queryset: QuerySet[Any], *, user: Any, codename: str, body_field: str = "body"
) -> QuerySet[Any]:
    """Keeps the rows whose body grants `user` the object permission `bodies.<codename>`.

    The bodies come from `core.permissions.body_ids_with_perm` (registry staff hold every body permission;
    others need the guardian grant, read as one subquery), so a list costs no extra query.
    """
    body_ids = body_ids_with_perm(user, codename)
    if body_ids is None:
        return queryset
    lookup = f"{body_field}_id__in" if body_field else "pk__in"
    return queryset.filter(**{lookup: body_ids})
