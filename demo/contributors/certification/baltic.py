"""Baltic Management Systems Certification's certificates: ISO 14001 certificates granted after a stage 2 over
the last three years and a half, each by a decision maker (Peeter Saar) who was neither on the team nor the
reviewer (Liis Rebane), and then valid, suspended, withdrawn, expired, recertified and restored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from accounts.models import User
from audits.models import Engagement
from bodies import services as bodies
from bodies.models import Accreditation, Body, Membership, Role
from certification.models import Certificate, ProgrammeDue, Proposal
from certification.services.expiry import certificate_expire_due
from certification.services.numbering import numbering_set
from certification.services.programme import programme_engagement_create
from certification.services.proposals import proposals_sweep
from certification.services.reviews import review_comment_add, review_open, review_return
from clients.models import Client
from competence import services as competence
from reference.models import AccreditationBody, Activity, Standard

from ...registry import demo_user
from ..audits.steps import BALTIC, BALTIC_ADMIN, member, new_client, sector
from ..bodies import STAFF, _certificate
from .steps import attempt, carried_out, close, decide, declared, fieldwork, reviewed

#: the people the certification part adds to the body (through the members' services)
LEAD = ("jaan@baltic-certification.example", "Jaan Kivi")
REVIEWER = ("liis@baltic-certification.example", "Liis Rebane")
DECIDER = "peeter@baltic-certification.example"
CERTIFICATE_PATTERN = "BMSC-{year}-{seq:04d}"


def _days_ago(days: int) -> Any:
    return lambda today, _years: today - timedelta(days=days)


def _cycle_ago(days: int) -> Any:
    """`days` after the day three years ago (negative: before it)."""
    return lambda today, years: today - years + timedelta(days=days)


#: the certified clients: their one site, the grant's day, and what happens after it (in `load_baltic`)
CLIENTS: dict[str, dict[str, Any]] = {
    # valid: granted half a year ago, after a review round; its first surveillance is due in the coming months
    "Tartu Masinaehitus AS": {
        "short": "Tartu Masinaehitus",
        "country": "EE",
        "sector": "17",
        "site": ("Tartu machine shop", "Ringtee 35, 50105 Tartu", "Machining and welding of machine frames"),
        "scope": "Machining, welding and assembly of machine frames and steel components",
        "granted": _days_ago(185),
        "rounds": [
            (
                "The report does not say how the significant environmental aspects of the paint booth were "
                "sampled at stage 2.",
                "Section 4.2 now lists the aspects register entries checked on site (A-07 to A-12) and the "
                "solvent balance reviewed.",
            ),
            (
                "The legal compliance evaluation of the wastewater permit is cited without its date.",
                "Added: the compliance evaluation of 12 March and permit KKM-2023-114.",
            ),
        ],
    },
    # suspended: its first surveillance was missed; the platform proposes, the decision maker suspends
    "Pärnu Teraskonstruktsioonid OÜ": {
        "short": "Pärnu Teras",
        "country": "EE",
        "sector": "17",
        "site": ("Pärnu steel works", "Tööstuse 12, 80010 Pärnu", "Steel structure fabrication"),
        "scope": "Fabrication of steel structures for buildings and bridges",
        "granted": _days_ago(400),
    },
    # its first surveillance was missed too: the proposal waits for a decision maker (overdue on the programme)
    "Liepājas Metālapstrāde SIA": {
        "short": "Liepājas Metāls",
        "country": "LV",
        "sector": "17",
        "site": ("Liepāja plant", "Brīvības iela 80, LV-3401 Liepāja", "Sheet-metal cutting and bending"),
        "scope": "Laser cutting, bending and powder coating of sheet-metal parts",
        "granted": _days_ago(380),
    },
    # moved to the body from another certification body (a transfer audit), then withdrawn at its request
    "Narva Soojus AS": {
        "transfer": True,
        "short": "Narva Soojus",
        "country": "EE",
        "sector": "25",
        "site": ("Narva boiler house", "Kreenholmi 2, 20104 Narva", "Heat generation for the town's network"),
        "scope": "Generation and distribution of heat for district heating in Narva",
        "granted": _days_ago(300),
    },
    # recertified before its expiry, two months from now
    "Valmieras Stikla Apstrāde SIA": {
        "short": "Valmieras Stikls",
        "country": "LV",
        "sector": "17",
        "site": (
            "Valmiera glass works",
            "Rīgas iela 91, LV-4201 Valmiera",
            "Cutting and tempering of flat glass",
        ),
        "scope": "Cutting, tempering and laminating of flat glass",
        "granted": _cycle_ago(70),
    },
    # transferred, expired six weeks ago and never recertified: the daily sweep expires it
    "Kuressaare Sadamatehnika OÜ": {
        "transfer": True,
        "short": "Sadamatehnika",
        "country": "EE",
        "sector": "17",
        "site": ("Kuressaare harbour workshop", "Sadama 21, 93815 Kuressaare", "Repair of harbour cranes"),
        "scope": "Repair and maintenance of harbour cranes and steel structures",
        "granted": _cycle_ago(-40),
    },
    # expired three months ago and restored within six months after a recertification audit
    "Jõhvi Katlamaja AS": {
        "short": "Jõhvi Katlamaja",
        "country": "EE",
        "sector": "25",
        "site": ("Jõhvi boiler house", "Tartu mnt 45, 41537 Jõhvi", "Heat generation from wood chips"),
        "scope": "Generation of heat from biomass for district heating in Jõhvi",
        "granted": _cycle_ago(-100),
    },
}


@dataclass(frozen=True)
class People:
    body: Body
    admin: User
    lead: Membership
    reviewer: Membership
    decider: Membership


def _people(body: Body, admin: User, today: date) -> People | None:
    """A lead auditor with the body since before its earlier audits (his competence evaluated then), and an
    independent reviewer; the decision maker is Peeter Saar, who is on none of these teams."""
    staff = User.objects.get(email=STAFF[0])
    lead_user, reviewer_user = demo_user(*LEAD), demo_user(*REVIEWER)
    for user, roles in ((lead_user, [Role.LEAD_AUDITOR]), (reviewer_user, [Role.INDEPENDENT_REVIEWER])):
        if member(user.email, body) is None:
            attempt(bodies.membership_add, body=body, user=user, roles=roles, actor=admin)
    lead, reviewer, decider = member(LEAD[0], body), member(REVIEWER[0], body), member(DECIDER, body)
    if lead is None or reviewer is None or decider is None:
        return None
    attempt(
        bodies.membership_update_details,
        membership=lead,
        actor=admin,
        employment=Membership.Employment.EMPLOYEE,
        undertaking_signed_on=today - timedelta(days=2400),
    )
    iso_14001 = Standard.objects.get(code="iso-14001")
    for code in ("17", "25"):
        record = attempt(
            competence.competence_propose,
            membership=lead,
            actor=admin,
            standard=iso_14001,
            sector=sector("iaf", code),
            role=Role.LEAD_AUDITOR,
            basis=["training", "audits_performed", "witnessed_audit"],
            valid_until=today + timedelta(days=500),
        )
        if record is not None:
            attempt(
                competence.competence_approve,
                record=record,
                actor=admin,
                evaluated_on=today - timedelta(days=2300),
            )
    # the body's audits before EAK accredited it were under its FINAS accreditation (still valid)
    accreditation = attempt(
        bodies.accreditation_create,
        body=body,
        actor=admin,
        fields={
            "accreditation_body": AccreditationBody.objects.get(acronym="FINAS"),
            "standard": Accreditation.Standard.ISO_17021_1,
            "certificate_number": "FINAS-S-0219",
            "valid_from": today - timedelta(days=1500),
            "valid_to": today + timedelta(days=300),
            "last_onsite_assessment": today - timedelta(days=300),
            "certificate": _certificate("FINAS-S-0219"),
        },
        scope_activities=Activity.objects.filter(code="certification"),
        scope_standards=Standard.objects.filter(code__in=["iso-14001", "iso-9001"]),
        scope_sectors=[sector("iaf", "17"), sector("iaf", "25")],
    )
    if accreditation is not None:
        attempt(bodies.accreditation_verify, accreditation=accreditation, actor=staff)
    return People(body=body, admin=admin, lead=lead, reviewer=reviewer, decider=decider)


def _client(
    people: People, name: str, short: str, country: str, code: str, site: tuple[str, str, str]
) -> Client | None:
    existing = Client.objects.filter(body=people.body, legal_name=name).first()
    if existing is not None:
        return existing
    site_name, address, activities = site
    return new_client(  # type: ignore[no-any-return]
        people.body,
        people.admin,
        {
            "legal_name": name,
            "short_name": short,
            "kind": Client.Kind.ORGANISATION,
            "country": country,
            "address": address.replace(", ", "\n"),
            "contact_name": "Quality manager",
            "contact_email": f"quality@{short.lower().replace(' ', '-')}.example",
            "effective_personnel": 60,
        },
        sector("iaf", code),
        {
            "name": site_name,
            "address": address,
            "country": country,
            "effective_personnel": 60,
            "activities": activities,
        },
    )


def _base(client: Client, code: str, scope: str) -> dict[str, Any]:
    return {
        "client": client,
        "activity": Activity.objects.get(code="certification"),
        "standard": Standard.objects.get(code="iso-14001"),
        "sector": sector("iaf", code),
        "scope": scope,
        "sites": list(client.sites.all()),
    }


def _certified(
    people: People,
    client: Client,
    code: str,
    scope: str,
    granted_on: date,
    *,
    rounds: Sequence[tuple[str, str]] = (),
    transfer: bool = False,
) -> tuple[Certificate | None, Engagement | None]:
    """Stage 1 and stage 2 (four and two weeks before the grant) — or, for a client moving its certificate from
    another accredited body, a transfer audit (IAF MD 2) — the audit's review, and the grant."""
    base = _base(client, code, scope)
    declared(people.lead, people.admin, client)
    fields: dict[str, Any] = {**base, "kind": "transfer"}
    if not transfer:
        stage_1_on = granted_on - timedelta(days=28)
        stage_1 = fieldwork(
            people.body,
            people.admin,
            people.lead,
            {**base, "kind": "stage_1", "mode": "remote"},
            start=stage_1_on,
            end=stage_1_on,
        )
        if stage_1 is None:
            return None, None
        fields = {**base, "kind": "stage_2", "previous_stage": stage_1}
    audit_on = granted_on - timedelta(days=14)
    audit = fieldwork(
        people.body,
        people.admin,
        people.lead,
        fields,
        start=audit_on,
        end=audit_on + timedelta(days=1),
        reviewer=people.reviewer,
    )
    reviewed(
        audit,
        people.reviewer,
        people.lead.user,
        rounds=list(rounds),
        conclusion="The report supports the recommendation: the audit covered every clause and the sites in "
        "scope; no nonconformity is open.",
    )
    found = (
        "The transfer audit found the certified system conforming to ISO 14001:2015 and the previous body's "
        "findings closed"
        if transfer
        else "Stage 1 and stage 2 found the environmental management system conforming to ISO 14001:2015 and "
        "effectively implemented"
    )
    decision = decide(
        people.decider,
        "grant",
        f"{found}; the independent review agrees with the team's recommendation.",
        granted_on,
        engagement=audit,
    )
    close(audit, people.admin)
    return (decision.certificate if decision is not None else None), audit


