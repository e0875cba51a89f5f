"""How the competence capability's audit events read in the history (`core.audit`): the sentence of each
action, shown after the person's name, and the portal page of each kind of record."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Role
from core.audit import declare_audit_actions, declare_audit_record

declare_audit_actions(
    {
        "competence.record.proposed": _("proposed the competence"),
        "competence.record.approved": _("approved the competence"),
        "competence.record.renewed": _("renewed the competence"),
        "competence.record.suspended": _("suspended the competence"),
        "competence.record.expired": _("marked the competence expired"),
        "competence.evidence.added": _("added evidence to the competence"),
        "competence.training.added": _("recorded the training"),
        "competence.witnessed_audit.recorded": _("recorded the witnessed audit"),
        "competence.evaluation.recorded": _("recorded the periodic evaluation"),
        "competence.people_records_policy.changed": _("changed what members see of colleagues' records"),
        # the people import (`competence.importing`, audit prefix "competence.import")
        "competence.import.previewed": _("uploaded the import file for checking"),
        "competence.import.applied": _("applied the import"),
    }
)


def _person(membership_id: object) -> str:
    return reverse("competence:person-detail", args=[membership_id])


# a member of a body is a person of its people pages
declare_audit_record(
    "bodies.membership", url=lambda membership: _person(membership.pk), choices={"roles": Role.choices}
)
declare_audit_record(
    "competence.competencerecord", url=lambda record: reverse("competence:record-detail", args=[record.pk])
)
declare_audit_record(
    "competence.competenceevidence",
    url=lambda evidence: reverse("competence:record-detail", args=[evidence.record_id]),
)
declare_audit_record("competence.peoplerecordspolicy")
declare_audit_record("competence.trainingentry", url=lambda entry: _person(entry.membership_id))
declare_audit_record("competence.witnessedaudit", url=lambda entry: _person(entry.membership_id))
declare_audit_record("competence.periodicevaluation", url=lambda entry: _person(entry.membership_id))
