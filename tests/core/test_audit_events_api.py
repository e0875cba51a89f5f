"""Audit trail API: who may read which chain, filters, read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bodies.services import body_update_profile
from core.audit import audit_record
from core.models import AuditEvent
from tests.factories import AccreditationFactory
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db

EVENT_KEYS = {
    "id",
    "body",
    "sequence",
    "actor",
    "actorLabel",
    "action",
    "objectType",
    "objectId",
    "objectRepr",
    "before",
    "after",
    "requestId",
    "createdAt",
    "prevHash",
    "hash",
}


@pytest.fixture
def trail(world):  # type: ignore[no-untyped-def]
    """One profile change in A, one in B, and one registry-level event (no body)."""
    body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "+354 555 0001"})
    body_update_profile(body=world.b.body, actor=world.b.admin, fields={"contact_phone": "+354 555 0002"})
    with transaction.atomic():
        audit_record(actor=world.staff, action="accounts.user.profile_updated", obj=world.staff)
    return world


def actions(response) -> list[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [(e["body"], e["action"]) for e in response.json()["auditEvents"]]


def test_body_admin_reads_their_bodys_trail_with_camel_case_envelope(trail):
    # when A's administrator reads the trail
    response = signed_in(trail.a.admin).get(url("audit-event-list"))

    # then only A's event, in the ICR envelope, with the recorded values verbatim
    assert set(response.json()) == {"auditEvents", "pagination"}
    assert actions(response) == [(str(trail.a.body.pk), "bodies.body.profile_updated")]
    event = response.json()["auditEvents"][0]
    assert set(event) == EVENT_KEYS
    assert event["before"] == {"contact_phone": ""}
    assert event["after"] == {"contact_phone": "+354 555 0001"}
    assert event["actorLabel"] == "admin.a@example.org"


def test_an_ordinary_member_cannot_read_the_trail(trail):
    # given A's member (who can see body A)
    client = signed_in(trail.a.member)
    event = AuditEvent.objects.get(body=trail.a.body)

    # then the list is empty and the event is not found
    assert actions(client.get(url("audit-event-list"))) == []
    assert client.get(url("audit-event-detail", event.pk)).status_code == 404


def test_another_tenants_event_is_not_found(trail):
    event = AuditEvent.objects.get(body=trail.b.body)

    assert signed_in(trail.a.admin).get(url("audit-event-detail", event.pk)).status_code == 404


def test_staff_read_every_chain(trail):
    response = signed_in(trail.staff).get(url("audit-event-list"))

    assert sorted(actions(response), key=lambda pair: pair[1] + str(pair[0])) == sorted(
        [
            (str(trail.a.body.pk), "bodies.body.profile_updated"),
            (str(trail.b.body.pk), "bodies.body.profile_updated"),
            (None, "accounts.user.profile_updated"),
        ],
        key=lambda pair: pair[1] + str(pair[0]),
    )


def test_a_token_with_the_audit_scope_reads_its_bodys_trail(trail):
    token, secret = make_token(body=trail.a.body, creator=trail.a.admin, scopes={"audit_events": "read"})

    response = bearer(secret).get(url("audit-event-list"))

    assert actions(response) == [
        (str(trail.a.body.pk), "accounts.api_token.created"),
        (str(trail.a.body.pk), "bodies.body.profile_updated"),
    ]
    assert response.json()["auditEvents"][0]["objectId"] == str(token.uuid)


def test_filters(trail):
    # given an accreditation-level event in A
    accreditation = AccreditationFactory(body=trail.a.body)
    with transaction.atomic():
        audit_record(
            actor=trail.a.admin, action="bodies.accreditation.updated", obj=accreditation, body=trail.a.body
        )
    client = signed_in(trail.staff)
    now = timezone.now()

    def listed(**params: object) -> list[tuple[str | None, str]]:
        return actions(client.get(url("audit-event-list"), params))

    # then
    assert listed(action="bodies.accreditation.updated") == [
        (str(trail.a.body.pk), "bodies.accreditation.updated")
    ]
    assert listed(objectType="bodies.accreditation", objectId=str(accreditation.pk)) == [
        (str(trail.a.body.pk), "bodies.accreditation.updated")
    ]
    assert listed(body=str(trail.b.body.pk)) == [(str(trail.b.body.pk), "bodies.body.profile_updated")]
    assert listed(createdAfter=(now + timedelta(seconds=1)).isoformat()) == []
    assert (
        len(listed(createdBefore=now.isoformat(), createdAfter=(now - timedelta(minutes=5)).isoformat())) == 4
    )
    assert client.get(url("audit-event-list"), {"body": "nope"}).status_code == 400


def test_the_trail_is_read_only(trail):
    client = signed_in(trail.staff)
    event = AuditEvent.objects.get(body=trail.a.body)
    count = AuditEvent.objects.count()

    responses = [
        client.post(url("audit-event-list"), {"action": "x"}, format="json"),
        client.put(url("audit-event-detail", event.pk), {"action": "x"}, format="json"),
        client.patch(url("audit-event-detail", event.pk), {"action": "x"}, format="json"),
        client.delete(url("audit-event-detail", event.pk)),
    ]

    assert [r.status_code for r in responses] == [405, 405, 405, 405]
    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).action == "bodies.body.profile_updated"
