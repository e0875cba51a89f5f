"""The engagement's gates (issue 9 §2): body eligibility, and for every team member the competence service, the
conflict service (with its per-engagement declaration) and the rotation and separation rules.

Nothing here re-implements another capability's rule: eligibility is `bodies.selectors.body_check_eligibility`,
competence `competence.selectors.team_check_coverage`, conflicts `impartiality.services.conflict_check`. What is
this capability's own: who verifies a project that a team validated (separation), how often one body verifies the
same project in a row (rotation), and that every failure is listed — the person and the rule — never only the
first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Membership, Role
from bodies.selectors import body_check_eligibility
from competence.selectors import TeamMember as CompetenceMember
from competence.selectors import team_check_coverage
from core.errors import ValidationError, coded
from impartiality.services import conflict_check, conflict_check_many

from ..error_codes import AuditsErrorCode
from ..models import (
    ASSURANCE_KINDS,
    Engagement,
    EngagementKind,
    EngagementStatus,
    RotationExemption,
    TeamMember,
)

#: the kinds whose team validated a project (its members may not verify it)
VALIDATING_KINDS = (EngagementKind.VALIDATION, EngagementKind.VALIDATION_VERIFICATION)
#: the kinds that verify a project (counted by the rotation rule)
VERIFYING_KINDS = tuple(ASSURANCE_KINDS)


@dataclass(frozen=True)
class GateFailure:
    """One refusal: the rule (a stable code), the person it is about (None: about the engagement or the body)
    and the words naming both."""

    rule: str
    message: str
    membership_id: Any = None


@dataclass
class GateReport:
    failures: list[GateFailure] = field(default_factory=list)
    #: the cleared per-engagement declaration of each member (membership id → declaration)
    declarations: dict[Any, Any] = field(default_factory=dict)
    same_body_validated: bool = False

    @property
    def passed(self) -> bool:
        return not self.failures

    def error(self) -> ValidationError:
        """Every failure as one coded error (the team's gate)."""
        return ValidationError([coded(f.message, AuditsErrorCode.TEAM_GATE_FAILED) for f in self.failures])


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


# --- body eligibility -----------------------------------------------------------------------------------------


def eligibility_failures(
    *, body: Body, activity: Any, standard: Any, sector: Any, start: date, end: date
) -> list[GateFailure]:
    """Every reason the body may not perform the work on every day from `start` to `end` (the bodies
    capability's eligibility)."""
    result = body_check_eligibility(
        body=body, activity=activity, standard=standard, sector=sector, start=start, end=end
    )
    if result.eligible:
        return []
    return [GateFailure(reason.code, reason.message) for reason in result.reasons]


def require_eligible(
    *, body: Body, activity: Any, standard: Any, sector: Any, start: date, end: date
) -> None:
    failures = eligibility_failures(
        body=body, activity=activity, standard=standard, sector=sector, start=start, end=end
    )
    if failures:
        raise ValidationError(
            [
                coded(
                    _("The body is not eligible: %(reason)s") % {"reason": f.message},
                    AuditsErrorCode.BODY_NOT_ELIGIBLE,
                )
                for f in failures
            ]
        )


# --- rotation and separation ----------------------------------------------------------------------------------


def validators_of_project(registry_number: str, *, exclude_engagement: Any = None) -> set[Any]:
    """The user ids of everyone on a team that validated the project (any body, matched by registry number;
    cancelled engagements do not count). One query."""
    rows = TeamMember.objects.filter(
        engagement__kind__in=VALIDATING_KINDS,
        engagement__project__registry_number=registry_number,
    ).exclude(engagement__status=EngagementStatus.CANCELLED)
    if exclude_engagement is not None:
        rows = rows.exclude(engagement_id=exclude_engagement)
    return set(rows.values_list("membership__user_id", flat=True))


def same_body_validated(engagement: Engagement) -> bool:
    """Did the engagement's body validate the project it verifies (disclosed in the report)? One query."""
    if engagement.kind not in VERIFYING_KINDS or engagement.project is None:
        return False
    return (
        Engagement.objects.filter(
            body_id=engagement.body_id,
            kind__in=VALIDATING_KINDS,
            project__registry_number=engagement.project.registry_number,
        )
        .exclude(status=EngagementStatus.CANCELLED)
        .exclude(pk=engagement.pk)
        .exists()
    )


def verifications_in_a_row(engagement: Engagement) -> int:
    """How many of the project's verifications before this one (non-cancelled, every body, matched by
    registry number, most recent first) the engagement's body did in a row, stopping at another body's."""
    assert engagement.project is not None
    rows = (
        Engagement.objects.filter(
            kind__in=VERIFYING_KINDS,
            project__registry_number=engagement.project.registry_number,
            planned_start__lte=engagement.planned_start,
        )
        .exclude(status=EngagementStatus.CANCELLED)
        .exclude(pk=engagement.pk)
        .order_by("-planned_start", "-created_at")
        .values_list("body_id", flat=True)[: settings.VERIFICATION_ROTATION_LIMIT + 1]
    )
    count = 0
    for body_id in rows:
        if body_id != engagement.body_id:
            break
        count += 1
    return count


def rotation_exempt(engagement: Engagement) -> bool:
    """Does a valid registry exemption let the body verify the project once more? One query."""
    assert engagement.project is not None
    return (
        RotationExemption.objects.filter(
            body_id=engagement.body_id, project__registry_number=engagement.project.registry_number
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=engagement.planned_start))
        .exists()
    )


