"""The audit trail: same-transaction events, append-only rows, and a hash chain per body."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, InternalError, connection, transaction

from bodies import services
from core.audit import audit_record, audit_verify_chain
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_events_chain_per_body(world):
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "1"})
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "2"})
    services.body_update_profile(body=world.b.body, actor=world.b.admin, fields={"contact_phone": "3"})
    events = list(AuditEvent.objects.filter(body=world.a.body).order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2]
    assert events[1].prev_hash == events[0].hash
    assert AuditEvent.objects.get(body=world.b.body).sequence == 1
    assert audit_verify_chain(str(world.a.body.pk)).ok


def test_event_rolls_back_with_the_change(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "9"})
        raise RuntimeError("boom")
    assert not AuditEvent.objects.filter(body=world.a.body).exists()
    world.a.body.refresh_from_db()
    assert world.a.body.contact_phone == ""


def test_audit_record_outside_a_transaction_is_refused(world):
    with pytest.raises(RuntimeError):
        # pytest-django wraps tests in a transaction, so simulate "no atomic block" by checking the guard directly
        conn = transaction.get_connection()
        saved = conn.in_atomic_block
        conn.in_atomic_block = False
        try:
            audit_record(actor=world.staff, action="x.y.z", obj=world.a.body, body=world.a.body)
        finally:
            conn.in_atomic_block = saved


def test_application_cannot_update_or_delete_events(world):
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "1"})
    event = AuditEvent.objects.get(body=world.a.body)
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_database_refuses_raw_updates(world):
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "1"})
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged'")


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        # a database superuser can switch triggers off for a session; the hash chain still gives it away
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def test_tampering_is_detected(world):
    # given three events in body A's chain
    for phone in ("1", "2", "3"):
        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": phone})
    chain = str(world.a.body.pk)
    assert audit_verify_chain(chain).ok
    # when someone with database access edits the middle event
    _tamper(
        "UPDATE core_auditevent SET after = %s WHERE chain = %s AND sequence = 2",
        ['{"contact_phone": "X"}', chain],
    )
    # then verification names it, and the command fails
    report = audit_verify_chain(chain)
    assert report.ok is False
    assert report.problem == "event 2 was altered"
    with pytest.raises(CommandError):
        call_command("audit_verify", "--chain", chain)


def test_deleting_an_event_is_detected(world):
    for phone in ("1", "2", "3"):
        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": phone})
    chain = str(world.a.body.pk)
    _tamper("DELETE FROM core_auditevent WHERE chain = %s AND sequence = 3", [chain])
    report = audit_verify_chain(chain)
    assert report.ok is False
    assert report.problem == "the chain was truncated after its last event"


def test_verify_command_passes_on_an_intact_trail(world, capsys):
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "1"})
    call_command("audit_verify")
    assert "chain(s) verified" in capsys.readouterr().out


def test_event_carries_request_id(world, client):
    from core.context import reset_request_id, set_request_id

    token = set_request_id("req-1234567890")
    try:
        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "1"})
    finally:
        reset_request_id(token)
    assert AuditEvent.objects.get(body=world.a.body).request_id == "req-1234567890"
