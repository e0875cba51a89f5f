"""The certificates' faces: the portal's certificate list and detail, the programme page (creating the engagement
for a due date), the proposals queue (dismissing one) and the API — filters, constant queries, who may act, and
another body's records answering 404 with nothing changed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from audits.models import Engagement
from bodies.models import Role
from certification.models import Certificate, Decision, ProgrammeDue, Proposal
from certification.services.certificates import certificate_apply, certificate_issue
from core.dates import today_in
from tests.factories import (
    EngagementFactory,
    MembershipFactory,
    ProposalFactory,
    SiteFactory,
    ms_engagement_kwargs,
)
from tests.helpers import assert_flat_queries, assert_hidden, listed_ids, signed_in, url


def issue(body: Any, on: date, *, scope: str = "Design and manufacture") -> Certificate:
    engagement = EngagementFactory(
        body=body, status="awaiting_decision", scope=scope, **ms_engagement_kwargs(body, "stage_2")
    )
    SiteFactory(client=engagement.client)
    engagement.sites.set(engagement.client.sites.all())
    decider = MembershipFactory(body=body, roles=[Role.DECISION_MAKER])
    decision = Decision.objects.create(
        body=body,
        kind="grant",
        engagement=engagement,
        rationale="Granted.",
        decided_on=on,
        decided_by=decider,
    )
    return certificate_issue(decision=decision, actor=decider.user)


@pytest.fixture
def decider(world):  # type: ignore[no-untyped-def]
    return MembershipFactory(body=world.a.body, roles=[Role.DECISION_MAKER]).user


@pytest.fixture
def certificate(world) -> Certificate:  # type: ignore[no-untyped-def]
    """A certificate of body A decided 400 days ago (its first surveillance overdue); body A is accredited
    under ISO/IEC 17021-1 for ISO 9001 in IAF 17, so an engagement may be planned for it."""
    from bodies.models import Accreditation
    from reference.models import Activity, Sector, Standard
    from tests.factories import AccreditationFactory

    accreditation = AccreditationFactory(body=world.a.body, standard=Accreditation.Standard.ISO_17021_1)
    accreditation.scope_activities.set(Activity.objects.filter(code="certification"))
    accreditation.scope_standards.set(Standard.objects.filter(code="iso-9001"))
    accreditation.scope_sectors.set(Sector.objects.filter(scheme="iaf", code="17"))
    return issue(world.a.body, today_in() - timedelta(days=400))


def state(certificate: Certificate) -> tuple[Any, ...]:
    certificate.refresh_from_db()
    return (
        certificate.status,
        certificate.version,
        certificate.confidential,
        list(certificate.programme.values_list("status", "engagement")),
        list(Proposal.objects.filter(certificate=certificate).values_list("status", flat=True)),
    )


# --- portal ------------------------------------------------------------------------------------------------------


def test_the_certificate_list_filters_by_status_standard_and_expiry(world, login, certificate):
    soon = issue(world.a.body, today_in() - timedelta(days=3 * 365 - 20))
    Certificate.objects.filter(pk=certificate.pk).update(status="suspended", suspended_on=today_in())
    client = login(world.a.member)
    listing = reverse("certification:certificate-list")

    page = client.get(listing)
    assert page.status_code == 200
    assert {c.pk for c in page.context["certificates"]} == {certificate.pk, soon.pk}

    page = client.get(listing, {"status": "suspended"})
    assert [c.pk for c in page.context["certificates"]] == [certificate.pk]

    page = client.get(listing, {"expiring_within": 30})
    assert [c.pk for c in page.context["certificates"]] == [soon.pk]

    page = client.get(listing, {"standard": "iso-9001"})
    assert {c.pk for c in page.context["certificates"]} == {certificate.pk, soon.pk}

    refused = client.get(listing, {"expiring_within": "soon"})
    assert refused.status_code == 400
    assert list(refused.context["certificates"]) == []


def test_the_certificate_list_costs_the_same_queries_for_1_and_10(world, login):
    client = login(world.a.member)
    assert_flat_queries(
        client,
        reverse("certification:certificate-list"),
        lambda n: [issue(world.a.body, date(2026, 3, 15)) for _ in range(n)],
    )


def test_the_detail_shows_versions_programme_decisions_and_the_validity_gap(world, login, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(gap_from=date(2026, 1, 1), gap_to=date(2026, 2, 1))
    client = login(world.a.member)
    page = client.get(reverse("certification:certificate-detail", args=[certificate.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert certificate.number in html
    assert 'id="validity-gap"' in html and "1 Jan 2026" in html and "1 Feb 2026" in html
    assert reverse("certification:certificate-version", args=[certificate.pk, 1]) in html
    assert html.count("<tr>") >= 3  # the programme's three dates
    assert "Granted." in html
    # a member who decides nothing gets no decision buttons
    assert page.context["decision_actions"] == []
    version = client.get(reverse("certification:certificate-version", args=[certificate.pk, 1]))
    assert version.status_code == 200
    assert version.context["version"].version == 1
    assert (
        client.get(reverse("certification:certificate-version", args=[certificate.pk, 9])).status_code == 404
    )


def test_an_administrator_marks_a_certificate_confidential_in_the_portal(world, login, certificate):
    client = login(world.a.admin)
    response = client.post(
        reverse("certification:certificate-confidential", args=[certificate.pk]), {"confidential": "on"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.confidential is True
    member = login(world.a.member)
    before = state(certificate)
    response = member.post(reverse("certification:certificate-confidential", args=[certificate.pk]), {})
    assert response.status_code == 403
    assert state(certificate) == before


def test_the_programme_page_lists_overdue_dates_and_a_planner_creates_the_engagement(
    world, login, certificate
):
    client = login(world.a.admin)
    page = client.get(reverse("certification:programme"), {"overdue": "on"})
    assert page.status_code == 200
    overdue = list(page.context["dues"])
    assert [(d.kind, d.sequence) for d in overdue] == [("surveillance", 1)]
    due = overdue[0]
    form = client.get(reverse("certification:programme-engagement-create", args=[due.pk]))
    assert form.status_code == 200
    start = today_in() + timedelta(days=10)
    response = client.post(
        reverse("certification:programme-engagement-create", args=[due.pk]),
        {"planned_start": start.isoformat(), "planned_end": (start + timedelta(days=1)).isoformat()},
    )
    due.refresh_from_db()
    assert due.status == "planned"
    engagement = Engagement.objects.get(pk=due.engagement_id)
    assert response.status_code == 302 and response["Location"] == reverse(
        "audits:engagement-detail", args=[engagement.pk]
    )
    assert (engagement.kind, engagement.client_id, engagement.standard_id, engagement.scope) == (
        "surveillance",
        certificate.client_id,
        certificate.standard_id,
        certificate.scope,
    )
    assert set(engagement.sites.all()) == set(certificate.sites.all())
    # a second time: refused, nothing more created
    count = Engagement.objects.count()
    again = client.post(
        reverse("certification:programme-engagement-create", args=[due.pk]),
        {"planned_start": start.isoformat(), "planned_end": start.isoformat()},
    )
    assert again.status_code == 302 and again["Location"] == reverse("certification:programme")
    assert Engagement.objects.count() == count


def test_the_programme_page_costs_the_same_queries_for_1_and_10_certificates(world, login):
    client = login(world.a.member)
    assert_flat_queries(
        client,
        reverse("certification:programme"),
        lambda n: [issue(world.a.body, date(2026, 3, 15)) for _ in range(n)],
    )


def test_a_decision_maker_dismisses_a_proposal_in_the_portal(world, login, certificate, decider):
    proposal = ProposalFactory(certificate=certificate)
    page = login(decider).get(reverse("certification:proposal-list"))
    assert page.status_code == 200 and page.context["can_decide"] is True
    assert [row["proposal"].pk for row in page.context["rows"]] == [proposal.pk]
    # an administrator reads the queue but may not dismiss
    admin = login(world.a.admin)
    assert admin.get(reverse("certification:proposal-list")).context["can_decide"] is False
    before = state(certificate)
    assert (
        admin.post(
            reverse("certification:proposal-dismiss", args=[proposal.pk]), {"reason": "No"}
        ).status_code
        == 403
    )
    assert state(certificate) == before
    # the decision maker dismisses with a reason
    client = login(decider)
    response = client.post(
        reverse("certification:proposal-dismiss", args=[proposal.pk]), {"reason": "Audit booked."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.status_reason) == ("dismissed", "Audit booked.")
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_another_bodys_certificate_pages_answer_404_and_change_nothing(world, login, certificate):
    proposal = ProposalFactory(certificate=certificate)
    due = certificate.programme.first()
    client = login(world.b.admin)
    assert_hidden(
        client,
        [
            reverse("certification:certificate-detail", args=[certificate.pk]),
            reverse("certification:certificate-version", args=[certificate.pk, 1]),
            reverse("certification:certificate-confidential", args=[certificate.pk]),
            reverse("certification:programme-engagement-create", args=[due.pk]),
            reverse("certification:proposal-dismiss", args=[proposal.pk]),
        ],
        lambda: state(certificate),
    )
    assert certificate.pk not in {
        c.pk for c in client.get(reverse("certification:certificate-list")).context["certificates"]
    }


# --- API ---------------------------------------------------------------------------------------------------------


def test_the_api_lists_certificates_with_filters_and_shows_every_version(world, certificate, decider):
    certificate_apply(
        decision=Decision.objects.create(
            body=world.a.body,
            kind="suspend",
            certificate=certificate,
            rationale="Missed surveillance.",
            decided_on=today_in(),
            decided_by=decider.memberships.get(),
        ),
        actor=decider,
    )
    client = signed_in(world.a.member)
    assert listed_ids(client.get(url("certificate-list")), "certificates") == {str(certificate.pk)}
    assert listed_ids(client.get(url("certificate-list"), {"status": "valid"}), "certificates") == set()
    assert listed_ids(client.get(url("certificate-list"), {"status": "suspended"}), "certificates") == {
        str(certificate.pk)
    }
    bad = client.get(url("certificate-list"), {"status": "asleep"})
    assert bad.status_code == 400
    unknown = client.get(url("certificate-list"), {"colour": "red"})
    assert unknown.status_code == 400
    detail = client.get(url("certificate-detail", certificate.pk)).json()
    assert detail["status"] == "suspended"
    assert [(v["version"], v["status"], v["decisionKind"]) for v in detail["versions"]] == [
        (2, "suspended", "suspend"),
        (1, "superseded", "grant"),
    ]
    assert detail["expiresOn"] == certificate.expires_on.isoformat()


def test_the_api_certificate_list_costs_the_same_queries_for_1_and_10(world):
    assert_flat_queries(
        signed_in(world.a.member),
        url("certificate-list"),
        lambda n: [issue(world.a.body, date(2026, 3, 15)) for _ in range(n)],
    )


def test_the_api_confidentiality_switch_is_for_administrators(world, certificate):
    refused = signed_in(world.a.member).post(
        url("certificate-confidential", certificate.pk), {"confidential": True}
    )
    assert refused.status_code == 403
    assert state(certificate)[2] is False
    missing = signed_in(world.a.admin).post(
        url("certificate-confidential", certificate.pk), {}, format="json"
    )
    assert missing.status_code == 400
    assert "confidential" in missing.json()["fieldErrors"]
    done = signed_in(world.a.admin).post(
        url("certificate-confidential", certificate.pk), {"confidential": True}, format="json"
    )
    assert done.status_code == 200 and done.json()["confidential"] is True


def test_the_api_creates_the_engagement_for_a_programme_date_once(world, certificate):
    due = certificate.programme.order_by("due_on").first()
    client = signed_in(world.a.admin)
    dues = client.get(url("programme-date-list"), {"overdue": "true"})
    assert listed_ids(dues, "programmeDates") == {str(due.pk)}
    start = today_in() + timedelta(days=5)
    bad = client.post(
        url("programme-date-create-engagement", due.pk),
        {"plannedStart": start.isoformat(), "plannedEnd": (start - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert bad.status_code == 400 and "plannedEnd" in bad.json()["fieldErrors"]
    created = client.post(
        url("programme-date-create-engagement", due.pk),
        {"plannedStart": start.isoformat(), "plannedEnd": start.isoformat()},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "planned" and created.json()["engagement"]
    again = client.post(
        url("programme-date-create-engagement", due.pk),
        {"plannedStart": start.isoformat(), "plannedEnd": start.isoformat()},
        format="json",
    )
    assert again.status_code == 409
    member = signed_in(world.a.member).post(
        url("programme-date-create-engagement", certificate.programme.order_by("due_on")[1].pk),
        {"plannedStart": start.isoformat(), "plannedEnd": start.isoformat()},
        format="json",
    )
    assert member.status_code == 403
    assert Engagement.objects.filter(kind="surveillance").count() == 1


def test_the_api_dismisses_a_proposal(world, certificate, decider):
    proposal = ProposalFactory(certificate=certificate)
    client = signed_in(decider)
    assert listed_ids(client.get(url("proposal-list"), {"status": "open"}), "proposals") == {str(proposal.pk)}
    no_reason = client.post(url("proposal-dismiss", proposal.pk), {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    admin = signed_in(world.a.admin).post(
        url("proposal-dismiss", proposal.pk), {"reason": "no"}, format="json"
    )
    assert admin.status_code == 403
    done = client.post(url("proposal-dismiss", proposal.pk), {"reason": "Held late."}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    again = client.post(url("proposal-dismiss", proposal.pk), {"reason": "Again."}, format="json")
    assert again.status_code == 409


def test_another_bodys_records_answer_404_in_the_api(world, certificate):
    proposal = ProposalFactory(certificate=certificate)
    due = certificate.programme.first()
    client = signed_in(world.b.admin)
    assert_hidden(
        client,
        [
            url("certificate-detail", certificate.pk),
            url("certificate-confidential", certificate.pk),
            url("programme-date-detail", due.pk),
            url("programme-date-create-engagement", due.pk),
            url("proposal-detail", proposal.pk),
            url("proposal-dismiss", proposal.pk),
        ],
        lambda: state(certificate),
    )
    assert listed_ids(client.get(url("certificate-list")), "certificates") == set()
    assert ProgrammeDue.objects.filter(certificate=certificate, status="planned").count() == 0


def test_a_decision_maker_gets_the_decision_page_prefilled_for_the_certificate_and_the_proposal(
    world, login, certificate, decider
):
    client = login(decider)
    page = client.get(reverse("certification:certificate-detail", args=[certificate.pk]))
    base = reverse("certification:decision-create")
    assert [action["url"] for action in page.context["decision_actions"]] == [
        f"{base}?certificate={certificate.pk}&kind=suspend",
        f"{base}?certificate={certificate.pk}&kind=reduce_scope",
        f"{base}?certificate={certificate.pk}&kind=withdraw",
    ]
    assert f"{base}?certificate={certificate.pk}&amp;kind=suspend" in page.content.decode()
    proposal = ProposalFactory(certificate=certificate)
    queue = client.get(reverse("certification:proposal-list"))
    [row] = queue.context["rows"]
    assert [action["url"] for action in row["actions"]] == [
        f"{base}?certificate={certificate.pk}&kind=suspend&proposal={proposal.pk}"
    ]
    # the decision page opens prefilled from that link
    opened = client.get(row["actions"][0]["url"])
    assert opened.status_code == 200


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("certificate-list", {"expiring_within": "-1"}),
        ("certificate-list", {"expiring_within": "soon"}),
        ("certificate-list", {"client": "not-a-uuid"}),
        ("programme-date-list", {"overdue": "perhaps"}),
        ("programme-date-list", {"kind": "audit"}),
        ("proposal-list", {"status": "pending"}),
    ],
)
def test_the_api_lists_answer_400_for_a_bad_filter(world, name, query):
    response = signed_in(world.a.member).get(url(name), query)
    assert response.status_code == 400
    camel = {key.split("_")[0] + "".join(part.title() for part in key.split("_")[1:]) for key in query}
    assert set(response.json()["fieldErrors"]) == camel


def test_the_api_lists_expiring_certificates(world, certificate):
    soon = issue(world.a.body, today_in() - timedelta(days=3 * 365 - 20))
    client = signed_in(world.a.member)
    assert listed_ids(client.get(url("certificate-list"), {"expiring_within": "30"}), "certificates") == {
        str(soon.pk)
    }


def test_a_date_whose_engagement_was_cancelled_is_planned_again(world, login, certificate):
    due = certificate.programme.order_by("due_on").first()
    client = signed_in(world.a.admin)
    start = today_in() + timedelta(days=5)
    body = {"plannedStart": start.isoformat(), "plannedEnd": start.isoformat()}
    assert (
        client.post(url("programme-date-create-engagement", due.pk), body, format="json").status_code == 201
    )
    due.refresh_from_db()
    first = due.engagement
    Engagement.objects.filter(pk=first.pk).update(status="cancelled")
    page = login(world.a.admin).get(reverse("certification:programme"))
    assert reverse("certification:programme-engagement-create", args=[due.pk]) in page.content.decode()
    again = client.post(url("programme-date-create-engagement", due.pk), body, format="json")
    assert again.status_code == 201
    due.refresh_from_db()
    assert due.status == "planned" and due.engagement_id not in (None, first.pk)
