"""Writing and verifying the audit trail.

Every state-changing service calls `audit_record` inside its own transaction, so the event commits or rolls
back with the change. Events of one body form a chain: each event's hash covers its content and the hash of
the event before it, so an edited or deleted row breaks every hash after it (`manage.py audit_verify`).

The hash is keyed: HMAC-SHA256 with `AUDIT_CHAIN_KEY`, a setting from the environment that is never stored in the
database, so someone who can write the database but does not hold the key cannot recompute the chain after an
edit. Each event names the key it was made with (`key_id`); `AUDIT_CHAIN_OLD_KEYS` keeps earlier keys verifiable
after a rotation. Deleting a whole chain with its head row, or cutting its tail, is found by comparing the chains
with the signed checkpoints kept outside the database (`core.audit_checkpoints`). A broken chain found by the
nightly verification sends the signal `chain_broken` (the reminders engine tells registry staff).

The trail reads as a history: each app declares, in `<app>/audit_actions.py` imported from its `ready()`, the
sentence each of its actions reads as (`declare_audit_actions({"bodies.body.approved": _("approved the
body")})`, shown after the person's name) and the kinds of record its events are about with their portal page
(`declare_audit_record("bodies.accreditation", url=...)`). `core.audit_history` turns events into that history.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise

from .context import current_client_ip, current_request_id
from .models import REGISTRY_CHAIN, AuditChainHead, AuditEvent
from .registry import Registry


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, set | frozenset | tuple):
        return sorted(str(v) for v in value)
    return str(value)


def to_jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Normalises values (dates, UUIDs, files, model instances) to what JSON stores."""
    return json.loads(json.dumps(data, default=_json_default, sort_keys=True))


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance, for before/after values. Many-to-many fields list their keys."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(pk) for pk in getattr(instance, name).values_list("pk", flat=True))
        elif field.is_relation:
            values[name] = getattr(instance, getattr(field, "attname", name))
        else:
            values[name] = getattr(instance, name)
    return to_jsonable(values)


#: the hash before a chain's first event
GENESIS_HASH = "0" * 64


def chain_key_id(key: str) -> str:
    """The short id events record of the key they were hashed with: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def current_chain_key() -> tuple[str, bytes]:
    """(id, key) of the key new events are hashed with: `AUDIT_CHAIN_KEY`, named by `AUDIT_CHAIN_KEY_ID` or its
    derived id."""
    key: str = settings.AUDIT_CHAIN_KEY
    return (settings.AUDIT_CHAIN_KEY_ID or chain_key_id(key)), key.encode()


def chain_keys() -> dict[str, bytes]:
    """Every key verification may use, by id: the earlier ones (`AUDIT_CHAIN_OLD_KEYS`) and the current one."""
    keys = {key_id: key.encode() for key_id, key in settings.AUDIT_CHAIN_OLD_KEYS.items()}
    key_id, key = current_chain_key()
    keys[key_id] = key
    return keys


def event_payload(event: AuditEvent) -> bytes:
    """The canonical bytes the hash covers: every recorded field, the predecessor's hash and the key's id."""
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
        "clientIp": event.client_ip or None,
        "createdAt": event.created_at.isoformat(),
        "prevHash": event.prev_hash,
        "keyId": event.key_id,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_json_default).encode()


def event_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the event with `key`, by default the key its `key_id` names (KeyError when unknown)."""
    if key is None:
        key = chain_keys()[event.key_id]
    return hmac.new(key, event_payload(event), hashlib.sha256).hexdigest()


#: the kernel's own mechanisms (object grants) record events about any app's records under "core."
KERNEL_NAMESPACE = "core"