def _recertification(people: People, certificate: Certificate, on: date, code: str) -> Engagement | None:
    """The recertification audit of the certificate's client, reviewed (its decision is the caller's)."""
    engagement = fieldwork(
        people.body,
        people.admin,
        people.lead,
        {**_base(certificate.client, code, certificate.scope), "kind": "recertification"},
        start=on,
        end=on + timedelta(days=1),
        reviewer=people.reviewer,
    )
    reviewed(
        engagement,
        people.reviewer,
        people.lead.user,
        conclusion="The recertification audit covered the whole system and the cycle's performance; the "
        "recommendation to recertify is supported.",
    )
    return engagement


def _surveillances(people: People, certificate: Certificate | None, today: date) -> None:
    """The cycle's surveillances held in time: the planner creates each from its programme date, the lead audits
    it a month before the date, the reviewer reviews it and the decision maker maintains the certification."""
    if certificate is None:
        return
    dues = ProgrammeDue.objects.filter(
        certificate=certificate, kind="surveillance", status="due", due_on__lt=today
    ).order_by("due_on")
    for due in dues:
        audited_on = due.due_on - timedelta(days=30)
        engagement = attempt(
            programme_engagement_create,
            due=due,
            actor=people.admin,
            fields={"planned_start": audited_on, "planned_end": audited_on},
        )
        if engagement is None:
            continue
        carried_out(engagement, people.admin, people.lead, reviewer=people.reviewer)
        reviewed(
            engagement,
            people.reviewer,
            people.lead.user,
            conclusion="The surveillance sampled the aspects, the legal compliance and the internal audit as "
            "planned; the recommendation to maintain is supported.",
        )
        decide(
            people.decider,
            "maintain",
            "The surveillance audit found the system maintained and effective; no nonconformity.",
            due.due_on - timedelta(days=14),
            engagement=engagement,
            certificate=certificate,
        )
        close(engagement, people.admin)


