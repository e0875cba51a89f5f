"""How the bodies capability's audit events read in the history (`core.audit`): the sentence of each action,
shown after the person's name, and the portal page of each kind of record."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

declare_audit_actions(
    {
        "bodies.body.applied": _("applied for approval of the body"),
        "bodies.body.profile_updated": _("changed the body's profile"),
        "bodies.body.agreement_recorded": _("recorded the body's signed agreement"),
        "bodies.body.review_started": _("started the review of the body's application"),
        "bodies.body.approved": _("approved the body"),
        "bodies.body.suspended": _("suspended the body"),
        "bodies.body.reinstated": _("reinstated the body"),
        "bodies.body.withdrawn": _("withdrew the body"),
        "bodies.accreditation.created": _("added the accreditation"),
        "bodies.accreditation.updated": _("changed the accreditation"),
        "bodies.accreditation.verified": _("verified the accreditation"),
        "bodies.accreditation.refused": _("refused the accreditation"),
        "bodies.accreditation.suspended": _("suspended the accreditation"),
        "bodies.accreditation.reinstated": _("reinstated the accreditation"),
        "bodies.accreditation.withdrawn": _("withdrew the accreditation"),
        "bodies.accreditation.expired": _("marked the accreditation expired"),
        "bodies.membership.added": _("added the member"),
        "bodies.membership.roles_changed": _("changed the member's roles"),
        "bodies.membership.status_changed": _("changed the member's status"),
        "bodies.membership.details_changed": _("changed the member's details"),
    }
)

# the portal shows the active body's own profile; a person's page is the competence capability's (it declares
# "bodies.membership" itself)
declare_audit_record("bodies.body", url=lambda body: reverse("bodies:profile"))
declare_audit_record(
    "bodies.accreditation",
    url=lambda accreditation: reverse("bodies:accreditation-detail", args=[accreditation.pk]),
)
