"""The keyed, tamper-evident audit chain (issue 11): an owner of the database without the key cannot rewrite a chain
unnoticed, a chain deleted with its head or cut short is found through the signed checkpoints kept outside the
database, TRUNCATE is refused, and the nightly verification tells registry staff."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import RequestFactory

from bodies import services
from core.audit import audit_verify_all, audit_verify_chain, chain_key_id, event_payload
from core.audit_checkpoints import checkpoint_names, checkpoint_write, public_key_text
from core.middleware import RequestIdMiddleware
from core.models import AuditChainHead, AuditEvent
from core.tasks import audit_verify_task
from reminders.audit_alerts import KIND as ALERT_KIND
from reminders.models import Notification

pytestmark = pytest.mark.django_db

OTHER_KEY = "a-key-the-database-owner-made-up-0123456789"


def _events(world, count: int = 3) -> str:
    for phone in range(1, count + 1):
        services.body_update_profile(
            body=world.a.body, actor=world.a.admin, fields={"contact_phone": str(phone)}
        )
    return str(world.a.body.pk)


def _as_owner(sql: str, params: list) -> None:
    """What an owner of the database can do: switch the triggers off for the session and write."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def _rewrite(chain: str, *, sequence: int, after: dict, seal) -> None:  # type: ignore[no-untyped-def]
    """Edits one event and recomputes every hash from it on with `seal(event) -> hash`, head included."""
    _as_owner(
        "UPDATE core_auditevent SET after = %s WHERE chain = %s AND sequence = %s",
        [json.dumps(after), chain, sequence],
    )
    events = list(AuditEvent.objects.filter(chain=chain).order_by("sequence"))
    prev = events[sequence - 2].hash if sequence > 1 else "0" * 64
    for event in events[sequence - 1 :]:
        event.prev_hash = prev
        event.hash = seal(event)
        prev = event.hash
        _as_owner(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.pk],
        )
    _as_owner("UPDATE core_auditchainhead SET last_hash = %s WHERE chain = %s", [prev, chain])


# --- an owner without the key ------------------------------------------------------------------------------


def test_an_edit_with_recomputed_unkeyed_hashes_is_detected(world):
    chain = _events(world)
    # the owner edits event 2 and recomputes the plain SHA-256 of every event from it, as the code shows how
    _rewrite(
        chain,
        sequence=2,
        after={"contact_phone": "X"},
        seal=lambda e: hashlib.sha256(event_payload(e)).hexdigest(),
    )
    report = audit_verify_chain(chain)
    assert (report.ok, report.problem, report.broken_at) == (False, "event 2 was altered", 2)


def test_an_edit_rehashed_with_a_wrong_key_is_detected(world):
    chain = _events(world)
    _rewrite(
        chain,
        sequence=3,
        after={"contact_phone": "X"},
        seal=lambda e: hmac.new(OTHER_KEY.encode(), event_payload(e), hashlib.sha256).hexdigest(),
    )
    assert audit_verify_chain(chain).problem == "event 3 was altered"
    with pytest.raises(CommandError, match="event 3 was altered"):
        call_command("audit_verify")


def test_the_same_rewrite_with_the_key_passes_the_chain_check_but_not_the_checkpoint(world):
    # whoever holds the key can rewrite the chain: the checkpoint taken before still tells
    chain = _events(world)
    name = checkpoint_write()
    key = settings.AUDIT_CHAIN_KEY.encode()
    _rewrite(
        chain,
        sequence=2,
        after={"contact_phone": "X"},
        seal=lambda e: hmac.new(key, event_payload(e), hashlib.sha256).hexdigest(),
    )
    assert audit_verify_chain(chain).ok
    assert audit_verify_all().problems == [f"chain {chain}: event 3 differs from checkpoint {name}"]


# --- whole chains and tails, through the checkpoints --------------------------------------------------------


def test_an_intact_trail_verifies_against_its_checkpoints(world, capsys):
    _events(world)
    services.body_update_profile(body=world.b.body, actor=world.b.admin, fields={"contact_phone": "1"})
    checkpoint_write()
    _events(world, 2)  # the chain grows after the checkpoint: fine
    checkpoint_write()
    report = audit_verify_all()
    assert report.ok, report.problems
    assert report.checkpoints == 2
    call_command("audit_verify")
    assert "2 chain(s) verified against 2 checkpoint(s)" in capsys.readouterr().out