def _late_surveillance(people: People, certificate: Certificate | None, today: date) -> None:
    """The planner creates the overdue surveillance from the programme (the proposal to suspend stays open for
    the decision maker); it was audited last week and its report is back with the team, the reviewer's comments
    not answered yet."""
    due = (
        ProgrammeDue.objects.filter(certificate=certificate, kind="surveillance", status="due")
        .order_by("due_on")
        .first()
        if certificate is not None
        else None
    )
    if certificate is None or due is None:
        return
    audited_on = today - timedelta(days=8)
    engagement = attempt(
        programme_engagement_create,
        due=due,
        actor=people.admin,
        fields={"planned_start": audited_on, "planned_end": audited_on},
    )
    if engagement is None:
        return
    engagement = carried_out(engagement, people.admin, people.lead, reviewer=people.reviewer)
    if engagement.status != "under_review":
        return
    review = attempt(review_open, engagement=engagement, actor=people.reviewer.user)
    if review is None:
        return
    attempt(
        review_comment_add,
        review=review,
        actor=people.reviewer.user,
        text="The surveillance was held four weeks after its due date: record why, and what the client changed "
        "so the next one is held in time.",
    )
    attempt(review_return, review=review, actor=people.reviewer.user)


def load_baltic(today: date) -> None:
    body = Body.objects.filter(legal_name=BALTIC).first()
    admin = User.objects.filter(email=BALTIC_ADMIN).first()
    if body is None or admin is None:
        return
    attempt(numbering_set, body=body, kind="certificate", pattern=CERTIFICATE_PATTERN, actor=admin)
    people = _people(body, admin, today)
    if people is None:
        return
    three_years = relativedelta(years=3)
    granted: dict[str, Certificate] = {}
    # the grants in the order they were decided (so their numbers follow the calendar)
    for name, spec in sorted(CLIENTS.items(), key=lambda item: item[1]["granted"](today, three_years)):
        client = _client(people, name, spec["short"], spec["country"], spec["sector"], spec["site"])
        if client is None:
            continue
        certificate, _stage_2 = _certified(
            people,
            client,
            spec["sector"],
            spec["scope"],
            spec["granted"](today, three_years),
            rounds=spec.get("rounds", []),
            transfer=spec.get("transfer", False),
        )
        if certificate is not None:
            granted[name] = certificate

    # the expired certificate's surveillances were held and maintained (its client did not recertify), so its
    # programme shows no surveillance overdue; the other cycles' earlier dates end with their new cycle
    _surveillances(people, granted.get("Kuressaare Sadamatehnika OÜ"), today)

    # withdrawn at the client's request (it sold the business)
    withdrawn = granted.get("Narva Soojus AS")
    if withdrawn is not None:
        decide(
            people.decider,
            "withdraw",
            "The client sold its heat business to the municipality and asked for the certificate to be "
            "withdrawn; nothing remains to certify.",
            today - timedelta(days=40),
            certificate=withdrawn,
        )

    # recertified: its cycle ends in two months; the recertification was decided in time (cycle 2)
    recertified = granted.get("Valmieras Stikla Apstrāde SIA")
    if recertified is not None:
        engagement = _recertification(people, recertified, today - timedelta(days=30), "17")
        decide(
            people.decider,
            "recertify",
            "The recertification audit confirms the system's continued conformity and effectiveness over the "
            "cycle; decided before the expiry, the new cycle continues from it.",
            today - timedelta(days=10),
            engagement=engagement,
            certificate=recertified,
        )
        close(engagement, people.admin)

    # restored: expired three months ago; the recertification audit was done after the expiry
    restored = granted.get("Jõhvi Katlamaja AS")
    restore_audit = (
        _recertification(people, restored, today - timedelta(days=45), "25") if restored is not None else None
    )

    # the platform's daily sweeps, as on the day the demo is loaded: expiry first (Kuressaare's and Jõhvi's
    # certificates), then the proposals (the missed surveillances of Pärnu's and Liepāja's)
    attempt(certificate_expire_due)
    if restored is not None and restore_audit is not None:
        decide(
            people.decider,
            "restore",
            "The recertification audit after the expiry found the system conforming; restored within six months "
            "of the expiry, with the days without certification shown on the certificate.",
            today - timedelta(days=5),
            engagement=restore_audit,
            certificate=restored,
        )
        close(restore_audit, people.admin)
    attempt(proposals_sweep)
    _late_surveillance(people, granted.get("Liepājas Metālapstrāde SIA"), today)

    # suspended on the proposal: its first surveillance was missed (Liepāja's proposal stays open)
    suspended = granted.get("Pärnu Teraskonstruktsioonid OÜ")
    proposal = (
        Proposal.objects.filter(certificate=suspended, kind="suspend", status="open").first()
        if suspended is not None
        else None
    )
    if proposal is not None:
        decide(
            people.decider,
            "suspend",
            "The first surveillance audit was not held by its due date and the client has not proposed a date; "
            "certification is suspended until the surveillance is done.",
            today,
            proposal=proposal,
        )