def audit_namespaces(obj: models.Model) -> set[str]:
    """The namespaces an event about `obj` may be recorded in: its app's label, the kernel's, and the one the
    record names for itself (`audit_namespace`, e.g. an import batch is recorded by its kind's capability)."""
    allowed = {obj._meta.app_label, KERNEL_NAMESPACE}
    own = getattr(obj, "audit_namespace", None)
    if isinstance(own, str) and own:
        allowed.add(own)
    return allowed


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    body: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends one event to the body's chain (or the registry's). Must run inside the caller's transaction.

    The action code lives in the recorded object's app namespace (`bodies.membership.roles_changed` for a
    bodies Membership): see `audit_namespaces`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records.")
    namespace = action.split(".", 1)[0]
    allowed = audit_namespaces(obj)
    if namespace not in allowed:
        raise ValueError(
            f"The audit action {action!r} is outside the namespace of the {obj._meta.label} it records "
            f"(it must start with {' or '.join(repr(f'{n}.') for n in sorted(allowed))})."
        )
    chain = str(body.pk) if body is not None else REGISTRY_CHAIN
    AuditChainHead.objects.get_or_create(chain=chain)
    head = AuditChainHead.objects.select_for_update().get(chain=chain)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    key_id, key = current_chain_key()
    event = AuditEvent(
        chain=chain,
        sequence=head.sequence + 1,
        body=body,
        actor=actor_obj,
        actor_label=(actor_obj.email if actor_obj else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        # a model may name itself by a public id (an API token's pk embeds its key's hash)
        object_id=str(getattr(obj, "audit_object_id", None) or obj.pk),
        object_repr=str(obj)[:300],
        before=to_jsonable(before or {}),
        after=to_jsonable(after or {}),
        request_id=current_request_id(),
        client_ip=current_client_ip(),
        created_at=timezone.now(),
        prev_hash=head.last_hash,
        key_id=key_id,
    )
    event.hash = event_hash(event, key)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(chain=chain).update(sequence=event.sequence, last_hash=event.hash)
    return event


def audit_changes(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    body: Any = None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> set[str]:
    """Records what an update changed, given `snapshot`s taken before and after it: only the fields whose
    value differs, and no event at all when none does. Returns the changed fields' names."""
    changed = {name for name in after if after[name] != before.get(name)}
    if changed:
        audit_record(
            actor=actor,
            action=action,
            obj=obj,
            body=body,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return changed


# --- what the actions and records are called ---------------------------------------------------------------


@dataclass(frozen=True)
class AuditAction:
    """How one action reads in the history: a sentence after the person's name ("approved the body")."""

    code: str
    label: str | Promise


@dataclass(frozen=True)
class AuditRecordKind:
    """A kind of record the trail is about (a model's `app_label.model_name`) and, when it has one, its portal
    page (`url(record)`; a model's own `get_absolute_url` is used when it has one and no `url` is given), and
    the choices of values no model field names (`{"roles": Role.choices}` for a list of role codes)."""

    model: str
    url: Callable[[Any], str] | None = None
    choices: Mapping[str, Any] = field(default_factory=dict)


audit_actions: Registry[AuditAction] = Registry("audit action", key=lambda action: action.code)
audit_record_kinds: Registry[AuditRecordKind] = Registry("audit record kind", key=lambda kind: kind.model)


def declare_audit_actions(labels: Mapping[str, str | Promise]) -> None:
    """Declares the sentence of each action code (from `<app>/audit_actions.py`)."""
    for code, label in labels.items():
        audit_actions.register(AuditAction(code=code, label=label))


def declare_audit_record(
    model: str, *, url: Callable[[Any], str] | None = None, choices: Mapping[str, Any] | None = None
) -> None:
    """Declares a kind of record the trail names (`"bodies.accreditation"`), its portal page and the labels of
    recorded values its fields do not know (`choices={"roles": Role.choices}`)."""
    audit_record_kinds.register(AuditRecordKind(model=model, url=url, choices=dict(choices or {})))


def audit_action_label(code: str) -> str:
    """The action's sentence in the active language; the code itself when nobody declared one."""
    action = audit_actions.find(code)
    return str(action.label) if action else code


# --- verifying the chains ---------------------------------------------------------------------------------

#: sent when a verification of the whole trail (the nightly task) finds a problem; `report` is the
#: `TrailReport`, `problems` its lines. The reminders engine tells registry staff (`reminders/audit_alerts.py`).
chain_broken = Signal()


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    ok: bool
    problem: str = ""
    #: the sequence number of the first event that does not hold (a missing one counts), None when ok
    broken_at: int | None = None


def audit_verify_chain(
    chain: str,
    *,
    expected: Mapping[int, Iterable[tuple[str, str]]] | None = None,
    keys: Mapping[str, bytes] | None = None,
) -> ChainReport:
    """Recomputes a chain from its first event with the chain keys; names the first event that does not hold.

    `expected` is what signed checkpoints recorded of this chain (sequence → [(hash, checkpoint name)]): the
    event at each such sequence must exist with that hash. Rows are streamed, so memory stays constant.
    """
    keys = chain_keys() if keys is None else keys
    expected = expected or {}
    # the head first: events appended while the chain is read lie beyond it and are verified like the others
    head = AuditChainHead.objects.filter(chain=chain).first()
    prev = GENESIS_HASH
    head_hash = GENESIS_HASH
    count = 0
    rows = AuditEvent.objects.filter(chain=chain).order_by("sequence").iterator(chunk_size=2000)
    for event in rows:
        count += 1
        number = event.sequence
        if number != count:
            return ChainReport(chain, count, False, f"sequence {count} is missing", count)
        if event.prev_hash != prev:
            return ChainReport(
                chain, count, False, f"event {number} does not link to its predecessor", number
            )
        key = keys.get(event.key_id)
        if key is None:
            problem = (
                f"event {number} names no key (it was not re-hashed when the chain was keyed)"
                if not event.key_id
                else f"event {number} was hashed with a key that is not configured ({event.key_id})"
            )
            return ChainReport(chain, count, False, problem, number)
        if not hmac.compare_digest(event_hash(event, key), event.hash):
            return ChainReport(chain, count, False, f"event {number} was altered", number)
        for recorded, checkpoint in expected.get(number, ()):
            if recorded != event.hash:
                return ChainReport(
                    chain, count, False, f"event {number} differs from checkpoint {checkpoint}", number
                )
        if head is not None and number == head.sequence:
            head_hash = event.hash
        prev = event.hash
    beyond = [(number, name) for number, seen in expected.items() if number > count for _hash, name in seen]
    if beyond:
        number, checkpoint = max(beyond)
        problem = (
            f"the chain was deleted: checkpoint {checkpoint} recorded {number} events"
            if count == 0
            else f"the chain ends at event {count} but checkpoint {checkpoint} recorded event {number}"
        )
        return ChainReport(chain, count, False, problem, count + 1)
    if head is None:
        if count:
            return ChainReport(chain, count, False, "the chain's head row is missing", count + 1)
    elif count < head.sequence:
        return ChainReport(chain, count, False, "the chain was truncated after its last event", count + 1)
    elif head_hash != head.last_hash:
        return ChainReport(
            chain, count, False, f"the head does not match event {head.sequence}", head.sequence
        )
    return ChainReport(chain, count, True)


@dataclass(frozen=True)
class TrailReport:
    """The verification of every chain, against every readable checkpoint."""

    chains: list[ChainReport]
    #: checkpoints whose signature or content does not hold
    checkpoint_problems: list[str] = field(default_factory=list)
    #: how many checkpoints were read and trusted
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.checkpoint_problems and all(report.ok for report in self.chains)

    @property
    def problems(self) -> list[str]:
        lines = [f"chain {report.chain}: {report.problem}" for report in self.chains if not report.ok]
        return lines + list(self.checkpoint_problems)


def audit_chains() -> list[str]:
    """Every chain the database knows of, by its head row or by its events."""
    heads = set(AuditChainHead.objects.values_list("chain", flat=True))
    events = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    return sorted(heads | events)


def audit_verify_all(*, checkpoints: bool = True) -> TrailReport:
    """Verifies every chain, and (unless `checkpoints` is False) every chain a signed checkpoint recorded: a
    chain deleted with its head, or cut short, is reported; a checkpoint that is not validly signed too."""
    from .audit_checkpoints import checkpoint_expectations

    keys = chain_keys()
    reading = checkpoint_expectations() if checkpoints else None
    expected = reading.expected if reading else {}
    chains = sorted(set(audit_chains()) | set(expected))
    reports = [audit_verify_chain(chain, expected=expected.get(chain), keys=keys) for chain in chains]
    return TrailReport(
        chains=reports,
        checkpoint_problems=reading.problems if reading else [],
        checkpoints=reading.count if reading else 0,
    )
