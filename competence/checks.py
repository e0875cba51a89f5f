"""Who may do what, on which dates (DOMAIN: "People and competence"; ISO/IEC 17021-1 7.1–7.2, ISO 14066).

`person_check_competence` answers for one person and one role; `team_check_coverage` for a proposed team as a
whole: a lead auditor competent for the standard and sector on every planned day; a technical expert never
leads and is never the only auditor; every gap is listed, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Membership, Role
from core.errors import ValidationError
from reference.models import Sector, Standard

from .models import ROLE_IMPLIES, CompetenceRecord

AUDITING_ROLES = (Role.LEAD_AUDITOR, Role.AUDITOR)


@dataclass(frozen=True)
class Gap:
    code: str
    message: str
    person_id: Any = None
    role: str = ""


@dataclass(frozen=True)
class CompetenceResult:
    competent: bool
    gaps: list[Gap] = field(default_factory=list)
    record: CompetenceRecord | None = None


@dataclass(frozen=True)
class TeamMember:
    person: Any
    role: str


@dataclass(frozen=True)
class TeamResult:
    covered: bool
    gaps: list[Gap] = field(default_factory=list)
    members: list[tuple[TeamMember, CompetenceResult]] = field(default_factory=list)


def is_technical_expert(membership: Membership | None) -> bool:
    """A technical expert for the team rules (never leads, never the only auditor): employed as one, or holding
    the body role of technical expert without an auditing role, whatever the employment (an employee the
    body names technical expert is one; a lead auditor who is also a technical expert in a sector still leads).
    """
    if membership is None:
        return False
    if membership.employment == Membership.Employment.TECHNICAL_EXPERT:
        return True
    roles = set(membership.roles or ())
    return Role.TECHNICAL_EXPERT in roles and not roles & set(AUDITING_ROLES)


def _roles_satisfying(role: str) -> set[str]:
    """The record roles that qualify someone for `role` (a lead auditor's competence also makes an auditor)."""
    return {held for held, implied in ROLE_IMPLIES.items() if role in implied} | {role}


def _first_uncovered_day(record: CompetenceRecord, start: date, end: date) -> date | None:
    if record.status != CompetenceRecord.Status.APPROVED or record.evaluated_on is None:
        return start
    if start < record.evaluated_on:
        return start
    if end > record.valid_until:
        return date.fromordinal(record.valid_until.toordinal() + 1)
    return None


def _check(
    *,
    person: Any,
    membership: Membership | None,
    role: str,
    standard: Standard,
    sector: Sector,
    start: date,
    end: date,
    records: Sequence[CompetenceRecord],
) -> CompetenceResult:
    name = str(person)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return CompetenceResult(
            False,
            [
                Gap(
                    "not_active_member",
                    _("%(name)s is not an active member of the body.") % {"name": name},
                    person.pk,
                    role,
                )
            ],
        )
    gaps: list[Gap] = []
    if membership.undertaking_signed_on is None or membership.undertaking_signed_on > start:
        gaps.append(
            Gap(
                "undertaking_not_signed",
                _("%(name)s has not signed the confidentiality and impartiality undertaking.")
                % {"name": name},
                person.pk,
                role,
            )
        )
    wanted = _roles_satisfying(role)
    relevant = [
        r for r in records if r.role in wanted and r.standard_id == standard.pk and r.sector_id == sector.pk
    ]
    covering = [r for r in relevant if _first_uncovered_day(r, start, end) is None]
    if covering:
        return CompetenceResult(not gaps, gaps, max(covering, key=lambda r: r.valid_until))
    labels = dict(Role.choices)
    values = {"name": name, "role": labels.get(role, role), "standard": standard, "sector": sector}
    if not relevant:
        gaps.append(
            Gap(
                "no_competence",
                _("%(name)s has no competence as %(role)s for %(standard)s in %(sector)s.") % values,
                person.pk,
                role,
            )
        )
    else:
        best = max(relevant, key=lambda r: (r.status == CompetenceRecord.Status.APPROVED, r.valid_until))
        if best.status != CompetenceRecord.Status.APPROVED:
            message = _("%(name)s's competence as %(role)s for %(standard)s in %(sector)s is %(status)s.") % {
                **values,
                "status": best.get_status_display().lower(),
            }
            gaps.append(Gap("competence_not_approved", message, person.pk, role))
        else:
            day = _first_uncovered_day(best, start, end)
            message = _(
                "%(name)s's competence as %(role)s for %(standard)s in %(sector)s does not cover %(day)s "
                "(valid %(from)s to %(to)s)."
            ) % {
                **values,
                "day": day.isoformat() if day else "",
                "from": best.evaluated_on,
                "to": best.valid_until,
            }
            gaps.append(Gap("competence_not_valid_on_dates", message, person.pk, role))
    return CompetenceResult(False, gaps)


def _load(
    body: Body, people: Iterable[Any]
) -> tuple[dict[Any, Membership], dict[Any, list[CompetenceRecord]]]:
    ids = [p.pk for p in people]
    memberships = {m.user_id: m for m in Membership.objects.filter(body=body, user_id__in=ids)}
    records: dict[Any, list[CompetenceRecord]] = {pid: [] for pid in ids}
    for record in CompetenceRecord.objects.filter(body=body, person_id__in=ids).select_related(
        "standard", "sector"
    ):
        records[record.person_id].append(record)
    return memberships, records


def person_check_competence(
    *, person: Any, body: Body, role: str, standard: Standard, sector: Sector, start: date, end: date
) -> CompetenceResult:
    """Is the person competent for the role, standard and sector in this body on every planned day?"""
    if end < start:
        raise ValidationError({"end": _("The planned end cannot be before the planned start.")})
    memberships, records = _load(body, [person])
    return _check(
        person=person,
        membership=memberships.get(person.pk),
        role=role,
        standard=standard,
        sector=sector,
        start=start,
        end=end,
        records=records[person.pk],
    )


def team_check_coverage(
    *, body: Body, team: Sequence[TeamMember], standard: Standard, sector: Sector, start: date, end: date
) -> TeamResult:
    """Does the proposed team as a whole cover the engagement? Lists every gap, member by member, then the team's."""
    if end < start:
        raise ValidationError({"end": _("The planned end cannot be before the planned start.")})
    if not team:
        return TeamResult(False, [Gap("empty_team", _("The team has no members."))])
    memberships, records = _load(body, [m.person for m in team])
    gaps: list[Gap] = []
    results: list[tuple[TeamMember, CompetenceResult]] = []
    for member in team:
        result = _check(
            person=member.person,
            membership=memberships.get(member.person.pk),
            role=member.role,
            standard=standard,
            sector=sector,
            start=start,
            end=end,
            records=records[member.person.pk],
        )
        results.append((member, result))
        gaps.extend(result.gaps)

    leads = [m for m in team if m.role == Role.LEAD_AUDITOR]
    experts = {m.person.pk for m in team if is_technical_expert(memberships.get(m.person.pk))}
    experts_leading = [m for m in leads if m.person.pk in experts]
    for member in experts_leading:
        gaps.append(
            Gap(
                "technical_expert_cannot_lead",
                _("%(name)s is a technical expert and cannot lead the team.") % {"name": member.person},
                member.person.pk,
                member.role,
            )
        )
    if not leads:
        gaps.append(Gap("no_lead_auditor", _("The team has no lead auditor.")))
    elif len(leads) > 1:
        gaps.append(Gap("several_lead_auditors", _("The team has more than one lead auditor.")))
    auditors = [m for m in team if m.role in AUDITING_ROLES and m.person.pk not in experts]
    if not auditors:
        gaps.append(
            Gap(
                "technical_expert_only",
                _("A technical expert cannot be the only member: the team needs an auditor."),
            )
        )
    return TeamResult(not gaps, gaps, results)
