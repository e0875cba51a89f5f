"""Body eligibility for an engagement: every reason it fails, and the day boundaries of accreditation."""

from __future__ import annotations

from datetime import date

import pytest

from bodies.eligibility import body_check_eligibility
from bodies.models import Accreditation, Body
from core.errors import ValidationError
from reference.models import Activity, Sector, Standard
from tests.factories import AccreditationFactory, BodyFactory

pytestmark = pytest.mark.django_db

VALID_FROM = date(2026, 1, 1)
VALID_TO = date(2028, 12, 31)


@pytest.fixture
def engagement():
    return {
        "activity": Activity.objects.get(code="verification"),
        "standard": Standard.objects.get(code="iso-14064-3"),
        "sector": Sector.objects.get(scheme="ghg", code="1"),
    }


@pytest.fixture
def body():
    b = BodyFactory()
    AccreditationFactory(body=b, valid_from=VALID_FROM, valid_to=VALID_TO)
    return b


def codes(result) -> list[str]:
    return [reason.code for reason in result.reasons]


def test_eligible_on_every_day_of_the_validity(body, engagement):
    result = body_check_eligibility(body=body, start=VALID_FROM, end=VALID_TO, **engagement)
    assert result.eligible is True
    assert result.reasons == []
    assert result.accreditation is not None


@pytest.mark.parametrize(
    ("start", "end", "eligible"),
    [
        (date(2025, 12, 31), date(2026, 1, 10), False),  # starts the day before validity
        (date(2026, 1, 1), date(2026, 1, 10), True),  # starts the first valid day
        (date(2028, 12, 20), date(2028, 12, 31), True),  # ends the last valid day
        (date(2028, 12, 20), date(2029, 1, 1), False),  # ends the day after validity
    ],
)
def test_accreditation_must_be_active_on_each_planned_day(body, engagement, start, end, eligible):
    result = body_check_eligibility(body=body, start=start, end=end, **engagement)
    assert result.eligible is eligible
    assert codes(result) == ([] if eligible else ["accreditation_not_active"])


def test_gap_day_is_named(body, engagement):
    result = body_check_eligibility(body=body, start=date(2028, 12, 1), end=date(2029, 1, 5), **engagement)
    assert "2029-01-01" in result.reasons[0].message


def test_every_failing_reason_is_listed(engagement):
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, agreement_reference="", agreement_signed_on=None)
    result = body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
    assert result.eligible is False
    assert codes(result) == [
        "body_not_approved",
        "agreement_not_signed",
        "activity_not_in_scope",
        "standard_not_in_scope",
        "sector_not_in_scope",
    ]


def test_suspended_body(body, engagement):
    Body.objects.filter(pk=body.pk).update(status=Body.Status.SUSPENDED)
    body.refresh_from_db()
    result = body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
    assert codes(result) == ["body_suspended"]


def test_sector_outside_scope(body, engagement):
    engagement["sector"] = Sector.objects.get(scheme="ghg", code="13")
    result = body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
    assert codes(result) == ["sector_not_in_scope"]


def test_scope_split_across_accreditations_does_not_count(engagement):
    body = BodyFactory()
    first = AccreditationFactory(body=body, valid_from=VALID_FROM, valid_to=VALID_TO)
    first.scope_sectors.set(Sector.objects.filter(scheme="ghg", code="2"))
    second = AccreditationFactory(body=body, valid_from=VALID_FROM, valid_to=VALID_TO)
    second.scope_activities.set(Activity.objects.filter(code="validation"))
    result = body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
    assert codes(result) == ["scope_not_covered"]


def test_suspended_accreditation(body, engagement):
    Accreditation.objects.filter(body=body).update(status=Accreditation.Status.SUSPENDED)
    result = body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
    assert codes(result) == ["accreditation_not_active"]


def test_vvb_needs_an_iaf_mla_accreditation_body(body, engagement):
    Accreditation.objects.filter(body=body).update(accreditation_body_iaf_mla=False)
    result = body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
    assert codes(result) == ["accreditation_body_not_iaf_mla"]


def test_end_before_start_is_bad_input(body, engagement):
    with pytest.raises(ValidationError):
        body_check_eligibility(body=body, start=date(2027, 1, 2), end=date(2027, 1, 1), **engagement)


def test_constant_queries_whatever_the_number_of_accreditations(engagement, django_assert_num_queries):
    body = BodyFactory()
    for _ in range(8):
        AccreditationFactory(body=body, valid_from=VALID_FROM, valid_to=VALID_TO)
    with django_assert_num_queries(4):
        body_check_eligibility(body=body, start=date(2027, 1, 1), end=date(2027, 1, 2), **engagement)
