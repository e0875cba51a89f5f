"""Confidentiality of people's records, decided per body (issue 7 §3), in the portal and the API.

By default (no `PeopleRecordsPolicy` row) an ordinary member sees their own records in full and of a colleague
only the team summary: name, roles and the approved competences (no basis, notes, evaluator, history,
evidence, PDF or personal deadlines). A body that opens its records (`full`) lets every active member read
them all. Competence managers, administrators and registry staff always read everything.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from competence.confidentiality import people_records_policy_get, people_records_policy_set
from competence.models import ColleagueRecords, PeopleRecordsPolicy, TrainingEntry
from competence.permissions import can_view_colleague_records, can_view_person_history
from competence.services import COMPETENCE_EXPIRY, evidence_add
from core.errors import PermissionDenied, ValidationError
from core.models import AuditEvent
from documents.services import document_render, document_request
from reminders.services import deadline_upsert
from tests.helpers import listed_ids, pdf_upload, proposed_record_for, record_for, signed_in, url

pytestmark = pytest.mark.django_db


def open_records(world) -> None:  # type: ignore[no-untyped-def]
    people_records_policy_set(body=world.a.body, actor=world.a.admin, colleague_records=ColleagueRecords.FULL)


@pytest.fixture
def ragna(world, auditor_a):  # type: ignore[no-untyped-def]
    """Ragna, an auditor of body A (a colleague of member A): an approved record with notes and evidence, a
    proposed record, a training entry, a competence-record PDF and an expiry deadline."""
    approved = record_for(auditor_a.user, world.a.body, notes="Confidential remark")
    proposed = proposed_record_for(auditor_a.user, world.a.body, role="lead_auditor")
    evidence = evidence_add(
        record=approved, actor=world.a.admin, upload=pdf_upload(), description="Private certificate"
    )
    TrainingEntry.objects.create(
        body=world.a.body, membership=auditor_a, title="Secret course", completed_on=date(2025, 3, 1), hours=8
    )
    document = document_request(
        kind="competence.person_record", subject=auditor_a, body=world.a.body, actor=world.a.admin
    )
    document_render(document_id=document.pk)
    deadline = deadline_upsert(
        kind=COMPETENCE_EXPIRY,
        subject=approved,
        body=world.a.body,
        due_on=date.today() + timedelta(days=30),
    )
    return {
        "membership": auditor_a,
        "approved": approved,
        "proposed": proposed,
        "evidence": evidence,
        "document": document,
        "deadline": deadline,
    }


# --- the setting and its service ----------------------------------------------------------------------------


def test_a_body_that_never_decided_keeps_the_safe_default(world):
    # when
    policy = people_records_policy_get(body=world.a.body)
    # then
    assert policy.colleague_records == ColleagueRecords.SUMMARY
    assert policy.pk is not None  # the body's id; the row itself is not stored
    assert not PeopleRecordsPolicy.objects.exists()
    assert can_view_colleague_records(world.a.member, world.a.body) is False
    assert can_view_colleague_records(world.a.admin, world.a.body) is True
    assert can_view_colleague_records(world.staff, world.a.body) is True


def test_the_administrator_opens_the_records_audited_with_before_and_after(world):
    # when
    policy = people_records_policy_set(body=world.a.body, actor=world.a.admin, colleague_records="full")
    # then
    assert policy.colleague_records == "full"
    assert policy.updated_by == world.a.admin
    event = AuditEvent.objects.get(action="competence.people_records_policy.changed")
    assert (event.actor_id, event.body_id) == (world.a.admin.pk, world.a.body.pk)
    assert event.before == {"colleague_records": "summary"}
    assert event.after == {"colleague_records": "full"}
    assert can_view_colleague_records(world.a.member, world.a.body) is True
    assert can_view_colleague_records(world.b.member, world.b.body) is False  # body B did not decide


def test_setting_the_value_in_force_records_nothing(world):
    # given
    open_records(world)
    events = AuditEvent.objects.count()
    # when
    people_records_policy_set(body=world.a.body, actor=world.a.admin, colleague_records="full")
    people_records_policy_set(body=world.b.body, actor=world.b.admin, colleague_records="summary")
    # then
    assert AuditEvent.objects.count() == events
    assert PeopleRecordsPolicy.objects.count() == 1


@pytest.mark.parametrize("who", ["member_a", "admin_b", "member_b"])
def test_only_the_bodys_administrators_decide(world, who):
    # given
    actor = {"member_a": world.a.member, "admin_b": world.b.admin, "member_b": world.b.member}[who]
    events = AuditEvent.objects.count()
    # when / then
    with pytest.raises(PermissionDenied):
        people_records_policy_set(body=world.a.body, actor=actor, colleague_records="full")
    assert AuditEvent.objects.count() == events
    assert not PeopleRecordsPolicy.objects.exists()


def test_an_unknown_value_is_a_field_error(world):
    # when / then
    with pytest.raises(ValidationError) as caught:
        people_records_policy_set(body=world.a.body, actor=world.a.admin, colleague_records="everyone")
    assert list(caught.value.message_dict) == ["colleague_records"]
    assert not PeopleRecordsPolicy.objects.exists()


# --- the rule -----------------------------------------------------------------------------------------------


def test_the_rule_follows_the_setting(world, ragna):
    membership = ragna["membership"]
    # by default: the person, managers and staff; not a colleague, never another body
    assert can_view_person_history(world.a.member, membership) is False
    assert can_view_person_history(membership.user, membership) is True
    assert can_view_person_history(world.a.admin, membership) is True
    assert can_view_person_history(world.staff, membership) is True
    # once body A opens its records: every active member of A, still not body B
    open_records(world)
    membership.body.refresh_from_db()  # a fresh body object: the policy is read again
    assert can_view_person_history(world.a.member, membership) is True
    assert can_view_person_history(world.b.admin, membership) is False


# --- portal -------------------------------------------------------------------------------------------------


def test_portal_default_a_colleague_sees_the_summary_only(login, world, ragna):
    client = login(world.a.member)
    own_proposed = proposed_record_for(world.a.member, world.a.body)
    # the person's page: the approved competence without a link, no proposed one, no history
    page = client.get(reverse("competence:person-detail", args=[ragna["membership"].pk]))
    assert page.status_code == 200
    assert page.context["records"] == [ragna["approved"]]
    html = page.content.decode()
    assert "Secret course" not in html and 'id="records-summary-note"' in html
    # the matrix: colleagues' approved records, and all of one's own
    matrix = client.get(reverse("competence:matrix"))
    shown = {
        record.pk
        for row in matrix.context["matrix"].rows
        for cell in row.cells
        if cell
        for record in cell.records
    }
    assert ragna["approved"].pk in shown and own_proposed.pk in shown
    assert ragna["proposed"].pk not in shown
    export = client.get(reverse("competence:matrix-export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Proposed" in export  # one's own proposal
    assert export.count("Proposed") == 1
    # the record's page, the evidence, the deadline list
    assert client.get(reverse("competence:record-detail", args=[ragna["approved"].pk])).status_code == 403
    assert client.get(reverse("competence:evidence-download", args=[ragna["evidence"].pk])).status_code == 403
    deadlines = client.get(reverse("reminders:deadlines"))
    assert ragna["deadline"] not in list(deadlines.context["deadlines"])


def test_portal_open_a_colleague_reads_everything(login, world, ragna):
    # given
    open_records(world)
    client = login(world.a.member)
    # then
    page = client.get(reverse("competence:person-detail", args=[ragna["membership"].pk]))
    assert {record.pk for record in page.context["records"]} == {ragna["approved"].pk, ragna["proposed"].pk}
    assert "Secret course" in page.content.decode()
    detail = client.get(reverse("competence:record-detail", args=[ragna["approved"].pk]))
    assert detail.status_code == 200
    assert "Confidential remark" in detail.content.decode()
    assert client.get(reverse("competence:evidence-download", args=[ragna["evidence"].pk])).status_code == 200
    assert ragna["deadline"] in list(client.get(reverse("reminders:deadlines")).context["deadlines"])


def test_portal_the_person_and_the_administrator_always_read_everything(login, world, ragna):
    for user in (ragna["membership"].user, world.a.admin):
        client = login(user)
        detail = client.get(reverse("competence:record-detail", args=[ragna["proposed"].pk]))
        assert detail.status_code == 200
        assert ragna["deadline"] in list(client.get(reverse("reminders:deadlines")).context["deadlines"])


def test_portal_settings_page_changes_it_for_the_administrator_only(login, world):
    # a member: 403 and nothing changes
    member = login(world.a.member)
    assert member.get(reverse("competence:records-policy")).status_code == 403
    assert member.post(reverse("competence:records-policy"), {"colleague_records": "full"}).status_code == 403
    assert not PeopleRecordsPolicy.objects.exists()
    # the administrator
    admin = login(world.a.admin)
    page = admin.get(reverse("competence:records-policy"))
    assert page.status_code == 200
    assert page.context["form"].initial == {"colleague_records": "summary"}
    response = admin.post(reverse("competence:records-policy"), {"colleague_records": "full"})
    assert response.status_code == 302
    assert PeopleRecordsPolicy.objects.get(body=world.a.body).colleague_records == "full"
    # a bad value: the form's error, nothing changes
    bad = admin.post(reverse("competence:records-policy"), {"colleague_records": "nobody"})
    assert bad.status_code == 200
    assert "colleague_records" in bad.context["form"].errors
    assert PeopleRecordsPolicy.objects.get(body=world.a.body).colleague_records == "full"


# --- API ----------------------------------------------------------------------------------------------------


def test_api_default_a_colleague_sees_the_summary_only(world, ragna):
    client = signed_in(world.a.member)
    records = client.get(url("competence-record-list"), {"person": str(ragna["membership"].pk)})
    assert records.status_code == 200
    [row] = records.json()["competenceRecords"]
    assert row["id"] == str(ragna["approved"].pk)
    assert row["detailsHidden"] is True
    assert (row["notes"], row["basis"], row["evaluatedBy"], row["evaluatedOn"]) == ("", [], None, None)
    assert row["status"] == "approved" and row["validUntil"] == ragna["approved"].valid_until.isoformat()
    assert client.get(url("competence-record-detail", ragna["proposed"].pk)).status_code == 404
    assert client.get(url("person-training", ragna["membership"].pk)).status_code == 403
    assert client.get(url("competence-record-evidence", ragna["approved"].pk)).status_code == 403
    assert str(ragna["document"].pk) not in listed_ids(client.get(url("document-list")), "documents")
    assert str(ragna["deadline"].pk) not in listed_ids(client.get(url("deadline-list")), "deadlines")
    matrix = client.get(url("competence-matrix")).json()
    statuses = {
        record["status"]
        for row in matrix["rows"]
        for cell in row["cells"]
        if cell
        for record in cell["records"]
    }
    assert statuses == {"approved"}


def test_api_open_a_colleague_reads_everything(world, ragna):
    # given
    open_records(world)
    client = signed_in(world.a.member)
    # then
    records = client.get(url("competence-record-list"), {"person": str(ragna["membership"].pk)}).json()
    rows = {row["id"]: row for row in records["competenceRecords"]}
    assert set(rows) == {str(ragna["approved"].pk), str(ragna["proposed"].pk)}
    assert rows[str(ragna["approved"].pk)]["notes"] == "Confidential remark"
    assert rows[str(ragna["approved"].pk)]["detailsHidden"] is False
    assert client.get(url("person-training", ragna["membership"].pk)).status_code == 200
    assert client.get(url("competence-record-evidence", ragna["approved"].pk)).status_code == 200
    assert str(ragna["document"].pk) in listed_ids(client.get(url("document-list")), "documents")
    assert str(ragna["deadline"].pk) in listed_ids(client.get(url("deadline-list")), "deadlines")


def test_api_the_person_reads_their_own_records_in_full(world, ragna):
    client = signed_in(ragna["membership"].user)
    records = client.get(url("competence-record-list")).json()["competenceRecords"]
    assert {row["id"] for row in records} >= {str(ragna["approved"].pk), str(ragna["proposed"].pk)}
    assert all(
        row["detailsHidden"] is False for row in records if row["person"]["id"] == str(ragna["membership"].pk)
    )
    assert str(ragna["deadline"].pk) in listed_ids(client.get(url("deadline-list")), "deadlines")


def test_api_reads_and_sets_the_setting(world):
    path = url("people-records-policy", world.a.body.pk)
    # every member reads it
    got = signed_in(world.a.member).get(path)
    assert got.status_code == 200
    assert got.json() == {
        "body": str(world.a.body.pk),
        "colleagueRecords": "summary",
        "updatedBy": None,
        "updatedAt": None,
    }
    # a member may not change it; nothing changes
    refused = signed_in(world.a.member).put(path, {"colleagueRecords": "full"}, format="json")
    assert refused.status_code == 403
    assert not PeopleRecordsPolicy.objects.exists()
    # a bad value: 400 with the field's message
    bad = signed_in(world.a.admin).put(path, {"colleagueRecords": "everyone"}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()["fieldErrors"]) == ["colleagueRecords"]
    # the administrator
    done = signed_in(world.a.admin).put(path, {"colleagueRecords": "full"}, format="json")
    assert done.status_code == 200
    assert done.json()["colleagueRecords"] == "full"
    assert done.json()["updatedBy"]["id"] == str(world.a.admin.pk)
    # another body: 404 for reading and changing, nothing changes
    assert signed_in(world.b.admin).get(path).status_code == 404
    assert (
        signed_in(world.b.admin).put(path, {"colleagueRecords": "summary"}, format="json").status_code == 404
    )
    assert PeopleRecordsPolicy.objects.get().colleague_records == "full"
