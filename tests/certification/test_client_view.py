"""The client view of certificates and statements: a client's users read their own client's certificates (status
as of today), one certificate, the current version's PDF, and their statements; nobody else does (404 for other
clients, for the body's own people, for another body)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bodies.models.tenants import Role
from certification.documents import CERTIFICATE_PDF, STATEMENT_PDF
from certification.models import CertificateVersion, Decision
from core.dates import today_in
from documents.services import document_render, document_request
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    ClientUserFactory,
    MembershipFactory,
    SiteFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _version(certificate, number=None):  # type: ignore[no-untyped-def]
    decision = Decision.objects.create(
        body=certificate.body,
        kind="grant",
        engagement=certificate.engagement,
        certificate=certificate,
        rationale="Granted.",
        decided_on=certificate.issued_on,
        decided_by=MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER]),
    )
    return CertificateVersion.objects.create(
        body=certificate.body,
        certificate=certificate,
        version=number or certificate.version,
        decision=decision,
        status=certificate.status,
        scope=certificate.scope,
        sites=[],
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        cycle=certificate.cycle,
    )


def _render(kind, subject):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        document = document_request(kind=kind, subject=subject, body=subject.body, actor=None)
    return document_render(document_id=document.pk)


def _certificate_of(client_user, **kwargs):  # type: ignore[no-untyped-def]
    client = client_user.client
    return CertificateFactory(engagement__body=client.body, engagement__client=client, **kwargs)


def test_a_client_user_lists_their_clients_certificates_and_statements(client_user, login):
    valid = _certificate_of(client_user, number="MINE-1")
    expired = _certificate_of(
        client_user,
        number="MINE-2",
        expires_on=today_in(client_user.client.body.time_zone) - timedelta(days=1),
    )
    statement = StatementFactory(
        engagement__body=client_user.client.body, engagement__client=client_user.client, number="VS-MINE"
    )
    other = CertificateFactory(engagement__body=client_user.client.body, number="THEIRS-1")
    page = login(client_user.user).get(
        reverse("certification:client-certificates", args=[client_user.client.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("certification:client-certificate", args=[valid.pk]) in html
    assert reverse("certification:client-certificate", args=[expired.pk]) in html
    assert reverse("certification:client-statement", args=[statement.pk]) in html
    assert "THEIRS-1" not in html and str(other.pk) not in html
    assert html.index("MINE-2") < html.index("Expired")  # read as of today, before the sweep
    assert reverse("certification:client-certificates", args=[client_user.client.pk]) in html  # the nav entry


def test_one_certificate_shows_its_facts_and_the_current_versions_pdf(client_user, login):
    certificate = _certificate_of(client_user, number="PDF-1")
    certificate.sites.add(SiteFactory(client=client_user.client, name="North works", address="Secret road 9"))
    old = _version(certificate, number=1)
    _render(CERTIFICATE_PDF, old)
    client = login(client_user.user)
    detail = reverse("certification:client-certificate", args=[certificate.pk])
    download = reverse("certification:client-certificate-pdf", args=[certificate.pk])
    html = client.get(detail).content.decode()
    assert "North works, Iceland" in html and "Secret road 9" not in html
    assert reverse("verify:token", args=[certificate.token]) in html
    assert download in html
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # a new version without its PDF yet: nothing to download (never the old version's)
    certificate.version = 2
    certificate.save(update_fields=["version"])
    _version(certificate, number=2)
    assert download not in client.get(detail).content.decode()
    assert client.get(download).status_code == 404


def test_a_statement_and_its_pdf(client_user, login):
    statement = StatementFactory(
        engagement__body=client_user.client.body, engagement__client=client_user.client, number="VS-PDF"
    )
    client = login(client_user.user)
    download = reverse("certification:client-statement-pdf", args=[statement.pk])
    assert client.get(download).status_code == 404
    _render(STATEMENT_PDF, statement)
    assert (
        download
        in client.get(reverse("certification:client-statement", args=[statement.pk])).content.decode()
    )
    assert client.get(download).status_code == 200


def test_nobody_else_reads_them(world, client_user, login):
    certificate = _certificate_of(client_user)
    _render(CERTIFICATE_PDF, _version(certificate))
    statement = StatementFactory(engagement__body=world.a.body, engagement__client=client_user.client)
    urls = [
        reverse("certification:client-certificates", args=[client_user.client.pk]),
        reverse("certification:client-certificate", args=[certificate.pk]),
        reverse("certification:client-certificate-pdf", args=[certificate.pk]),
        reverse("certification:client-statement", args=[statement.pk]),
        reverse("certification:client-statement-pdf", args=[statement.pk]),
    ]
    other_client_user = ClientUserFactory(
        client=ClientFactory(body=world.a.body), user=UserFactory(email="other@client.example")
    )
    revoked = ClientUserFactory(client=client_user.client, user=UserFactory(email="gone@client.example"))
    revoked.status = "revoked"
    revoked.save(update_fields=["status"])
    for person in (
        world.a.admin,
        world.a.member,
        world.b.admin,
        world.staff,
        other_client_user.user,
        revoked.user,
    ):
        client = login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


def test_the_list_costs_the_same_queries_for_one_certificate_or_many(client_user, login):
    client = login(client_user.user)
    url = reverse("certification:client-certificates", args=[client_user.client.pk])
    _certificate_of(client_user)
    StatementFactory(engagement__body=client_user.client.body, engagement__client=client_user.client)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        _certificate_of(client_user)
        StatementFactory(engagement__body=client_user.client.body, engagement__client=client_user.client)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(one) == len(five)
