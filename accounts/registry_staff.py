"""Registry staff: one group holding every back-office permission of the platform's own apps.

It is kept in step after every migration, so a new model's permissions reach staff without a manual step.
Superusers manage accounts and groups themselves (django.contrib.auth), which the group does not cover.
"""

from __future__ import annotations

from typing import Any

REGISTRY_STAFF_GROUP = "Registry staff"
PLATFORM_APPS = (
    "accounts",
    "core",
    "reference",
    "bodies",
    "competence",
    "documents",
    "reminders",
    "clients",
    "impartiality",
    "audits",
    "webhooks",
)


def ensure_registry_staff_group(**kwargs: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=REGISTRY_STAFF_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=PLATFORM_APPS)
    group.permissions.set(permissions)