def test_a_chain_deleted_with_its_head_is_detected_through_the_checkpoint(world):
    chain = _events(world)
    services.body_update_profile(body=world.b.body, actor=world.b.admin, fields={"contact_phone": "1"})
    name = checkpoint_write()
    _as_owner("DELETE FROM core_auditevent WHERE chain = %s", [chain])
    _as_owner("DELETE FROM core_auditchainhead WHERE chain = %s", [chain])
    # nothing is left in the database to disagree
    assert audit_verify_chain(chain).ok
    assert audit_verify_all(checkpoints=False).ok
    # but the checkpoint remembers the chain
    report = audit_verify_all()
    assert report.problems == [f"chain {chain}: the chain was deleted: checkpoint {name} recorded 3 events"]
    with pytest.raises(CommandError, match="the chain was deleted"):
        call_command("audit_verify")


def test_a_truncated_tail_with_its_head_moved_back_is_detected(world):
    chain = _events(world)
    name = checkpoint_write()
    second = AuditEvent.objects.get(chain=chain, sequence=2)
    _as_owner("DELETE FROM core_auditevent WHERE chain = %s AND sequence = 3", [chain])
    _as_owner(
        "UPDATE core_auditchainhead SET sequence = 2, last_hash = %s WHERE chain = %s", [second.hash, chain]
    )
    assert audit_verify_chain(chain).ok  # the chain and its head agree with each other
    assert audit_verify_all().problems == [
        f"chain {chain}: the chain ends at event 2 but checkpoint {name} recorded event 3"
    ]


def test_a_forged_or_altered_checkpoint_is_detected(world, settings):
    chain = _events(world)
    name = checkpoint_write()
    path = Path(settings.AUDIT_CHECKPOINT_DIR) / name
    content = json.loads(path.read_bytes())
    # altered: a recorded hash changed, the signature kept
    content["checkpoint"]["chains"][0]["hash"] = "f" * 64
    path.write_text(json.dumps(content))
    # forged: a well-formed checkpoint signed with a key the platform does not trust
    forger = Ed25519PrivateKey.generate()
    from core.audit_checkpoints import _canonical, public_key_id

    document = {**content["checkpoint"], "keyId": public_key_id(forger.public_key())}
    forged = {
        "checkpoint": document,
        "signature": base64.b64encode(forger.sign(_canonical(document))).decode(),
    }
    (Path(settings.AUDIT_CHECKPOINT_DIR) / "audit-checkpoint-20991231T000000000000Z.json").write_text(
        json.dumps(forged)
    )
    report = audit_verify_all()
    assert report.problems == [
        f"checkpoint {name}: the signature does not hold (forged or altered)",
        "checkpoint audit-checkpoint-20991231T000000000000Z.json: signed by a key that is not trusted",
    ]
    assert report.checkpoints == 0
    # a verifier that trusts the forger's key (a rotation) reads it
    settings.AUDIT_CHECKPOINT_TRUSTED_KEYS = [public_key_text(forger.public_key())]
    assert audit_verify_all().checkpoints == 1
    assert audit_verify_chain(chain).ok


