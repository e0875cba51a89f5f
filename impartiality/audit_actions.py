"""How the impartiality capability's audit events read in the history (`core.audit`): the sentence of each
action, shown after the person's name (declarations and their relationships, conflict overrides and the
impartiality policy, the bodies' and the registry's risk registers, committee meetings and actions), and each
kind of record the trail names, with its page (the portal's, or the back office's for the registry's own risks)
and the labels of recorded values its fields do not know."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Role
from core.audit import declare_audit_actions, declare_audit_record

from .models import CommitteeActionStatus, RiskSource, RiskStatus, RiskThreat
from .services.conflicts import ConflictRule

declare_audit_actions(
    {
        # declarations
        "impartiality.declaration.started": _("started a declaration of interest"),
        "impartiality.declaration.correction_started": _("started a correction of a declaration of interest"),
        "impartiality.declaration.submitted": _("attested and submitted the declaration of interest"),
        "impartiality.declaration.reviewed": _("reviewed the declaration of interest"),
        "impartiality.declaration.superseded": _("superseded the declaration of interest with a correction"),
        "impartiality.relationship.added": _("added a relationship to the declaration of interest"),
        "impartiality.relationship.updated": _("changed a relationship of the declaration of interest"),
        "impartiality.relationship.removed": _("removed a relationship from the declaration of interest"),
        # conflicts
        "impartiality.conflict.overridden": _("overrode a conflict of interest"),
        "impartiality.policy.changed": _("changed who may override a conflict of interest"),
        # risk registers and committee
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


def _page(name: str, *args: object) -> str:
    """The page's URL, or nothing when it is not routed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


_RISK_CHOICES = {
    "source_kind": RiskSource.choices,
    "threat": RiskThreat.choices,
    "status": RiskStatus.choices,
}

# declarations
declare_audit_record(
    "impartiality.declaration",
    url=lambda declaration: _page("impartiality:declaration-detail", declaration.pk),
)
declare_audit_record(
    "impartiality.relationship",
    url=lambda relationship: _page("impartiality:declaration-detail", relationship.declaration_id),
)

# conflicts
declare_audit_record(
    "impartiality.conflictoverride",
    url=lambda override: _page("impartiality:conflict-overrides"),
    choices={"rule": ConflictRule.choices},
)
declare_audit_record(
    "impartiality.impartialitypolicy",
    url=lambda policy: _page("impartiality:policy"),
    choices={"override_role": Role.choices},
)

# risk registers and committee
declare_audit_record(
    "impartiality.risk", url=lambda risk: _page("impartiality:risk-detail", risk.pk), choices=_RISK_CHOICES
)
declare_audit_record(
    "impartiality.registryrisk",
    url=lambda risk: _page("admin:impartiality_registryrisk_change", risk.pk),
    choices=_RISK_CHOICES,
)
declare_audit_record(
    "impartiality.committeemeeting", url=lambda meeting: _page("impartiality:meeting-detail", meeting.pk)
)
declare_audit_record(
    "impartiality.committeeaction",
    url=lambda action: _page("impartiality:meeting-detail", action.meeting_id),
    choices={"status": CommitteeActionStatus.choices},
)
