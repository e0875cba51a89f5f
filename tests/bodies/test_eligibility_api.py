"""Eligibility API: every reason code, the "active on every day" boundary, input errors, tenancy, scopes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils.formats import date_format

from bodies.models import Accreditation, Body
from reference.models import Activity, Standard
from tests.factories import AccreditationBodyFactory, AccreditationFactory, BodyFactory, sector, today
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db


def day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def check(client, body, **overrides):  # type: ignore[no-untyped-def]
    params = {
        "activity": "verification",
        "standard": "iso-14064-3",
        "sector": "ghg:1",
        "start": (today() + timedelta(days=10)).isoformat(),
        "end": (today() + timedelta(days=20)).isoformat(),
        **overrides,
    }
    return client.get(url("body-eligibility", body.pk), params)


def test_an_approved_body_with_a_covering_accreditation_is_eligible(world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)

    # when
    response = check(signed_in(world.a.member), world.a.body)

    # then
    assert response.status_code == 200
    assert response.json() == {
        "eligible": True,
        "reasons": [],
        "accreditation": {"id": str(accreditation.pk), "certificateNumber": accreditation.certificate_number},
    }


def test_the_accreditation_must_be_active_on_every_planned_day(world):
    # given an accreditation ending in 60 days
    accreditation = AccreditationFactory(body=world.a.body, valid_to=today() + timedelta(days=60))
    last_day = accreditation.valid_to
    client = signed_in(world.a.admin)

    # when the engagement ends on the last valid day, and on the day after
    on_last_day = check(client, world.a.body, end=last_day.isoformat())
    day_after = check(client, world.a.body, end=(last_day + timedelta(days=1)).isoformat())

    # then the first is eligible, the second names the first uncovered day, in words
    assert on_last_day.json()["eligible"] is True
    assert day_after.json() == {
        "eligible": False,
        "reasons": [
            {
                "code": "accreditation_not_valid_on_dates",
                "message": f"{accreditation} is not valid on {day(last_day + timedelta(days=1))} "
                f"(valid {day(accreditation.valid_from)} to {day(last_day)}).",
                "accreditation": str(accreditation.pk),
            }
        ],
        "accreditation": None,
    }


def test_a_suspended_accreditation_is_not_active(world):
    accreditation = AccreditationFactory(body=world.a.body, status=Accreditation.Status.SUSPENDED)

    response = check(signed_in(world.a.admin), world.a.body)

    assert response.json()["reasons"] == [
        {
            "code": "accreditation_not_active",
            "message": f"{accreditation} is suspended.",
            "accreditation": str(accreditation.pk),
        }
    ]


def test_a_pending_accreditation_does_not_count(world):
    accreditation = AccreditationFactory(body=world.a.body, verification="pending")

    response = check(signed_in(world.a.admin), world.a.body)

    assert response.json() == {
        "eligible": False,
        "reasons": [
            {
                "code": "accreditation_not_verified",
                "message": f"{accreditation} is waiting for verification by the registry.",
                "accreditation": str(accreditation.pk),
            }
        ],
        "accreditation": None,
    }


def test_a_suspended_body_is_not_eligible(world):
    # given a suspended body that is otherwise fine
    Body.objects.filter(pk=world.a.body.pk).update(status=Body.Status.SUSPENDED)
    accreditation = AccreditationFactory(body=world.a.body)

    # when
    response = check(signed_in(world.staff), world.a.body)

    # then
    assert response.json() == {
        "eligible": False,
        "reasons": [
            {
                "code": "body_suspended",
                "message": "The body's ICR approval is suspended.",
                "accreditation": None,
            }
        ],
        "accreditation": {"id": str(accreditation.pk), "certificateNumber": accreditation.certificate_number},
    }


def test_an_applicant_without_agreement_fails_for_both_reasons(world):
    # given an applicant without agreement, seen by staff
    body = BodyFactory(status=Body.Status.APPLICANT, agreement_reference="", agreement_signed_on=None)
    AccreditationFactory(body=body)

    # when
    response = check(signed_in(world.staff), body)

    # then every failing reason is named
    assert [r["code"] for r in response.json()["reasons"]] == ["body_not_approved", "agreement_not_signed"]
    assert [r["accreditation"] for r in response.json()["reasons"]] == [None, None]
    assert response.json()["reasons"][0]["message"] == "The body is not approved by ICR (status: Applicant)."
    assert response.json()["reasons"][1]["message"] == "The body has not signed the ICR agreement."


@pytest.mark.parametrize("case", ["activity", "standard", "sector"])
def test_a_scope_that_no_accreditation_covers_is_named(world, case):
    # given the standard accreditation of A (validation/verification; ISO 14064-2/-3, ICR; GHG scopes 1, 3, 14)
    accreditation = AccreditationFactory(body=world.a.body)
    override, value, code = {
        "activity": (
            {"activity": "methodology_assessment"},
            Activity.objects.get(pk="methodology_assessment"),
            "activity_not_in_scope",
        ),
        "standard": (
            {"standard": "iso-14064-1"},
            Standard.objects.get(pk="iso-14064-1"),
            "standard_not_in_scope",
        ),
        "sector": ({"sector": "ghg:2"}, sector("ghg", "2"), "sector_not_in_scope"),
    }[case]

    # when an engagement outside that scope is checked
    response = check(signed_in(world.a.admin), world.a.body, **override)

    # then
    assert response.json() == {
        "eligible": False,
        "reasons": [
            {
                "code": code,
                "message": f"{accreditation} does not cover the {case} {value}.",
                "accreditation": str(accreditation.pk),
            }
        ],
        "accreditation": None,
    }


def test_each_accreditation_of_a_split_scope_names_what_it_misses(world):
    # given one accreditation for verification in scope 1 and another for validation in scope 3
    first = AccreditationFactory(body=world.a.body, certificate_number="A-1")
    first.scope_activities.set(["verification"])
    first.scope_sectors.set([sector("ghg", "1")])
    second = AccreditationFactory(body=world.a.body, certificate_number="B-2")
    second.scope_activities.set(["validation"])
    second.scope_sectors.set([sector("ghg", "3")])

    # when verification in scope 3 is checked
    response = check(signed_in(world.a.admin), world.a.body, sector="ghg:3")

    # then
    assert [(r["accreditation"], r["code"]) for r in response.json()["reasons"]] == [
        (str(first.pk), "sector_not_in_scope"),
        (str(second.pk), "activity_not_in_scope"),
    ]


def test_a_vvb_accreditation_must_come_from_an_iaf_mla_signatory(world):
    ab = AccreditationBodyFactory(name="Unsigned Accreditation", acronym="", mla=[])
    accreditation = AccreditationFactory(body=world.a.body, accreditation_body=ab)

    response = check(signed_in(world.a.admin), world.a.body)

    assert response.json()["reasons"] == [
        {
            "code": "accreditation_body_not_iaf_mla",
            "message": f"{accreditation}: Unsigned Accreditation is not an IAF MLA signatory for ISO 14065 on "
            "the planned dates.",
            "accreditation": str(accreditation.pk),
        }
    ]


def test_missing_parameters_are_field_errors(world):
    response = signed_in(world.a.admin).get(url("body-eligibility", world.a.body.pk))

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "activity": ["This field is required."],
        "standard": ["This field is required."],
        "sector": ["This field is required."],
        "start": ["This field is required."],
        "end": ["This field is required."],
    }


def test_invalid_parameters_are_field_errors(world):
    client = signed_in(world.a.admin)

    unknown = check(client, world.a.body, activity="juggling", sector="ghg:99", start="10/01/2027")
    malformed = check(client, world.a.body, sector="28")
    backwards = check(client, world.a.body, start="2027-01-20", end="2027-01-10")

    assert unknown.status_code == 400
    assert unknown.json()["fieldErrors"] == {
        "activity": ["Unknown value."],
        "sector": ["Unknown sector: ghg:99."],
        "start": ["Enter a date as YYYY-MM-DD."],
    }
    assert malformed.json()["fieldErrors"] == {
        "sector": ["Name the sector as scheme:code, e.g. iaf:28 or ghg:1."]
    }
    assert backwards.status_code == 400
    assert backwards.json()["fieldErrors"] == {"end": ["The planned end cannot be before the planned start."]}


def test_another_tenants_body_is_not_found(world):
    AccreditationFactory(body=world.a.body)

    assert check(signed_in(world.b.admin), world.a.body).status_code == 404


def test_a_token_needs_the_eligibility_scope(world):
    # given two tokens of body A, one scoped to eligibility
    AccreditationFactory(body=world.a.body)
    _, with_scope = make_token(body=world.a.body, creator=world.a.admin, scopes={"eligibility": "read"})
    _, without = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "write"})

    # then
    assert check(bearer(with_scope), world.a.body).json()["eligible"] is True
    assert check(bearer(without), world.a.body).status_code == 403
    assert check(bearer(with_scope), world.b.body).status_code == 404
