"""The audit trail reads as a history: who, a sentence, the record (linked), only what changed in words;
filters (invalid ones refused), CSV export (formula-safe), constant queries, the hash chain's status for staff."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst

from bodies import services
from bodies.models import Membership
from competence.models import CompetenceStatus
from core.audit import audit_action_label, audit_actions, audit_record, audit_record_kinds
from core.audit_history import history_entries
from core.models import AuditEvent
from core.transitions import lifecycle_models
from imports.registry import KINDS
from tests.factories import UserFactory
from tests.helpers import assert_flat_queries, record_for

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
#: a literal action code handed to audit_record / audit_changes / a Transition (`app.entity.verb`)
LITERAL = re.compile(r"""\b(?:action|event)\s*=\s*["']([a-z_]+\.[a-z_]+\.[a-z_]+)["']""")
SKIPPED_DIRS = {".venv", "tests", "bench", "migrations", "node_modules", "static", "templates", "locale"}


def _recorded_actions() -> set[str]:
    """Every action the code can record: the literal codes in the application's modules, the events of every
    life cycle (`core.transitions`) and the two events of every bulk-import kind."""
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            continue
        codes.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    for model in lifecycle_models():
        codes.update(spec.event for spec in model.TRANSITIONS.actions.values() if spec.event)  # type: ignore[attr-defined]
    for kind in KINDS.all():
        codes.update({f"{kind.audit_prefix}.previewed", f"{kind.audit_prefix}.applied"})
    return codes


def test_every_action_the_code_records_has_a_sentence():
    codes = _recorded_actions()
    assert {"bodies.body.approved", "competence.record.expired", "core.object_grant.added"} <= codes
    assert "competence.import.applied" in codes
    missing = sorted(code for code in codes if code not in audit_actions)
    assert missing == [], f"audit actions without a label (declare them in <app>/audit_actions.py): {missing}"


def test_every_record_with_a_life_cycle_is_a_declared_kind_of_record():
    # the kind-of-record filter offers the declared kinds: a life cycle's records must be among them
    missing = sorted(
        model._meta.label_lower
        for model in lifecycle_models()
        if model._meta.label_lower not in audit_record_kinds
    )
    assert missing == []


def test_a_sentence_follows_the_language():
    with translation.override("en"):
        assert audit_action_label("bodies.body.approved") == "approved the body"
    assert audit_action_label("nobody.declared.this") == "nobody.declared.this"


def _record(actor, action, obj, body, before=None, after=None) -> AuditEvent:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return audit_record(actor=actor, action=action, obj=obj, body=body, before=before, after=after)


def _entries(body) -> list:  # type: ignore[no-untyped-def]
    events = list(AuditEvent.objects.filter(body=body).select_related("actor").order_by("sequence"))
    return history_entries(events)


def test_an_update_reads_as_who_did_what_with_only_the_changed_fields(world):
    services.body_update_profile(
        body=world.a.body, actor=world.a.admin, fields={"contact_phone": "+354 555 0101", "kind": "vvb"}
    )
    [entry] = _entries(world.a.body)
    with translation.override("en"):
        assert entry.who == "Admin A"
        assert entry.record_kind == "Body"
    changed = {change.field for change in entry.changes}
    assert "contact_phone" in changed
    assert all(change.before != change.after for change in entry.changes)
    phone = next(change for change in entry.changes if change.field == "contact_phone")
    assert phone.after == "+354 555 0101"
    assert phone.before is None  # it had none


def test_ids_read_as_names_choices_as_labels_and_dates_in_the_language(world):
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)
    _record(
        world.a.admin,
        "bodies.membership.details_changed",
        membership,
        world.a.body,
        before={
            "user": world.b.admin.pk,
            "undertaking_signed_on": "2026-12-07",
            "roles": ["auditor"],
            "status": "active",
            "employment": "employee",
        },
        after={
            "user": world.a.member.pk,
            "undertaking_signed_on": None,
            "roles": ["auditor", "lead_auditor"],
            "status": "active",
            "employment": "technical_expert",
        },
    )
    with translation.override("en"):
        [entry] = _entries(world.a.body)
        changes = {change.field: change for change in entry.changes}
        signed_label = str(capfirst(Membership._meta.get_field("undertaking_signed_on").verbose_name))
        assert changes["undertaking_signed_on"].before == formats.date_format(
            date(2026, 12, 7), "DATE_FORMAT"
        )
        assert changes["roles"].after == "Auditor, Lead auditor"
        assert changes["employment"].after == str(Membership.Employment("technical_expert").label)
        assert entry.what == "changed the member's details"
    # a foreign key is the person's name, not their id
    assert (changes["user"].before, changes["user"].after) == ("Admin B", "Member A")
    # the label is the field's verbose name; no value shown is an id
    assert changes["undertaking_signed_on"].label == signed_label
    assert changes["undertaking_signed_on"].after is None
    # a value that did not change is not shown
    assert "status" not in changes


