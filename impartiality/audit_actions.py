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

# conflicts (H2b)
from bodies.models.tenants import Role  # noqa: E402

from .services.conflicts import ConflictRule  # noqa: E402

declare_audit_actions(
    {
        "impartiality.conflict.overridden": _("overrode a conflict of interest"),
        "impartiality.policy.changed": _("changed who may override a conflict of interest"),
    }
)


def _conflict_page(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


declare_audit_record(
    "impartiality.conflictoverride",
    url=lambda override: _conflict_page("impartiality:conflict-overrides"),
    choices={"rule": ConflictRule.choices},
)
declare_audit_record(
    "impartiality.impartialitypolicy",
    url=lambda policy: _conflict_page("impartiality:policy"),
    choices={"override_role": Role.choices},
)

# --- risk registers and committee (H3) ---
from django.urls import NoReverseMatch, reverse  # noqa: E402, F811
from django.utils.translation import gettext_lazy as _  # noqa: E402

from core.audit import declare_audit_actions, declare_audit_record  # noqa: E402

from .models.register import CommitteeActionStatus, RiskSource, RiskStatus, RiskThreat  # noqa: E402

declare_audit_actions(
    {
        "impartiality.risk.created": _("added the impartiality risk"),
        "impartiality.risk.updated": _("changed the impartiality risk"),
        "impartiality.risk.reviewed": _("reviewed the impartiality risk"),
        "impartiality.risk.closed": _("closed the impartiality risk"),
        "impartiality.risk.reopened": _("reopened the impartiality risk"),
        "impartiality.registry_risk.created": _("added the registry's impartiality risk"),
        "impartiality.registry_risk.updated": _("changed the registry's impartiality risk"),
        "impartiality.registry_risk.reviewed": _("reviewed the registry's impartiality risk"),
        "impartiality.registry_risk.closed": _("closed the registry's impartiality risk"),
        "impartiality.registry_risk.reopened": _("reopened the registry's impartiality risk"),
        "impartiality.meeting.recorded": _("recorded the impartiality committee meeting"),
        "impartiality.action.created": _("gave the committee action to its owner"),
        "impartiality.action.completed": _("marked the committee action done"),
    }
)

_RISK_CHOICES = {
    "source_kind": RiskSource.choices,
    "threat": RiskThreat.choices,
    "status": RiskStatus.choices,
}


def _page(name: str, pk: object) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _admin_page(name: str, pk: object) -> str:
    try:
        return reverse(f"admin:impartiality_{name}_change", args=[pk])
    except NoReverseMatch:
        return ""


declare_audit_record(
    "impartiality.risk", url=lambda risk: _page("impartiality:risk-detail", risk.pk), choices=_RISK_CHOICES
)
declare_audit_record(
    "impartiality.registryrisk", url=lambda risk: _admin_page("registryrisk", risk.pk), choices=_RISK_CHOICES
)
declare_audit_record(
    "impartiality.committeemeeting", url=lambda meeting: _page("impartiality:meeting-detail", meeting.pk)
)
declare_audit_record(
    "impartiality.committeeaction",
    url=lambda action: _page("impartiality:meeting-detail", action.meeting_id),
    choices={"status": CommitteeActionStatus.choices},
)
