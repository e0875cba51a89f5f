"""The staff read-only admin and inline (`core.admin`): registry staff read, nobody adds, changes or deletes."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from bodies.admin import AccreditationInline, MembershipInline, StatusChangeInline
from competence.admin import EvidenceInline
from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline
from imports.models import ImportBatch
from reminders.models import Notification

pytestmark = pytest.mark.django_db

READ_ONLY_MODELS = sorted(
    [
        "accounts.apitoken",
        "bodies.accreditation",
        "bodies.membership",
        "clients.client",
        "clients.clientuser",
        "clients.project",
        "clients.site",
        "competence.competencerecord",
        ImportBatch._meta.label_lower,  # the imports engine's batch, kept in competence's back office
        "competence.periodicevaluation",
        "competence.trainingentry",
        "competence.witnessedaudit",
        "core.auditevent",
        "impartiality.committeeaction",
        "impartiality.committeemeeting",
        "impartiality.conflictoverride",
        "impartiality.declaration",
        "impartiality.impartialitypolicy",
        "impartiality.risk",
        "documents.document",
        "reminders.deadline",
        "reminders.notification",
        "reference.audittimetable",
        "audits.finding",
        "audits.engagement",
        "webhooks.webhookdelivery",
        "webhooks.webhookevent",
        "webhooks.webhooksubscription",
        # --- certification: reviews and decisions ---
        "certification.decision",
        "certification.review",
        "certification.statement",
        # --- certification: certificates, programme and proposals ---
        "certification.certificate",
        "certification.programmedue",
        "certification.proposal",
        # --- certification: public verification and CertSearch ---
        "certification.certsearchupload",
        "certification.verificationcount",
    ]
)


#: read-only lists whose add page staff may open: registry tokens are made there
ADDED_BY_STAFF = {"accounts.apitoken"}


def _read_only_admins() -> dict[str, StaffReadOnlyAdmin]:
    return {
        model._meta.label_lower: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, StaffReadOnlyAdmin)
    }


def test_the_apps_use_the_one_staff_read_only_admin() -> None:
    assert sorted(_read_only_admins()) == READ_ONLY_MODELS


def test_the_apps_use_the_one_staff_read_only_inline() -> None:
    for inline in (MembershipInline, AccreditationInline, StatusChangeInline, EvidenceInline):
        assert issubclass(inline, StaffReadOnlyInline)


def test_registry_staff_read_and_nobody_writes(world) -> None:  # type: ignore[no-untyped-def]
    # given
    factory = RequestFactory()
    for label, model_admin in _read_only_admins().items():
        for user, may_view in ((world.staff, True), (world.a.admin, False), (world.a.member, False)):
            request = factory.get("/admin/")
            request.user = user
            # then
            assert model_admin.has_view_permission(request) is may_view, (label, user)
            # registry staff add registry tokens in the back office (the one add page; the secret is shown once)
            assert model_admin.has_add_permission(request) is (
                label in ADDED_BY_STAFF and user == world.staff
            ), label
            assert model_admin.has_change_permission(request) is False, label
            assert model_admin.has_delete_permission(request) is False, label


@pytest.mark.parametrize("label", READ_ONLY_MODELS)
def test_staff_open_every_read_only_list_and_cannot_open_its_add_page(login, world, label):  # type: ignore[no-untyped-def]
    # given
    app_label, model_name = label.split(".")
    client = login(world.staff)
    # when
    listed = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    # then
    assert listed.status_code == 200
    assert add.status_code == (200 if label in ADDED_BY_STAFF else 403)


def test_staff_oversee_every_persons_notifications(login, world) -> None:  # type: ignore[no-untyped-def]
    # given a notification addressed to a body's member, not to staff
    Notification.objects.create(
        key="tests.admin", user=world.a.member, body=world.a.body, kind="tests", title="For member A only"
    )
    # when
    html = login(world.staff).get(reverse("admin:reminders_notification_changelist")).content.decode()
    # then
    assert "For member A only" in html


def test_a_bodys_page_shows_its_people_read_only(login, world) -> None:  # type: ignore[no-untyped-def]
    # when
    response = login(world.staff).get(reverse("admin:bodies_body_change", args=[world.a.body.pk]))
    # then the people are listed, with no form fields and no row to add
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model._meta.model_name == "membership"
    )
    assert len(formset.formset.forms) == 2
    assert formset.formset.extra == 0
    assert formset.has_add_permission is False
    assert formset.has_delete_permission is False
    assert set(formset.readonly_fields) == {"user", "roles_label", "status", "created_at"}
