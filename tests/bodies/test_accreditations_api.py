"""Accreditations API: create/update through the services, the five-year cycle, status decisions, tenancy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format

from bodies.models import Accreditation
from core.models import AuditEvent
from reference.models import Activity, Standard
from tests.bodies.certificates import pdf
from tests.factories import AccreditationBodyFactory, AccreditationFactory, sector, today
from tests.helpers import code_refs, signed_in, url

pytestmark = pytest.mark.django_db
FORMAT = "multipart"

ACCREDITATION_KEYS = {
    "id",
    "body",
    "accreditationBody",
    "iafMla",
    "standard",
    "programmeName",
    "certificateNumber",
    "certificate",
    "scopeActivities",
    "scopeStandards",
    "scopeSectors",
    "validFrom",
    "validTo",
    "lastOnsiteAssessment",
    "status",
    "statusReason",
    "verification",
    "verificationReason",
    "verifiedAt",
    "createdAt",
    "updatedAt",
}


def payload(body_id: object, *, valid_from: date, valid_to: date, number: str = "ISAC-VVB-0042") -> dict:
    """A multipart request body: the certificate is a file."""
    return {
        "body": str(body_id),
        "accreditationBody": AccreditationBodyFactory().pk,
        "certificate": pdf(),
        "standard": "iso_14065",
        "certificateNumber": number,
        "validFrom": valid_from.isoformat(),
        "validTo": valid_to.isoformat(),
        "scopeActivities": ["verification"],
        "scopeStandards": ["iso-14064-3"],
        "scopeSectors": ["ghg:1"],  # a multipart form names a sector as scheme:code
    }


def test_body_admin_records_an_accreditation(world):
    # given
    start = today() - timedelta(days=30)

    # when A's administrator records one
    response = signed_in(world.a.admin).post(
        url("accreditation-list"),
        payload(world.a.body.pk, valid_from=start, valid_to=start + timedelta(days=900)),
        format=FORMAT,
    )

    # then
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == ACCREDITATION_KEYS
    assert data["body"] == str(world.a.body.pk)
    assert (data["scopeActivities"], data["scopeStandards"], data["scopeSectors"]) == (
        code_refs(Activity, "verification"),
        code_refs(Standard, "iso-14064-3"),
        [
            {
                "scheme": "ghg",
                "code": "1",
                "name": sector("ghg", "1").name,
                "version": sector("ghg", "1").version,
            }
        ],
    )
    assert data["status"] == "active"
    accreditation = Accreditation.objects.get(pk=data["id"])
    assert (
        AuditEvent.objects.filter(
            object_id=str(accreditation.pk), action="bodies.accreditation.created"
        ).count()
        == 1
    )


def test_the_cycle_may_last_five_years_less_one_day_and_no_longer(world):
    # given a start date
    start = date(2025, 3, 1)
    last_allowed = start + relativedelta(years=5) - timedelta(days=1)
    client = signed_in(world.a.admin)

    # when one accreditation ends on the last allowed day and another a day later
    accepted = client.post(
        url("accreditation-list"),
        payload(world.a.body.pk, valid_from=start, valid_to=last_allowed, number="OK-1"),
        format=FORMAT,
    )
    refused = client.post(
        url("accreditation-list"),
        payload(
            world.a.body.pk, valid_from=start, valid_to=start + relativedelta(years=5), number="TOO-LONG"
        ),
        format=FORMAT,
    )

    # then the first is created, the second refused with the field named and nothing created
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["validTo"] == "2030-02-28"
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "cycle_too_long",
        "message": "Some fields are not valid.",
        "fieldErrors": {
            "validTo": [
                "An accreditation cycle is at most 5 years: the last allowed day is "
                f"{date_format(date(2030, 2, 28))}."
            ]
        },
    }
    assert not Accreditation.objects.filter(certificate_number="TOO-LONG").exists()


def test_an_empty_scope_is_refused_by_the_service(world):
    body = payload(world.a.body.pk, valid_from=today(), valid_to=today() + timedelta(days=10))
    body["scopeSectors"] = []
    del body["certificate"]  # JSON, to send an empty list: the scope is checked before the certificate
    before = Accreditation.objects.count()

    response = signed_in(world.a.admin).post(url("accreditation-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"scopeSectors": ["The scope needs at least one sector."]}
    assert Accreditation.objects.count() == before


def test_a_body_the_caller_cannot_see_is_a_field_error_and_nothing_is_created(world):
    # given B's administrator
    before = Accreditation.objects.count()

    # when they record an accreditation for body A, or for a body id that is not a UUID
    response = signed_in(world.b.admin).post(
        url("accreditation-list"),
        payload(world.a.body.pk, valid_from=today(), valid_to=today() + timedelta(days=9)),
        format=FORMAT,
    )
    malformed = signed_in(world.b.admin).post(
        url("accreditation-list"),
        payload("nope", valid_from=today(), valid_to=today() + timedelta(days=9)),
        format=FORMAT,
    )

    # then
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"body": ["Not found."]}
    assert malformed.status_code == 400
    assert list(malformed.json()["fieldErrors"]) == ["body"]
    assert Accreditation.objects.count() == before


def test_an_ordinary_member_cannot_record_an_accreditation(world):
    before = Accreditation.objects.count()

    response = signed_in(world.a.member).post(
        url("accreditation-list"),
        payload(world.a.body.pk, valid_from=today(), valid_to=today() + timedelta(days=9)),
        format=FORMAT,
    )

    assert response.status_code == 403
    assert Accreditation.objects.count() == before


def test_body_admin_updates_dates_and_scope(world):
    # given
    accreditation = AccreditationFactory(body=world.a.body)
    new_end = accreditation.valid_from + timedelta(days=1000)

    # when
    response = signed_in(world.a.admin).patch(
        url("accreditation-detail", accreditation.pk),
        {"validTo": new_end.isoformat(), "scopeActivities": ["validation"]},
        format="json",
    )

    # then only the given things change
    assert response.status_code == 200, response.content
    assert response.json()["validTo"] == new_end.isoformat()
    assert response.json()["scopeActivities"] == code_refs(Activity, "validation")
    assert response.json()["scopeStandards"] == code_refs(
        Standard, "icr-programme", "iso-14064-2", "iso-14064-3"
    )
    accreditation.refresh_from_db()
    assert accreditation.valid_to == new_end


def test_another_tenant_gets_404_on_read_update_and_status_and_nothing_changes(world):
    # given A's accreditation and B's administrator
    accreditation = AccreditationFactory(body=world.a.body)
    client = signed_in(world.b.admin)
    events = AuditEvent.objects.count()

    # when B reads, patches and suspends it
    read = client.get(url("accreditation-detail", accreditation.pk))
    patch = client.patch(
        url("accreditation-detail", accreditation.pk), {"certificateNumber": "X"}, format="json"
    )
    suspend = client.post(
        url("accreditation-status", accreditation.pk), {"action": "suspend", "reason": "x"}, format="json"
    )

    # then
    assert (read.status_code, patch.status_code, suspend.status_code) == (404, 404, 404)
    refreshed = Accreditation.objects.get(pk=accreditation.pk)
    assert (refreshed.certificate_number, refreshed.status) == (accreditation.certificate_number, "active")
    assert AuditEvent.objects.count() == events
    assert signed_in(world.b.admin).get(url("accreditation-list")).json()["accreditations"] == []


def test_status_decisions_follow_the_transition_map(world):
    # given an active accreditation
    accreditation = AccreditationFactory(body=world.a.body)
    client = signed_in(world.a.admin)
    status_url = url("accreditation-status", accreditation.pk)

    # when it is reinstated while active, then suspended, reinstated and withdrawn
    early = client.post(status_url, {"action": "reinstate", "reason": "x"}, format="json")
    suspended = client.post(
        status_url, {"action": "suspend", "reason": "Surveillance overdue"}, format="json"
    )
    reinstated = client.post(
        status_url, {"action": "reinstate", "reason": "Surveillance done"}, format="json"
    )
    withdrawn = client.post(status_url, {"action": "withdraw", "reason": "Ceased"}, format="json")
    again = client.post(status_url, {"action": "suspend", "reason": "x"}, format="json")

    # then
    assert early.status_code == 409
    assert early.json()["message"] == "An accreditation that is Active cannot become Active."
    assert [r.json()["status"] for r in (suspended, reinstated, withdrawn)] == [
        "suspended",
        "active",
        "withdrawn",
    ]
    assert withdrawn.json()["statusReason"] == "Ceased"
    assert again.status_code == 409
    assert Accreditation.objects.get(pk=accreditation.pk).status == "withdrawn"


def test_an_ordinary_member_cannot_change_the_status(world):
    accreditation = AccreditationFactory(body=world.a.body)

    response = signed_in(world.a.member).post(
        url("accreditation-status", accreditation.pk), {"action": "suspend", "reason": "x"}, format="json"
    )

    assert response.status_code == 403
    assert Accreditation.objects.get(pk=accreditation.pk).status == "active"


def test_list_filters(world):
    # given three accreditations of A and one of B
    t = today()
    current = AccreditationFactory(
        body=world.a.body, valid_from=t - timedelta(days=10), valid_to=t + timedelta(days=100)
    )
    later = AccreditationFactory(
        body=world.a.body,
        standard=Accreditation.Standard.ISO_17029,
        valid_from=t + timedelta(days=50),
        valid_to=t + timedelta(days=400),
    )
    later.scope_sectors.set([sector("ghg", "3")])
    suspended = AccreditationFactory(
        body=world.a.body, status=Accreditation.Status.SUSPENDED, valid_to=t + timedelta(days=30)
    )
    suspended.scope_activities.set([])
    suspended.scope_activities.add("certification")
    other = AccreditationFactory(body=world.b.body)
    client = signed_in(world.staff)

    def ids(**params: object) -> set[str]:
        response = client.get(url("accreditation-list"), params)
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["accreditations"]}

    # then
    assert ids(body=world.b.body.pk) == {str(other.pk)}
    assert ids(body=world.a.body.pk, status="suspended") == {str(suspended.pk)}
    assert ids(standard="iso_iec_17029") == {str(later.pk)}
    assert ids(body=world.a.body.pk, activity="certification") == {str(suspended.pk)}
    assert ids(body=world.a.body.pk, sector="ghg:3") == {
        str(current.pk),
        str(later.pk),
        str(suspended.pk),
    }
    assert ids(body=world.a.body.pk, sector="ghg:1") == {str(current.pk), str(suspended.pk)}
    assert ids(body=world.a.body.pk, scopeStandard="iso-14064-3") == {
        str(current.pk),
        str(later.pk),
        str(suspended.pk),
    }
    assert ids(body=world.a.body.pk, validOn=(t + timedelta(days=60)).isoformat()) == {
        str(current.pk),
        str(later.pk),
    }
    assert ids(body=world.a.body.pk, validToBefore=(t + timedelta(days=100)).isoformat()) == {
        str(current.pk),
        str(suspended.pk),
    }
    assert ids(
        validToAfter=(t + timedelta(days=101)).isoformat(),
        validToBefore=(t + timedelta(days=400)).isoformat(),
    ) == {str(later.pk)}
    assert ids(validFromAfter=t.isoformat()) == {str(later.pk)}
    assert ids(validFromBefore=(t - timedelta(days=11)).isoformat(), body=world.a.body.pk) == {
        str(suspended.pk)
    }
