"""Per-object grants: a person admitted to one record of a body (one engagement, one appeal panel, one complaint).

A model opts in by declaring `object_grants = ObjectGrants(...)` on its tenant queryset (`core.tenancy`) and
giving guardian a direct-foreign-key grant table. These services write the grants; reading honours them in
`visible_to` / `for_body().granted_to()` and `get_visible_or_404`. Only a holder of the declared body-wide
permission (or registry staff) hands a grant out, only to an active member of the record's body, and each
change is an audit event in the body's chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import PermissionDenied, ValidationError
from .permissions import Principal, has_body_perm, is_registry_staff
from .tenancy import ObjectGrants, user_grant_table

if TYPE_CHECKING:
    from accounts.models import User
    from bodies.models.tenants import Body


def _declaration(obj: models.Model) -> ObjectGrants:
    grants = getattr(type(obj)._default_manager.get_queryset(), "object_grants", None)
    if grants is None:
        raise ValueError(f"{obj._meta.label} does not declare ObjectGrants on its tenant queryset.")
    return grants  # type: ignore[no-any-return]


def body_of(obj: models.Model) -> Body:
    """The body a tenant record belongs to, along its queryset's `tenant_field` path."""
    path = type(obj)._default_manager.get_queryset().tenant_field  # type: ignore[attr-defined]
    target: Any = obj
    for step in path.split("__") if path else ():
        target = getattr(target, step)
    return target  # type: ignore[no-any-return]


def _require_grantor(actor: Principal, body: Body, grants: ObjectGrants) -> None:
    allowed = (
        has_body_perm(actor, body, grants.unless_body_perm)
        if grants.unless_body_perm
        else is_registry_staff(actor)
    )
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this for %(body)s.") % {"body": body})


def _permission(obj: models.Model, codename: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(type(obj)), codename=codename
    )


def object_grant(*, obj: models.Model, user: User, actor: Principal) -> bool:
    """Admits `user` to the record; True when the grant is new (granting twice changes nothing)."""
    from bodies.models.tenants import Membership

    grants = _declaration(obj)
    body = body_of(obj)
    _require_grantor(actor, body, grants)
    if not Membership.objects.filter(user=user, body=body, status=Membership.Status.ACTIVE).exists():
        raise ValidationError(
            {"user": _("Only an active member of %(body)s can be given access.") % {"body": body}}
        )
    table = user_grant_table(type(obj))
    with transaction.atomic():
        _row, created = table._default_manager.get_or_create(
            user=user, permission=_permission(obj, grants.codename), content_object=obj
        )
        if created:
            audit_record(
                actor=actor,
                action="core.object_grant.added",
                obj=obj,
                body=body,
                after={"user": user.email, "permission": grants.codename},
            )
    return created


def object_revoke(*, obj: models.Model, user: User, actor: Principal) -> bool:
    """Takes `user`'s grant on the record away; True when there was one."""
    grants = _declaration(obj)
    body = body_of(obj)
    _require_grantor(actor, body, grants)
    table = user_grant_table(type(obj))
    with transaction.atomic():
        deleted, _rows = table._default_manager.filter(
            user=user, permission=_permission(obj, grants.codename), content_object=obj
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="core.object_grant.removed",
                obj=obj,
                body=body,
                before={"user": user.email, "permission": grants.codename},
            )
    return bool(deleted)


def object_grantees(obj: models.Model) -> models.QuerySet[User]:
    """The people granted this record (not those who see it through a body-wide permission)."""
    from accounts.models import User

    grants = _declaration(obj)
    granted = user_grant_table(type(obj))._default_manager.filter(
        content_object=obj, permission__codename=grants.codename
    )
    return User.objects.filter(pk__in=granted.values("user_id")).order_by("full_name", "email")
