"""Two-step login (issue 11 §2): the services, the middleware that enforces it (portal, admin, session API) and
the pages that keep it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import services
from accounts.mfa.services import (
    mfa_disable,
    mfa_required_for,
    mfa_verify,
    recovery_codes_regenerate,
    totp_device_confirm,
)
from accounts.mfa.views import ENROLMENT_SESSION_KEY
from bodies.models import Role
from core.errors import PermissionDenied, ValidationError
from core.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db

BOTH_ROLES = ["registry_staff", "body_admin"]


def code_for(key_hex: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    return f"{totp(bytes.fromhex(key_hex), t0=-30 * steps_ahead):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:  # type: ignore[no-untyped-def]
    enrolment = services.enrolment_start()
    codes = totp_device_confirm(user=user, enrolment=enrolment, code=code_for(enrolment.key))
    return TOTPDevice.objects.get(user=user), codes


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- services -----------------------------------------------------------------------------------------------


def test_a_wrong_code_does_not_confirm_the_app_and_the_right_one_does(world) -> None:
    user = world.a.member
    enrolment = services.enrolment_start()
    wrong = f"{(int(code_for(enrolment.key)) + 1) % 1_000_000:06d}"
    # when the code is wrong: refused, nothing written
    with pytest.raises(ValidationError) as refused:
        totp_device_confirm(user=user, enrolment=enrolment, code=wrong)
    assert refused.value.message_dict["code"]
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert events("accounts.mfa.enabled") == 0
    assert mail.outbox == []
    # when the code is right (typed with a space): confirmed, 10 recovery codes, audited, the person emailed
    code = code_for(enrolment.key)
    with_space = f"{code[:3]} {code[3:]}"
    codes = totp_device_confirm(user=user, enrolment=enrolment, code=with_space)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.key == enrolment.key
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(
        codes
    )
    assert events("accounts.mfa.enabled") == 1
    # and a second set-up is refused
    with pytest.raises(ValidationError):
        totp_device_confirm(user=user, enrolment=services.enrolment_start(), code="000000")


def test_the_person_is_emailed_when_mfa_is_turned_on_and_off(
    world, django_capture_on_commit_callbacks
) -> None:
    user = world.a.member
    with django_capture_on_commit_callbacks(execute=True):
        enrol(user)
    with django_capture_on_commit_callbacks(execute=True):
        recovery_codes_regenerate(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        mfa_disable(user=user)
    assert [m.to for m in mail.outbox] == [[user.email]] * 3
    assert [m.subject for m in mail.outbox] == [
        "Two-step login is on for your account",
        "New recovery codes for your account",
        "Two-step login is off for your account",
    ]


def test_the_code_that_confirmed_the_app_cannot_log_in_again(world) -> None:
    user = world.a.member
    enrolment = services.enrolment_start()
    code = code_for(enrolment.key)
    totp_device_confirm(user=user, enrolment=enrolment, code=code)
    with pytest.raises(ValidationError) as refused:
        mfa_verify(user=user, code=code)
    assert refused.value.error_dict["code"][0].code == "mfa_code_invalid"
    # and right after a wrong code the app waits a second (django-otp's throttle), then takes the next code
    with pytest.raises(ValidationError) as refused:
        mfa_verify(user=user, code=code_for(enrolment.key, steps_ahead=1))
    assert refused.value.error_dict["code"][0].code == "mfa_locked"
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=1))
    assert (
        mfa_verify(user=user, code=code_for(enrolment.key, steps_ahead=1)).pk == TOTPDevice.objects.get().pk
    )


def test_a_recovery_code_works_once(world) -> None:
    user = world.a.member
    _device, codes = enrol(user)
    # when one recovery code is used (upper case, with a dash: people copy them so)
    typed = f"{codes[3][:4]}-{codes[3][4:]}".upper()
    device = mfa_verify(user=user, code=typed)
    # then it logged in, is gone, and the use is audited
    assert isinstance(device, StaticDevice)
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert events("accounts.mfa.recovery_code_used") == 1
    # and the second time it is refused (after the throttle's one-second wait, so the refusal is the code's)
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    with pytest.raises(ValidationError) as refused:
        mfa_verify(user=user, code=codes[3])
    assert refused.value.error_dict["code"][0].code == "mfa_code_invalid"
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_new_recovery_codes_replace_the_old_ones(world) -> None:
    user = world.a.member
    _device, old = enrol(user)
    new = recovery_codes_regenerate(user=user)
    assert set(new).isdisjoint(old) and len(new) == 10
    with pytest.raises(ValidationError):
        mfa_verify(user=user, code=old[0])
    assert events("accounts.mfa.recovery_codes_regenerated") == 1


def test_ten_wrong_codes_lock_the_second_step_and_say_until_when(world) -> None:
    user = world.a.member
    device, _codes = enrol(user)
    right = code_for(device.key, steps_ahead=1)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for attempt in range(1, 11):
        # the person waits out each throttle delay (1, 2, 4 ... seconds) before trying again
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(days=1)
        )
        with pytest.raises(ValidationError) as refused:
            mfa_verify(user=user, code=wrong)
        code = refused.value.error_dict["code"][0].code
        # the 6 first wrong codes wait at most 32 s: "not right"; from the 7th (64 s) the page says "locked"
        assert code == ("mfa_code_invalid" if attempt <= 6 else "mfa_locked"), attempt
    device.refresh_from_db()
    assert device.throttling_failure_count == 10
    # then even the right code is refused while locked (512 s after the 10th), and the message says until when
    with pytest.raises(ValidationError) as refused:
        mfa_verify(user=user, code=right)
    assert refused.value.error_dict["code"][0].code == "mfa_locked"
    assert "locked until" in refused.value.messages[0]
    # and once the lock has passed, the right code works
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=513)
    )
    assert mfa_verify(user=user, code=right).pk == device.pk


def test_removing_the_last_device_is_refused_while_a_role_requires_it(world, settings) -> None:
    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    admin = world.a.admin
    enrol(admin)
    with pytest.raises(PermissionDenied) as refused:
        mfa_disable(user=admin)
    assert refused.value.code == "mfa_required"
    assert TOTPDevice.objects.filter(user=admin).count() == 1
    assert StaticToken.objects.filter(device__user=admin).count() == 10
    assert events("accounts.mfa.disabled") == 0
    # an ordinary member may turn it off
    member = world.a.member
    enrol(member)
    mfa_disable(user=member)
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member).exists()
    assert events("accounts.mfa.disabled") == 1


def test_who_must_use_two_step_login(world, settings) -> None:
    # given the roles required
    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    ended = MembershipFactory(user=UserFactory(), body=world.a.body, roles=[Role.BODY_ADMIN], status="left")
    assert mfa_required_for(world.staff) and mfa_required_for(world.a.admin)
    assert not mfa_required_for(world.a.member)
    assert not mfa_required_for(ended.user)
    # only body administrators
    settings.MFA_REQUIRED_ROLES = ["body_admin"]
    assert not mfa_required_for(world.staff) and mfa_required_for(world.b.admin)
    # empty: nobody
    settings.MFA_REQUIRED_ROLES = []
    assert not mfa_required_for(world.staff) and not mfa_required_for(world.a.admin)


# --- the middleware -----------------------------------------------------------------------------------------


def test_a_required_role_without_an_app_is_sent_to_set_it_up(world, login, settings) -> None:
    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    client = login(world.a.admin)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:mfa-setup')}?next=%2Fdashboard%2F"
    # the set-up page, the language switch and logging out stay open
    assert client.get(reverse("accounts:mfa-setup")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_back_office_sends_staff_without_an_app_to_set_it_up(world, login, settings) -> None:
    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    response = login(world.staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa-setup"))


def test_the_session_api_answers_403_mfa_required_and_a_bearer_token_is_unaffected(world, settings) -> None:
    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    admin = world.a.admin
    response = signed_in(admin).get(url("me"))
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    # a token the administrator made still works (tokens are their own factor)
    _token, secret = make_token(body=world.a.body, creator=admin, scopes={"people": "read"})
    assert bearer(secret).get(url("me")).status_code == 200


def test_a_person_with_an_app_passes_the_second_step_before_any_page(world, client, settings) -> None:
    settings.MFA_REQUIRED_ROLES = []  # not required: having an app is enough
    user = world.a.member
    user.set_password("correct horse battery")
    user.save()
    device, _codes = enrol(user)
    # when they log in with the password
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    # then every page sends them to the second step, and the session API refuses
    response = client.get(reverse("core:dashboard"))
    assert response["Location"] == f"{reverse('accounts:mfa-verify')}?next=%2Fdashboard%2F"
    assert client.get(url("me")).json()["code"] == "mfa_required"
    # a wrong code is refused on the page
    page = client.post(reverse("accounts:mfa-verify"), {"code": "12345x", "next": "/dashboard/"})
    assert page.status_code == 400
    assert "not right" in page.content.decode()
    # the right code goes on to `next`, and then the pages open
    StaticDevice.objects.update(throttling_failure_timestamp=None)
    response = client.post(
        reverse("accounts:mfa-verify"), {"code": code_for(device.key, 1), "next": "/dashboard/"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.get(url("me")).status_code == 200


def test_staff_logging_in_at_the_admin_pass_the_same_second_step(world, client) -> None:
    staff = world.staff
    staff.set_password("correct horse battery")
    staff.save()
    device, _codes = enrol(staff)
    client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": "correct horse battery"})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:mfa-verify')}?next=%2Fadmin%2F"
    response = client.post(
        reverse("accounts:mfa-verify"), {"code": code_for(device.key, 1), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- the pages ----------------------------------------------------------------------------------------------


def test_setting_up_on_the_page_shows_the_secret_then_the_codes_once(world, login) -> None:
    user = world.a.member
    client = login(user)
    page = client.get(reverse("accounts:mfa-setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    key = client.session[ENROLMENT_SESSION_KEY]
    # a wrong code: the page again (400), nothing set up
    wrong = f"{(int(code_for(key)) + 500_000) % 1_000_000:06d}"
    assert client.post(reverse("accounts:mfa-setup"), {"code": wrong}).status_code == 400
    assert not TOTPDevice.objects.filter(user=user).exists()
    # the right code: the recovery codes, downloadable, until "I have kept them"
    response = client.post(reverse("accounts:mfa-setup"), {"code": code_for(key)})
    assert response["Location"] == reverse("accounts:mfa-recovery-codes")
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    shown = client.get(reverse("accounts:mfa-recovery-codes")).content.decode()
    assert all(code in shown for code in codes)
    download = client.get(reverse("accounts:mfa-recovery-codes-download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)
    client.post(reverse("accounts:mfa-recovery-codes"))
    assert client.get(reverse("accounts:mfa-recovery-codes"))["Location"] == reverse("accounts:profile")
    # this session passed the second step when it set the app up
    assert client.get(reverse("core:dashboard")).status_code == 200
    # the profile says it is on
    assert "10 recovery codes left" in client.get(reverse("accounts:profile")).content.decode()


def test_the_profile_card_refuses_to_turn_off_a_required_app(world, login, settings) -> None:
    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    admin = world.a.admin
    client = login(admin)
    client.get(reverse("accounts:mfa-setup"))
    key = client.session[ENROLMENT_SESSION_KEY]
    client.post(reverse("accounts:mfa-setup"), {"code": code_for(key)})
    response = client.post(reverse("accounts:mfa-disable"), follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_turning_it_off_in_another_session_does_not_hold_this_one(world, login) -> None:
    import django_otp

    user = world.a.member
    device, _codes = enrol(user)
    client = login(user)
    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id  # this session passed the second step
    session.save()
    assert client.get(reverse("core:dashboard")).status_code == 200
    # when it is turned off in another session
    mfa_disable(user=user)
    # then this one is not sent round in circles: once through the second step's page, then the dashboard
    response = client.get(reverse("core:dashboard"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_an_operator_resets_a_lost_phone_with_a_reason(
    world, settings, django_capture_on_commit_callbacks
) -> None:
    from django.core.management import CommandError, call_command

    settings.MFA_REQUIRED_ROLES = BOTH_ROLES
    admin = world.a.admin
    enrol(admin)
    # without a reason: refused, nothing removed
    with pytest.raises(CommandError):
        call_command("mfa_reset", admin.email, "--reason", " ")
    assert TOTPDevice.objects.filter(user=admin).exists()
    # with one: removed even though the role requires it, audited as the platform, the person emailed
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mfa_reset", admin.email.upper(), "--reason", "identity checked by video call")
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert not StaticDevice.objects.filter(user=admin).exists()
    event = AuditEvent.objects.get(action="accounts.mfa.reset")
    assert event.actor is None
    assert mail.outbox[-1].subject == "Two-step login was reset for your account"


def test_the_back_office_shows_no_authenticator_secrets_or_recovery_codes() -> None:
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    assert not admin.site.is_registered(StaticToken)
