"""The portal dashboard's panels: each app declares its own in `<app>/panels.py` (imported from its
`ready()`), so the dashboard, part of the kernel, never imports a capability.

A panel names its template (`templates/<app>/partials/_dashboard_<what>.html`, which carries its own grid
column), the context it needs for the active body (a constant few queries, whatever the body holds), where it
sits (`order`, lowest first) and, optionally, the body permission a person needs to see it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .permissions import has_body_perm
from .registry import Registry

if TYPE_CHECKING:
    from bodies.models.tenants import Body

    from .types import PortalRequest


@dataclass(frozen=True)
class Panel:
    """One block of the dashboard, e.g. `bodies.approval` or `reminders.deadlines`."""

    #: "<app>.<what>", unique
    key: str
    template_name: str
    #: the template's context for the active body (the body itself is always there as `body`)
    context: Callable[[PortalRequest, Body], Mapping[str, Any]]
    order: int = 100
    #: the body permission codename a person needs to see the panel (None: every member of the body)
    permission: str | None = None


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    html: SafeString


#: every declared panel in dashboard order (ties broken by key, so the order is stable); two different
#: panels claiming one key is a configuration error
PANELS = Registry[Panel](
    "dashboard panel", key=lambda panel: panel.key, order=lambda panel: (panel.order, panel.key)
)
register = PANELS.register
unregister = PANELS.unregister
all_panels = PANELS.all


def panels_for(request: PortalRequest, body: Body) -> list[Panel]:
    """The panels this person may see for this body."""
    return [
        panel
        for panel in all_panels()
        if panel.permission is None or has_body_perm(request.user, body, panel.permission)
    ]


def render_panels(request: PortalRequest, body: Body) -> list[RenderedPanel]:
    """Each visible panel rendered with its own context (panels cannot see each other's variables)."""
    rendered = []
    for panel in panels_for(request, body):
        context = {"body": body, **panel.context(request, body)}
        html = render_to_string(panel.template_name, context, request=request)
        rendered.append(RenderedPanel(key=panel.key, html=mark_safe(html)))
    return rendered
