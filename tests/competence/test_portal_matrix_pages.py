"""The competence matrix: cells, filters through htmx, CSV and XLSX export, constant query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bodies.models import Role
from reference.models import Sector
from tests.factories import CompetenceRecordFactory, MembershipFactory, UserFactory
from tests.helpers import count_queries, proposed_record_for, record_for

pytestmark = pytest.mark.django_db

EXPECTED_HEADER = [
    "Person",
    "Email",
    "Employment",
    "ISO 14064-3 (validation and verification of GHG statements) | GHG scope 1 – Energy industries (renewable / non-renewable sources)",
]


def ghg(code: str) -> Sector:
    return Sector.objects.get(scheme="ghg", code=code, is_current=True)


def test_matrix_shows_each_persons_best_record_with_role_status_and_date(login, world):
    # given the member holds an approved lead auditor and a proposed auditor competence in one scope
    record_for(world.a.member, world.a.body, role=Role.LEAD_AUDITOR, valid_until=date(2027, 12, 31))
    proposed_record_for(world.a.member, world.a.body, role=Role.AUDITOR)
    record_for(world.b.member, world.b.body)  # body B's: never in A's matrix
    # when
    response = login(world.a.member).get(reverse("competence:matrix"))
    # then
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [row.membership.user.email for row in matrix.rows] == [
        "admin.a@example.org",
        "member.a@example.org",
    ]
    assert [(std.code, sec.code) for std, sec in matrix.columns] == [("iso-14064-3", "1")]
    html = response.content.decode()
    assert (
        '<td class="cm-g cm-approved" title="Lead auditor: Approved, valid until 31/12/2027\nAuditor: Proposed, valid until 30/06/2028"><b>LA</b><sup>+1</sup><small>31/12/2027</small></td>'
        in html
    )
    assert (
        '<th scope="colgroup" colspan="1" class="cm-g cm-group" title="ISO 14064-3 (validation and verification of GHG statements)"><span>ISO 14064-3</span></th>'
        in html
    )
    assert "Member B" not in html


def test_a_competence_expiring_soon_is_marked(login, world):
    # given
    record_for(world.a.member, world.a.body, valid_until=timezone.localdate() + timedelta(days=10))
    # when
    html = login(world.a.admin).get(reverse("competence:matrix")).content.decode()
    # then
    assert '<td class="cm-g cm-approved cm-soon"' in html


def test_matrix_filter_through_htmx_returns_only_the_partial(login, world):
    # given
    record_for(world.a.member, world.a.body, sector=ghg("1"))
    record_for(world.a.admin, world.a.body, sector=ghg("3"), role=Role.LEAD_AUDITOR)
    # when
    response = login(world.a.member).get(
        reverse("competence:matrix"), {"sector": ghg("3").pk}, headers={"HX-Request": "true"}
    )
    # then
    assert response.status_code == 200
    assert response.templates[0].name == "competence/partials/_matrix.html"
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="matrix-table"' in html
    matrix = response.context["matrix"]
    assert [row.membership.user.full_name for row in matrix.rows] == ["Admin A"]
    assert [sec.code for _std, sec in matrix.columns] == ["3"]
    assert "format=csv" in html and f"sector={ghg('3').pk}" in html
    assert "HX-Request" in response["Vary"].split(", ")


def test_matrix_filters_by_role_status_person_and_expiry(login, world):
    # given
    record_for(world.a.member, world.a.body, valid_until=timezone.localdate() + timedelta(days=20))
    proposed_record_for(world.a.admin, world.a.body, role=Role.LEAD_AUDITOR)
    client = login(world.a.admin)

    def people(**params: object) -> list[str]:
        return [
            row.membership.user.full_name
            for row in client.get(reverse("competence:matrix"), params).context["matrix"].rows
        ]

    # then
    assert people(role="lead_auditor") == ["Admin A"]
    assert people(status="approved") == ["Member A"]
    assert people(person="member") == ["Member A"]
    assert people(expiring_within_days=30) == ["Member A"]
    assert people(expiring_within_days=5) == []
    assert people(standard="iso-14064-3", scheme="ghg") == ["Admin A", "Member A"]


def test_an_invalid_filter_is_reported_and_the_rest_still_applies(login, world):
    # given
    record_for(world.a.member, world.a.body)
    # when
    response = login(world.a.admin).get(
        reverse("competence:matrix"), {"expiring_within_days": "-3", "role": "auditor"}
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["expiring_within_days"]
    assert [row.membership.user.full_name for row in response.context["matrix"].rows] == ["Member A"]


def test_csv_export_with_the_same_filters(login, world):
    # given
    record_for(world.a.member, world.a.body, valid_until=date(2027, 12, 31))
    record_for(world.a.admin, world.a.body, sector=ghg("3"))
    # when
    response = login(world.a.member).get(
        reverse("competence:matrix-export"), {"format": "csv", "sector": ghg("1").pk}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="competence-matrix-body-a-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == EXPECTED_HEADER
    assert rows[1:] == [
        ["Member A", "member.a@example.org", "Employee", "Auditor: Approved until 31 Dec 2027"]
    ]


def test_xlsx_export(login, world):
    # given
    record_for(world.a.member, world.a.body, valid_until=date(2027, 12, 31))
    # when
    response = login(world.a.admin).get(reverse("competence:matrix-export"), {"format": "xlsx"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == EXPECTED_HEADER
    assert values[1] == ["Admin A", "admin.a@example.org", "Employee", None]
    assert values[2] == [
        "Member A",
        "member.a@example.org",
        "Employee",
        "Auditor: Approved until 31 Dec 2027",
    ]
    assert sheet.freeze_panes == "B2"


def test_export_refuses_an_unknown_format(login, world):
    # when
    response = login(world.a.admin).get(reverse("competence:matrix-export"), {"format": "pdf"})
    # then
    assert response.status_code == 400


def test_an_exported_name_cannot_become_a_spreadsheet_formula(login, world):
    # given
    person = UserFactory(email="formula@example.org", full_name='=HYPERLINK("http://x")')
    MembershipFactory(user=person, body=world.a.body)
    # when
    response = login(world.a.admin).get(reverse("competence:matrix-export"), {"format": "csv"})
    # then
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


def _people_with_records(body, count: int) -> None:  # type: ignore[no-untyped-def]
    sectors = [ghg("1"), ghg("3"), ghg("14")]
    for index in range(count):
        membership = MembershipFactory(body=body, undertaking_signed_on=date(2025, 1, 1))
        for sector in sectors[: 1 + index % 3]:
            CompetenceRecordFactory(membership=membership, sector=sector, role=Role.LEAD_AUDITOR)


def test_matrix_runs_the_same_number_of_queries_for_3_or_15_people(login, world, django_assert_num_queries):
    # given 3 people
    client = login(world.a.admin)
    _people_with_records(world.a.body, 1)  # with the admin and the member: 3 people
    few = count_queries(client, reverse("competence:matrix"))
    few_partial = count_queries(client, reverse("competence:matrix"), HX_Request="true")
    # when there are 15
    _people_with_records(world.a.body, 12)
    # then
    with django_assert_num_queries(few):
        response = client.get(reverse("competence:matrix"))
    with django_assert_num_queries(few_partial):
        client.get(reverse("competence:matrix"), headers={"HX-Request": "true"})
    assert len(response.context["matrix"].rows) == 15


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_runs_the_same_number_of_queries_for_3_or_15_people(
    login, world, django_assert_num_queries, export_format
):
    # given 3 people
    client = login(world.a.admin)
    _people_with_records(world.a.body, 1)
    url = reverse("competence:matrix-export") + f"?format={export_format}"
    few = count_queries(client, url)
    # when there are 15
    _people_with_records(world.a.body, 12)
    # then
    with django_assert_num_queries(few):
        client.get(url)
