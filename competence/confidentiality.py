"""A body's decision on the confidentiality of its people's records (issue 7 §3): read it, change it.

The rule that applies it is `competence.permissions` (`can_view_colleague_records`, `can_view_person_history`),
asked by the portal, the API, the competence-record PDF and the deadlines about a person alike.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_record, snapshot
from core.error_codes import CoreErrorCode
from core.errors import ValidationError, field_error
from core.types import Actor

from .models import ColleagueRecords, PeopleRecordsPolicy
from .permissions import require_change_people_records_policy

POLICY_FIELDS = ["colleague_records"]


def people_records_policy_get(*, body: Body) -> PeopleRecordsPolicy:
    """The body's policy, or the safe default (unsaved) when the body never decided."""
    policy = PeopleRecordsPolicy.objects.filter(body_id=body.pk).select_related("updated_by").first()
    return policy if policy is not None else PeopleRecordsPolicy(body=body)


def people_records_policy_set(*, body: Body, actor: Actor, colleague_records: str) -> PeopleRecordsPolicy:
    """The body's administrators decide what an ordinary member sees of a colleague's records; audited with
    before and after. Setting the value it already has changes nothing and records nothing."""
    require_change_people_records_policy(actor, body)
    if colleague_records not in ColleagueRecords.values:
        raise ValidationError(
            field_error(
                "colleague_records",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(ColleagueRecords.values)},
                CoreErrorCode.INVALID_CHOICE,
            )
        )
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()  # one change at a time per body
        policy = PeopleRecordsPolicy.objects.filter(body_id=body.pk).first() or PeopleRecordsPolicy(body=body)
        before = snapshot(policy, POLICY_FIELDS)
        if policy.colleague_records == colleague_records:
            return policy  # already in force (a body without a row holds the default): nothing to record
        policy.colleague_records = colleague_records
        policy.updated_by = actor
        policy.save()
        audit_record(
            actor=actor,
            action="competence.people_records_policy.changed",
            obj=policy,
            body=body,
            before=before,
            after=snapshot(policy, POLICY_FIELDS),
        )
    body._colleague_records_open = colleague_records == ColleagueRecords.FULL  # type: ignore[attr-defined]
    return policy
