"""Certificate (per version), statement and decision-record PDFs: rendered by the documents engine with the
body's branding and a QR code to the public verification page; current while they tell the truth; checkable by
the documents hash check; asked for from the portal with `{% certification_pdfs obj %}`."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
import segno
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from bodies.models.tenants import Membership, Role
from certification.documents import (
    CERTIFICATE_PDF,
    DECISION_PDF,
    STATEMENT_PDF,
    certificate_pdf_is_current,
    public_verify_url,
)
from certification.models import CertificateVersion, Decision, StatementQuantity
from core.dates import today_in
from documents.models import Document
from documents.registry import get_kind
from documents.rendering import document_html
from documents.services import document_render, document_request, document_verify
from tests.factories import CertificateFactory, MembershipFactory, StatementFactory

pytestmark = pytest.mark.django_db


def _decision(certificate, kind="grant", **fields):  # type: ignore[no-untyped-def]
    maker = MembershipFactory(body=certificate.body, roles=[Role.DECISION_MAKER])
    return Decision.objects.create(
        body=certificate.body,
        kind=kind,
        engagement=certificate.engagement,
        certificate=certificate,
        rationale=fields.pop("rationale", "All requirements met; no open nonconformity."),
        decided_on=certificate.issued_on,
        decided_by=maker,
        **fields,
    )


def _version(certificate, number=1):  # type: ignore[no-untyped-def]
    return CertificateVersion.objects.create(
        body=certificate.body,
        certificate=certificate,
        version=number,
        decision=_decision(certificate),
        status=certificate.status,
        scope=certificate.scope,
        sites=[{"name": "Reykjavík works", "address": "Smiðjuvegur 1, 200 Kópavogur"}],
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        cycle=certificate.cycle,
    )


def _rendered(kind, subject):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        document = document_request(kind=kind, subject=subject, body=subject.body, actor=None)
    return document_render(document_id=document.pk)


# --- the certificate ---


def test_a_certificate_version_renders_with_its_facts_and_the_qr_code_to_the_public_page(settings):
    settings.SITE_URL = "https://conformity.example"
    certificate = CertificateFactory(number="IS-9001-0042")
    version = _version(certificate)
    document = _rendered(CERTIFICATE_PDF, version)
    assert document.status == Document.Status.READY
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    html = document_html(document)
    url = f"https://conformity.example/verify/t/{certificate.token}/"
    assert public_verify_url(certificate.token) == url
    assert segno.make(url, error="m").svg_inline(scale=3, dark="#1d252c", omitsize=True) in html
    assert url in html
    for fact in (
        "IS-9001-0042",
        certificate.client.legal_name,
        certificate.standard.name,
        "Design and manufacture of precision parts",
        "Reykjavík works",
        "Smiðjuvegur 1, 200 Kópavogur",
        certificate.body.legal_name,
    ):
        assert fact in html, fact


def test_a_certificate_copy_is_current_only_while_its_version_is_latest_and_it_certifies():
    certificate = CertificateFactory()
    first = _version(certificate)
    document = _rendered(CERTIFICATE_PDF, first)
    assert certificate_pdf_is_current(document) is True
    # a newer version replaces it
    certificate.version = 2
    certificate.save(update_fields=["version"])
    assert certificate_pdf_is_current(document) is False
    # back on the latest version, but suspended
    certificate.version = 1
    certificate.status = "suspended"
    certificate.suspended_on = today_in(certificate.body.time_zone)
    certificate.save(update_fields=["version", "status", "suspended_on"])
    assert certificate_pdf_is_current(document) is False


def test_a_certificate_copy_is_not_current_the_day_after_expiry_even_before_the_sweep():
    certificate = CertificateFactory()
    today = today_in(certificate.body.time_zone)
    certificate.expires_on = today
    certificate.save(update_fields=["expires_on"])
    document = _rendered(CERTIFICATE_PDF, _version(certificate))
    assert certificate_pdf_is_current(document) is True
    certificate.expires_on = today - timedelta(days=1)
    certificate.save(update_fields=["expires_on"])
    assert certificate_pdf_is_current(document) is False


def test_the_documents_hash_check_answers_for_a_certificate_pdf():
    certificate = CertificateFactory()
    document = _rendered(CERTIFICATE_PDF, _version(certificate))
    with document.file.open("rb") as handle:
        content = handle.read()
    genuine = document_verify(content=content)
    assert (genuine.found, genuine.genuine, genuine.current) == (True, True, True)
    certificate.status = "withdrawn"
    certificate.save(update_fields=["status"])
    withdrawn = document_verify(sha256=document.sha256)
    assert (withdrawn.genuine, withdrawn.current) == (True, False)
    assert "no longer current" in withdrawn.reason
    assert document_verify(content=content + b"\n%tampered").found is False


def test_a_certificate_pdf_is_public_to_download_a_decision_record_is_not(world):
    certificate = CertificateFactory(engagement__body=world.a.body)
    pdf = _rendered(CERTIFICATE_PDF, _version(certificate))
    record = _rendered(DECISION_PDF, certificate.decisions.get())
    anonymous = APIClient()
    assert anonymous.get(reverse("documents:download", args=[pdf.pk])).status_code == 200
    assert anonymous.get(reverse("documents:download", args=[record.pk])).status_code == 404
    anonymous.force_login(world.a.member)
    assert anonymous.get(reverse("documents:download", args=[record.pk])).status_code == 200
    anonymous.force_login(world.b.admin)
    assert anonymous.get(reverse("documents:download", args=[record.pk])).status_code == 404


# --- the statement and the decision record ---


def test_a_statement_renders_its_opinion_quantities_and_qr_and_is_current_while_issued():
    statement = StatementFactory(number="VS-7")
    StatementQuantity.objects.create(
        body=statement.body, statement=statement, vintage=2025, reductions=Decimal("1500.250")
    )
    document = _rendered(STATEMENT_PDF, statement)
    html = document_html(document)
    assert "Verification statement" in html
    assert "Positive opinion" in html
    assert "1500.250" in html
    assert statement.engagement.project.name in html
    assert public_verify_url(statement.token) in html
    assert "<svg" in html
    kind = get_kind(STATEMENT_PDF)
    assert kind.is_current(document) is True
    statement.status = "withdrawn"
    statement.save(update_fields=["status"])
    assert kind.is_current(document) is False


def test_a_decision_record_names_the_decision_its_maker_and_rationale():
    certificate = CertificateFactory(number="D-1")
    decision = _decision(certificate, kind="suspend", rationale="Surveillance refused by the client.")
    html = document_html(_rendered(DECISION_PDF, decision))
    assert "Suspend" in html
    assert "Surveillance refused by the client." in html
    assert decision.decided_by.user.full_name in html
    assert "D-1" in html
    assert get_kind(DECISION_PDF).public is False


# --- who may ask, the portal button and the request view ---


def test_certificate_managers_and_decision_makers_may_ask_members_may_not(world):
    certificate = CertificateFactory(engagement__body=world.a.body)
    version = _version(certificate)
    maker = MembershipFactory(body=world.a.body, roles=[Role.DECISION_MAKER]).user
    kind = get_kind(CERTIFICATE_PDF)
    assert kind.can_request(world.a.admin, version) is True
    assert kind.can_request(maker, version) is True
    assert kind.can_request(world.a.member, version) is False
    assert kind.can_request(world.b.admin, version) is False


def _tag(user, obj):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load certification_documents %}{% certification_pdfs obj %}").render(
        Context({"request": request, "obj": obj, "csrf_token": "t"})
    )


def test_the_tag_shows_the_button_to_who_may_ask_and_the_latest_document_to_readers(world):
    certificate = CertificateFactory(engagement__body=world.a.body)
    version = _version(certificate)
    button = reverse("certification:pdf-request", args=["certificate", version.pk])
    assert button in _tag(world.a.admin, certificate)
    assert _tag(world.a.member, certificate).strip() == ""
    document = _rendered(CERTIFICATE_PDF, version)
    shown = _tag(world.a.member, certificate)
    assert button not in shown
    assert reverse("documents:download", args=[document.pk]) in shown


def test_the_request_view_asks_for_the_pdf_for_the_active_bodys_record_only(world, login):
    certificate = CertificateFactory(engagement__body=world.a.body)
    version = _version(certificate)
    url = reverse("certification:pdf-request", args=["certificate", version.pk])
    assert login(world.a.member).post(url).status_code == 403
    assert login(world.b.admin).post(url).status_code == 404
    assert Document.objects.count() == 0
    response = login(world.a.admin).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    (document,) = Document.objects.all()
    assert (document.kind, document.subject_id, document.requested_by) == (
        CERTIFICATE_PDF,
        str(version.pk),
        world.a.admin,
    )
    assert (
        login(world.a.admin)
        .post(reverse("certification:pdf-request", args=["nonsense", version.pk]))
        .status_code
        == 404
    )


def test_a_member_of_two_bodies_asks_only_in_the_active_one(world, login):
    certificate = CertificateFactory(engagement__body=world.b.body)
    version = _version(certificate)
    Membership.objects.create(user=world.a.admin, body=world.b.body, roles=[Role.BODY_ADMIN])
    url = reverse("certification:pdf-request", args=["certificate", version.pk])
    assert login(world.a.admin).post(url).status_code == 404  # the active body is A


def test_the_certificate_and_version_pages_carry_the_pdf_button(world, login):
    certificate = CertificateFactory(engagement__body=world.a.body)
    version = _version(certificate)
    button = reverse("certification:pdf-request", args=["certificate", version.pk])
    client = login(world.a.admin)
    detail = client.get(reverse("certification:certificate-detail", args=[certificate.pk]))
    assert detail.status_code == 200 and button in detail.content.decode()
    page = client.get(reverse("certification:certificate-version", args=[certificate.pk, 1]))
    assert page.status_code == 200 and button in page.content.decode()
    assert (
        button
        not in login(world.a.member)
        .get(reverse("certification:certificate-detail", args=[certificate.pk]))
        .content.decode()
    )


def test_without_htmx_the_request_goes_back_to_the_page_on_this_site_only(world, login):
    certificate = CertificateFactory(engagement__body=world.a.body)
    version = _version(certificate)
    url = reverse("certification:pdf-request", args=["certificate", version.pk])
    page = reverse("certification:certificate-detail", args=[certificate.pk])
    client = login(world.a.admin)
    back = client.post(url, HTTP_REFERER=f"http://testserver{page}")
    elsewhere = client.post(url, HTTP_REFERER="https://evil.example/phish")
    assert (back.status_code, back["Location"]) == (302, f"http://testserver{page}")
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, reverse("core:dashboard"))
    assert Document.objects.filter(kind=CERTIFICATE_PDF).count() == 2
