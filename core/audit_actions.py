"""How the kernel's own audit events read in the history (`core.audit`): object grants on any app's record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions

declare_audit_actions(
    {
        "core.object_grant.added": _("gave a person access to the record"),
        "core.object_grant.removed": _("took a person's access to the record away"),
    }
)
