"""Audit action codes live in the namespace of the app whose record they describe."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from bodies import services
from core.audit import audit_namespaces, audit_record
from core.models import AuditEvent
from imports.models import ImportBatch
from tests.helpers import membership_of

pytestmark = pytest.mark.django_db


def test_an_action_outside_the_records_app_namespace_is_refused_and_nothing_is_written(world):
    # given a membership (a bodies record)
    membership = membership_of(world.a.member, world.a.body)

    # when an event about it is recorded under another app's namespace
    with (
        pytest.raises(ValueError, match=r"outside the namespace of the bodies\.Membership"),
        transaction.atomic(),
    ):
        audit_record(
            actor=world.a.admin,
            action="competence.membership.details_changed",
            obj=membership,
            body=world.a.body,
        )

    # then no event was written
    assert AuditEvent.objects.count() == 0


def test_an_action_in_the_records_app_namespace_is_recorded(world):
    # given a membership (a bodies record)
    membership = membership_of(world.a.member, world.a.body)

    # when an event about it is recorded in the bodies namespace
    with transaction.atomic():
        audit_record(
            actor=world.a.admin, action="bodies.membership.details_changed", obj=membership, body=world.a.body
        )

    # then it is in the body's chain
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["bodies.membership.details_changed"]


def test_the_namespaces_a_record_may_be_recorded_in(world):
    # then a record's own app and the kernel's, plus the namespace a record names for itself
    assert audit_namespaces(world.a.body) == {"bodies", "core"}
    assert audit_namespaces(ImportBatch(kind="competence.people")) == {"imports", "core", "competence"}


def test_membership_details_are_recorded_in_the_bodies_namespace(world):
    # given a member of body A
    membership = membership_of(world.a.member, world.a.body)

    # when the body administrator records the signed undertaking
    services.membership_update_details(
        membership=membership, actor=world.a.admin, undertaking_signed_on=date(2026, 1, 5)
    )

    # then the event is a bodies event
    event = AuditEvent.objects.get(object_id=str(membership.pk))
    assert event.action == "bodies.membership.details_changed"
    assert event.after == {"employment": "employee", "undertaking_signed_on": "2026-01-05"}
