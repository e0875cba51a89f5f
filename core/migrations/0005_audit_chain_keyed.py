"""The audit chain becomes keyed and the database refuses TRUNCATE of the trail (issue 11).

1. Events gain `client_ip` (covered by the hash) and `key_id` (which chain key made the hash).
2. Every existing chain is re-hashed once with HMAC-SHA256 under `AUDIT_CHAIN_KEY` (settings are loaded at
   `migrate` time). Only a chain that still verifies with the former unkeyed SHA-256 is re-hashed: re-hashing a
   broken chain would launder the damage, so such a chain is left exactly as it was (its events name no key) and
   `audit_verify` keeps reporting it. Why re-hash rather than accept unkeyed hashes for old events: the unkeyed
   history could be rewritten by anyone who could write the database, so accepting it forever would keep that
   hole open for the oldest events, while re-hashing an intact chain makes it as strong as a new one. The
   append-only trigger is switched off inside this migration only (its transaction) and on again at its end.
3. On PostgreSQL, statement triggers refuse TRUNCATE of the events and of the chain heads (also as part of a
   TRUNCATE ... CASCADE of another table), and a row trigger refuses DELETE of a chain head. A database owner can
   still drop the triggers: that is what the key and the signed checkpoints outside the database are for.

The hash functions are copied here, frozen as they were when this migration was written.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64
BATCH = 1000


def _payload(event, *, keyed):
    payload = {
        "id": str(event.id),
        "chain": event.chain,
        "sequence": event.sequence,
        "body": str(event.body_id) if event.body_id else None,
        "actor": str(event.actor_id) if event.actor_id else None,
        "actorLabel": event.actor_label,
        "action": event.action,
        "objectType": event.object_type,
        "objectId": event.object_id,
        "objectRepr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "requestId": event.request_id,
        "createdAt": event.created_at.isoformat(),
        "prevHash": event.prev_hash,
    }
    if keyed:
        payload["clientIp"] = event.client_ip or None
        payload["keyId"] = event.key_id
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def _unkeyed_hash(event):
    return hashlib.sha256(_payload(event, keyed=False)).hexdigest()


def _intact(events, head):
    prev, count = GENESIS, 0
    for event in events:
        count += 1
        if event.sequence != count or event.prev_hash != prev or _unkeyed_hash(event) != event.hash:
            return False
        prev = event.hash
    return head is None or (head.sequence == count and head.last_hash == prev)


def rehash(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    events = AuditEvent.objects.using(db)
    if not events.exists():
        return
    key = settings.AUDIT_CHAIN_KEY
    key_id = settings.AUDIT_CHAIN_KEY_ID or hashlib.sha256(key.encode()).hexdigest()[:8]
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete")
    chains = sorted(set(events.order_by().values_list("chain", flat=True).distinct()))
    for chain in chains:
        rows = events.filter(chain=chain).order_by("sequence")
        head = AuditChainHead.objects.using(db).filter(chain=chain).first()
        if not _intact(rows.iterator(chunk_size=BATCH), head):
            print(f"\n  audit chain {chain} does not verify: left unkeyed, audit_verify reports it")
            continue
        prev, batch, count = GENESIS, [], 0
        for event in rows.iterator(chunk_size=BATCH):
            count += 1
            event.prev_hash = prev
            event.key_id = key_id
            event.hash = hmac.new(key.encode(), _payload(event, keyed=True), hashlib.sha256).hexdigest()
            prev = event.hash
            batch.append(event)
            if len(batch) >= BATCH:
                events.bulk_update(batch, ["prev_hash", "key_id", "hash"])
                batch = []
        if batch:
            events.bulk_update(batch, ["prev_hash", "key_id", "hash"])
        AuditChainHead.objects.using(db).update_or_create(
            chain=chain, defaults={"sequence": count, "last_hash": prev}
        )
    if postgres:
        schema_editor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update_delete")


GUARDS = """
CREATE OR REPLACE FUNCTION core_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'the audit trail cannot be truncated (' || TG_TABLE_NAME || ')';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION core_auditchainhead_keep() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit chain heads are never deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
CREATE TRIGGER core_auditchainhead_no_truncate
    BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();
CREATE TRIGGER core_auditchainhead_no_delete
    BEFORE DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_keep();
"""
GUARDS_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditchainhead_no_delete ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditchainhead_keep();
DROP FUNCTION IF EXISTS core_audit_refuse_truncate();
"""


def guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS)


def guards_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain_labels")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="client_ip",
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(rehash, migrations.RunPython.noop),
        migrations.RunPython(guards, guards_backward),
    ]
