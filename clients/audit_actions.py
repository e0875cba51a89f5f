"""How the clients capability's audit events read in the history (`core.audit`): the sentence of each action,
shown after the person's name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

from .models import ClientKind

declare_audit_actions(
    {
        "clients.client.created": _("added the client"),
        "clients.client.updated": _("changed the client"),
        "clients.site.created": _("added the site"),
        "clients.site.updated": _("changed the site"),
        "clients.site.deleted": _("removed the site"),
        "clients.project.created": _("added the project"),
        "clients.project.updated": _("changed the project"),
    }
)

declare_audit_record("clients.client", choices={"kind": ClientKind.choices})
declare_audit_record("clients.site")
declare_audit_record("clients.project")
