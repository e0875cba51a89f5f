"""What the fault tests do inside the platform they break: run as `python -m tests.faults.agent <command>
'<json>'` with the environment of the private PostgreSQL and Redis, it seeds records through the services,
runs a sweep, or reports what the database holds, and prints one JSON line (the last line of its output).

The tests themselves never touch the private database through Django (their own connection is the pytest
database); each command here is a fresh process, like any web or worker process of the platform.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icr.settings")


def _setup() -> None:
    import django

    django.setup()
    _reference_data()


def _reference_data() -> None:
    """The private database is a copy of the pytest database, which a transactional test may have flushed:
    reload the reference lists then, as tests/conftest.py does for a transactional test."""
    import importlib

    from django.apps import apps

    from reference.models import Sector

    if not Sector.objects.exists():
        importlib.import_module("reference.migrations.0002_load_reference_data").load(apps, None)


def _staff_and_token(scopes: dict[str, str]) -> tuple[Any, str]:
    from django.utils import timezone

    from accounts.services import registry_token_create
    from tests.factories import StaffFactory

    staff = StaffFactory(email="faults.staff@icr.example", full_name="Fault Staff")
    _, secret = registry_token_create(
        actor=staff, name="Fault suite", scopes=scopes, expires_at=timezone.now() + timedelta(days=1)
    )
    return staff, secret


def seed_render(args: dict[str, Any]) -> dict[str, Any]:
    """One approved body and its approval letter requested by the platform (enqueued on the pdf queue)."""
    from bodies.documents import APPROVAL_LETTER
    from documents.services import document_request
    from tests.factories import BodyFactory

    body = BodyFactory(legal_name="Killed Worker Verification ehf.", short_name="KWV")
    document = document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=None)
    return {"document": str(document.pk), "number": document.number}


def reconcile_after(args: dict[str, Any]) -> dict[str, Any]:
    """The documents reconciler as beat runs it, `minutes` later: what the broker lost or a dead worker left
    `rendering` is enqueued again (the render's own claim judges a stale claim by the real clock, so a
    rendering row's claim is first moved back by the same minutes: the worker died that long ago)."""
    from django.utils import timezone

    from documents.models import Document
    from documents.services import documents_reconcile
    from documents.tasks import document_render_task

    minutes = int(args["minutes"])
    if args.get("age_claims"):
        for document in Document.objects.filter(status=Document.Status.RENDERING, claimed_at__isnull=False):
            Document.objects.filter(pk=document.pk).update(
                claimed_at=document.claimed_at - timedelta(minutes=minutes)
            )
    ids = documents_reconcile(now=timezone.now() + timedelta(minutes=minutes))
    for document_id in ids:
        document_render_task.delay(str(document_id))
    return {"enqueued": len(ids)}


def restore_unacked(args: dict[str, Any]) -> dict[str, Any]:
    """What kombu does for a message a dead worker took and never acknowledged once the visibility timeout
    has passed: back to its queue (the timeout is taken as passed already)."""
    from icr.celery import app

    options = {**app.conf.broker_transport_options, "visibility_timeout": 0}
    with app.connection_for_write(transport_options=options) as connection:
        channel = connection.default_channel
        client = channel.client
        before = int(client.hlen(channel.unacked_key))
        channel.qos.restore_visible(num=1000, interval=1)
        after = int(client.hlen(channel.unacked_key))
    return {"restored": before - after}


def documents_report(args: dict[str, Any]) -> dict[str, Any]:
    from core.models import AuditEvent
    from documents.models import Document

    rows = []
    for document in Document.objects.order_by("requested_at"):
        events = Counter(
            AuditEvent.objects.filter(object_id=str(document.pk), action__startswith="documents.document.")
            .values_list("action", flat=True)
            .iterator()
        )
        rows.append(
            {
                "id": str(document.pk),
                "number": document.number,
                "subject": document.subject_id,
                "status": document.status,
                "attempts": document.attempts,
                "file": document.file.name,
                "sha256": document.sha256,
                "events": dict(events),
            }
        )
    return {"documents": rows}


def seed_web(args: dict[str, Any]) -> dict[str, Any]:
    """`bodies` approved bodies, each with an administrator and a body token that may request documents;
    registry staff with a registry token that may decide on bodies, and signed in (a session for portal
    pages)."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from accounts.services import api_token_create
    from bodies.models import Role
    from tests.factories import BodyFactory, MembershipFactory, UserFactory

    staff, secret = _staff_and_token({"bodies": "write"})
    bodies = []
    for index in range(int(args.get("bodies", 1))):
        body = BodyFactory(legal_name=f"Fault Body {index} ehf.", short_name=f"FB{index}")
        admin = UserFactory(email=f"admin{index}@faultbody.example", full_name=f"Admin {index}")
        MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
        _, body_secret = api_token_create(
            body=body,
            actor=admin,
            name="Fault suite",
            scopes={"documents": "write", "bodies": "read"},
            expires_at=timezone.now() + timedelta(days=1),
        )
        bodies.append({"id": str(body.pk), "token": body_secret, "admin": admin.email})
    client = Client()
    client.force_login(staff)
    return {
        "token": secret,
        "bodies": bodies,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def outage_sweeps(args: dict[str, Any]) -> dict[str, Any]:
    """Once Redis is back: the reconcilers beat runs (documents, emails), as they would run then."""
    from reminders.tasks import notifications_send_pending_task

    documents = reconcile_after({"minutes": args["minutes"]})
    notifications_send_pending_task.delay()
    return {"documents_enqueued": documents["enqueued"]}


def notifications_report(args: dict[str, Any]) -> dict[str, Any]:
    from reminders.models import Notification

    return {
        "notifications": [
            {
                "id": str(n.pk),
                "key": n.key,
                "kind": n.kind,
                "user": n.user.email,
                "deadline": str(n.deadline_id) if n.deadline_id else None,
                "email_status": n.email_status,
                "attempts": n.attempts,
            }
            for n in Notification.objects.select_related("user").order_by("created_at")
        ]
    }


def outage_report(args: dict[str, Any]) -> dict[str, Any]:
    from bodies.models import Body, BodyStatusChange

    decisions = Counter(
        str(body_id) for body_id in BodyStatusChange.objects.values_list("body_id", flat=True).iterator()
    )
    return {
        "bodies": {str(b.pk): b.status for b in Body.objects.all()},
        "decisions": dict(decisions),
        **documents_report(args),
        **notifications_report(args),
    }


def seed_beats(args: dict[str, Any]) -> dict[str, Any]:
    """Due reminders (competence expiries due today) and pending webhook deliveries to `receiver`."""
    from django.utils import timezone

    from bodies.models import Role
    from competence.services import COMPETENCE_EXPIRY
    from reminders.services import deadline_upsert
    from tests.factories import BodyFactory, CompetenceRecordFactory, MembershipFactory, UserFactory
    from webhooks.services import emit, webhook_subscription_create

    body = BodyFactory(legal_name="Two Beats Verification ehf.", short_name="TBV")
    admin = UserFactory(email="admin@twobeats.example", full_name="Beat Admin")
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    today = timezone.localdate()
    deadlines = []
    for index in range(int(args["reminders"])):
        person = UserFactory(email=f"auditor{index}@twobeats.example", full_name=f"Auditor {index}")
        record = CompetenceRecordFactory(
            membership=MembershipFactory(user=person, body=body, roles=[Role.AUDITOR]), role=Role.AUDITOR
        )
        deadlines.append(
            str(deadline_upsert(kind=COMPETENCE_EXPIRY, subject=record, body=body, due_on=today).pk)
        )
    webhook_subscription_create(
        body=body, actor=admin, url=args["receiver"], events=["engagement.status_changed"]
    )
    events = [
        str(emit(body=body, event="engagement.status_changed", payload={"n": index}).pk)  # type: ignore[union-attr]
        for index in range(int(args["deliveries"]))
    ]
    return {"deadlines": deadlines, "events": events}


def beats_report(args: dict[str, Any]) -> dict[str, Any]:
    from webhooks.models import WebhookDelivery

    deliveries = [
        {"event": str(d.event_id), "status": d.status, "attempts": d.attempts}
        for d in WebhookDelivery.objects.order_by("created_at")
    ]
    return {"deliveries": deliveries, **notifications_report(args)}


COMMANDS = {
    name: function
    for name, function in list(globals().items())
    if callable(function)
    and name
    in {
        "seed_render",
        "restore_unacked",
        "reconcile_after",
        "documents_report",
        "seed_web",
        "outage_sweeps",
        "outage_report",
        "seed_beats",
        "beats_report",
        "notifications_report",
    }
}


def serve() -> None:
    """One command per line on stdin (`<command> <json>`), one JSON answer per line on stdout; a failure
    answers {"error": traceback}. The database connection is closed after each command (PostgreSQL may be
    restarted between two of them)."""
    import traceback

    from django.db import connection

    for line in sys.stdin:
        command, _, raw = line.strip().partition(" ")
        try:
            answer = COMMANDS[command](json.loads(raw or "{}"))
        except Exception:
            answer = {"error": traceback.format_exc()}
        finally:
            connection.close()
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main() -> None:
    _setup()
    if sys.argv[1] == "serve":
        serve()
        return
    command, raw = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "{}")
    result = COMMANDS[command](json.loads(raw))
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
