"""Body eligibility for an engagement: every reason of every accreditation, the day boundaries, the fit of the
accreditation's standard to the work, the registry's verification, and IAF MLA derived from the registry's list."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format

from bodies.eligibility import accreditation_needs, body_check_eligibility
from bodies.models import Accreditation, Body
from core.errors import ValidationError
from reference.models import AccreditationStandard, Activity, Sector, Standard
from tests.factories import AccreditationBodyFactory, AccreditationFactory, BodyFactory

pytestmark = pytest.mark.django_db

VALID_FROM = date(2026, 1, 1)
VALID_TO = date(2028, 12, 31)
PLANNED = {"start": date(2027, 1, 1), "end": date(2027, 1, 2)}


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
    AccreditationFactory(body=b, valid_from=VALID_FROM, valid_to=VALID_TO, certificate_number="VVB-1")
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
def test_accreditation_must_be_valid_on_each_planned_day(body, engagement, start, end, eligible):
    result = body_check_eligibility(body=body, start=start, end=end, **engagement)
    assert result.eligible is eligible
    assert codes(result) == ([] if eligible else ["accreditation_not_valid_on_dates"])


@pytest.mark.parametrize("language", ["en", "is"])
def test_gap_day_is_named_as_people_write_dates(body, engagement, language):
    with translation.override(language):
        result = body_check_eligibility(
            body=body, start=date(2028, 12, 1), end=date(2029, 1, 5), **engagement
        )
        message = result.reasons[0].message
        assert date_format(date(2029, 1, 1), "DATE_FORMAT") in message
        assert date_format(VALID_TO, "DATE_FORMAT") in message
    assert "2029-01-01" not in message
    assert "ISO 14065 VVB-1" in message  # names the accreditation (where the language puts it)


def test_a_body_without_accreditation_lists_every_body_reason(engagement):
    body = BodyFactory(status=Body.Status.UNDER_REVIEW, agreement_reference="", agreement_signed_on=None)
    result = body_check_eligibility(body=body, **PLANNED, **engagement)
    assert result.eligible is False
    assert codes(result) == ["body_not_approved", "agreement_not_signed", "no_accreditation"]


def test_an_accreditation_failing_the_sector_and_the_dates_reports_both(body, engagement):
    # given the engagement in a sector outside the scope and past the accreditation's validity
    engagement["sector"] = Sector.objects.get(scheme="ghg", code="13")

    # when
    result = body_check_eligibility(body=body, start=date(2028, 12, 30), end=date(2029, 1, 2), **engagement)

    # then both, each naming the accreditation
    assert codes(result) == ["accreditation_not_valid_on_dates", "sector_not_in_scope"]
    assert all(reason.message.startswith("ISO 14065 VVB-1") for reason in result.reasons)
    accreditation = Accreditation.objects.get(body=body)
    assert {reason.accreditation_id for reason in result.reasons} == {accreditation.pk}


def test_every_reason_of_every_accreditation_is_listed(engagement):
    # given one accreditation missing the sector and another missing the activity
    body = BodyFactory()
    first = AccreditationFactory(
        body=body, valid_from=VALID_FROM, valid_to=VALID_TO, certificate_number="A-1"
    )
    first.scope_sectors.set(Sector.objects.filter(scheme="ghg", code="2"))
    second = AccreditationFactory(
        body=body, valid_from=VALID_FROM, valid_to=VALID_TO, certificate_number="B-2"
    )
    second.scope_activities.set(Activity.objects.filter(code="validation"))

    # when
    result = body_check_eligibility(body=body, **PLANNED, **engagement)

    # then a scope split across them does not count, and each says what it misses
    assert result.eligible is False
    assert [(reason.accreditation_id, reason.code) for reason in result.reasons] == [
        (first.pk, "sector_not_in_scope"),
        (second.pk, "activity_not_in_scope"),
    ]


def test_suspended_body(body, engagement):
    Body.objects.filter(pk=body.pk).update(status=Body.Status.SUSPENDED)
    body.refresh_from_db()
    result = body_check_eligibility(body=body, **PLANNED, **engagement)
    assert codes(result) == ["body_suspended"]


def test_suspended_accreditation(body, engagement):
    Accreditation.objects.filter(body=body).update(status=Accreditation.Status.SUSPENDED)
    result = body_check_eligibility(body=body, **PLANNED, **engagement)
    assert codes(result) == ["accreditation_not_active"]
    assert result.reasons[0].message == "ISO 14065 VVB-1 is suspended."


@pytest.mark.parametrize(
    ("verification", "message"),
    [
        ("pending", "ISO 14065 VVB-1 is waiting for verification by the registry."),
        ("refused", "ISO 14065 VVB-1 was refused by the registry."),
    ],
)
def test_only_a_verified_accreditation_counts(body, engagement, verification, message):
    Accreditation.objects.filter(body=body).update(verification=verification)
    result = body_check_eligibility(body=body, **PLANNED, **engagement)
    assert result.eligible is False
    assert codes(result) == ["accreditation_not_verified"]
    assert result.reasons[0].message == message


def test_a_management_system_accreditation_does_not_make_a_body_eligible_for_ghg_verification(engagement):
    body = BodyFactory()
    AccreditationFactory(
        body=body,
        standard=AccreditationStandard.ISO_17021_1,
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        certificate_number="MS-1",
    )
    result = body_check_eligibility(body=body, **PLANNED, **engagement)
    assert codes(result) == ["accreditation_standard_unfit"]
    assert result.reasons[0].message == (
        "ISO/IEC 17021-1 MS-1: an accreditation under ISO/IEC 17021-1 does not fit GHG validation, "
        "verification and methodology assessment, which needs ISO 14065, ISO/IEC 17029 or Approved GHG programme."
    )


@pytest.mark.parametrize(
    ("accredited", "eligible"),
    [
        (AccreditationStandard.ISO_17021_1, True),
        (AccreditationStandard.ISO_17065, False),
        (AccreditationStandard.ISO_14065, False),
    ],
)
def test_management_system_certification_needs_17021_1(accredited, eligible):
    # given a management-system CB asked to certify an ISO 14001 management system
    body = BodyFactory(kind=Body.Kind.MS_CB, activities=Activity.objects.filter(code="certification"))
    accreditation = AccreditationFactory(
        body=body, standard=accredited, valid_from=VALID_FROM, valid_to=VALID_TO
    )
    accreditation.scope_activities.set(Activity.objects.filter(code="certification"))
    accreditation.scope_standards.set(Standard.objects.filter(code="iso-14001"))
    accreditation.scope_sectors.set(Sector.objects.filter(scheme="iaf", code="17", is_current=True))
    work = {
        "activity": Activity.objects.get(code="certification"),
        "standard": Standard.objects.get(code="iso-14001"),
        "sector": Sector.objects.get(scheme="iaf", code="17", is_current=True),
    }

    result = body_check_eligibility(body=body, **PLANNED, **work)

    assert result.eligible is eligible
    assert codes(result) == ([] if eligible else ["accreditation_standard_unfit"])


def test_vvb_needs_an_accreditation_body_that_is_an_iaf_mla_signatory(engagement):
    # given a VVB accredited by an accreditation body that signed the IAF MLA for management systems only
    body = BodyFactory()
    ab = AccreditationBodyFactory(
        name="Nowhere Accreditation",
        acronym="NWA",
        mla=[(AccreditationStandard.ISO_17021_1, VALID_FROM, None)],
    )
    AccreditationFactory(body=body, accreditation_body=ab, valid_from=VALID_FROM, valid_to=VALID_TO)

    result = body_check_eligibility(body=body, **PLANNED, **engagement)

    assert codes(result) == ["accreditation_body_not_iaf_mla"]
    assert (
        "NWA – Nowhere Accreditation is not an IAF MLA signatory for ISO 14065" in result.reasons[0].message
    )


@pytest.mark.parametrize(
    ("since", "until", "eligible"),
    [
        (date(2027, 1, 1), None, True),  # signatory from the first planned day
        (date(2027, 1, 2), None, False),  # from the second day only
        (date(2020, 1, 1), date(2027, 1, 2), True),  # until the last planned day
        (date(2020, 1, 1), date(2027, 1, 1), False),  # ended before the last planned day
    ],
)
def test_iaf_mla_is_derived_on_the_planned_dates(engagement, since, until, eligible):
    body = BodyFactory()
    ab = AccreditationBodyFactory(
        name="Dated Accreditation", mla=[(AccreditationStandard.ISO_14065, since, until)]
    )
    AccreditationFactory(body=body, accreditation_body=ab, valid_from=VALID_FROM, valid_to=VALID_TO)
    result = body_check_eligibility(body=body, **PLANNED, **engagement)
    assert result.eligible is eligible


def test_a_ghg_programme_accreditation_is_recognised_by_the_validation_verification_mla(engagement):
    body = BodyFactory()
    ab = AccreditationBodyFactory(
        name="GHG Accreditation", mla=[(AccreditationStandard.ISO_14065, VALID_FROM, None)]
    )
    AccreditationFactory(
        body=body,
        accreditation_body=ab,
        standard=AccreditationStandard.GHG_PROGRAMME,
        programme_name="ICR Programme",
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
    )
    assert body_check_eligibility(body=body, **PLANNED, **engagement).eligible is True


def test_the_needs_of_each_kind_of_body():
    def standards(kind: str, *activities: str) -> list[set[str]]:
        return [set(need.standards) for need in accreditation_needs(kind=kind, activity_codes=activities)]

    ghg = {"iso_14065", "iso_iec_17029", "ghg_programme"}
    assert standards(Body.Kind.VVB, "verification") == [ghg]
    assert standards(Body.Kind.MS_CB, "certification") == [{"iso_iec_17021_1"}]
    assert standards(Body.Kind.PRODUCT_CB, "certification") == [{"iso_iec_17065"}]
    assert standards(Body.Kind.MS_CB, "certification", "verification") == [ghg, {"iso_iec_17021_1"}]
    assert standards(Body.Kind.VVB, "verification", "certification") == [
        ghg,
        {"iso_iec_17021_1", "iso_iec_17065"},
    ]


def test_end_before_start_is_bad_input(body, engagement):
    with pytest.raises(ValidationError):
        body_check_eligibility(body=body, start=date(2027, 1, 2), end=date(2027, 1, 1), **engagement)


def test_constant_queries_whatever_the_number_of_accreditations(engagement, django_assert_num_queries):
    body = BodyFactory()
    for _ in range(8):
        AccreditationFactory(body=body, valid_from=VALID_FROM, valid_to=VALID_TO)
    # accreditations with their accreditation bodies, IAF MLA signatures, scope activities, standards, sectors
    with django_assert_num_queries(5):
        body_check_eligibility(body=body, **PLANNED, **engagement)
