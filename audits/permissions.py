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

from typing import TYPE_CHECKING

from core.permissions import Principal, has_body_perm, require_body_perm

if TYPE_CHECKING:
    from bodies.models.tenants import Body

MANAGE_ENGAGEMENTS = "manage_engagements"
VIEW_ALL_ENGAGEMENTS = "view_all_engagements"


def can_manage_engagements(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_ENGAGEMENTS)


def require_manage_engagements(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_ENGAGEMENTS)


# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
