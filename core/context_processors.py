from typing import Any

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    """The active body and the body switcher, lazily (no query unless a template uses them)."""
    active = getattr(request, "active", None)
    return {"active": active}
