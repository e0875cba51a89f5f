"""Bulk import of clients and their sites (the imports engine): the pages, a preview with every row's errors,
and applying all rows or none."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from clients.importing import COLUMNS, client_import_apply, client_import_preview
from clients.models import Client, Site
from core.errors import TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from imports.models import ImportBatch
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
# legal_name, short_name, kind, country, registration_number, address, contact_name, contact_email,
# contact_phone, sectors, effective_personnel, site_name, site_address, site_country, site_activities,
# site_effective_personnel, site_is_central_function
HEKLA = "Hekla Geothermal hf.,Hekla Geo,organisation,IS,5501012340,Reykjavík,Sigrún Jónsdóttir,sigrun@hekla.example,,ghg:1,120"
GOOD_LINES = [
    f"{HEKLA},Head office,Orkuvegur 1,IS,Management,40,yes",
    f"{HEKLA},Hellisheiði plant,,IS,Electricity and heat,60,no",
    "Baltic Timber OÜ,,proponent,EE,EE-14000001,Tartu,Kadri Tamm,kadri@timber.example,,,,,,,,,",
]


def csv_upload(*lines: str, name: str = "clients.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def state() -> tuple[object, ...]:
    return (
        sorted(Client.objects.values_list("legal_name", flat=True)),
        Site.objects.count(),
        AuditEvent.objects.filter(action__startswith="clients.")
        .exclude(action="clients.import.previewed")
        .count(),
    )


def test_upload_preview_then_apply_writes_every_client_and_site(login, world):
    # given
    client = login(world.a.admin)
    assert client.get(reverse("clients:import")).status_code == 200
    # when uploaded
    upload = client.post(reverse("clients:import"), {"file": csv_upload(*GOOD_LINES)})
    # then a preview, and nothing written yet
    batch = ImportBatch.objects.get()
    assert upload.status_code == 302
    assert upload["Location"] == reverse("clients:import-preview", args=[batch.pk])
    assert Client.objects.count() == 0
    preview = client.get(reverse("clients:import-preview", args=[batch.pk]))
    assert preview.status_code == 200
    assert preview.context["can_apply"] is True
    # when applied
    applied = client.post(reverse("clients:import-apply", args=[batch.pk]))
    # then two clients, the geothermal company with its two sites (one the central function)
    assert applied.status_code == 302
    hekla = Client.objects.get(body=world.a.body, registration_number="5501012340")
    assert [(s.name, s.is_central_function, s.effective_personnel) for s in hekla.sites.all()] == [
        ("Head office", True, 40),
        ("Hellisheiði plant", False, 60),
    ]
    assert [str(s) for s in hekla.sectors.all()] and hekla.sectors.get().code == "1"
    timber = Client.objects.get(body=world.a.body, legal_name="Baltic Timber OÜ")
    assert (timber.kind, timber.country.code, timber.sites.count()) == ("proponent", "EE", 0)
    assert AuditEvent.objects.filter(action="clients.client.created").count() == 2
    assert AuditEvent.objects.filter(action="clients.site.created").count() == 2
    assert AuditEvent.objects.filter(action="clients.import.applied", object_id=str(batch.pk)).count() == 1


def test_the_preview_names_every_row_s_errors_and_nothing_is_written(world):
    # given a body that already has the registration number
    ClientFactory(body=world.a.body, registration_number="5501012340", legal_name="Existing hf.")
    before = state()
    lines = [
        f"{HEKLA},Head office,,IS,Management,40,yes",  # the number is the body's already
        "No Email ehf.,,organisation,IS,,,Jón,not-an-email,,iaf:99,,,,,,,",  # bad email, unknown sector
        "Wrong Kind ehf.,,customer,XX,,,Anna,anna@x.example,,,,Plant,,IS,,,maybe",  # kind, country, site
        "Two Centres hf.,,organisation,IS,,,Ása,asa@x.example,,,,A,,IS,,5,yes",
        "Two Centres hf.,,organisation,IS,,,Ása,asa@x.example,,,,B,,IS,,5,yes",  # a second central function
    ]
    # when
    preview = client_import_preview(body=world.a.body, actor=world.a.admin, upload=csv_upload(*lines))
    # then
    errors = [row.errors for row in preview.rows]
    assert set(errors[0]) == {"registration_number"}
    assert set(errors[1]) == {"contact_email", "sectors"}
    assert set(errors[2]) == {"kind", "country", "site_effective_personnel", "site_is_central_function"}
    assert errors[3] == {}
    assert set(errors[4]) == {"site_is_central_function"}
    assert not preview.valid
    assert state() == before
    # and applying it is refused (the batch is rejected), nothing written
    assert preview.batch.status == ImportBatch.Status.REJECTED
    with pytest.raises(TransitionNotAllowed):
        client_import_apply(batch=preview.batch, actor=world.a.admin)
    assert state() == before


def test_apply_is_all_or_nothing_when_the_data_changed_since_the_preview(world):
    # given a valid preview
    preview = client_import_preview(body=world.a.body, actor=world.a.admin, upload=csv_upload(*GOOD_LINES))
    assert preview.valid
    # when, before applying, someone records the Baltic client's registration number
    ClientFactory(body=world.a.body, registration_number="EE-14000001", legal_name="Added meanwhile")
    before = state()
    with pytest.raises(ValidationError):
        client_import_apply(batch=preview.batch, actor=world.a.admin)
    # then not even the valid rows were written
    assert state() == before
    assert not Client.objects.filter(legal_name="Hekla Geothermal hf.").exists()


def test_the_same_number_in_another_body_does_not_stop_the_import(world):
    ClientFactory(body=world.b.body, registration_number="5501012340")
    preview = client_import_preview(body=world.a.body, actor=world.a.admin, upload=csv_upload(*GOOD_LINES))
    assert preview.valid


def test_a_member_may_not_import(login, world):
    client = login(world.a.member)
    assert client.get(reverse("clients:import")).status_code == 403
    assert client.post(reverse("clients:import"), {"file": csv_upload(*GOOD_LINES)}).status_code == 403
    assert ImportBatch.objects.count() == 0


def test_another_body_s_batch_is_404_and_stays_unapplied(login, world):
    batch = client_import_preview(
        body=world.a.body, actor=world.a.admin, upload=csv_upload(*GOOD_LINES)
    ).batch
    client = login(world.b.admin)
    assert client.get(reverse("clients:import-preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("clients:import-apply", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status != ImportBatch.Status.APPLIED
    assert Client.objects.count() == 0


def test_the_template_is_a_csv_with_the_columns(login, world):
    response = login(world.a.admin).get(reverse("clients:import-template"))
    assert response.status_code == 200
    lines = response.content.decode().lstrip("\ufeff").splitlines()
    assert lines[0] == HEADER
    # and the template's example row previews cleanly
    preview = client_import_preview(
        body=world.a.body, actor=world.a.admin, upload=SimpleUploadedFile("t.csv", response.content)
    )
    assert preview.valid, [row.errors for row in preview.rows]


def test_an_xlsx_file_imports_the_same_way(world):
    # given the good rows as a spreadsheet
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for line in GOOD_LINES:
        sheet.append(next(csv.reader([line])))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("clients.xlsx", buffer.getvalue())
    # when previewed and applied
    preview = client_import_preview(body=world.a.body, actor=world.a.admin, upload=upload)
    assert preview.valid, [row.errors for row in preview.rows]
    client_import_apply(batch=preview.batch, actor=world.a.admin)
    # then
    assert sorted(Client.objects.filter(body=world.a.body).values_list("legal_name", flat=True)) == [
        "Baltic Timber OÜ",
        "Hekla Geothermal hf.",
    ]
    assert Site.objects.filter(body=world.a.body).count() == 2