def rotation_failures(engagement: Engagement) -> list[GateFailure]:
    """The body's own rotation limit for a verification (empty for other kinds)."""
    if engagement.kind not in VERIFYING_KINDS or engagement.project is None:
        return []
    limit = settings.VERIFICATION_ROTATION_LIMIT
    done = verifications_in_a_row(engagement)
    if done < limit or rotation_exempt(engagement):
        return []
    return [
        GateFailure(
            "rotation_limit",
            _(
                "Rotation: %(body)s has verified the project %(project)s %(count)s times in a row; a body may verify "
                "the same project at most %(limit)s times in a row unless the registry records an exemption."
            )
            % {
                "body": engagement.body,
                "project": engagement.project.registry_number,
                "count": done,
                "limit": limit,
            },
        )
    ]


# --- the members' gates ---------------------------------------------------------------------------------------


def _counterparty(engagement: Engagement) -> dict[str, Any]:
    if engagement.project_id is not None:
        return {"project": engagement.project}
    return {"client": engagement.client}


def cleared_declarations(engagement: Engagement, memberships: Iterable[Membership]) -> dict[Any, Any]:
    """Each person's latest per-engagement declaration for the engagement's client or project that was
    reviewed and does not bar (membership id → declaration). One query."""
    declaration_model = apps.get_model("impartiality", "Declaration")
    ids = [m.pk for m in memberships]
    if not ids:
        return {}
    rows = declaration_model.objects.filter(
        body_id=engagement.body_id, membership_id__in=ids, kind="engagement", status="reviewed"
    ).exclude(review_outcome="barring")
    if engagement.project_id is not None:
        rows = rows.filter(project_id=engagement.project_id)
    else:
        rows = rows.filter(client_id=engagement.client_id, project__isnull=True)
    found: dict[Any, Any] = {}
    for declaration in rows.order_by("membership_id", "-version"):
        found.setdefault(declaration.membership_id, declaration)
    return found


def member_failures(
    engagement: Engagement,
    members: Sequence[tuple[Membership, str]],
    *,
    start: date | None = None,
    end: date | None = None,
    separation: set[Any] | None = None,
) -> list[GateFailure]:
    """Every gate failure of each (membership, role): competence (with the team's own rules when `members` is
    the whole team), conflicts (the conflict service, overrides counted, the per-engagement declaration
    included) and separation from the project's validation."""
    start = start or engagement.planned_start
    end = end or engagement.planned_end
    failures: list[GateFailure] = []
    if not members:
        return failures
    by_user = {m.user_id: m for m, _role in members}
    coverage = team_check_coverage(
        body=engagement.body,
        team=[CompetenceMember(person=m.user, role=role) for m, role in members],
        standard=engagement.standard,
        sector=engagement.sector,
        start=start,
        end=end,
    )
    for gap in coverage.gaps:
        membership = by_user.get(gap.person_id)
        failures.append(
            GateFailure(
                f"competence:{gap.code}", gap.message, membership.pk if membership is not None else None
            )
        )
    if separation is None:
        separation = (
            validators_of_project(engagement.project.registry_number, exclude_engagement=engagement.pk)
            if engagement.kind == EngagementKind.VERIFICATION and engagement.project is not None
            else set()
        )
    for membership, _role in members:
        report = conflict_check(
            membership=membership, starts_on=start, ends_on=end, **_counterparty(engagement)
        )
        for conflict in report.bars:
            failures.append(GateFailure(f"conflict:{conflict.rule}", conflict.summary, membership.pk))
        if membership.user_id in separation:
            failures.append(
                GateFailure(
                    "separation",
                    _(
                        "Separation: %(name)s was on a team that validated the project %(project)s and may not "
                        "verify it."
                    )
                    % {"name": _name(membership), "project": engagement.project.registry_number},  # type: ignore[union-attr]
                    membership.pk,
                )
            )
    return failures


