"""Accreditations: the five-year cycle (ISO/IEC 17011), scope, status decisions, expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils.formats import date_format

from bodies import services
from bodies.models import Accreditation
from core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from reference.models import Activity, Sector, Standard
from tests.bodies.certificates import pdf
from tests.factories import AccreditationBodyFactory, AccreditationFactory

pytestmark = pytest.mark.django_db


def scope() -> dict:
    return {
        "scope_activities": Activity.objects.filter(code="verification"),
        "scope_standards": Standard.objects.filter(code="iso-14064-3"),
        "scope_sectors": Sector.objects.filter(scheme="ghg", code="1"),
    }


def fields(**overrides) -> dict:
    base = {
        "accreditation_body": AccreditationBodyFactory(),
        "certificate": pdf(),
        "standard": Accreditation.Standard.ISO_14065,
        "certificate_number": "VVB-100",
        "valid_from": date(2026, 3, 1),
        "valid_to": date(2031, 2, 28),
    }
    return {**base, **overrides}


def test_cycle_of_exactly_five_years_is_accepted(world):
    # last allowed day: valid_from + 5 years - 1 day
    acc = services.accreditation_create(body=world.a.body, actor=world.a.admin, fields=fields(), **scope())
    assert acc.valid_to == date(2031, 2, 28)
    assert (
        AuditEvent.objects.filter(action="bodies.accreditation.created", object_id=str(acc.pk)).count() == 1
    )


def test_cycle_one_day_longer_than_five_years_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.accreditation_create(
            body=world.a.body, actor=world.a.admin, fields=fields(valid_to=date(2031, 3, 1)), **scope()
        )
    assert "valid_to" in exc.value.message_dict
    assert date_format(date(2031, 2, 28)) in exc.value.message_dict["valid_to"][0]  # the language's format
    assert Accreditation.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="bodies.accreditation").exists()


def test_cycle_limit_is_a_setting(world, settings):
    settings.ACCREDITATION_MAX_CYCLE_YEARS = 4
    with pytest.raises(ValidationError):
        services.accreditation_create(body=world.a.body, actor=world.a.admin, fields=fields(), **scope())


def test_leap_day_start(world):
    acc = services.accreditation_create(
        body=world.a.body,
        actor=world.a.admin,
        fields=fields(valid_from=date(2028, 2, 29), valid_to=date(2033, 2, 27)),
        **scope(),
    )
    assert acc.pk
    with pytest.raises(ValidationError):
        services.accreditation_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=fields(certificate_number="X2", valid_from=date(2028, 2, 29), valid_to=date(2033, 2, 28)),
            **scope(),
        )


def test_end_before_start_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.accreditation_create(
            body=world.a.body, actor=world.a.admin, fields=fields(valid_to=date(2026, 2, 28)), **scope()
        )
    assert "valid_to" in exc.value.message_dict


def test_empty_scope_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.accreditation_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=fields(),
            scope_activities=[],
            scope_standards=[],
            scope_sectors=[],
        )
    assert set(exc.value.message_dict) == {"scope_activities", "scope_standards", "scope_sectors"}


def test_ghg_programme_needs_its_name(world):
    with pytest.raises(ValidationError) as exc:
        services.accreditation_create(
            body=world.a.body,
            actor=world.a.admin,
            fields=fields(standard=Accreditation.Standard.GHG_PROGRAMME),
            **scope(),
        )
    assert "programme_name" in exc.value.message_dict


def test_duplicate_certificate_is_refused(world):
    services.accreditation_create(body=world.a.body, actor=world.a.admin, fields=fields(), **scope())
    with pytest.raises(ValidationError) as exc:
        services.accreditation_create(body=world.a.body, actor=world.a.admin, fields=fields(), **scope())
    assert "certificate_number" in exc.value.message_dict
    assert Accreditation.objects.count() == 1


def test_member_without_role_and_other_body_cannot_create(world):
    for actor in (world.a.member, world.b.admin):
        with pytest.raises(PermissionDenied):
            services.accreditation_create(body=world.a.body, actor=actor, fields=fields(), **scope())
    assert Accreditation.objects.count() == 0


def test_update_records_before_and_after(world):
    acc = services.accreditation_create(body=world.a.body, actor=world.a.admin, fields=fields(), **scope())
    services.accreditation_update(
        accreditation=acc, actor=world.a.admin, fields={"valid_to": date(2030, 12, 31)}
    )
    event = AuditEvent.objects.get(action="bodies.accreditation.updated")
    assert event.before == {"valid_to": "2031-02-28"}
    assert event.after == {"valid_to": "2030-12-31"}


def test_update_cannot_stretch_the_cycle(world):
    acc = services.accreditation_create(body=world.a.body, actor=world.a.admin, fields=fields(), **scope())
    with pytest.raises(ValidationError):
        services.accreditation_update(
            accreditation=acc, actor=world.a.admin, fields={"valid_to": date(2031, 3, 1)}
        )
    acc.refresh_from_db()
    assert acc.valid_to == date(2031, 2, 28)


def test_suspend_reinstate_withdraw(world):
    acc = AccreditationFactory(body=world.a.body)
    services.accreditation_suspend(accreditation=acc, actor=world.a.admin, reason="AB suspension notice")
    acc.refresh_from_db()
    assert acc.status == Accreditation.Status.SUSPENDED
    services.accreditation_reinstate(accreditation=acc, actor=world.a.admin, reason="lifted")
    services.accreditation_withdraw(accreditation=acc, actor=world.a.admin, reason="surrendered")
    acc.refresh_from_db()
    assert acc.status == Accreditation.Status.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        services.accreditation_reinstate(accreditation=acc, actor=world.a.admin, reason="again")
    acc.refresh_from_db()
    assert acc.status == Accreditation.Status.WITHDRAWN


def test_expiry_sweep_marks_ended_accreditations_in_the_body_time_zone(world):
    today = date(2027, 6, 10)
    ended_yesterday = AccreditationFactory(
        body=world.a.body, valid_from=date(2023, 1, 1), valid_to=today - timedelta(1)
    )
    ends_today = AccreditationFactory(body=world.a.body, valid_from=date(2023, 1, 1), valid_to=today)
    # when
    changed = services.accreditations_expire(today=today)
    # then: the last valid day is still valid; the day after it is not
    assert changed == 1
    ended_yesterday.refresh_from_db()
    ends_today.refresh_from_db()
    assert ended_yesterday.status == Accreditation.Status.EXPIRED
    assert ends_today.status == Accreditation.Status.ACTIVE
    event = AuditEvent.objects.get(action="bodies.accreditation.expired")
    assert event.actor is None and event.actor_label == "system"
    assert services.accreditations_expire(today=today) == 0  # a second sweep changes nothing
