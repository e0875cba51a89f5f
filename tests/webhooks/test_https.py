"""An https receiver: the connection goes to the checked address while TLS verifies the URL's host name (SNI and
certificate), so pinning the address does not weaken certificate checks."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction

from webhooks.models import WebhookDelivery
from webhooks.services import emit, webhook_delivery_send, webhook_subscription_create

from .conftest import EVENT, Receiver, _handler


def _certificate(tmp_path: Path, names: list[str]) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate it signed for `names`: (ca.pem, cert.pem, key.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = (tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def _tls_receiver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> Receiver:
    """The test receiver behind TLS, its certificate for `names` from a CA the sender is told to trust."""
    ca, cert, key = _certificate(tmp_path, names)
    monkeypatch.setattr("webhooks.transport.certifi.where", lambda: str(ca))
    ref: list[Receiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ref))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    ref.append(Receiver(server=server))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return ref[0]


def _deliver_to(world, url: str, receiver: Receiver) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    _subscription, receiver.secret = webhook_subscription_create(
        body=world.a.body, actor=world.a.admin, url=url, events=[EVENT]
    )
    with transaction.atomic():
        event = emit(body=world.a.body, event=EVENT, payload={"n": 1})
    delivery = WebhookDelivery.objects.get(event=event)
    webhook_delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_https_to_the_checked_address_verifies_the_host_name(world, tmp_path, monkeypatch):
    # given a receiver on 127.0.0.1 whose certificate names localhost
    receiver = _tls_receiver(tmp_path, monkeypatch, ["localhost"])
    port = receiver.server.server_address[1]
    try:
        # when an event goes to https://localhost:<port>/ (resolved, checked, then connected to by address)
        delivery = _deliver_to(world, f"https://localhost:{port}/hooks/icr", receiver)
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()

    # then TLS verified the name and the receiver accepted the signature
    assert (delivery.status, delivery.last_response_code) == ("delivered", 202), delivery.last_error
    headers = {k.lower(): v for k, v in receiver.received[0].headers.items()}
    assert headers["host"] == f"localhost:{port}"
    assert [r.signature_ok for r in receiver.received] == [True]


def test_a_certificate_for_another_name_fails_the_attempt(world, tmp_path, monkeypatch):
    receiver = _tls_receiver(tmp_path, monkeypatch, ["other.example"])
    try:
        delivery = _deliver_to(
            world, f"https://localhost:{receiver.server.server_address[1]}/hooks", receiver
        )
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()

    assert (delivery.status, delivery.last_response_code) == ("failed", None)
    assert "doesn't match 'other.example'" in delivery.last_error
    assert receiver.received == []