def test_checkpoints_are_written_atomically_and_listed_in_order(world):
    _events(world, 1)
    first = checkpoint_write()
    second = checkpoint_write()
    assert checkpoint_names() == sorted([first, second])
    leftovers = [p.name for p in Path(settings.AUDIT_CHECKPOINT_DIR).iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_no_checkpoint_directory_is_no_checkpoint(world):
    _events(world, 1)
    assert not Path(settings.AUDIT_CHECKPOINT_DIR).exists()
    report = audit_verify_all()
    assert report.ok and report.checkpoints == 0


# --- TRUNCATE and head rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE core_auditevent",
        "TRUNCATE core_auditevent CASCADE",
        "TRUNCATE core_auditchainhead",
        "TRUNCATE bodies_body CASCADE",  # reaches the events through their foreign key
        "DELETE FROM core_auditchainhead",
    ],
)
def test_the_database_refuses_truncate_and_deleting_heads(world, statement):
    _events(world, 1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts checked, as after a commit
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(body=world.a.body).count() == 1
    assert AuditChainHead.objects.filter(chain=str(world.a.body.pk)).exists()


# --- the nightly verification tells registry staff ----------------------------------------------------------


def test_the_nightly_task_tells_staff_once_about_a_broken_chain(world, django_capture_on_commit_callbacks):
    from django.core import mail

    chain = _events(world)
    _as_owner("UPDATE core_auditevent SET action = 'forged' WHERE chain = %s AND sequence = 2", [chain])
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_verify_task() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_verify_task() == 1  # the same problems the same day: nobody is told twice
    told = Notification.objects.filter(kind=ALERT_KIND)
    assert list(told.values_list("user__email", flat=True)) == [world.staff.email]
    assert f"chain {chain}: event 2 was altered" in told.get().message
    assert [message.to for message in mail.outbox] == [[world.staff.email]]


def test_the_nightly_task_tells_nobody_about_a_sound_trail(world, django_capture_on_commit_callbacks):
    _events(world)
    checkpoint_write()
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_verify_task() == 0
    assert not Notification.objects.filter(kind=ALERT_KIND).exists()


# --- key rotation -------------------------------------------------------------------------------------------


def test_events_under_an_old_key_verify_while_it_is_configured(world, settings):
    chain = _events(world, 2)
    old_key = settings.AUDIT_CHAIN_KEY
    old_id = chain_key_id(old_key)
    assert set(AuditEvent.objects.filter(chain=chain).values_list("key_id", flat=True)) == {old_id}
    # the key is rotated; the old one kept for verification
    settings.AUDIT_CHAIN_KEY = "the-next-audit-chain-key-0123456789abcdef"
    settings.AUDIT_CHAIN_OLD_KEYS = {old_id: old_key}
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "new"})
    assert AuditEvent.objects.get(chain=chain, sequence=3).key_id == chain_key_id(settings.AUDIT_CHAIN_KEY)
    assert audit_verify_chain(chain).ok
    # without the old key the old events cannot be verified, and say so
    settings.AUDIT_CHAIN_OLD_KEYS = {}
    report = audit_verify_chain(chain)
    assert report.problem == f"event 1 was hashed with a key that is not configured ({old_id})"


def test_an_explicit_key_id_is_recorded(world, settings):
    settings.AUDIT_CHAIN_KEY_ID = "2026-12"
    chain = _events(world, 1)
    assert AuditEvent.objects.get(chain=chain).key_id == "2026-12"
    assert audit_verify_chain(chain).ok


# --- the client's address -----------------------------------------------------------------------------------


def test_the_client_address_is_recorded_and_covered_by_the_hash(world, login):
    def view(request):  # type: ignore[no-untyped-def]
        from django.http import HttpResponse

        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "7"})
        return HttpResponse("ok")

    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    RequestIdMiddleware(view)(request)
    event = AuditEvent.objects.get(body=world.a.body)
    assert event.client_ip == "203.0.113.7"
    # outside a request there is no address
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "8"})
    assert AuditEvent.objects.get(body=world.a.body, sequence=2).client_ip is None
    # the back office shows it
    page = login(world.staff).get(f"/admin/core/auditevent/{event.pk}/change/")
    assert b"203.0.113.7" in page.content
    # and an owner who changes it breaks the chain
    _as_owner("UPDATE core_auditevent SET client_ip = '198.51.100.1' WHERE id = %s", [event.pk])
    assert audit_verify_chain(str(world.a.body.pk)).problem == "event 1 was altered"


# --- the upgrade: chains made with the unkeyed SHA-256 ------------------------------------------------------