def test_what_the_platform_did_by_itself_reads_as_the_platform(world):
    record = record_for(world.a.member, world.a.body)
    _record(
        None,
        "competence.record.expired",
        record,
        world.a.body,
        {"status": "approved"},
        {"status": "expired"},
    )
    with translation.override("en"):
        [entry] = _entries(world.a.body)
    assert entry.who == "the platform"
    assert entry.what == "marked the competence expired"
    [status] = entry.changes
    assert status.before == str(CompetenceStatus("approved").label)
    assert status.after == str(CompetenceStatus("expired").label)


def test_the_portal_page_shows_words_and_links_the_record(world, login):
    record = record_for(world.a.member, world.a.body)
    _record(
        world.a.admin,
        "competence.record.suspended",
        record,
        world.a.body,
        {"status": "approved"},
        {"status": "suspended"},
    )
    client = login(world.a.admin)
    response = client.get(reverse("core:audit-trail"), headers={"accept-language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Admin A" in page
    assert "suspended the competence" in page
    # the code appears only as the action filter's option value, never as text
    assert page.count("competence.record.suspended") == page.count('value="competence.record.suspended"') == 1
    assert reverse("competence:record-detail", args=[record.pk]) in page
    # body staff do not see the chain's status; registry staff do (below)
    assert 'id="audit-chain-status"' not in page


def test_a_record_of_another_body_is_not_linked(world, login):
    # an event in A's chain about B's competence record (a kernel-wide event, e.g. by registry staff)
    other = record_for(world.b.member, world.b.body)
    _record(
        world.staff,
        "competence.record.suspended",
        other,
        world.a.body,
        {"status": "approved"},
        {"status": "suspended"},
    )
    page = login(world.a.admin).get(reverse("core:audit-trail")).content.decode()
    assert str(other) in page
    assert reverse("competence:record-detail", args=[other.pk]) not in page


def _three_events(world) -> None:  # type: ignore[no-untyped-def]
    record = record_for(world.a.member, world.a.body)
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "1"})
    _record(
        None,
        "competence.record.expired",
        record,
        world.a.body,
        {"status": "approved"},
        {"status": "expired"},
    )
    _record(
        world.staff,
        "competence.record.suspended",
        record,
        world.a.body,
        {"status": "approved"},
        {"status": "suspended"},
    )


def _shown(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(entry.event.action) for entry in response.context["entries"]]


def test_filters_by_person_kind_action_and_dates(world, login):
    _three_events(world)
    client = login(world.a.admin)
    page = reverse("core:audit-trail")
    assert len(_shown(client.get(page))) == 3
    assert _shown(client.get(page, {"actor": world.a.admin.pk})) == ["bodies.body.profile_updated"]
    assert _shown(client.get(page, {"actor": "platform"})) == ["competence.record.expired"]
    assert sorted(_shown(client.get(page, {"object_type": "competence.competencerecord"}))) == [
        "competence.record.expired",
        "competence.record.suspended",
    ]
    assert _shown(client.get(page, {"action": "competence.record.suspended"})) == [
        "competence.record.suspended"
    ]
    today = timezone.localdate()
    assert len(_shown(client.get(page, {"date_from": today.isoformat(), "date_to": today.isoformat()}))) == 3
    assert _shown(client.get(page, {"date_from": (today + timedelta(days=1)).isoformat()})) == []
    # the person filter offers the people of this trail and the platform, by name
    choices = [label for _value, label in client.get(page).context["filter"].form.fields["actor"].choices]
    assert "Admin A" in choices and "Registry Staff" in choices and "Member A" not in choices


