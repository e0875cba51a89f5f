"""The IAF CertSearch export (management-system certificates, not confidential, in the template's columns, as
.xlsx and formula-safe CSV), the upload client (configured by environment, tested against a stand-in server on
127.0.0.1), the admins' page and API, and the monthly reminder."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from certification.models import CertSearchUpload
from certification.services.certsearch import (
    CERTSEARCH_COLUMNS,
    CERTSEARCH_DEADLINE,
    certsearch_csv,
    certsearch_rows,
    certsearch_upload,
    certsearch_xlsx,
)
from core.dates import today_in
from core.errors import PermissionDenied, ValidationError
from core.models import AuditEvent
from reference.models import Standard
from reminders.models import Deadline, Notification
from reminders.services.sweep import deadlines_sweep
from tests.factories import AccreditationFactory, CertificateFactory, SiteFactory

pytestmark = pytest.mark.django_db

COLUMN = {name: index for index, name in enumerate(CERTSEARCH_COLUMNS)}


def _row(rows, number):  # type: ignore[no-untyped-def]
    (found,) = [row for row in rows if row[COLUMN["Certificate Number"]] == number]
    return found


# --- the export ---


def test_the_export_holds_the_bodys_management_system_certificates_that_are_not_confidential(world):
    body = world.a.body
    listed = CertificateFactory(engagement__body=body, number="MS-1")
    CertificateFactory(engagement__body=body, number="MS-CONF", confidential=True)
    CertificateFactory(engagement__body=body, number="PROD-1", engagement__kind="product_evaluation")
    CertificateFactory(engagement__body=world.b.body, number="OTHER-1")
    rows = certsearch_rows(body=body)
    assert [row[COLUMN["Certificate Number"]] for row in rows] == ["MS-1"]
    row = rows[0]
    assert len(row) == len(CERTSEARCH_COLUMNS)
    assert row[COLUMN["Certification Identity Number"]] == str(listed.pk)
    assert row[COLUMN["Certification Status"]] == "Active"
    assert row[COLUMN["Certification Type"]] == "Management System"
    assert row[COLUMN["Certification Issue Date"]] == listed.issued_on.strftime("%Y%m%d")
    assert row[COLUMN["Certification Expiry Date"]] == listed.expires_on.strftime("%Y%m%d")
    assert row[COLUMN["Certification Original Issue Date"]] == listed.initial_certification_on.strftime(
        "%Y%m%d"
    )
    assert row[COLUMN["Certified Entity Name"]] == listed.client.legal_name
    assert row[COLUMN["Certified Entity Unique ID"]] == listed.client.registration_number
    assert row[COLUMN["Certified Entity Country/Economy"]] == "Iceland"
    assert row[COLUMN["Standards/Schemes"]] == listed.standard.name
    assert row[COLUMN["Sector Code"]] == "17"
    assert row[COLUMN["Accreditation Status"]] == "Unaccredited"


def test_statuses_read_in_certsearchs_words_and_expiry_as_of_the_bodys_today(world):
    body = world.a.body
    today = today_in(body.time_zone)
    CertificateFactory(engagement__body=body, number="S", status="suspended")
    CertificateFactory(engagement__body=body, number="W", status="withdrawn")
    CertificateFactory(engagement__body=body, number="R", status="scope_reduced")
    CertificateFactory(engagement__body=body, number="E0", expires_on=today)
    CertificateFactory(engagement__body=body, number="E1", expires_on=today - timedelta(days=1))
    rows = certsearch_rows(body=body)
    status = COLUMN["Certification Status"]
    assert {number: _row(rows, number)[status] for number in ("S", "W", "R", "E0", "E1")} == {
        "S": "Suspended",
        "W": "Withdrawn",
        "R": "Active",
        "E0": "Active",
        "E1": "Expired",
    }


def test_the_accreditation_body_comes_from_an_accreditation_covering_the_standard(world):
    accreditation = AccreditationFactory(body=world.a.body)
    accreditation.scope_standards.add(Standard.objects.get(code="iso-9001"))
    CertificateFactory(engagement__body=world.a.body, number="ACC-1")
    row = _row(certsearch_rows(body=world.a.body), "ACC-1")
    assert row[COLUMN["Accreditation Status"]] == "Accredited"
    assert row[COLUMN["Accreditation Body Name"]] == accreditation.accreditation_body.name


def test_sites_are_listed_by_name_address_and_country(world):
    certificate = CertificateFactory(engagement__body=world.a.body, number="SITES-1")
    certificate.sites.add(
        SiteFactory(client=certificate.client, name="B plant", address="Road 2\n101 Reykjavík"),
        SiteFactory(client=certificate.client, name="A plant", address=""),
    )
    row = _row(certsearch_rows(body=world.a.body), "SITES-1")
    assert row[COLUMN["Certification Sites"]] == "A plant, Iceland; B plant, Road 2 101 Reykjavík, Iceland"


def test_every_cell_is_formula_safe_in_csv_and_xlsx(world):
    certificate = CertificateFactory(engagement__body=world.a.body, number="F-1", scope="=cmd|' /C calc'!A0")
    certificate.client.legal_name = '=HYPERLINK("http://evil.example","x")'
    certificate.client.save(update_fields=["legal_name"])
    text = certsearch_csv(body=world.a.body)
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == CERTSEARCH_COLUMNS
    assert row[COLUMN["Certified Entity Name"]] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[COLUMN["Certification Scope"]] == "'=cmd|' /C calc'!A0"
    sheet = load_workbook(io.BytesIO(certsearch_xlsx(body=world.a.body)))["Certifications"]
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert values[0] == CERTSEARCH_COLUMNS
    assert values[1][COLUMN["Certified Entity Name"]] == '\'=HYPERLINK("http://evil.example","x")'
    assert all(cell.data_type == "s" for line in sheet.iter_rows(min_row=2) for cell in line if cell.value)


def test_the_export_costs_the_same_queries_for_one_certificate_or_many(world):
    CertificateFactory(engagement__body=world.a.body)
    with CaptureQueriesContext(connection) as one:
        certsearch_rows(body=world.a.body)
    for _ in range(4):
        certificate = CertificateFactory(engagement__body=world.a.body)
        certificate.sites.add(SiteFactory(client=certificate.client))
    with CaptureQueriesContext(connection) as five:
        assert len(certsearch_rows(body=world.a.body)) == 5
    assert len(one) == len(five)


# --- the page, the downloads and the API ---


def test_the_page_is_for_the_bodys_administrators(world, login):
    CertificateFactory(engagement__body=world.a.body)
    page = reverse("certification:certsearch")
    assert login(world.a.member).get(page).status_code == 403
    response = login(world.a.admin).get(page)
    assert response.status_code == 200
    assert "1 certificate in the export." in response.content.decode()
    assert "Nothing uploaded from this platform yet." in response.content.decode()


def test_downloading_the_export_moves_the_monthly_reminder_on(world, login):
    CertificateFactory(engagement__body=world.a.body, number="DL-1")
    client = login(world.a.admin)
    xlsx = client.get(reverse("certification:certsearch-export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["Certifications"]["B2"].value == "DL-1"
    csv_response = client.get(reverse("certification:certsearch-export", args=["csv"]))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert client.get(reverse("certification:certsearch-export", args=["pdf"])).status_code == 404
    deadline = Deadline.objects.get(kind=CERTSEARCH_DEADLINE, subject_id=str(world.a.body.pk))
    assert deadline.due_on == today_in(world.a.body.time_zone) + relativedelta(months=1)
    assert (
        login(world.a.member).get(reverse("certification:certsearch-export", args=["csv"])).status_code == 403
    )


def test_the_api_export_is_for_the_bodys_administrators_and_404_across_bodies(world):
    CertificateFactory(engagement__body=world.a.body, number="API-1")
    api = APIClient()
    url = "/api/v1/certsearch/export/"
    api.force_authenticate(world.a.admin)
    xlsx = api.get(url, {"body": str(world.a.body.pk)})
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["Certifications"]["B2"].value == "API-1"
    csv_answer = api.get(url, {"body": str(world.a.body.pk), "file": "csv"})
    assert "API-1" in csv_answer.content.decode()
    assert api.get(url, {"body": str(world.b.body.pk)}).status_code == 404
    assert api.get(url, {"body": "not-a-uuid"}).status_code == 404
    api.force_authenticate(world.a.member)
    assert api.get(url, {"body": str(world.a.body.pk)}).status_code == 403
    assert APIClient().get(url, {"body": str(world.a.body.pk)}).status_code == 401


# --- the upload client against a stand-in server ---


class _StandIn(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer = 200
    delay = 0.0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        type(self).received.append(
            {
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
                "body": body,
            }
        )
        time.sleep(type(self).delay)
        try:
            self.send_response(type(self).answer)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"message": "ok"}' if type(self).answer < 300 else b'{"message": "refused"}')
        except BrokenPipeError:  # the client gave up waiting (the timeout test)
            pass

    def log_message(self, *args: object) -> None:
        pass


def _multipart_files(request):  # type: ignore[no-untyped-def]
    from email import policy
    from email.parser import BytesParser

    head = f"Content-Type: {request['content_type']}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=policy.default).parsebytes(head + request["body"])
    return [part for part in message.iter_parts() if part.get_filename()]


@pytest.fixture
def stand_in(settings):  # type: ignore[no-untyped-def]
    _StandIn.received = []
    _StandIn.answer = 200
    _StandIn.delay = 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CERTSEARCH_URL = f"http://127.0.0.1:{server.server_address[1]}/api/v1/certifications/upload"
    settings.CERTSEARCH_API_KEY = "test-key-123"
    settings.CERTSEARCH_TIMEOUT_SECONDS = 2
    yield _StandIn
    server.shutdown()
    server.server_close()


def test_the_upload_is_refused_while_not_configured(world, settings):
    settings.CERTSEARCH_URL = ""
    settings.CERTSEARCH_API_KEY = ""
    with pytest.raises(ValidationError) as refused:
        certsearch_upload(body=world.a.body, actor=world.a.admin)
    assert refused.value.code == "certsearch_disabled"
    assert CertSearchUpload.objects.count() == 0


def test_only_an_administrator_uploads(world, stand_in):
    with pytest.raises(PermissionDenied):
        certsearch_upload(body=world.a.body, actor=world.a.member)
    with pytest.raises(PermissionDenied):
        certsearch_upload(body=world.a.body, actor=world.b.admin)
    assert stand_in.received == []
    assert CertSearchUpload.objects.count() == 0


def test_an_upload_sends_the_workbook_with_the_key_and_records_the_answer(world, stand_in):
    CertificateFactory(engagement__body=world.a.body, number="UP-1")
    CertificateFactory(engagement__body=world.a.body, number="UP-CONF", confidential=True)
    upload = certsearch_upload(body=world.a.body, actor=world.a.admin)
    (request,) = stand_in.received
    assert request["path"] == "/api/v1/certifications/upload"
    assert request["authorization"] == "Bearer test-key-123"
    (part,) = _multipart_files(request)
    assert part.get_filename().startswith("certsearch-") and part.get_filename().endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(part.get_payload(decode=True)))["Certifications"]
    assert [cell.value for cell in sheet["B"]] == ["Certificate Number", "UP-1"]
    assert (upload.status, upload.response_code, upload.certificate_count) == ("sent", 200, 1)
    event = AuditEvent.objects.get(action="certification.certsearch.uploaded")
    assert event.after["status"] == "sent" and event.after["certificate_count"] == 1
    assert Deadline.objects.get(kind=CERTSEARCH_DEADLINE).due_on == today_in(
        world.a.body.time_zone
    ) + relativedelta(months=1)


def test_a_refused_upload_is_recorded_as_failed_and_the_reminder_stays(world, stand_in):
    stand_in.answer = 422
    upload = certsearch_upload(body=world.a.body, actor=world.a.admin)
    assert (upload.status, upload.response_code) == ("failed", 422)
    assert "refused" in upload.message
    assert not Deadline.objects.filter(kind=CERTSEARCH_DEADLINE).exists()


def test_a_slow_server_times_out_and_is_recorded_as_failed(world, stand_in, settings):
    settings.CERTSEARCH_TIMEOUT_SECONDS = 0.3
    stand_in.delay = 1.5
    started = time.monotonic()
    upload = certsearch_upload(body=world.a.body, actor=world.a.admin)
    assert time.monotonic() - started < 1.4
    assert (upload.status, upload.response_code) == ("failed", None)
    assert "Timeout" in upload.message


def test_the_page_shows_the_last_upload_and_the_button_posts_it(world, stand_in, login):
    client = login(world.a.admin)
    response = client.post(reverse("certification:certsearch-upload"))
    assert response.status_code == 302
    page = client.get(reverse("certification:certsearch")).content.decode()
    assert "Accepted by IAF CertSearch" in page and "(200)" in page
    assert login(world.a.member).post(reverse("certification:certsearch-upload")).status_code == 403
    assert CertSearchUpload.objects.count() == 1


# --- the monthly reminder ---


def test_the_body_administrators_are_reminded_a_month_after_the_last_update(world, login):
    login(world.a.admin).get(reverse("certification:certsearch-export", args=["csv"]))
    due = Deadline.objects.get(kind=CERTSEARCH_DEADLINE).due_on
    for day, expected in ((due - timedelta(days=1), 0), (due, 1), (due + timedelta(days=7), 2)):
        deadlines_sweep(now=timezone.make_aware(datetime.combine(day, clock(12, 0))), enqueue_email=False)
        assert Notification.objects.filter(kind=CERTSEARCH_DEADLINE, user=world.a.admin).count() == expected
    assert not Notification.objects.filter(kind=CERTSEARCH_DEADLINE, user=world.a.member).exists()
    titles = list(
        Notification.objects.filter(kind=CERTSEARCH_DEADLINE)
        .order_by("created_at")
        .values_list("title", flat=True)
    )
    assert titles == [
        "Time to update IAF CertSearch",
        "IAF CertSearch has not been updated for more than a month",
    ]


def test_the_reminder_starts_once_for_a_body_that_never_exported(world):
    from certification.services.certsearch import certsearch_reminder_start

    today = today_in(world.a.body.time_zone)
    certsearch_reminder_start(body=world.a.body)
    certsearch_reminder_start(body=world.a.body)  # again: the date stays
    (deadline,) = Deadline.objects.filter(kind=CERTSEARCH_DEADLINE)
    assert (deadline.body, deadline.due_on) == (world.a.body, today + relativedelta(months=1))


def test_issuing_a_management_system_certificate_starts_the_bodys_reminder(world):
    from bodies.models.tenants import Role
    from certification.models import Decision
    from certification.services.certificates import certificate_issue
    from tests.factories import EngagementFactory, MembershipFactory, ms_engagement_kwargs

    body = world.a.body
    maker = MembershipFactory(body=body, roles=[Role.DECISION_MAKER])
    engagement = EngagementFactory(
        body=body, status="awaiting_decision", **ms_engagement_kwargs(body, "stage_2")
    )
    on = today_in(body.time_zone)
    decision = Decision.objects.create(
        body=body, kind="grant", rationale="Granted.", decided_on=on, decided_by=maker, engagement=engagement
    )
    certificate_issue(decision=decision, actor=maker.user)
    (deadline,) = Deadline.objects.filter(kind=CERTSEARCH_DEADLINE, closed_at__isnull=True)
    assert (deadline.subject_id, deadline.due_on) == (str(body.pk), on + relativedelta(months=1))


def test_the_certificates_menu_offers_certsearch_to_administrators_only(world, login):
    link = f'href="{reverse("certification:certsearch")}"'
    assert link in login(world.a.admin).get(reverse("core:dashboard")).content.decode()
    assert link not in login(world.a.member).get(reverse("core:dashboard")).content.decode()
