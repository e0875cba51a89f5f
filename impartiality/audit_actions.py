"""The impartiality capability's audit_actions declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

declare_audit_actions(
    {
        "impartiality.declaration.started": _("started a declaration of interest"),
        "impartiality.declaration.correction_started": _("started a correction of a declaration of interest"),
        "impartiality.declaration.submitted": _("attested and submitted the declaration of interest"),
        "impartiality.declaration.reviewed": _("reviewed the declaration of interest"),
        "impartiality.declaration.superseded": _("superseded the declaration of interest with a correction"),
        "impartiality.relationship.added": _("added a relationship to the declaration of interest"),
        "impartiality.relationship.updated": _("changed a relationship of the declaration of interest"),
        "impartiality.relationship.removed": _("removed a relationship from the declaration of interest"),
    }
)


def _declaration_url(declaration_id: object) -> str:
    try:
        return reverse("impartiality:declaration-detail", args=[declaration_id])
    except NoReverseMatch:
        return ""


declare_audit_record("impartiality.declaration", url=lambda declaration: _declaration_url(declaration.pk))
declare_audit_record(
    "impartiality.relationship", url=lambda relationship: _declaration_url(relationship.declaration_id)
)


# --- risk registers and committee (H3) ---
