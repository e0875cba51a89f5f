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

from .error_codes import ImpartialityErrorCode

if TYPE_CHECKING:
    from bodies.models.tenants import Body, Membership

    from .models import Declaration

REVIEW_DECLARATIONS = "review_declarations"
MANAGE_IMPARTIALITY = "manage_impartiality"

# declarations
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


# conflicts
# The conflict check is for planners: holders of `review_declarations` or `manage_impartiality` in the body
# (administrators, committee members; registry staff hold every body permission) check anyone of the body; an
# active member checks themselves. Who overrides is the body's `ImpartialityPolicy` (a role; no row: body
# administrators): an active member of the body holding that role, never for a conflict of their own, never
# registry staff (an override is the body's own decision). The body's administrators (`manage_body`) choose
# that role: committee members hold `manage_impartiality` and must not be able to give themselves the power.


def can_plan_conflicts(actor: Principal, body: Body) -> bool:
    """May check anyone of the body and read every override of the body."""
    return has_body_perm(actor, body, REVIEW_DECLARATIONS) or has_body_perm(actor, body, MANAGE_IMPARTIALITY)


def _is_active_self(actor: Principal, membership: Membership) -> bool:
    from bodies.models.tenants import Membership

    return (
        is_signed_in(actor)
        and membership.user_id == actor.pk
        and membership.status == Membership.Status.ACTIVE
    )


def can_check_conflicts(actor: Principal, membership: Membership) -> bool:
    """Planners check anyone of their body; an active member checks themselves."""
    return can_plan_conflicts(actor, membership.body) or _is_active_self(actor, membership)


def require_check_conflicts(actor: Principal, membership: Membership) -> None:
    if not can_check_conflicts(actor, membership):
        raise PermissionDenied(_("You may check conflicts of interest only for yourself."))


def conflict_overrides_readable_by(actor: Principal) -> Q:
    """Overrides a person reads, as a filter: their own, and every override of the bodies they plan for."""
    if not is_signed_in(actor):
        return Q(pk__in=[])
    review = body_ids_with_perm(actor, REVIEW_DECLARATIONS)
    manage = body_ids_with_perm(actor, MANAGE_IMPARTIALITY)
    if review is None or manage is None:
        return Q()
    return Q(membership__user_id=actor.pk) | Q(body_id__in=review) | Q(body_id__in=manage)


def override_role_of(body: Body) -> str:
    """The role that may override a conflict in the body (its policy's, or body administrator by default)."""
    from bodies.models.tenants import Role

    from .models import ImpartialityPolicy

    role = ImpartialityPolicy.objects.filter(body_id=body.pk).values_list("override_role", flat=True).first()
    return role or Role.BODY_ADMIN


def can_override_conflicts(actor: Principal, body: Body) -> bool:
    """An active member of the body holding the role its impartiality policy names (whose conflict it is, is
    the service's other check)."""
    from bodies.models.tenants import Membership

    if not is_signed_in(actor):
        return False
    membership = Membership.objects.active().filter(body_id=body.pk, user_id=actor.pk).first()
    return membership is not None and override_role_of(body) in (membership.roles or ())


def require_override_conflicts(actor: Principal, body: Body) -> None:
    if not can_override_conflicts(actor, body):
        raise PermissionDenied(
            _("Only a person holding the role the body's impartiality policy names may override a conflict."),
            code=ImpartialityErrorCode.OVERRIDE_NOT_ALLOWED,
        )


def can_change_impartiality_policy(actor: Principal, body: Body) -> bool:
    """The body's administrators (`manage_body`) and registry staff."""
    return has_body_perm(actor, body, "manage_body")


def require_change_impartiality_policy(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, "manage_body")


# risk register and committee


def can_manage_impartiality(actor: Principal, body: Body) -> bool:
    return has_body_perm(actor, body, MANAGE_IMPARTIALITY)


def require_manage_impartiality(actor: Principal, body: Body) -> None:
    require_body_perm(actor, body, MANAGE_IMPARTIALITY)
