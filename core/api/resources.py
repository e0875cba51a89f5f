"""The resources an API token can be scoped to, derived from the routed API views.

Each API view names its `resource` (and one view per resource its `resource_label`); a token can be scoped to
exactly the resources of the views it can reach: routed, accepting bearer tokens, and with at least one action
not declared in `session_only_actions`. The list is read from the URL configuration once per process, so a
new capability's viewset is offered in the token form and accepted by the token service without editing a
list here. Nothing is imported at module level: the kernel names no capability.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rest_framework.views import APIView

BEARER_AUTHENTICATION = "accounts.authentication.BearerTokenAuthentication"


@dataclass(frozen=True)
class TokenResource:
    name: str
    label: str


@dataclass(frozen=True)
class RoutedView:
    """One route of an API view: the view class and the actions (viewset) or HTTP methods (APIView) it serves."""

    view: type[APIView]
    actions: tuple[str, ...]


def routed_api_views(patterns: Sequence[Any] | None = None) -> Iterator[RoutedView]:
    """Every DRF view the URL configuration routes, in URL order, with the actions each route serves."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.views import APIView

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routed_api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if not (isinstance(view, type) and issubclass(view, APIView)):
                continue
            mapping = getattr(pattern.callback, "actions", None)
            if mapping is not None:
                actions = tuple(dict.fromkeys(mapping.values()))
            else:
                actions = tuple(m for m in view.http_method_names if m != "options" and hasattr(view, m))
            yield RoutedView(view=view, actions=actions)


def token_reachable(route: RoutedView) -> bool:
    """Whether a bearer token can call at least one action of this route (given the scope)."""
    from rest_framework.settings import import_from_string

    from core.api.access import is_session_only

    view = route.view
    if getattr(view, "resource", None) is None:
        return False
    bearer = import_from_string(BEARER_AUTHENTICATION, "BEARER_AUTHENTICATION")
    if not any(issubclass(auth, bearer) for auth in view.authentication_classes):
        return False
    return any(not is_session_only(view, action) for action in route.actions)


@functools.cache
def token_resources() -> tuple[TokenResource, ...]:
    """The resources a token can be scoped to, in the order the URL configuration first routes them."""
    names: list[str] = []
    labels: dict[str, str] = {}
    for route in routed_api_views():
        if not token_reachable(route):
            continue
        name: str = route.view.resource  # type: ignore[attr-defined]
        if name not in names:
            names.append(name)
        label = getattr(route.view, "resource_label", None)
        if label is not None and name not in labels:
            labels[name] = label
    return tuple(TokenResource(name=name, label=labels.get(name, name)) for name in names)


#: a scope's level as people read it (token forms, the token lists, the back office)
SCOPE_LEVEL_LABELS: Mapping[str, Any] = {"read": _("Read"), "write": _("Read and write")}


def scope_labels(scopes: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """A token's scopes as people read them, `[("Bodies", "Read and write"), ...]`, in the order the resources
    are routed (a resource no view declares any more keeps its name, an unknown level its code)."""
    scopes = scopes or {}
    labels = {resource.name: resource.label for resource in token_resources()}
    order = [name for name in labels if name in scopes] + [name for name in scopes if name not in labels]
    return [
        (str(labels.get(name, name)), str(SCOPE_LEVEL_LABELS.get(scopes[name], scopes[name])))
        for name in order
    ]


class _ResourceNames(Sequence[str]):
    """`TOKEN_RESOURCES`: the names of `token_resources()`, read on first use (the URLs load lazily)."""

    def _names(self) -> tuple[str, ...]:
        return tuple(resource.name for resource in token_resources())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __repr__(self) -> str:
        return f"TOKEN_RESOURCES{self._names()!r}"


TOKEN_RESOURCES: Sequence[str] = _ResourceNames()