@pytest.mark.parametrize(
    "query",
    [
        {"action": "bodies.nothing.happened"},
        {"object_type": "bodies.nothing"},
        {"actor": "not-a-person"},
        {"date_from": "31/02/2026"},
        {"date_from": "2026-02-10", "date_to": "2026-02-01"},
    ],
)
def test_an_invalid_filter_is_a_form_error_not_ignored(world, login, query):
    _three_events(world)
    response = login(world.a.admin).get(reverse("core:audit-trail"), query)
    assert response.status_code == 400
    assert response.context["filter"].errors
    assert response.context["entries"] == []
    assert "invalid-feedback" in response.content.decode()
    export = login(world.a.admin).get(reverse("core:audit-trail-export"), query)
    assert export.status_code == 400


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def test_csv_export_of_the_filtered_history_is_formula_safe(world, login):
    _three_events(world)
    services.body_update_profile(
        body=world.a.body, actor=world.a.admin, fields={"contact_name": '=HYPERLINK("http://evil.example")'}
    )
    client = login(world.a.admin)
    response = client.get(
        reverse("core:audit-trail-export"), {"actor": world.a.admin.pk}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["When", "Who", "What", "Kind of record", "Record", "Changes"]
    assert len(rows) == 3  # the two changes of Admin A, not the platform's or the staff's event
    assert {row[1] for row in rows[1:]} == {"Admin A"}
    assert {row[2] for row in rows[1:]} == {"changed the body's profile"}
    evil = next(row for row in rows[1:] if "HYPERLINK" in row[5])
    assert not evil[5].startswith("=")
    # a cell that starts like a formula is made inert
    services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "2"})
    with transaction.atomic():
        audit_record(
            actor=world.a.admin, action="bodies.body.profile_updated", obj=world.a.body, body=world.a.body
        )
    world.a.body.short_name = "=SUM(A1)"
    with transaction.atomic():
        audit_record(
            actor=world.a.admin, action="bodies.body.profile_updated", obj=world.a.body, body=world.a.body
        )
    rows = _csv(client.get(reverse("core:audit-trail-export")))
    assert "'=SUM(A1)" in [row[4] for row in rows]


def test_a_page_costs_the_same_queries_whatever_its_events(world, login):
    client = login(world.a.admin)
    record = record_for(world.a.member, world.a.body)
    membership = Membership.objects.get(user=world.a.member, body=world.a.body)

    def grow(n: int) -> None:
        for i in range(n):
            person = UserFactory()
            _record(
                world.a.admin if i % 2 else None,
                "bodies.membership.details_changed",
                membership,
                world.a.body,
                before={
                    "user": person.pk,
                    "roles": ["auditor"],
                    "undertaking_signed_on": f"2026-01-0{i % 9 + 1}",
                },
                after={"user": world.a.member.pk, "roles": ["lead_auditor"], "undertaking_signed_on": None},
            )
            _record(
                world.staff,
                "competence.record.suspended",
                record,
                world.a.body,
                {"status": "approved"},
                {"status": "suspended"},
            )
            services.body_update_profile(
                body=world.a.body, actor=world.a.admin, fields={"contact_phone": f"{n}-{i}"}
            )

    assert_flat_queries(client, reverse("core:audit-trail"), grow)


def test_registry_staff_see_the_chain_status_verified_or_broken_at_event_n(world, client):
    from bodies.models.tenants import Role
    from tests.factories import MembershipFactory

    for phone in ("1", "2", "3"):
        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": phone})
    MembershipFactory(user=world.staff, body=world.a.body, roles=[Role.BODY_ADMIN])
    client.force_login(world.staff)
    page = client.get(reverse("core:audit-trail"), headers={"accept-language": "en"})
    assert page.context["chain"].ok is True
    assert 'data-ok="true"' in page.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE core_auditevent SET after = %s WHERE chain = %s AND sequence = 2",
            ['{"contact_phone": "X"}', str(world.a.body.pk)],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    page = client.get(reverse("core:audit-trail"), headers={"accept-language": "en"})
    assert page.context["chain"].broken_at == 2
    assert "broken at event 2" in page.content.decode()


def test_the_back_office_reads_the_same_history_with_the_chain_status(world, client):
    for phone in ("1", "2"):
        services.body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": phone})
    client.force_login(world.staff)
    changelist = reverse("admin:core_auditevent_changelist")
    page = client.get(changelist, headers={"accept-language": "en"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "changed the body&#x27;s profile" in content or "changed the body's profile" in content
    assert "Admin A" in content
    assert 'id="audit-chain-status"' not in content  # no body chosen: no chain to verify
    page = client.get(
        changelist, {"body__id__exact": str(world.a.body.pk)}, headers={"accept-language": "en"}
    )
    assert 'data-ok="true"' in page.content.decode()
    event = AuditEvent.objects.filter(body=world.a.body).first()
    detail = client.get(
        reverse("admin:core_auditevent_change", args=[event.pk]), headers={"accept-language": "en"}
    )
    assert detail.status_code == 200
    assert "Contact phone" in detail.content.decode() or "contact phone" in detail.content.decode().lower()
