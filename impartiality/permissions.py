"""Who may do what with declarations of interest, conflicts, the risk register and the committee.

- `review_declarations`: the body's administrators and impartiality committee members review declarations
  (never their own) and read every relationship of the body's declarations;
- `manage_impartiality`: the body's administrators and committee members keep the risk register, the
  committee's meetings and actions, and the body's impartiality policy;
- a declarant always reads and drafts their own declarations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.permissions import Principal, has_body_perm, require_body_perm

if TYPE_CHECKING:
    from bodies.models.tenants import Body

REVIEW_DECLARATIONS = "review_declarations"
MANAGE_IMPARTIALITY = "manage_impartiality"

# --- declarations, reviews and conflicts (H2) ---

# --- risk registers and committee (H3) ---


def can_manage_impartiality(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_IMPARTIALITY)


def require_manage_impartiality(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_IMPARTIALITY)
