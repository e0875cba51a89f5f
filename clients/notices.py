"""Who is told what about client users (`reminders.notices`): the body's administrators when a person accepts
an invitation; the person when the body revokes their access."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.notices import Notice, NoticeKind, register
from reminders.recipients import body_administrators


def _the_client_user(notice: Notice) -> list[Any]:
    user = notice.subject.user
    return [user] if user is not None else []


register(
    NoticeKind(
        key="clients.client_user.accepted",
        title=_("%(person)s accepted the invitation to %(client)s's client view"),
        message=_("%(person)s now reads %(client)s's records in the client view."),
        audience=body_administrators,
        url=lambda client_user: reverse("clients:users", args=[client_user.client_id]),
        label=_("Client user accepted an invitation"),
    )
)
register(
    NoticeKind(
        key="clients.client_user.revoked",
        title=_("Your access to %(client)s's records has ended"),
        message=_("%(body)s ended your access to %(client)s's records in the client view."),
        audience=_the_client_user,
        url=lambda client_user: reverse("clients:client-view"),
        label=_("Client view access revoked"),
    )
)
