"""Who may do what with declarations of interest, conflicts, the risk register and the committee.

- `review_declarations`: the body's administrators and impartiality committee members review declarations
  (never their own) and read every relationship of the body's declarations;
- `manage_impartiality`: the body's administrators and committee members keep the risk register, the
  committee's meetings and actions, and the body's impartiality policy;
- a declarant always reads and drafts their own declarations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.permissions import Principal, body_ids_with_perm, has_body_perm, is_signed_in, require_body_perm

if TYPE_CHECKING:
    from bodies.models.tenants import Body

    from .models import Declaration

REVIEW_DECLARATIONS = "review_declarations"
MANAGE_IMPARTIALITY = "manage_impartiality"

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
# Confidentiality of declarations, written once: a declaration and every detail of it (its relationships, the
# review's measures and notes) is read by the declarant, by the holders of `review_declarations` in its body
# (reviewers, body administrators; registry staff hold every body permission) and by the body's bearer tokens
# with the declarations scope (the API's tenancy). Nobody else: other members, client users, the public and
# other bodies see nothing of it (their lists leave it out, its URLs answer 404).


def can_review_declarations(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, REVIEW_DECLARATIONS)


def require_review_declarations(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, REVIEW_DECLARATIONS)


def can_read_declaration(actor: Principal, declaration: Declaration) -> bool:
    """The declarant, the body's reviewers and administrators, registry staff."""
    if not is_signed_in(actor):
        return False
    return declaration.declarant_id == actor.pk or can_review_declarations(actor, declaration.body)


def require_read_declaration(actor: Principal, declaration: Declaration) -> None:
    if not can_read_declaration(actor, declaration):
        raise PermissionDenied(_("Only the declarant and the body's reviewers can read this declaration."))


def declarations_readable_by(
    actor: Principal, *, body_field: str = "body_id", declarant_field: str = "declarant_id"
) -> Q:
    """`can_read_declaration` as a filter (one subquery, never a check per row): the actor's own declarations
    and every declaration of the bodies where they review declarations."""
    if not is_signed_in(actor):
        return Q(pk__in=[])
    reviewed = body_ids_with_perm(actor, REVIEW_DECLARATIONS)
    if reviewed is None:
        return Q()
    return Q(**{declarant_field: actor.pk}) | Q(**{f"{body_field}__in": reviewed})


# --- risk registers and committee (H3) ---


def can_manage_impartiality(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_IMPARTIALITY)


def require_manage_impartiality(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_IMPARTIALITY)
