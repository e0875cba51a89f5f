"""`{% load mfa %}{% mfa_card %}`: the profile's two-step login card (its state read here, so the profile view
needs no change)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.mfa.services import mfa_enabled, mfa_required_for, recovery_codes_left

register = template.Library()


@register.inclusion_tag("accounts/partials/_mfa.html", takes_context=True)
def mfa_card(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    enabled = mfa_enabled(user)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "mfa_enabled": enabled,
        "mfa_required": mfa_required_for(user),
        "recovery_codes_left": recovery_codes_left(user) if enabled else 0,
    }
