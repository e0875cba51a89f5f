"""Who may do what with engagements and findings.

- `manage_engagements` (body administrators, the body's planners): create, plan and schedule engagements,
  propose and confirm teams, cancel;
- `view_all_engagements` (body administrators, independent reviewers, decision makers): read every engagement
  of the body; everyone else reads the engagements they were granted (`view_engagement`, given to each team
  member: the kernel's per-object grants, `core.tenancy.ObjectGrants`);
- the lead auditor of an engagement runs its fieldwork (start, findings, report);
- a client user reads their own engagements' plan, findings addressed to them and the final report through the
  client view (`clients.permissions.client_ids_for_user`), never internal notes.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bodies.models.tenants import Body, Membership
from clients.permissions import client_ids_for_user
from core.errors import PermissionDenied
from core.permissions import Principal, has_body_perm, is_signed_in, require_body_perm

from .error_codes import AuditsErrorCode
from .models import Engagement, Finding, TeamMember

MANAGE_ENGAGEMENTS = "manage_engagements"
VIEW_ALL_ENGAGEMENTS = "view_all_engagements"


def can_manage_engagements(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_ENGAGEMENTS)


def require_manage_engagements(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_ENGAGEMENTS)


# findings: the team (TeamMember rows of active memberships; registry staff are never on a team) raises, changes, judges,
# verifies and closes findings; the client's users answer them in the client view; a holder of
# manage_engagements may record on the client's behalf a response received otherwise (marked so).


def team_roles_of(actor: Principal, engagement: Engagement) -> set[str]:
    """The roles `actor` holds on `engagement`'s team (empty when not on it)."""
    if not is_signed_in(actor):
        return set()
    return set(
        TeamMember.objects.filter(
            engagement_id=engagement.pk,
            membership__user_id=actor.pk,
            membership__status=Membership.Status.ACTIVE,
        ).values_list("role", flat=True)
    )


def is_on_team(actor: Principal, engagement: Engagement) -> bool:
    return bool(team_roles_of(actor, engagement))


def require_on_team(actor: Principal, engagement: Engagement) -> None:
    if not is_on_team(actor, engagement):
        raise PermissionDenied(
            _("Only a member of the engagement's team may do this."), code=AuditsErrorCode.NOT_ON_TEAM
        )


def is_client_user_of(user: Principal, engagement: Engagement) -> bool:
    """Whether `user` reads `engagement`'s client in the client view (the one access rule of client users)."""
    return client_ids_for_user(user).filter(client_id=engagement.client_id).exists()


def can_respond_to_finding(actor: Principal, finding: Finding) -> bool:
    """The client's users answer its findings; a planner may record a response the client sent otherwise."""
    engagement = finding.engagement
    return is_client_user_of(actor, engagement) or can_manage_engagements(actor, engagement.body)


def can_work_on_findings(actor: Principal, engagement: Engagement) -> bool:
    """Raise, change, judge, verify and close findings: the engagement's team."""
    return is_on_team(actor, engagement)
