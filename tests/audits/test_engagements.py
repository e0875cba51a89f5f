"""Engagement services: creation with the kind's rules and body eligibility, the per-body reference, audit time,
the team and its grants, the life cycle by the right person, notices and deadlines (each reminder once)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audits.audit_time import audit_time
from audits.models import Engagement, TeamMember
from audits.sampling import sample_size
from audits.services import (
    engagement_cancel,
    engagement_confirm_team,
    engagement_create,
    engagement_draft_report,
    engagement_plan,
    engagement_propose_team,
    engagement_send_to_review,
    engagement_set_audit_time,
    engagement_start,
    team_member_add,
    team_member_remove,
)
from bodies.models import Accreditation, Role
from core.errors import TransitionNotAllowed, ValidationError, error_code
from core.models import AuditEvent
from reference.models import Activity, Standard
from reminders.models import Deadline, Notification
from reminders.services.sweep import deadlines_sweep
from tests.factories import (
    ClientFactory,
    EngagementFactory,
    MembershipFactory,
    SiteFactory,
    sector,
)

from .test_engagements_setup import build_setup, english_fixture, person, setup_fixture, staffed  # noqa: F401

pytestmark = pytest.mark.django_db


def fields(setup, **extra):  # type: ignore[no-untyped-def]
    start = timezone.localdate() + timedelta(days=40)
    values = {
        "kind": "verification",
        "client": setup.project.proponent,
        "project": setup.project,
        "activity": Activity.objects.get(code="verification"),
        "standard": Standard.objects.get(code="iso-14064-3"),
        "sector": sector("ghg", "1"),
        "scope": "Emission reductions 2025",
        "planned_start": start,
        "planned_end": start + timedelta(days=2),
        "level_of_assurance": "reasonable",
        "monitoring_period_start": date(2025, 1, 1),
        "monitoring_period_end": date(2025, 12, 31),
    }
    values.update(extra)
    return values


# --- create ---------------------------------------------------------------------------------------------------


def test_create_gives_the_next_reference_and_the_default_materiality(setup):
    first = engagement_create(body=setup.body, actor=setup.admin, fields=fields(setup))
    second = engagement_create(body=setup.body, actor=setup.admin, fields=fields(setup))
    year = first.planned_start.year
    existing = Engagement.objects.filter(body=setup.body, reference__startswith=f"ENG-{year}-").exclude(
        pk__in=[first.pk, second.pk]
    )
    assert first.reference.startswith(f"ENG-{year}-")
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1
    assert not existing.filter(reference__in=[first.reference, second.reference]).exists()
    assert first.materiality_percent == Decimal(5)
    assert first.status == "draft"
    assert AuditEvent.objects.filter(action="audits.engagement.created", object_id=str(first.pk)).count() == 1


def test_a_cancelled_engagements_reference_is_never_reused(setup):
    first = engagement_create(body=setup.body, actor=setup.admin, fields=fields(setup))
    engagement_cancel(engagement=first, actor=setup.admin, reason="Client withdrew")
    second = engagement_create(body=setup.body, actor=setup.admin, fields=fields(setup))
    assert second.reference != first.reference


@pytest.mark.django_db(transaction=True)
def test_two_creations_at_once_get_different_references(world):
    from django.utils import translation

    with translation.override("en"):
        data = build_setup(world)
    values = fields(data)
    barrier = threading.Barrier(2)
    references: list[str] = []

    def create() -> None:
        try:
            barrier.wait(timeout=10)
            references.append(engagement_create(body=data.body, actor=data.admin, fields=values).reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(references) == 2 and len(set(references)) == 2


def test_the_kinds_rules_are_all_listed(setup):
    other_client = ClientFactory(body=setup.body)
    count = Engagement.objects.count()
    with pytest.raises(ValidationError) as refused:
        engagement_create(
            body=setup.body,
            actor=setup.admin,
            fields=fields(
                setup,
                client=other_client,
                level_of_assurance="",
                monitoring_period_start=None,
                monitoring_period_end=None,
            ),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"client", "level_of_assurance", "monitoring_period_start"}
    assert Engagement.objects.count() == count


def test_a_validation_needs_a_project(setup):
    with pytest.raises(ValidationError) as refused:
        engagement_create(
            body=setup.body,
            actor=setup.admin,
            fields=fields(
                setup, kind="validation", project=None, level_of_assurance="", materiality_percent=None
            ),
        )
    assert error_code(refused.value) == "project_required"


def test_the_monitoring_period_lies_inside_the_projects(setup):
    setup.project.monitoring_period_start = date(2025, 1, 1)
    setup.project.monitoring_period_end = date(2025, 12, 31)
    setup.project.save()
    engagement_create(body=setup.body, actor=setup.admin, fields=fields(setup))  # the same period: fine
    with pytest.raises(ValidationError) as refused:
        engagement_create(
            body=setup.body, actor=setup.admin, fields=fields(setup, monitoring_period_end=date(2026, 1, 1))
        )
    assert error_code(refused.value) == "monitoring_period_invalid"


def test_a_stage_2_follows_a_stage_1_of_the_same_client(setup):
    # given a management-system body eligible for ISO 9001 stage audits is not needed: the kind rule comes first
    client = ClientFactory(body=setup.body)
    stage_1 = EngagementFactory(body=setup.body, kind="stage_1", project=None, client=client)
    other = EngagementFactory(body=setup.body, kind="stage_1", project=None)
    base = fields(setup, kind="stage_2", project=None, client=client, level_of_assurance="")
    base.pop("monitoring_period_start")
    base.pop("monitoring_period_end")
    with pytest.raises(ValidationError) as refused:
        engagement_create(body=setup.body, actor=setup.admin, fields={**base, "previous_stage": other})
    assert error_code(refused.value) == "previous_stage_invalid"
    with pytest.raises(ValidationError) as refused:
        engagement_create(body=setup.body, actor=setup.admin, fields=base)
    assert error_code(refused.value) == "previous_stage_invalid"
    # with its own stage 1 the kind's rule passes (eligibility then decides)
    try:
        engagement_create(body=setup.body, actor=setup.admin, fields={**base, "previous_stage": stage_1})
    except ValidationError as exc:
        assert error_code(exc) == "body_not_eligible"


def test_sites_belong_to_the_client(setup):
    client = ClientFactory(body=setup.body)
    foreign = SiteFactory(client=ClientFactory(body=setup.body))
    base = fields(setup, kind="stage_1", project=None, client=client, level_of_assurance="")
    base.pop("monitoring_period_start")
    base.pop("monitoring_period_end")
    with pytest.raises(ValidationError) as refused:
        engagement_create(body=setup.body, actor=setup.admin, fields={**base, "sites": [foreign]})
    assert "sites" in refused.value.message_dict


@pytest.mark.parametrize(("offset", "passes"), [(0, True), (-1, False)], ids=["last-day", "day-before-last"])
def test_create_runs_eligibility_on_the_last_planned_day(setup, offset, passes):
    values = fields(setup)
    Accreditation.objects.filter(body=setup.body).update(
        valid_to=values["planned_end"] + timedelta(days=offset)
    )
    count = Engagement.objects.count()
    if passes:
        engagement_create(body=setup.body, actor=setup.admin, fields=values)
        assert Engagement.objects.count() == count + 1
    else:
        with pytest.raises(ValidationError) as refused:
            engagement_create(body=setup.body, actor=setup.admin, fields=values)
        assert error_code(refused.value) == "body_not_eligible"
        assert Engagement.objects.count() == count


def test_eligibility_names_every_reason(setup):
    Accreditation.objects.filter(body=setup.body).update(valid_to=timezone.localdate(), status="suspended")
    with pytest.raises(ValidationError) as refused:
        engagement_create(body=setup.body, actor=setup.admin, fields=fields(setup))
    assert len(refused.value.messages) >= 2
    assert all(m.startswith("The body is not eligible:") for m in refused.value.messages)


def test_only_planners_create(setup, world):
    count = Engagement.objects.count()
    with pytest.raises(PermissionDenied):
        engagement_create(body=setup.body, actor=world.a.member, fields=fields(setup))
    with pytest.raises(PermissionDenied):
        engagement_create(body=setup.body, actor=world.b.admin, fields=fields(setup))
    assert Engagement.objects.count() == count


def test_planned_end_before_start_is_refused(setup):
    values = fields(setup)
    values["planned_end"] = values["planned_start"] - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        engagement_create(body=setup.body, actor=setup.admin, fields=values)
    assert error_code(refused.value) == "planned_order"


# --- audit time -----------------------------------------------------------------------------------------------


def test_audit_time_entered_by_hand_needs_a_justification(setup):
    engagement = setup.engagement
    with pytest.raises(ValidationError) as refused:
        engagement_set_audit_time(engagement=engagement, actor=setup.admin, days="2.3", justification="")
    assert set(refused.value.message_dict) == {"audit_days", "audit_time_justification"}
    engagement.refresh_from_db()
    assert engagement.audit_days is None
    stored = engagement_set_audit_time(
        engagement=engagement, actor=setup.admin, days="2.5", justification="Three sites, one day each"
    )
    assert stored.audit_days == Decimal("2.5")
    assert stored.audit_time_justification == "Three sites, one day each"


def test_audit_time_from_the_calculator_and_the_sample(setup):
    calculation = audit_time(scheme="qms", stage="initial", effective_personnel=50, on=timezone.localdate())
    sample = sample_size(sites=9, stage="initial")
    stored = engagement_set_audit_time(
        engagement=setup.engagement, actor=setup.admin, calculation=calculation, sample=sample
    )
    stored.refresh_from_db()
    assert stored.audit_days == calculation.days
    assert stored.audit_time["time"] == calculation.as_dict()
    assert stored.audit_time["sample"] == sample.as_dict()
    assert calculation.justification_text() in stored.audit_time_justification


# --- the team and its grants ----------------------------------------------------------------------------------


def test_team_members_are_granted_the_engagement_and_lose_it_when_removed(setup):
    engagement = setup.engagement
    member = team_member_add(
        engagement=engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    visible = Engagement.objects.for_body(setup.body).granted_to(setup.auditor.user)
    assert list(visible) == [engagement]
    assert Deadline.objects.filter(kind="audits.engagement_declaration", subject_id=str(member.pk)).exists()
    member_id = str(member.pk)
    team_member_remove(member=member, actor=setup.admin)
    assert list(Engagement.objects.for_body(setup.body).granted_to(setup.auditor.user)) == []
    assert Deadline.objects.filter(
        kind="audits.engagement_declaration", subject_id=member_id, closed_at__isnull=False
    ).exists()


def test_an_external_auditor_of_two_bodies_sees_only_their_engagements(setup, world):
    freelancer = MembershipFactory(body=world.b.body, user=setup.auditor.user, roles=[Role.AUDITOR])
    other_a = EngagementFactory(body=setup.body)
    in_b = EngagementFactory(body=world.b.body)
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    user = setup.auditor.user
    assert list(Engagement.objects.visible_to(user)) == [setup.engagement]
    assert other_a not in Engagement.objects.for_body(setup.body).granted_to(user)
    assert in_b not in Engagement.objects.for_body(world.b.body).granted_to(user)
    assert freelancer.body_id == world.b.body.pk


def test_one_lead_auditor_and_nobody_twice(setup):
    engagement = setup.engagement
    team_member_add(engagement=engagement, actor=setup.admin, membership=setup.lead, role=Role.LEAD_AUDITOR)
    with pytest.raises(ValidationError) as refused:
        team_member_add(
            engagement=engagement, actor=setup.admin, membership=setup.auditor, role=Role.LEAD_AUDITOR
        )
    assert error_code(refused.value) == "second_lead_auditor"
    with pytest.raises(ValidationError) as refused:
        team_member_add(engagement=engagement, actor=setup.admin, membership=setup.lead, role=Role.AUDITOR)
    assert error_code(refused.value) == "already_on_team"
    assert TeamMember.objects.filter(engagement=engagement).count() == 1


def test_a_person_of_another_body_cannot_join(setup, world):
    other = MembershipFactory(body=world.b.body)
    with pytest.raises(ValidationError) as refused:
        team_member_add(engagement=setup.engagement, actor=setup.admin, membership=other, role=Role.AUDITOR)
    assert error_code(refused.value) == "not_a_member"
    assert not TeamMember.objects.exists()


def test_the_confirmed_team_is_locked(setup):
    engagement = engagement_confirm_team(engagement=staffed(setup), actor=setup.admin)
    other = person(setup.body, "Olga Other", [Role.AUDITOR])
    with pytest.raises(TransitionNotAllowed):
        team_member_add(engagement=engagement, actor=setup.admin, membership=other, role=Role.AUDITOR)
    with pytest.raises(TransitionNotAllowed):
        team_member_remove(member=TeamMember.objects.filter(engagement=engagement).first(), actor=setup.admin)
    assert TeamMember.objects.filter(engagement=engagement).count() == 2


# --- the life cycle -------------------------------------------------------------------------------------------


def test_plan_propose_confirm_start_draft_review(setup, world):
    engagement = setup.engagement
    engagement_plan(engagement=engagement, actor=setup.admin)
    with pytest.raises(ValidationError) as refused:
        engagement_propose_team(engagement=engagement, actor=setup.admin)
    assert error_code(refused.value) == "no_lead_auditor"
    team_member_add(engagement=engagement, actor=setup.admin, membership=setup.lead, role=Role.LEAD_AUDITOR)
    team_member_add(engagement=engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR)
    engagement_propose_team(engagement=engagement, actor=setup.admin)
    engagement_confirm_team(engagement=engagement, actor=setup.admin)

    # only the lead auditor (or a planner) starts; only the lead auditor drafts the report
    with pytest.raises(PermissionDenied):
        engagement_start(engagement=engagement, actor=setup.auditor.user)
    started = engagement_start(engagement=engagement, actor=setup.lead.user)
    assert started.status == "in_progress"
    assert Deadline.objects.filter(
        kind="audits.report_draft", subject_id=str(engagement.pk), closed_at=None
    ).exists()
    with pytest.raises(PermissionDenied):
        engagement_draft_report(engagement=engagement, actor=setup.admin)
    engagement_draft_report(engagement=engagement, actor=setup.lead.user)
    assert Deadline.objects.filter(
        kind="audits.report_draft", subject_id=str(engagement.pk), closed_at__isnull=False
    ).exists()

    # the reviewer holds the role and is not on the team
    with pytest.raises(ValidationError) as refused:
        engagement_send_to_review(engagement=engagement, actor=setup.admin, reviewer=setup.auditor)
    assert error_code(refused.value) == "reviewer_invalid"
    setup.lead.roles = [Role.LEAD_AUDITOR, Role.INDEPENDENT_REVIEWER]
    setup.lead.save()
    with pytest.raises(ValidationError) as refused:
        engagement_send_to_review(engagement=engagement, actor=setup.admin, reviewer=setup.lead)
    assert error_code(refused.value) == "reviewer_invalid"
    assert Engagement.objects.get(pk=engagement.pk).status == "report_drafted"
    reviewed = engagement_send_to_review(engagement=engagement, actor=setup.admin, reviewer=setup.reviewer)
    assert reviewed.status == "under_review"
    assert reviewed.reviewer == setup.reviewer
    assert list(Engagement.objects.for_body(setup.body).granted_to(setup.reviewer.user)) == [engagement]
    assert (
        Notification.objects.filter(kind="audits.engagement.sent_to_review", user=setup.reviewer.user).count()
        == 1
    )


def test_cancel_needs_a_reason_and_tells_the_team(setup):
    engagement = staffed(setup)
    with pytest.raises(ValidationError):
        engagement_cancel(engagement=engagement, actor=setup.admin, reason=" ")
    assert Engagement.objects.get(pk=engagement.pk).status == "team_proposed"
    cancelled = engagement_cancel(engagement=engagement, actor=setup.admin, reason="Client withdrew")
    assert cancelled.status == "cancelled"
    told = set(
        Notification.objects.filter(kind="audits.engagement.cancelled").values_list("user_id", flat=True)
    )
    assert told == {setup.lead.user_id, setup.auditor.user_id}
    with pytest.raises(TransitionNotAllowed):
        engagement_cancel(engagement=engagement, actor=setup.admin, reason="Again")


def test_only_planners_plan_and_cancel(setup, world):
    with pytest.raises(PermissionDenied):
        engagement_plan(engagement=setup.engagement, actor=world.a.member)
    with pytest.raises(PermissionDenied):
        engagement_cancel(engagement=setup.engagement, actor=world.b.admin, reason="No")
    assert Engagement.objects.get(pk=setup.engagement.pk).status == "draft"


# --- deadlines: each reminder once ----------------------------------------------------------------------------


def _sweep_on(day: date) -> None:
    deadlines_sweep(now=timezone.make_aware(datetime.combine(day, time(12, 0))), enqueue_email=False)


def test_a_missing_declaration_is_reminded_once_to_the_member_and_the_planners(setup, world, settings):
    settings.ENGAGEMENT_DECLARATION_REMINDER_DAYS = 14
    other = person(setup.body, "Nora New", [Role.AUDITOR])
    team_member_add(engagement=setup.engagement, actor=setup.admin, membership=other, role=Role.AUDITOR)
    team_member_add(
        engagement=setup.engagement, actor=setup.admin, membership=setup.auditor, role=Role.AUDITOR
    )
    day = setup.engagement.planned_start - timedelta(days=14)
    _sweep_on(day - timedelta(days=1))
    assert not Notification.objects.filter(kind="audits.engagement_declaration").exists()
    _sweep_on(day)
    _sweep_on(day + timedelta(days=1))
    told = sorted(
        Notification.objects.filter(kind="audits.engagement_declaration").values_list(
            "user__email", flat=True
        )
    )
    # the new person (no declaration) and the administrator, once each; the cleared auditor nobody reminds
    assert told == sorted([other.user.email, world.a.admin.email])


def test_a_report_not_drafted_is_reminded_once_to_the_lead_auditor(setup, settings):
    settings.REPORT_DRAFT_REMINDER_DAYS = 14
    engagement = engagement_confirm_team(engagement=staffed(setup), actor=setup.admin)
    engagement_start(engagement=engagement, actor=setup.lead.user)
    day = engagement.planned_end + timedelta(days=14)
    _sweep_on(day - timedelta(days=1))
    assert not Notification.objects.filter(kind="audits.report_draft").exists()
    _sweep_on(day)
    _sweep_on(day + timedelta(days=3))
    assert list(
        Notification.objects.filter(kind="audits.report_draft").values_list("user_id", flat=True)
    ) == [setup.lead.user_id]


# --- the back office ------------------------------------------------------------------------------------------


def test_staff_record_and_change_a_rotation_exemption_in_the_admin(setup, world):
    from django.test import Client

    from audits.models import RotationExemption

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.staff)
    add = reverse("admin:audits_rotationexemption_add")
    response = client.post(
        add,
        {"body": setup.body.pk, "project": setup.project.pk, "reason": "No other body", "valid_until": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption = RotationExemption.objects.get()
    assert exemption.granted_by == world.staff
    assert AuditEvent.objects.filter(action="audits.rotation_exemption.recorded").count() == 1
    change = reverse("admin:audits_rotationexemption_change", args=[exemption.pk])
    response = client.post(change, {"reason": "Still none", "valid_until": "2030-01-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption.refresh_from_db()
    assert exemption.reason == "Still none" and exemption.valid_until == date(2030, 1, 1)


def test_staff_read_every_bodys_engagements_in_the_admin(setup, world):
    from django.test import Client

    theirs = EngagementFactory(body=world.b.body)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.staff)
    page = client.get(
        reverse("admin:audits_engagement_changelist"), {"status__exact": "draft"}
    ).content.decode()
    assert setup.engagement.reference in page and theirs.reference in page
    assert client.get(reverse("admin:audits_engagement_change", args=[theirs.pk])).status_code == 200
