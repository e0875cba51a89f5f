"""One read rule for a person's history (training, witnessed audits, evaluations) and evidence, in both faces.

The body's competence managers, registry staff and the person themselves read it; by default a colleague in the
same body sees the person and their approved competences but not the history nor a record's page (portal: the
sections are withheld, the record page and the evidence download are 403; API: 403), and another body gets
404. A body that opens its people's records lets colleagues read it all (tests/competence/test_confidentiality*).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bodies.models import Membership
from competence.models import CompetenceEvidence, TrainingEntry
from competence.permissions import can_view_evidence, can_view_person_history
from competence.services import evidence_add
from core.models import AuditEvent
from tests.helpers import membership_of, pdf_upload, record_for, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, auditor_a):  # type: ignore[no-untyped-def]
    """Ragna (an auditor of body A) with one training entry and one competence record with evidence."""
    TrainingEntry.objects.create(
        body=world.a.body,
        membership=auditor_a,
        title="Secret course title",
        completed_on=date(2025, 3, 1),
        hours=8,
    )
    record = record_for(auditor_a.user, world.a.body)
    evidence = evidence_add(
        record=record, actor=world.a.admin, upload=pdf_upload(), description="Private certificate"
    )
    return auditor_a, record, evidence


def test_a_colleague_sees_the_person_but_not_their_history(login, world, history):
    # given
    membership, _record, _evidence = history
    # when
    response = login(world.a.member).get(reverse("competence:person-detail", args=[membership.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["can_view_history"] is False
    assert "training" not in response.context
    assert "Secret course title" not in html
    assert 'id="history-withheld"' in html
    # the approved competence stays visible, as the team summary: no link to the record's page
    assert response.context["records"] == [_record]
    assert reverse("competence:record-detail", args=[_record.pk]) not in html


@pytest.mark.parametrize("who", ["admin", "person", "staff_member"])
def test_managers_and_the_person_see_the_history(login, world, history, who):
    # given
    membership, _record, _evidence = history
    if who == "staff_member":  # registry staff working in the portal for body A
        Membership.objects.create(user=world.staff, body=world.a.body, roles=["auditor"])
    user = {"admin": world.a.admin, "person": membership.user, "staff_member": world.staff}[who]
    # when
    response = login(user).get(reverse("competence:person-detail", args=[membership.pk]))
    # then
    assert response.status_code == 200
    assert response.context["can_view_history"] is True
    assert "Secret course title" in response.content.decode()
    assert 'id="history-withheld"' not in response.content.decode()


def test_a_colleague_does_not_open_the_record_page_by_default(login, world, history):
    # given
    _membership, record, evidence = history
    # when
    response = login(world.a.member).get(reverse("competence:record-detail", args=[record.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 403
    assert "Private certificate" not in html
    assert reverse("competence:evidence-download", args=[evidence.pk]) not in html


def test_a_colleague_cannot_download_the_evidence_and_nothing_changes(login, world, history):
    # given
    _membership, _record, evidence = history
    before = (AuditEvent.objects.count(), CompetenceEvidence.objects.count())
    # when
    response = login(world.a.member).get(reverse("competence:evidence-download", args=[evidence.pk]))
    # then
    assert response.status_code == 403
    assert (AuditEvent.objects.count(), CompetenceEvidence.objects.count()) == before


def test_the_person_downloads_their_own_evidence(login, world, history):
    # given
    membership, _record, evidence = history
    # when
    response = login(membership.user).get(reverse("competence:evidence-download", args=[evidence.pk]))
    # then
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == evidence.sha256


@pytest.mark.parametrize("who", ["member_a", "admin_a", "person", "member_b", "admin_b"])
def test_the_portal_and_the_api_answer_the_same(login, world, history, who):
    # given
    membership, record, evidence = history
    user = {
        "member_a": world.a.member,
        "admin_a": world.a.admin,
        "person": membership.user,
        "member_b": world.b.member,
        "admin_b": world.b.admin,
    }[who]
    # when
    portal = login(user).get(reverse("competence:evidence-download", args=[evidence.pk])).status_code
    api_client = signed_in(user)
    api_evidence = api_client.get(url("competence-record-evidence", record.pk)).status_code
    api_download = api_client.get(
        url("competence-record-evidence-download", record.pk, evidence.pk)
    ).status_code
    api_training = api_client.get(url("person-training", membership.pk)).status_code
    page = login(user).get(reverse("competence:person-detail", args=[membership.pk]))
    # then
    expected = {"member_a": 403, "admin_a": 200, "person": 200, "member_b": 404, "admin_b": 404}[who]
    assert (portal, api_evidence, api_download, api_training) == (expected,) * 4
    if page.status_code == 200:
        assert page.context["can_view_history"] is (expected == 200)
    else:
        assert page.status_code == 404 == expected


def test_the_rule_itself(world, history):
    # given
    membership, record, _evidence = history
    # then
    assert can_view_person_history(world.a.admin, membership) is True
    assert can_view_person_history(world.staff, membership) is True
    assert can_view_person_history(membership.user, membership) is True
    assert can_view_person_history(world.a.member, membership) is False
    assert can_view_person_history(world.b.admin, membership) is False
    assert can_view_person_history(None, membership) is False
    assert can_view_evidence(world.a.member, record) is False
    assert can_view_evidence(membership.user, record) is True
    # a person who left the body no longer reads their history there
    membership.status = Membership.Status.LEFT
    assert can_view_person_history(membership.user, membership) is False
    assert can_view_person_history(membership.user, membership_of(world.a.member, world.a.body)) is False
