"""The competence matrix over the API: JSON shape, the body it is for, CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils.formats import date_format
from openpyxl import load_workbook

from bodies.models import Role
from competence.confidentiality import people_records_policy_set
from reference.models import Standard
from tests.factories import CompetenceRecordFactory, MembershipFactory, UserFactory, sector, today
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db

LEAD_UNTIL = today() + timedelta(days=600)
AUDITOR_UNTIL = today() + timedelta(days=400)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def matrix_world(world, auditor_a):  # type: ignore[no-untyped-def]
    """A's auditor holds two competences in one column and one in another; A's member holds none."""
    lead = CompetenceRecordFactory(membership=auditor_a, role=Role.LEAD_AUDITOR, valid_until=LEAD_UNTIL)
    auditor = CompetenceRecordFactory(membership=auditor_a, role=Role.AUDITOR, valid_until=AUDITOR_UNTIL)
    other = CompetenceRecordFactory(
        membership=auditor_a,
        sector=sector("ghg", "3"),
        status="proposed",
        evaluated_by=None,
        evaluated_on=None,
        valid_until=AUDITOR_UNTIL,
    )
    return {"lead": lead, "auditor": auditor, "other": other}


def test_the_matrix_of_the_callers_only_body(world, auditor_a, matrix_world):
    # given body A opened its people's records to its members (the default shows them approved records only)
    people_records_policy_set(body=world.a.body, actor=world.a.admin, colleague_records="full")

    # when A's plain member asks without naming the body
    response = signed_in(world.a.member).get(url("competence-matrix"))

    # then the matrix of body A: columns (standard, sector), a row per active person, cells best first
    assert response.status_code == 200, response.content
    data = response.json()
    standard = Standard.objects.get(code="iso-14064-3")
    scope_1, scope_3 = sector("ghg", "1"), sector("ghg", "3")
    assert data["body"] == {"id": str(world.a.body.pk), "legalName": "Body A Verification ehf."}
    assert data["today"] == today().isoformat()
    assert data["columns"] == [
        {
            "standard": {"code": "iso-14064-3", "name": standard.name},
            "sector": {"scheme": "ghg", "code": "1", "name": scope_1.name, "version": scope_1.version},
        },
        {
            "standard": {"code": "iso-14064-3", "name": standard.name},
            "sector": {"scheme": "ghg", "code": "3", "name": scope_3.name, "version": scope_3.version},
        },
    ]
    assert [row["person"]["email"] for row in data["rows"]] == [
        "admin.a@example.org",
        "member.a@example.org",
        "ragna@auditors.example",
    ]
    ragna = data["rows"][2]
    assert ragna["person"] == {
        "id": str(auditor_a.pk),
        "email": "ragna@auditors.example",
        "fullName": "Ragna Lind",
        "employment": "employee",
    }
    assert ragna["cells"] == [
        {
            "records": [
                {
                    "id": str(matrix_world["lead"].pk),
                    "role": "lead_auditor",
                    "status": "approved",
                    "validUntil": LEAD_UNTIL.isoformat(),
                },
                {
                    "id": str(matrix_world["auditor"].pk),
                    "role": "auditor",
                    "status": "approved",
                    "validUntil": AUDITOR_UNTIL.isoformat(),
                },
            ]
        },
        {
            "records": [
                {
                    "id": str(matrix_world["other"].pk),
                    "role": "auditor",
                    "status": "proposed",
                    "validUntil": AUDITOR_UNTIL.isoformat(),
                },
            ]
        },
    ]
    assert data["rows"][0]["cells"] == [None, None]


def test_filters_narrow_the_rows_and_columns(world, auditor_a, matrix_world):
    client = signed_in(world.a.admin)

    approved = client.get(url("competence-matrix"), {"status": "approved"}).json()
    by_person = client.get(url("competence-matrix"), {"person": "ragna"}).json()
    expiring = client.get(url("competence-matrix"), {"expiringWithinDays": 400}).json()

    assert [c["sector"]["code"] for c in approved["columns"]] == ["1"]
    assert [r["person"]["email"] for r in approved["rows"]] == ["ragna@auditors.example"]
    assert [r["person"]["email"] for r in by_person["rows"]] == ["ragna@auditors.example"]
    assert [[rec["role"] for rec in cell["records"]] for cell in expiring["rows"][0]["cells"]] == [
        ["auditor"]
    ]


def test_a_body_must_be_named_when_the_caller_sees_several(world, freelancer):
    # given staff (every body) and the freelancer (bodies A and B)
    for user in (world.staff, freelancer.user):
        client = signed_in(user)

        # when they do not name the body, then the field is asked for
        ambiguous = client.get(url("competence-matrix"))
        assert ambiguous.status_code == 400
        assert ambiguous.json()["fieldErrors"] == {"body": ["Name the body: you can see several."]}

        # and naming one works
        named = client.get(url("competence-matrix"), {"body": str(world.b.body.pk)})
        assert named.status_code == 200
        assert named.json()["body"]["id"] == str(world.b.body.pk)


def test_another_tenants_body_is_not_found(world, freelancer):
    response = signed_in(world.a.admin).get(url("competence-matrix"), {"body": str(world.b.body.pk)})
    as_csv = signed_in(world.a.admin).get(
        url("competence-matrix"), {"body": str(world.b.body.pk), "format": "csv"}
    )

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["Not found."]}
    # an error stays JSON even when a CSV was asked for
    assert as_csv.status_code == 400
    assert as_csv["Content-Type"] == "application/json"
    assert as_csv.json()["fieldErrors"] == {"body": ["Not found."]}


def test_someone_of_no_body_is_told_so(db):
    response = signed_in(UserFactory()).get(url("competence-matrix"))

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["You belong to no body."]}


def test_csv_export(world, auditor_a, matrix_world):
    # when
    people_records_policy_set(body=world.a.body, actor=world.a.admin, colleague_records="full")
    response = signed_in(world.a.member).get(url("competence-matrix"), {"format": "csv"})

    # then an attachment whose first row names the columns
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="competence-matrix-body-a-{today().isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    standard = Standard.objects.get(code="iso-14064-3")
    assert rows[0] == [
        "Person",
        "Email",
        "Employment",
        f"{standard.name} | {sector('ghg', '1')}",
        f"{standard.name} | {sector('ghg', '3')}",
    ]
    assert rows[3] == [
        "Ragna Lind",
        "ragna@auditors.example",
        "Employee",
        f"Lead auditor: Approved until {date_format(LEAD_UNTIL)}; Auditor: Approved until {date_format(AUDITOR_UNTIL)}",
        f"Auditor: Proposed until {date_format(AUDITOR_UNTIL)}",
    ]


def test_xlsx_export_through_the_accept_header_and_the_format_parameter(world, auditor_a, matrix_world):
    client = signed_in(world.a.member)

    by_format = client.get(url("competence-matrix"), {"format": "xlsx"})
    by_accept = client.get(url("competence-matrix"), HTTP_ACCEPT=XLSX)

    for response in (by_format, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"] == (
            f'attachment; filename="competence-matrix-body-a-{today().isoformat()}.xlsx"'
        )
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Person", "Email", "Employment")
        assert len(rows) == 4


def test_exports_do_not_turn_names_into_formulas(world):
    MembershipFactory(
        user=UserFactory(email="formula@example.org", full_name='=HYPERLINK("http://evil")'),
        body=world.a.body,
    )
    client = signed_in(world.a.admin)

    as_csv = list(
        csv.reader(
            io.StringIO(client.get(url("competence-matrix"), {"format": "csv"}).content.decode("utf-8-sig"))
        )
    )
    sheet = load_workbook(
        io.BytesIO(client.get(url("competence-matrix"), {"format": "xlsx"}).content), read_only=True
    ).worksheets[0]

    assert as_csv[1][0] == '\'=HYPERLINK("http://evil")'
    assert list(sheet.iter_rows(values_only=True))[1][0] == '\'=HYPERLINK("http://evil")'


def test_tokens_read_the_matrix_of_their_body_with_competence_read(world, auditor_a, matrix_world):
    _, read = make_token(body=world.a.body, creator=world.a.admin, scopes={"competence": "read"})
    _, people = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "read"})

    response = bearer(read).get(url("competence-matrix"))

    assert response.status_code == 200
    assert response.json()["body"]["id"] == str(world.a.body.pk)
    assert bearer(people).get(url("competence-matrix")).status_code == 403
    assert bearer(read).get(url("competence-matrix"), {"body": str(world.b.body.pk)}).status_code == 400


def test_anonymous_is_refused(anon, db):
    assert anon.get(url("competence-matrix")).status_code == 401
    assert anon.get(url("competence-matrix"), {"format": "csv"}).status_code == 401
