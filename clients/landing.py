"""Where a client user lands (`core.landing`): a logged-in person without an active body who reads a client's
records goes to the client view, not to "apply as a body"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse

from core.landing import Landing, register

from .permissions import is_client_user


def client_view_landing(user: Any) -> str | None:
    return reverse("clients:client-view") if is_client_user(user) else None


register(Landing(key="clients.client_view", destination=client_view_landing, order=10))


@receiver(user_logged_in, dispatch_uid="clients.client_view_menu")
def remember_client_view(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging in notes, once, whether the person reads a client (the user menu's "Client view" link reads the
    session, not the database, on every page)."""
    if request is not None and hasattr(request, "session") and is_client_user(user):
        request.session["client_view"] = True
