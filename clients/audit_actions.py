"""How the clients capability's audit events read in the history (`core.audit`): the sentence of each action,
shown after the person's name."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

from .models import ClientKind, ClientUserStatus

declare_audit_actions(
    {
        "clients.client.created": _("added the client"),
        "clients.client.updated": _("changed the client"),
        "clients.site.created": _("added the site"),
        "clients.site.updated": _("changed the site"),
        "clients.site.deleted": _("removed the site"),
        "clients.project.created": _("added the project"),
        "clients.project.updated": _("changed the project"),
        "clients.client_user.invited": _("invited a person to the client view"),
        "clients.client_user.reinvited": _("sent a new invitation link to the client view"),
        "clients.client_user.accepted": _("accepted the invitation to the client view"),
        "clients.client_user.revoked": _("revoked access to the client view"),
    }
)

declare_audit_record(
    "clients.client",
    url=lambda client: reverse("clients:detail", args=[client.pk]),
    choices={"kind": ClientKind.choices},
)
declare_audit_record("clients.site", url=lambda site: reverse("clients:detail", args=[site.client_id]))
declare_audit_record(
    "clients.project", url=lambda project: reverse("clients:project-detail", args=[project.pk])
)
declare_audit_record(
    "clients.clientuser",
    url=lambda client_user: reverse("clients:users", args=[client_user.client_id]),
    choices={"status": ClientUserStatus.choices},
)
