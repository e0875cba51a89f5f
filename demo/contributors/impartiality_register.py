"""The demo's impartiality registers and committees (H3): for each approved demo body a register of six
realistic risks across the four threats (self-interest, self-review, familiarity, intimidation), owned by its
people, and its impartiality committee's two meetings — one thirteen months ago that reviewed the familiarity
risk (whose next review, a year later, has now passed: the register's one overdue risk) and gave an action
since marked done, and one two months ago that reviewed three other risks and gave an action still open. The
registry's own register has three risks kept by registry staff.

Everything is written through the impartiality services (and the bodies' membership service, which gives each
body's administrator the committee role beside the committee members the bodies part made), by the body's
administrator or registry staff.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from accounts.models import User
from bodies.models import Body, Membership, Role
from bodies.services import membership_set_roles
from impartiality import services as impartiality
from impartiality.models import Risk

from ..registry import Contributor, DemoContext, register

STAFF = "registry@icr.example"

#: (title, source kind, source, threat, likelihood, impact, mitigation, owner's email or None for the admin,
#: months to the next review)
RiskRow = tuple[str, str, str, str, int, int, str, str | None, int]

NORDIC_RISKS: list[RiskRow] = [
    (
        "Fee dependence on Reykjanes Geothermal Power",
        "relationship",
        "Verification of Reykjanes Power's annual GHG statements is close to a fifth of the body's fee income.",
        "self_interest",
        3,
        4,
        "Fees fixed in the contract before the engagement; the decision is taken by someone outside the team; "
        "the committee reviews the share of income from each client every year.",
        None,
        6,
    ),
    (
        "Auditors who earlier advised clients on their GHG inventories",
        "person",
        "Two auditors worked as GHG consultants before joining; some of their former clients are now clients.",
        "self_review",
        2,
        5,
        "Declarations of interest before every engagement; two-year cooling-off after consultancy, enforced by "
        "the conflict check at team confirmation.",
        "gunnar@nordic-verification.example",
        9,
    ),
    (
        "Long-standing lead auditor at the aluminium smelter",
        "person",
        "The same lead auditor has led the Austfirðir Aluminium verification for six consecutive years.",
        "familiarity",
        4,
        3,
        "Rotate the lead auditor at least every five years; an independent reviewer outside the team.",
        "anna@nordic-verification.example",
        0,  # reviewed thirteen months ago at the first meeting, a year allowed: overdue now
    ),
    (
        "Pressure from a large client to issue a positive opinion",
        "relationship",
        "A large proponent has hinted it may move its verification elsewhere if findings delay issuance.",
        "intimidation",
        2,
        4,
        "Escalation to the managing director; findings decided on evidence only; complaints procedure open to "
        "the team.",
        "einar@nordic-verification.example",
        4,
    ),
    (
        "Shared office with a carbon consultancy",
        "activity",
        "The body sub-lets office space to Kolefnisráðgjöf ehf., consultant to one of its projects.",
        "self_review",
        2,
        2,
        "Separate premises and IT; no staff shared; the consultancy's projects verified by a team with no "
        "contact with it.",
        None,
        8,
    ),
    (
        "Gifts and hospitality at site visits",
        "activity",
        "Clients in remote regions offer meals, lodging and transport during site visits.",
        "self_interest",
        3,
        1,
        "Gifts and hospitality policy; the body pays its own lodging; offers recorded in the declaration.",
        "helga@nordic-verification.example",
        10,
    ),
]

BALTIC_RISKS: list[RiskRow] = [
    (
        "Certification of a company owned by a director's relative",
        "relationship",
        "A board member's brother holds shares in a fish-processing client.",
        "self_interest",
        2,
        5,
        "The director takes no part in decisions on that client; declared annually.",
        None,
        7,
    ),
    (
        "Internal audit services offered by the parent group",
        "activity",
        "The body's parent group offers internal audits to organisations the body certifies.",
        "self_review",
        3,
        4,
        "No certification within two years of internal audit by the group; client list compared every quarter.",
        None,
        5,
    ),
    (
        "Same lead auditor at the aluminium extruder since 2019",
        "person",
        "Kadri Kask has led every surveillance and recertification audit of the extruder since 2019.",
        "familiarity",
        4,
        3,
        "Lead auditor rotation at the next recertification; a second auditor from outside the region.",
        "kadri@baltic-certification.example",
        0,  # overdue (see above)
    ),
    (
        "Client threatens legal action over a major nonconformity",
        "relationship",
        "A client contested a major nonconformity and threatened to sue the auditor personally.",
        "intimidation",
        2,
        3,
        "The body, not the auditor, answers; appeals handled by people outside the audit team.",
        "peeter@baltic-certification.example",
        3,
    ),
    (
        "Auditor paid per audit day",
        "person",
        "External auditors are paid per audit day, an incentive to extend audits.",
        "self_interest",
        2,
        2,
        "Audit duration set by the programme manager from the standard's tables, not by the auditor.",
        None,
        9,
    ),
    (
        "Training courses for clients' staff",
        "activity",
        "The body runs public ISO 14001 training courses that clients' staff attend.",
        "self_review",
        1,
        3,
        "Public courses only, no client-specific advice; trainers do not audit attendees' organisations for two "
        "years.",
        None,
        11,
    ),
]

REGISTRY_RISKS: list[tuple[str, str, str, str, int, int, str, int]] = [
    (
        "Registry fees paid by the bodies it approves",
        "relationship",
        "Approved bodies pay the registry's annual fees, which fund the staff who decide on their approval.",
        "self_interest",
        2,
        4,
        "Fees fixed by published schedule, not by decision; approvals decided by two staff members.",
        -1,  # its yearly review is a month late: the registry home's queue shows it
    ),
    (
        "Former body staff now working at the registry",
        "person",
        "Registry staff recruited from a validation and verification body may review their former employer.",
        "familiarity",
        3,
        3,
        "Two years without decisions on a former employer; declared on recruitment and each year.",
        9,
    ),
    (
        "Methodology developers verifying their own methodologies",
        "activity",
        "Registry experts who draft methodologies also assess bodies' competence in them.",
        "self_review",
        2,
        3,
        "Assessment panels exclude the methodology's authors.",
        11,
    ),
]

BODIES = {
    "Nordic Carbon Verification ehf.": NORDIC_RISKS,
    "Baltic Management Systems Certification OÜ": BALTIC_RISKS,
}


def _admin_of(body: Body) -> Membership:
    return next(
        m for m in Membership.objects.active().filter(body=body).select_related("user") if m.is_body_admin
    )


def _membership(email: str, body: Body) -> Membership:
    return Membership.objects.select_related("user", "body").get(user__email=email, body=body)


def _load_body(body: Body, rows: list[RiskRow]) -> None:
    today = impartiality.register_today(body)  # the body's own day, which the review rules count from
    admin = _admin_of(body)
    # the body's administrator sits on the committee beside the members who hold the role
    if Role.IMPARTIALITY_COMMITTEE not in admin.roles:
        admin = membership_set_roles(
            membership=admin, roles=[*admin.roles, Role.IMPARTIALITY_COMMITTEE], actor=admin.user
        )
    actor = admin.user
    risks: list[Risk] = []
    for title, source_kind, source, threat, likelihood, impact, mitigation, owner_email, months in rows:
        owner = _membership(owner_email, body) if owner_email else admin
        fields: dict[str, Any] = {
            "title": title,
            "source_kind": source_kind,
            "source": source,
            "threat": threat,
            "likelihood": likelihood,
            "impact": impact,
            "mitigation": mitigation,
            "owner": owner,
            "next_review_on": today + relativedelta(months=months or 12),
        }
        risk = impartiality.risk_create(body=body, actor=actor, fields=fields)
        assert isinstance(risk, Risk)
        risks.append(risk)
    members = list(impartiality_committee(body))
    familiarity = next(risk for risk, row in zip(risks, rows, strict=True) if row[8] == 0)

    # thirteen months ago: the familiarity risk reviewed (next review a year later, now passed) and an action
    first_day = today - relativedelta(months=13)
    first = impartiality.meeting_record(
        body=body,
        actor=actor,
        held_on=first_day,
        attendees=members,
        risks_reviewed=[familiarity],
        conclusions=(
            "The register was reviewed in full. Familiarity with long-standing clients is the main threat; the "
            "committee asked for a rotation plan for lead auditors who have led the same client for five years "
            "or more. No new threat from the body's ownership or finances."
        ),
        actions=[
            {
                "description": "Draw up a rotation plan for lead auditors with five or more years at one client.",
                "owner": familiarity.owner,
                "due_on": first_day + timedelta(days=60),
            }
        ],
    )
    impartiality.action_complete(
        action=first.actions.get(),
        actor=actor,
        note="Rotation plan adopted by management; first rotations scheduled at the next recertifications.",
    )

    # two months ago: three other risks reviewed, an action still open
    second_day = today - relativedelta(months=2)
    reviewed = [risk for risk in risks if risk.pk != familiarity.pk][:3]
    impartiality.meeting_record(
        body=body,
        actor=actor,
        held_on=second_day,
        attendees=members,
        risks_reviewed=reviewed,
        conclusions=(
            "Fee dependence and the earlier consultancy of some auditors remain medium risks, adequately "
            "mitigated. The committee noted pressure from a large client and asked for the escalation route to "
            "be written down and shown to every auditor."
        ),
        actions=[
            {
                "description": "Write the escalation route for pressure from clients and brief every auditor.",
                "owner": reviewed[-1].owner,
                "due_on": today + timedelta(days=30),
            }
        ],
    )


def impartiality_committee(body: Body) -> Any:
    from impartiality.selectors import committee_members

    return committee_members(body)


def _load_registry() -> None:
    today = impartiality.register_today(None)
    staff = User.objects.get(email=STAFF)
    for title, source_kind, source, threat, likelihood, impact, mitigation, months in REGISTRY_RISKS:
        risk = impartiality.registry_risk_create(
            actor=staff,
            fields={
                "title": title,
                "source_kind": source_kind,
                "source": source,
                "threat": threat,
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": mitigation,
                "owner": staff,
                "next_review_on": today + relativedelta(months=max(months, 1)),
            },
        )
        if months < 0:
            # the services refuse a review date in the past: the demo backdates the last review (thirteen months
            # ago) and the next one (a year after it), so one registry risk is overdue
            last = today - relativedelta(years=1, months=-months)
            type(risk).objects.filter(pk=risk.pk).update(
                last_reviewed_on=last, next_review_on=last + relativedelta(years=1)
            )


def load(context: DemoContext) -> None:
    for legal_name, rows in BODIES.items():
        body = Body.objects.filter(legal_name=legal_name).first()
        if body is not None:
            _load_body(body, rows)
    _load_registry()


register(Contributor(key="impartiality_register", order=50, load=load))
