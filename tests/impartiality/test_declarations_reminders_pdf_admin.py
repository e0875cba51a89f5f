"""Declarations: renewal and review reminders (the right people, once, on the right days; read only by those
who read the declaration), the signed declaration PDF (rendered, read under the same rule), the back office."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bodies.models import Membership, Role
from documents.models import Document
from documents.services import document_render, document_request
from impartiality.services import (
    DECLARATION_RENEWAL,
    DECLARATION_REVIEW,
    declaration_correct,
    declaration_review,
    declaration_start,
    declaration_submit,
)
from reminders.models import Deadline, Notification
from reminders.services import deadlines_sweep
from tests.factories import (
    ClientFactory,
    DeclarationFactory,
    MembershipFactory,
    RelationshipFactory,
    UserFactory,
)
from tests.helpers import signed_in, url

pytestmark = pytest.mark.django_db


def noon(day: date) -> datetime:
    # noon UTC is the same calendar day in Reykjavik (UTC+0), the factories' time zone
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def submitted(world, monkeypatch):  # type: ignore[no-untyped-def]
    """Member A's annual declaration, attested and submitted on 1 March 2026 (current through 1 March 2027)."""
    monkeypatch.setattr(timezone, "now", lambda: noon(date(2026, 3, 1)))
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)
    declaration = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    declaration = declaration_submit(declaration=declaration, actor=world.a.member, attest=True)
    monkeypatch.undo()
    Notification.objects.all().delete()  # the submission notice to the reviewers
    return declaration


def told(kind: str, offset: int | None = None) -> list[str]:
    rows = Notification.objects.filter(kind=kind)
    if offset is not None:
        rows = rows.filter(offset_days=offset)
    return sorted(rows.values_list("user__email", flat=True))


@pytest.mark.parametrize(
    ("day", "offset", "expected"),
    [
        (date(2027, 1, 29), -30, []),  # the day before 30 days ahead
        (date(2027, 1, 30), -30, ["member.a@example.org"]),  # 30 days before the last day: the declarant
        (date(2027, 3, 1), 0, ["member.a@example.org"]),  # the last day: still the declarant only
        (date(2027, 3, 8), 7, ["admin.a@example.org", "member.a@example.org"]),  # overdue: the admins too
    ],
)
def test_renewal_reminders(world, submitted, day, offset, expected):
    deadlines_sweep(now=noon(day), enqueue_email=False)
    assert told(DECLARATION_RENEWAL, offset) == expected


def test_each_reminder_is_sent_once(world, submitted):
    deadlines_sweep(now=noon(date(2027, 1, 30)), enqueue_email=False)
    deadlines_sweep(now=noon(date(2027, 1, 31)), enqueue_email=False)
    deadlines_sweep(now=noon(date(2027, 1, 30)), enqueue_email=False)
    assert Notification.objects.filter(kind=DECLARATION_RENEWAL).count() == 1


def test_renewal_closes_the_earlier_reminder(world, submitted, monkeypatch):
    # when the person submits their next annual declaration
    monkeypatch.setattr(timezone, "now", lambda: noon(date(2027, 2, 10)))
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)
    renewal = declaration_start(membership=membership, actor=world.a.member, kind="annual")
    declaration_submit(declaration=renewal, actor=world.a.member, attest=True)
    monkeypatch.undo()

    # then the old one's reminder is closed and the new one is watched
    assert Deadline.objects.get(kind=DECLARATION_RENEWAL, subject_id=str(submitted.pk)).closed_at is not None
    assert Deadline.objects.get(kind=DECLARATION_RENEWAL, subject_id=str(renewal.pk)).due_on == date(
        2028, 2, 10
    )
    deadlines_sweep(now=noon(date(2027, 3, 8)), enqueue_email=False)
    assert told(DECLARATION_RENEWAL) == []


def test_correction_closes_the_superseded_versions_reminders(world, submitted, monkeypatch):
    correction = declaration_correct(declaration=submitted, actor=world.a.member)
    monkeypatch.setattr(timezone, "now", lambda: noon(date(2026, 4, 1)))
    declaration_submit(declaration=correction, actor=world.a.member, attest=True)
    monkeypatch.undo()

    old = Deadline.objects.filter(subject_id=str(submitted.pk))
    assert {deadline.kind for deadline in old} == {DECLARATION_RENEWAL, DECLARATION_REVIEW}
    assert all(deadline.closed_at is not None for deadline in old)


