"""Reads of conflict overrides, shaped for constant query counts (the conflict check itself is a service:
`impartiality.services.conflict_check`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import ConflictOverride
from ..permissions import conflict_overrides_readable_by


def _listed(queryset: QuerySet[ConflictOverride]) -> QuerySet[ConflictOverride]:
    return queryset.select_related("membership__user", "client", "project", "overridden_by", "body").order_by(
        "-created_at", "id"
    )


def conflict_override_list() -> QuerySet[ConflictOverride]:
    """Overrides with the person, the counterparty and who overrode, newest first."""
    return _listed(ConflictOverride.objects.all())


def conflict_overrides_readable(user: Any, token: Any = None) -> QuerySet[ConflictOverride]:
    """The overrides `user` (or the bearer token) may read: a token its body's; a person their own and every
    override of the bodies they plan for (holders of review_declarations or manage_impartiality); staff all."""
    queryset = ConflictOverride.objects.visible_to(user, token)
    if token is None:
        queryset = queryset.filter(conflict_overrides_readable_by(user))
    return _listed(queryset)
