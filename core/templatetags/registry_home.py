"""`{% registry_home %}`: the registry home's queues and charts (`core.registry_home`), placed on the back
office's index page by `templates/admin/registry_home.html`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.registry_home import render_home

register = template.Library()


@register.simple_tag(takes_context=True)
def registry_home(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    return render_home(request)