def test_the_migration_rehashes_intact_unkeyed_chains_and_leaves_broken_ones(world):
    migration = importlib.import_module("core.migrations.0005_audit_chain_keyed")
    intact = _events(world)
    services.body_update_profile(body=world.b.body, actor=world.b.admin, fields={"contact_phone": "1"})
    services.body_update_profile(body=world.b.body, actor=world.b.admin, fields={"contact_phone": "2"})
    broken = str(world.b.body.pk)
    # as the trail was before the upgrade: unkeyed SHA-256, no key id
    for chain in (intact, broken):
        prev = "0" * 64
        for event in AuditEvent.objects.filter(chain=chain).order_by("sequence"):
            event.key_id, event.prev_hash = "", prev
            event.hash = migration._unkeyed_hash(event)
            prev = event.hash
            _as_owner(
                "UPDATE core_auditevent SET key_id = '', prev_hash = %s, hash = %s WHERE id = %s",
                [event.prev_hash, event.hash, event.pk],
            )
        _as_owner("UPDATE core_auditchainhead SET last_hash = %s WHERE chain = %s", [prev, chain])
    _as_owner("UPDATE core_auditevent SET action = 'forged' WHERE chain = %s AND sequence = 1", [broken])
    assert (
        audit_verify_chain(intact).problem
        == "event 1 names no key (it was not re-hashed when the chain was keyed)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts checked, as after a commit
    state = MigrationLoader(connection).project_state(("core", "0005_audit_chain_keyed"))
    with connection.schema_editor() as editor:
        migration.rehash(state.apps, editor)
    assert audit_verify_chain(intact).ok
    assert (
        audit_verify_chain(broken).problem
        == "event 1 names no key (it was not re-hashed when the chain was keyed)"
    )
    # the append-only trigger is on again
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged'")


# --- production settings ------------------------------------------------------------------------------------


def _production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AUDIT_", "DJANGO_DEBUG", "ICR_TESTING"))
    }
    base.update(
        DJANGO_DEBUG="0",
        ICR_TESTING="0",
        SECRET_KEY="s" * 60,
        AUDIT_CHECKPOINT_KEY=base64.b64encode(b"k" * 32).decode(),
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import icr.settings"],
        env=base,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_requires_a_chain_key_of_32_characters():
    missing = _production_settings()
    assert "The environment variable AUDIT_CHAIN_KEY is required" in missing.stderr
    short = _production_settings(AUDIT_CHAIN_KEY="k" * 31)
    assert "AUDIT_CHAIN_KEY must be at least 32 characters long" in short.stderr
    enough = _production_settings(AUDIT_CHAIN_KEY="k" * 32)
    assert "AUDIT_CHAIN_KEY" not in enough.stderr
    bad_checkpoint_key = _production_settings(AUDIT_CHAIN_KEY="k" * 32, AUDIT_CHECKPOINT_KEY="c2hvcnQ=")
    assert "AUDIT_CHECKPOINT_KEY must be base64 of 32 random bytes" in bad_checkpoint_key.stderr


def test_a_chain_whose_head_row_was_deleted_is_reported(world):
    chain = _events(world, 2)
    _as_owner("DELETE FROM core_auditchainhead WHERE chain = %s", [chain])
    assert audit_verify_chain(chain).problem == "the chain's head row is missing"
    assert audit_verify_all().problems == [f"chain {chain}: the chain's head row is missing"]


def test_checkpoints_on_object_storage(world, settings):
    # a storage without local paths (S3 through django-storages): written with one put, read back the same way
    settings.STORAGES = {
        **settings.STORAGES,
        "audit_checkpoints": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    chain = _events(world)
    name = checkpoint_write()
    assert checkpoint_names() == [name]
    assert audit_verify_all().checkpoints == 1
    _as_owner("DELETE FROM core_auditevent WHERE chain = %s", [chain])
    _as_owner("DELETE FROM core_auditchainhead WHERE chain = %s", [chain])
    assert audit_verify_all().problems == [
        f"chain {chain}: the chain was deleted: checkpoint {name} recorded 3 events"
    ]


def test_the_checkpoint_command_and_its_public_key(world, capsys):
    _events(world, 1)
    call_command("audit_checkpoint")
    assert "Checkpoint written: audit-checkpoint-" in capsys.readouterr().out
    call_command("audit_checkpoint", "--public-key")
    public = capsys.readouterr().out.strip()
    assert len(base64.b64decode(public)) == 32
    call_command("audit_checkpoint", "--new-key")
    assert len(base64.b64decode(capsys.readouterr().out.strip())) == 32
    assert len(checkpoint_names()) == 1  # printing keys writes nothing


def test_the_nightly_jobs_are_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["audit-checkpoint"]["task"] == "core.tasks.audit_checkpoint_task"
    assert schedule["audit-verify"]["task"] == "core.tasks.audit_verify_task"
