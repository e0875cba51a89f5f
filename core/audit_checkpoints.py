"""Signed checkpoints of the audit chains, kept outside the database.

A checkpoint is a small JSON document: every chain's id with its last sequence number and last hash, the time, and
an Ed25519 signature made with `AUDIT_CHECKPOINT_KEY` (a key separate from the chain key; a verifier needs only its
public key, which `manage.py audit_checkpoint --public-key` prints). `checkpoint_write` (the nightly task and
`manage.py audit_checkpoint`) writes one file per checkpoint to the storage alias `audit_checkpoints` — a
directory (`AUDIT_CHECKPOINT_DIR`) by default, written atomically (a temporary file renamed), which an operator
ships off the host; S3-compatible storage when the alias is pointed there.

Chains only grow and are never deleted, so every chain a checkpoint recorded must still exist with at least that
many events and the same hash at that sequence: `checkpoint_expectations` reads every checkpoint, checks its
signature, and gives `core.audit.audit_verify_all` what to compare. A chain deleted with its head row, or cut
short, is then found even though no row is left to disagree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone

from .models import AuditChainHead

#: the storage alias checkpoints are written to (STORAGES["audit_checkpoints"])
STORAGE_ALIAS = "audit_checkpoints"
FORMAT = "icr-audit-checkpoint/1"
PREFIX = "audit-checkpoint-"
SUFFIX = ".json"


class CheckpointInvalid(Exception):
    """A checkpoint file that cannot be trusted: unreadable, of another format, or not validly signed."""


def _decode_key(text: str, setting: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{setting} must be base64 of 32 bytes.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{setting} must be base64 of 32 bytes, not {len(raw)}.")
    return raw


def signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key checkpoints are signed with (`AUDIT_CHECKPOINT_KEY`: base64 of a 32-byte seed)."""
    return Ed25519PrivateKey.from_private_bytes(
        _decode_key(settings.AUDIT_CHECKPOINT_KEY, "AUDIT_CHECKPOINT_KEY")
    )


def public_key_text(public: Ed25519PublicKey) -> str:
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def public_key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:8]


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys a checkpoint may be signed with, by id: the signing key's and
    `AUDIT_CHECKPOINT_TRUSTED_KEYS` (earlier keys, or the only keys of a host that verifies and never signs)."""
    keys = [
        Ed25519PublicKey.from_public_bytes(_decode_key(text, "AUDIT_CHECKPOINT_TRUSTED_KEYS"))
        for text in settings.AUDIT_CHECKPOINT_TRUSTED_KEYS
    ]
    if settings.AUDIT_CHECKPOINT_KEY:
        keys.append(signing_key().public_key())
    return {public_key_id(key): key for key in keys}


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def checkpoint_document(*, now: datetime | None = None) -> dict[str, Any]:
    """The signed file's content: every chain's head (one query, one consistent snapshot) and the signature."""
    now = now or timezone.now()
    heads = AuditChainHead.objects.filter(sequence__gt=0).order_by("chain")
    key = signing_key()
    document = {
        "format": FORMAT,
        "createdAt": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "keyId": public_key_id(key.public_key()),
        "chains": [
            {"chain": chain, "sequence": sequence, "hash": last_hash}
            for chain, sequence, last_hash in heads.values_list("chain", "sequence", "last_hash")
        ],
    }
    signature = base64.b64encode(key.sign(_canonical(document))).decode()
    return {"checkpoint": document, "signature": signature}


def checkpoint_write(*, now: datetime | None = None) -> str:
    """Writes one checkpoint of every chain; returns its name in the storage."""
    now = now or timezone.now()
    name = f"{PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}{SUFFIX}"
    data = json.dumps(checkpoint_document(now=now), indent=1, sort_keys=True).encode()
    storage = _storage()
    if not isinstance(storage, FileSystemStorage):  # object storage: a put is atomic
        return storage.save(name, ContentFile(data))
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def checkpoint_names() -> list[str]:
    """The checkpoints in the storage, oldest first (their names sort by time); none when it does not exist."""
    try:
        _dirs, files = _storage().listdir("")
    except FileNotFoundError:
        return []
    return sorted(name for name in files if name.startswith(PREFIX) and name.endswith(SUFFIX))


@dataclass(frozen=True)
class Checkpoint:
    name: str
    created_at: str
    #: chain → (sequence, hash)
    chains: dict[str, tuple[int, str]]


def checkpoint_parse(name: str, raw: bytes, keys: dict[str, Ed25519PublicKey]) -> Checkpoint:
    """A checkpoint whose signature holds under one of `keys`; CheckpointInvalid naming what does not."""
    try:
        content = json.loads(raw)
        document = content["checkpoint"]
        signature = base64.b64decode(content["signature"], validate=True)
        if document.get("format") != FORMAT:
            raise CheckpointInvalid(f"checkpoint {name}: unknown format")
        key = keys.get(document.get("keyId", ""))
        if key is None:
            raise CheckpointInvalid(f"checkpoint {name}: signed by a key that is not trusted")
        key.verify(signature, _canonical(document))
        chains = {str(c["chain"]): (int(c["sequence"]), str(c["hash"])) for c in document["chains"]}
        return Checkpoint(name=name, created_at=str(document["createdAt"]), chains=chains)
    except CheckpointInvalid:
        raise
    except InvalidSignature as exc:
        raise CheckpointInvalid(
            f"checkpoint {name}: the signature does not hold (forged or altered)"
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise CheckpointInvalid(f"checkpoint {name}: unreadable") from exc


@dataclass
class CheckpointReading:
    """What the checkpoints say: chain → sequence → [(hash, checkpoint name)], and the files not trusted."""

    expected: dict[str, dict[int, list[tuple[str, str]]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    count: int = 0


def checkpoint_expectations() -> CheckpointReading:
    """Reads every checkpoint once; keeps one entry per distinct (chain, sequence, hash), so memory grows with
    the number of distinct heads recorded, not with the number of files."""
    reading = CheckpointReading()
    names = checkpoint_names()
    if not names:
        return reading
    keys = trusted_keys()
    storage = _storage()
    for name in names:
        try:
            with storage.open(name, "rb") as handle:
                checkpoint = checkpoint_parse(name, handle.read(), keys)
        except CheckpointInvalid as exc:
            reading.problems.append(str(exc))
            continue
        reading.count += 1
        for chain, (sequence, last_hash) in checkpoint.chains.items():
            seen = reading.expected.setdefault(chain, {}).setdefault(sequence, [])
            if all(recorded != last_hash for recorded, _name in seen):
                seen.append((last_hash, name))
    return reading
