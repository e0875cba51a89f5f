"""Public verification of certificates and statements: the page (`verify:home`, `verify:token`) and the API
(`/api/v1/public/verify/`), no login; only public facts, status as of today in the body's time zone, counted for
the body, rate-limited per client address."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from certification.models import Certificate, Statement, StatementQuantity, VerificationCount
from core.dates import today_in
from tests.factories import BodyFactory, CertificateFactory, SiteFactory, StatementFactory

pytestmark = pytest.mark.django_db

# 25 hours apart: the date in one is always a day after the date in the other
EAST, WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def _certificate(**kwargs):  # type: ignore[no-untyped-def]
    certificate = CertificateFactory(**kwargs)
    client = certificate.client
    client.notes = "Internal: payment overdue, handle with care"
    client.contact_email = "secret.contact@client.example"
    client.save(update_fields=["notes", "contact_email"])
    site = SiteFactory(
        client=client, name="Reykjavík works", country="IS", address="Hidden street 1", activities="Milling"
    )
    certificate.sites.add(site)
    return certificate


def _page(number: str, client: Client | None = None, **extra):  # type: ignore[no-untyped-def]
    return (client or Client()).get(reverse("verify:home"), {"number": number}, **extra)


# --- the page ---


def test_the_page_shows_a_valid_certificates_public_facts_and_nothing_internal():
    # given a valid certificate with a site, a client with notes and a contact
    certificate = _certificate(number="IS-QMS-0001")
    # when anyone looks its number up
    response = _page(" is-qms-0001 ")
    # then the public facts show
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="valid"' in html
    for fact in (
        "IS-QMS-0001",
        certificate.client.legal_name,
        "Design and manufacture of precision parts",
        "Reykjavík works, Iceland",
        certificate.standard.name,
        certificate.body.legal_name,
        reverse("verify:token", args=[certificate.token]),
        reverse("documents:verify"),
    ):
        assert fact in html, fact
    # and nothing the body keeps for itself
    for secret in (
        "payment overdue",
        "secret.contact@client.example",
        "Hidden street 1",
        "Milling",
        certificate.engagement.reference,
        str(certificate.pk),
    ):
        assert secret not in html, secret


def test_a_suspended_or_withdrawn_certificate_shows_so_at_once():
    CertificateFactory(number="S-1", status="suspended")
    CertificateFactory(number="W-1", status="withdrawn")
    suspended = _page("S-1").content.decode()
    withdrawn = _page("W-1").content.decode()
    assert 'data-status="suspended"' in suspended and "Suspended" in suspended
    assert "does not certify anything at present" in suspended
    assert 'data-status="withdrawn"' in withdrawn and "Withdrawn" in withdrawn


@pytest.mark.parametrize(
    ("zone", "expected"),
    [(WEST, "valid"), (EAST, "expired")],
)
def test_expiry_reads_as_of_today_in_the_bodys_time_zone_before_the_sweep(zone, expected):
    # given a certificate whose last valid day is today in the west, so already past in the east
    body = BodyFactory(time_zone=zone)
    last_day = today_in(WEST)
    CertificateFactory(
        engagement__body=body,
        number="TZ-1",
        cycle_started_on=last_day - timedelta(days=900),
        expires_on=last_day,
    )
    # when it is looked up (the expiry sweep has not run: the row says valid)
    html = _page("TZ-1").content.decode()
    # then it reads as the body's today says
    assert f'data-status="{expected}"' in html
    assert Certificate.objects.get(number="TZ-1").status == "valid"


def test_the_day_before_expiry_it_is_valid_and_the_day_after_expired():
    body = BodyFactory(time_zone="Atlantic/Reykjavik")
    today = today_in("Atlantic/Reykjavik")
    CertificateFactory(engagement__body=body, number="E-0", expires_on=today)
    CertificateFactory(engagement__body=body, number="E-1", expires_on=today - timedelta(days=1))
    assert 'data-status="valid"' in _page("E-0").content.decode()
    assert 'data-status="expired"' in _page("E-1").content.decode()


def test_a_number_issued_by_two_bodies_lists_both():
    first = CertificateFactory(number="SAME-1")
    second = CertificateFactory(number="SAME-1")
    html = _page("SAME-1").content.decode()
    assert html.count("verification-record") == 2
    assert first.body.legal_name in html and second.body.legal_name in html


def test_a_confidential_certificate_is_still_answered_by_number():
    CertificateFactory(number="CONF-1", confidential=True)
    assert 'data-status="valid"' in _page("CONF-1").content.decode()


def test_an_unknown_number_says_not_found_and_counts_nothing():
    CertificateFactory(number="REAL-1")
    response = _page("REAL-2")
    assert response.status_code == 200
    assert "verification-none" in response.content.decode()
    assert VerificationCount.objects.count() == 0


def test_a_too_long_number_is_a_400_with_the_field_message():
    response = _page("X" * 61)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


def test_the_qr_page_shows_the_record_and_an_unknown_token_is_404():
    certificate = CertificateFactory(number="QR-1")
    found = Client().get(reverse("verify:token", args=[certificate.token]))
    missing = Client().get(reverse("verify:token", args=["not-a-token"]))
    assert found.status_code == 200 and "QR-1" in found.content.decode()
    assert missing.status_code == 404 and "verification-none" in missing.content.decode()


def test_a_statement_shows_opinion_assurance_materiality_project_and_quantities():
    statement = StatementFactory(number="VS-2026-1")
    StatementQuantity.objects.create(
        body=statement.body, statement=statement, vintage=2025, reductions=Decimal("1200.500")
    )
    StatementQuantity.objects.create(
        body=statement.body, statement=statement, vintage=2024, removals=Decimal("30.000")
    )
    html = Client().get(reverse("verify:token", args=[statement.token])).content.decode()
    assert "Positive opinion" in html
    assert "Reasonable assurance" in html
    assert "5.00 %" in html
    assert statement.engagement.project.name in html
    assert html.index("<td>2024</td>") < html.index("<td>2025</td>")
    assert "1200.500" in html and "30.000" in html


def test_a_body_in_the_directory_is_linked_and_one_outside_is_not():
    listed = CertificateFactory(number="L-1")
    hidden = CertificateFactory(number="L-2", engagement__body=BodyFactory(status="withdrawn"))
    assert reverse("bodies:directory-detail", args=[listed.body.pk]) in _page("L-1").content.decode()
    assert reverse("bodies:directory-detail", args=[hidden.body.pk]) not in _page("L-2").content.decode()


def test_the_page_costs_the_same_queries_for_one_site_or_many():
    few = CertificateFactory(number="Q-1")
    many = CertificateFactory(number="Q-2")
    few.sites.add(SiteFactory(client=few.client))
    for _ in range(5):
        many.sites.add(SiteFactory(client=many.client))
    with CaptureQueriesContext(connection) as one:
        _page("Q-1")
    with CaptureQueriesContext(connection) as five:
        _page("Q-2")
    assert len(one) == len(five)


# --- counting ---


def test_each_verification_is_counted_for_the_body_and_the_record():
    certificate = CertificateFactory(number="C-1")
    statement = StatementFactory(number="C-1", engagement__body=certificate.body)
    _page("C-1")
    Client().get(reverse("verify:token", args=[certificate.token]))
    APIClient().get("/api/v1/public/verify/", {"number": "C-1"})
    certificate.refresh_from_db()
    statement.refresh_from_db()
    assert certificate.verification_count == 3
    assert statement.verification_count == 2
    day = today_in(certificate.body.time_zone)
    assert list(VerificationCount.objects.values_list("body_id", "day", "count")) == [
        (certificate.body.pk, day, 5)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_verifications_lose_no_count():
    certificate = CertificateFactory(number="RACE-1")
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def verify() -> None:
        try:
            barrier.wait(timeout=10)
            from certification.services.public import public_verify_number

            public_verify_number(number="RACE-1")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=verify) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Certificate.objects.get(pk=certificate.pk).verification_count == 6
    assert VerificationCount.objects.get(body=certificate.body).count == 6


# --- rate limit ---


def test_lookups_are_limited_per_address_page_and_api_together(settings):
    settings.PUBLIC_VERIFY_RATE = "3/min"
    CertificateFactory(number="RL-1")
    page = Client(REMOTE_ADDR="203.0.113.7")
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    assert _page("RL-1", page).status_code == 200
    assert api.get("/api/v1/public/verify/", {"number": "RL-1"}).status_code == 200
    assert page.get(reverse("verify:token", args=["whatever"])).status_code == 404
    # the fourth look-up from that address is refused on either face, whatever header it sends
    refused = _page("RL-1", page, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert refused.status_code == 429
    assert "Too many verifications" in refused.content.decode()
    assert int(refused["Retry-After"]) >= 1
    refused_api = api.get("/api/v1/public/verify/", {"number": "RL-1"}, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert refused_api.status_code == 429
    assert refused_api.json()["code"] == "throttled"
    # another address still may
    assert _page("RL-1", Client(REMOTE_ADDR="203.0.113.8")).status_code == 200
    # and the refused ones were not counted
    assert Certificate.objects.get(number="RL-1").verification_count == 3


# --- the API ---


def test_the_api_answers_a_certificates_public_facts_only():
    certificate = _certificate(number="API-1", confidential=True)
    response = APIClient().get("/api/v1/public/verify/", {"number": "API-1"})
    assert response.status_code == 200
    (record,) = response.json()["verifications"]
    assert set(record) == {
        "kind",
        "number",
        "status",
        "statusLabel",
        "certifies",
        "verifyUrl",
        "clientName",
        "body",
        "scope",
        "sites",
        "standard",
        "sector",
        "initialCertificationOn",
        "expiresOn",
        "statusSince",
        "gapFrom",
        "gapTo",
        "version",
        "cycle",
        "issuedOn",
    }
    assert record["kind"] == "certificate"
    assert record["status"] == "valid" and record["certifies"] is True
    assert record["sites"] == [{"name": "Reykjavík works", "country": "IS"}]
    assert record["standard"] == {"code": "iso-9001", "name": certificate.standard.name}
    assert record["body"] == {
        "name": certificate.body.legal_name,
        "publicUrl": f"http://testserver/bodies/directory/{certificate.body.pk}/",
    }
    assert record["verifyUrl"] == f"http://testserver/verify/t/{certificate.token}/"
    assert record["expiresOn"] == certificate.expires_on.isoformat()


def test_the_api_answers_a_statement_by_its_token():
    statement = StatementFactory(number="VS-1")
    StatementQuantity.objects.create(
        body=statement.body, statement=statement, vintage=2025, reductions=Decimal("10.000")
    )
    response = APIClient().get(f"/api/v1/public/verify/{statement.token}/")
    assert response.status_code == 200
    record = response.json()["verification"]
    assert record["kind"] == "statement"
    assert record["opinion"] == "positive_opinion"
    assert record["opinionLabel"] == "Positive opinion"
    assert record["levelOfAssurance"] == "reasonable"
    assert record["materialityPercent"] == "5.00"
    assert record["quantities"] == [
        {"vintage": 2025, "periodStart": None, "periodEnd": None, "reductions": "10.000", "removals": "0.000"}
    ]
    assert "scope" not in record and "sites" not in record


def test_the_api_refuses_bad_input_with_field_messages_and_unknown_tokens_with_404():
    api = APIClient()
    missing = api.get("/api/v1/public/verify/")
    unknown_param = api.get("/api/v1/public/verify/", {"number": "X", "page": "2"})
    too_long = api.get("/api/v1/public/verify/", {"number": "X" * 61})
    no_token = api.get("/api/v1/public/verify/no-such-token/")
    assert missing.status_code == 400 and "number" in missing.json()["fieldErrors"]
    assert unknown_param.status_code == 400 and unknown_param.json()["code"] == "unknown_filter"
    assert too_long.status_code == 400 and "number" in too_long.json()["fieldErrors"]
    assert no_token.status_code == 404
    assert api.get("/api/v1/public/verify/", {"number": "NOPE"}).json() == {"verifications": []}


def test_the_api_ignores_credentials_and_is_in_the_schema(world):
    CertificateFactory(number="S-9")
    api = APIClient()
    api.force_authenticate(world.a.admin)
    assert api.get("/api/v1/public/verify/", {"number": "S-9"}).status_code == 200
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/public/verify/" in schema["paths"]
    assert "/api/v1/public/verify/{token}/" in schema["paths"]
    assert schema["paths"]["/api/v1/public/verify/"]["get"].get("security", []) in ([], [{}])


def test_statements_and_certificates_keep_their_counts_apart_per_body():
    a = CertificateFactory(number="P-1")
    b = CertificateFactory(number="P-1")
    _page("P-1")
    assert sorted(VerificationCount.objects.values_list("count", flat=True)) == [1, 1]
    assert {row.body_id for row in VerificationCount.objects.all()} == {a.body_id, b.body_id}
    assert Statement.objects.count() == 0


def test_the_home_page_the_footer_and_the_document_check_lead_to_the_certificate_verification():
    home = Client().get(reverse("core:home")).content.decode()
    document_check = Client().get(reverse("documents:verify")).content.decode()
    assert home.count(f'href="{reverse("verify:home")}"') == 2  # the card and the footer
    assert 'id="certificate-verify-link"' in document_check