def test_waiting_for_review_reminds_the_reviewers_once(world, submitted):
    committee = UserFactory(email="committee.a@example.org")
    MembershipFactory(user=committee, body=world.a.body, roles=[Role.IMPARTIALITY_COMMITTEE])

    deadlines_sweep(now=noon(date(2026, 3, 5)), enqueue_email=False)  # four days: nothing yet
    assert told(DECLARATION_REVIEW) == []
    deadlines_sweep(now=noon(date(2026, 3, 6)), enqueue_email=False)
    deadlines_sweep(now=noon(date(2026, 3, 7)), enqueue_email=False)

    assert told(DECLARATION_REVIEW) == ["admin.a@example.org", "committee.a@example.org"]


def test_reviewed_declaration_stops_the_review_reminder(world, submitted):
    declaration_review(declaration=submitted, actor=world.a.admin, outcome="no_conflict")
    deadlines_sweep(now=noon(date(2026, 3, 10)), enqueue_email=False)
    assert told(DECLARATION_REVIEW) == []


def test_deadlines_are_read_only_by_those_who_read_the_declaration(world, submitted):
    colleague = UserFactory()
    MembershipFactory(user=colleague, body=world.a.body, roles=[Role.AUDITOR])

    def listed(user) -> set[str]:  # type: ignore[no-untyped-def]
        rows = signed_in(user).get(url("deadline-list")).json()["deadlines"]
        return {row["kind"] for row in rows if row["kind"].startswith("impartiality.declaration")}

    assert listed(world.a.member) == {DECLARATION_RENEWAL, DECLARATION_REVIEW}
    assert listed(world.a.admin) == {DECLARATION_RENEWAL, DECLARATION_REVIEW}
    assert listed(colleague) == set()
    assert listed(world.b.admin) == set()


# --- the signed declaration PDF ---------------------------------------------------------------------------------


@pytest.fixture
def pdf(world) -> Document:
    declaration = DeclarationFactory(
        membership=Membership.objects.get(user=world.a.member, body=world.a.body),
        status="reviewed",
        review_outcome="mitigated",
        review_measures="Not on Hekla's audits until 2027",
        reviewed_by=world.a.admin,
        reviewed_at=timezone.now(),
    )
    RelationshipFactory(
        declaration=declaration, client=ClientFactory(body=world.a.body, legal_name="Hekla hf.")
    )
    with transaction.atomic():
        document = document_request(
            kind="impartiality.declaration", subject=declaration, body=world.a.body, actor=world.a.member
        )
    return document_render(document_id=document.pk)


def test_the_pdf_is_rendered_with_the_declaration(world, pdf):
    from documents.rendering import document_html

    assert pdf.status == "ready"
    html = document_html(pdf)
    for text in (
        "Declaration of interest",
        "Member A",
        "Hekla hf.",
        "Conflict mitigated",
        "Admin A",
        "Not on Hekla&#x27;s audits until 2027",
    ):
        assert text in html


@pytest.mark.parametrize("who", ["declarant", "admin", "staff"])
def test_readers_download_it(world, pdf, who):
    user = {"declarant": world.a.member, "admin": world.a.admin, "staff": world.staff}[who]
    assert signed_in(user).get(url("document-download", pdf.pk)).status_code == 200
    assert signed_in(user).get(reverse("documents:download", args=[pdf.pk])).status_code == 200


def test_nobody_else_sees_it(world, pdf):
    colleague = UserFactory()
    MembershipFactory(user=colleague, body=world.a.body, roles=[Role.AUDITOR])
    for user in (colleague, world.b.admin):
        client = signed_in(user)
        assert client.get(url("document-detail", pdf.pk)).status_code == 404
        assert client.get(url("document-download", pdf.pk)).status_code == 404
        assert client.get(reverse("documents:download", args=[pdf.pk])).status_code == 404
        assert str(pdf.pk) not in {row["id"] for row in client.get(url("document-list")).json()["documents"]}


# --- the back office ------------------------------------------------------------------------------------------


def test_staff_read_declarations_with_relationships_and_labels(world, client):
    declaration = DeclarationFactory(
        membership=Membership.objects.get(user=world.a.member, body=world.a.body),
        status="reviewed",
        review_outcome="barring",
        reviewed_by=world.a.admin,
    )
    RelationshipFactory(declaration=declaration, description="Consulted for Hekla")
    client.force_login(world.staff)

    listing = client.get(
        reverse("admin:impartiality_declaration_changelist"), {"review_outcome__exact": "barring"}
    )
    page = client.get(reverse("admin:impartiality_declaration_change", args=[declaration.pk]))

    assert listing.status_code == 200
    assert "Conflict barring" in listing.content.decode()
    assert page.status_code == 200
    assert "Consulted for Hekla" in page.content.decode()
    assert (
        client.post(reverse("admin:impartiality_declaration_change", args=[declaration.pk]), {}).status_code
        == 403
    )