def team_gates(engagement: Engagement, *, start: date | None = None, end: date | None = None) -> GateReport:
    """Every gate of the whole team on the engagement's dates (or the given ones): each member's competence,
    conflicts and declaration, separation, the team's composition, the body's rotation limit and eligibility."""
    start = start or engagement.planned_start
    end = end or engagement.planned_end
    team = list(engagement.team.select_related("membership__user").order_by("role", "id"))
    report = GateReport()
    report.failures.extend(
        eligibility_failures(
            body=engagement.body,
            activity=engagement.activity,
            standard=engagement.standard,
            sector=engagement.sector,
            start=start,
            end=end,
        )
    )
    if not any(member.role == Role.LEAD_AUDITOR for member in team):
        report.failures.append(GateFailure("no_lead_auditor", _("The team has no lead auditor.")))
    report.failures.extend(
        failure
        for failure in member_failures(
            engagement, [(m.membership, m.role) for m in team], start=start, end=end
        )
        if failure.rule != "competence:no_lead_auditor"
    )
    report.failures.extend(rotation_failures(engagement))
    report.declarations = cleared_declarations(engagement, [m.membership for m in team])
    report.same_body_validated = same_body_validated(engagement)
    return report


# --- candidates -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    membership: Membership
    reasons: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.reasons)


def team_candidates(*, engagement: Engagement, role: str) -> list[Candidate]:
    """Every active member of the body not on the team yet, with each reason they cannot be assigned in `role`
    (competence, conflict and declaration, separation), before anyone tries. The competence and separation
    reads, and the conflict service's for all of them at once, are a constant few queries whatever the number of
    candidates."""
    on_team = set(engagement.team.values_list("membership_id", flat=True))
    people = list(
        Membership.objects.active()
        .filter(body_id=engagement.body_id, user__is_active=True)
        .exclude(pk__in=on_team)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    separation = (
        validators_of_project(engagement.project.registry_number, exclude_engagement=engagement.pk)
        if engagement.kind == EngagementKind.VERIFICATION and engagement.project is not None
        else set()
    )
    reasons: dict[Any, list[str]] = {m.pk: [] for m in people}
    if people:
        coverage = team_check_coverage(
            body=engagement.body,
            team=[CompetenceMember(person=m.user, role=role) for m in people],
            standard=engagement.standard,
            sector=engagement.sector,
            start=engagement.planned_start,
            end=engagement.planned_end,
        )
        by_user = {m.user_id: m.pk for m in people}
        for member, result in coverage.members:
            for gap in result.gaps:
                reasons[by_user[member.person.pk]].append(gap.message)
    reports = (
        conflict_check_many(
            memberships=people,
            starts_on=engagement.planned_start,
            ends_on=engagement.planned_end,
            **_counterparty(engagement),
        )
        if people
        else {}
    )
    for membership in people:
        if (
            role == Role.LEAD_AUDITOR
            and Role.TECHNICAL_EXPERT in (membership.roles or ())
            and not ({Role.LEAD_AUDITOR, Role.AUDITOR} & set(membership.roles or ()))
        ):
            reasons[membership.pk].append(
                _("%(name)s is a technical expert and cannot lead the team.") % {"name": _name(membership)}
            )
        reasons[membership.pk].extend(conflict.summary for conflict in reports[membership.pk].bars)
        if membership.user_id in separation:
            reasons[membership.pk].append(
                _(
                    "Separation: %(name)s was on a team that validated the project %(project)s and may not verify it."
                )
                % {"name": _name(membership), "project": engagement.project.registry_number}  # type: ignore[union-attr]
            )
    return [Candidate(membership=m, reasons=tuple(reasons[m.pk])) for m in people]
