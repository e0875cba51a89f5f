"""The shared secret of a subscription (kept encrypted at rest) and the ICR signature scheme.

A delivery is an HTTP POST whose JSON body carries `event`, `id`, `createdAt` and `signedData` — the base64 of
the payload document — signed in the header `x-icr-signature-256: sha256=<hex HMAC-SHA256 of signedData with
the shared secret>` (the HMAC of the base64 string's bytes, exactly as sent). The receiver recomputes the HMAC,
compares in constant time and answers 202, or 403 on a bad signature (DOMAIN.md, "ICR registry conventions").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

SIGNATURE_HEADER = "x-icr-signature-256"
EVENT_ID_HEADER = "x-icr-event-id"
SECRET_PREFIX = "whsec_"  # noqa: S105  (the prefix of every secret, not a secret)


def secret_generate() -> str:
    """A new shared secret: 32 random bytes, URL-safe, with a prefix that says what it is."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@cache
def _fernet(key_material: str) -> Fernet:
    """The encryption key is derived (HKDF-SHA256) from WEBHOOK_SECRET_KEY, which defaults to SECRET_KEY: one
    secret to keep, and a database dump alone does not reveal the subscriptions' secrets."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"icr-webhooks", info=b"subscription-secret"
    ).derive(key_material.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _key_material() -> str:
    return str(getattr(settings, "WEBHOOK_SECRET_KEY", "") or settings.SECRET_KEY)


def secret_encrypt(secret: str) -> str:
    return _fernet(_key_material()).encrypt(secret.encode()).decode("ascii")


def secret_decrypt(token: str) -> str:
    """The stored secret in clear, for signing; raises `cryptography.fernet.InvalidToken` when the key changed."""
    return _fernet(_key_material()).decrypt(token.encode("ascii")).decode()


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as the ICR registry writes its timestamps."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def payload_document(*, event_id: str, event: str, created_at: datetime, data: Any) -> dict[str, Any]:
    """What `signedData` carries: the event's id, code and time (so a receiver trusts them only once the
    signature holds) and the capability's payload under `data`."""
    return {"id": event_id, "event": event, "createdAt": iso_utc(created_at), "data": data}


def signed_data(document: dict[str, Any]) -> str:
    """The base64 of the document's compact JSON (UTF-8, keys sorted so a resend signs the same bytes)."""
    raw = json.dumps(
        document, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True, ensure_ascii=False
    )
    return base64.b64encode(raw.encode()).decode("ascii")


def signature(data: str, secret: str) -> str:
    """The header's value: `sha256=` and the hex HMAC-SHA256 of the base64 string's bytes with the secret."""
    digest = hmac.new(secret.encode(), data.encode("ascii"), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_valid(data: str, header: str, secret: str) -> bool:
    """A receiver's check, in constant time (what docs/webhooks.md shows an integrator)."""
    return hmac.compare_digest(signature(data, secret).encode(), (header or "").encode())


def delivery_body(*, event_id: str, event: str, created_at: datetime, data: Any) -> tuple[bytes, str]:
    """The POST body (compact JSON) and its `signedData`, for one event."""
    document = payload_document(event_id=event_id, event=event, created_at=created_at, data=data)
    encoded = signed_data(document)
    body = {"event": event, "id": event_id, "createdAt": document["createdAt"], "signedData": encoded}
    return json.dumps(body, separators=(",", ":")).encode(), encoded
